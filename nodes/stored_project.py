"""The Load Panel Project node: a project the Timeline panel (or the CLI, or the MCP server pointed at the same
folder) keeps in the projects store under ComfyUI's user folder, as a TIMELINE for the Render and Export nodes.
Its cache key follows the project's content and its media files, so an edit in the panel re-runs the nodes
below it and an unchanged project is served from ComfyUI's cache."""

from __future__ import annotations

import os
import re

from comfy_api.latest import io, ui

from kijkocut.service.errors import ServiceError
from kijkocut.service.store import ProjectStore

from .api_host import projects_dir
from .fingerprint import project_fingerprint
from .timeline_value import TimelineValue
from .types import Timeline, category, described, node_id

NODE_ID = node_id("LoadPanelProject")
ID = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")  # the store's project ids: never a path
LISTED = 8  # projects named in an error: enough to spot a typo, short enough to read


def project_store() -> ProjectStore:
    """The store the panel's HTTP API uses (nodes/api_host.py): `<user dir>/kijkocut/projects`, or
    KIJKOCUT_PROJECTS_DIR."""
    import folder_paths

    return ProjectStore(projects_dir(folder_paths.get_user_directory(), os.environ))


def find_project_id(store: ProjectStore, wanted: str) -> str:
    """The id of the stored project `wanted` names: its id, or its name when exactly one project has it."""
    wanted = wanted.strip()
    if not wanted:
        raise ValueError(
            "project: empty; give a project id (prj_...) or name, as the Timeline panel shows it"
        )
    if _looks_like_id(wanted) and store.file(wanted).is_file():
        return wanted
    projects = store.list()
    named = [p.id for p in projects if p.name == wanted]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise ValueError(
            f"project: {len(named)} projects are named {wanted!r} ({', '.join(named)}); use the id"
        )
    known = ", ".join(f"{p.name!r} ({p.id})" for p in projects[:LISTED]) or "none yet"
    more = f" and {len(projects) - LISTED} more" if len(projects) > LISTED else ""
    raise ValueError(f"project: no stored project {wanted!r} in {store.root}; known: {known}{more}")


def _looks_like_id(text: str) -> bool:
    return ID.match(text) is not None


class LoadPanelProject(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=NODE_ID,
            display_name="Load Panel Project",
            category=category("timeline"),
            **described(
                "A project of the Timeline panel (stored under ComfyUI's user folder) as a timeline for Render "
                "Timeline and Export Timeline. An edit in the panel re-runs the nodes below; selecting this "
                "node opens its project in the panel.",
                "timeline panel",
                "open panel project",
                "stored project",
                "edited timeline",
            ),
            inputs=[
                io.String.Input(
                    "project",
                    default="",
                    tooltip="The project's id (prj_..., the panel's 'Use in graph' fills it in) or its name.",
                )
            ],
            outputs=[Timeline.Output(display_name="timeline"), io.Int.Output(display_name="revision")],
        )

    @classmethod
    def validate_inputs(cls, project: str) -> bool | str:
        if project is None:
            return True  # a linked input: execute checks its value
        try:
            find_project_id(project_store(), project)
        except (ValueError, ServiceError) as exc:
            return str(exc)
        return True

    @classmethod
    def fingerprint_inputs(cls, project: str) -> str:
        store = project_store()
        try:
            project_id = find_project_id(store, project)
            stored = store.snapshot(project_id)
        except (ValueError, ServiceError) as exc:
            return f"unavailable: {exc}"  # execute reports it
        return f"{project_id}:{project_fingerprint(stored, store.directory(project_id))}"

    @classmethod
    def execute(cls, project: str) -> io.NodeOutput:
        store = project_store()
        try:
            project_id = find_project_id(store, project)
            stored = store.snapshot(project_id)
        except ServiceError as exc:
            raise ValueError(f"project: {exc}") from None
        return io.NodeOutput(
            TimelineValue(stored, str(store.directory(project_id))),
            stored.revision,
            ui=ui.PreviewText(f"{stored.name} ({project_id}), revision {stored.revision}"),
        )


NODES: list[type[io.ComfyNode]] = [LoadPanelProject]
