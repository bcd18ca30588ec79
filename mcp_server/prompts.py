"""Prompt templates: conversation starters that teach a model the tool sequence for common jobs."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import MCPServer
from pydantic import Field


def edit_video_from_clips(
    folder: Annotated[str, Field(description="folder with the clips (workspace-relative or allowed)")] = "",
    goal: Annotated[str, Field(description="what the video should be")] = "a short edit of the clips",
    aspect: Annotated[str, Field(description="'16:9', '9:16' or '1:1'")] = "16:9",
) -> str:
    size = {"9:16": "1080x1920", "1:1": "1080x1080"}.get(aspect, "1920x1080")
    return (
        f"Edit a video with the KijkoCut tools. Goal: {goal}.\n"
        f"1. files_list on {folder or 'the workspace'} to find the clips; media_import the folder or files.\n"
        f"2. project_create with a {size} canvas, then clip_add each clip in order (omit start to append).\n"
        "3. Look with frame_render at a few times; fix with element_trim, element_split, element_move.\n"
        "4. Add titles with text_add (outline, box, animation_in/out) and transitions with transition_add "
        "between neighbouring clips (crossfade, wipe_*, slide_*, push_*, zoom_in, iris...).\n"
        "   Polish: effect_list, then effect_add (colour, blur, vignette...); keyframes_set or "
        "animation_preset_apply (ken_burns, pop_in, slide_in, fade); speed_set for slow motion.\n"
        "5. project_describe to confirm, then export_start and job_wait until done; report the file.\n"
        "Use project_undo if an edit goes wrong. Keep the user informed of each step."
    )


def social_short_from_generated_clip(
    description: Annotated[str, Field(description="what to generate")],
    platform: Annotated[str, Field(description="tiktok, reels or shorts")] = "tiktok",
    caption: Annotated[str, Field(description="text to show over the clip")] = "",
) -> str:
    return (
        f"Make a vertical social video for {platform}: {description}.\n"
        "1. workflow_search for a text-to-video (or image-to-video) workflow; read it with workflow_card.\n"
        "2. workflow_validate with your inputs, then workflow_run; job_wait until the job is done "
        "(call job_wait again while done is false).\n"
        "3. project_create 1080x1920, then job_outputs_import the job into it (adds the clips).\n"
        + (f"4. text_add the caption {caption!r} near the bottom (y about 1600).\n" if caption else "")
        + f"5. export_start with preset {platform!r}, job_wait, and report the file."
    )


def find_and_run_workflow(
    task: Annotated[str, Field(description="what the workflow should do")],
) -> str:
    return (
        f"Find and run a ComfyUI workflow for: {task}.\n"
        "workflow_search, pick the best match and read its inputs with workflow_card; ask the user for any "
        "required input you cannot infer. workflow_validate first: it reports missing models or nodes on the "
        "server. Then workflow_run and job_wait until done, and show the outputs (they are resource links)."
    )


def register(server: MCPServer) -> None:
    server.prompt(title="Edit a video from my clips")(edit_video_from_clips)
    server.prompt(title="Make a social short from a generated clip")(social_short_from_generated_clip)
    server.prompt(title="Find and run a workflow")(find_and_run_workflow)
