"""Indexes ComfyUI's official workflow templates (the `comfyui-workflow-templates` packages every ComfyUI
install has) as cards, without copying them: workflows are read, and converted, only when asked for. Card
ids stay the same across package versions (see template_ids.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import util
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from workflows_library.cards import (
    Category,
    Estimates,
    InputSpec,
    InputTarget,
    InputType,
    MediaKind,
    ModelRequirement,
    OutputSpec,
    Task,
    WorkflowCard,
)
from workflows_library.convert import ui_node_types, ui_to_api
from workflows_library.errors import CardError
from workflows_library.loader import Library
from workflows_library.object_info import NodeDef
from workflows_library.template_ids import (
    TemplateIds,
    add_aliases,
    current_name,
    template_id,
    template_ids,
)

GB = 1024**3
# Where each release line keeps its templates: the index and every workflow in `-json` (0.11 on); the
# index in `-media-other` and the workflows spread over the media bundles (0.4 to 0.10); all of it in the
# package itself (up to 0.3).
_TEMPLATE_PACKAGES = (
    "comfyui_workflow_templates_json",
    "comfyui_workflow_templates_media_other",
    "comfyui_workflow_templates_media_image",
    "comfyui_workflow_templates_media_video",
    "comfyui_workflow_templates_media_api",
    "comfyui_workflow_templates",
)

_TASK_BY_TAG = {
    "text to video": Task.text_to_video,
    "image to video": Task.image_to_video,
    "first last frame": Task.first_last_frame_to_video,
    "flf2v": Task.first_last_frame_to_video,
    "video to video": Task.video_to_video,
    "video edit": Task.video_to_video,
    "text to image": Task.text_to_image,
    "image edit": Task.image_to_image,
    "image to image": Task.image_to_image,
    "inpaint": Task.inpaint,
    "outpaint": Task.inpaint,
    "upscale": Task.upscale,
    "interpolation": Task.frame_interpolation,
    "text to audio": Task.music,
    "music": Task.music,
    "text to speech": Task.speech,
    "tts": Task.speech,
    "speech": Task.speech,
    "voice": Task.speech,
}
_LOADER_FIELD = {"LoadImage": "image", "LoadVideo": "file", "LoadAudio": "audio"}


def template_folders() -> list[Path]:
    """The installed folders of template workflows, the one holding `index.json` first; [] without it."""
    folders: list[Path] = []
    for package in _TEMPLATE_PACKAGES:
        spec = util.find_spec(package)
        for location in (spec.submodule_search_locations or []) if spec else []:
            candidate = Path(location) / "templates"
            if candidate.is_dir() and candidate not in folders:
                folders.append(candidate)
    indexed = [folder for folder in folders if (folder / "index.json").is_file()]
    return [indexed[0], *(f for f in folders if f != indexed[0])] if indexed else []


def templates_dir() -> Path | None:
    """The folder holding `index.json`, or None when no templates are installed."""
    folders = template_folders()
    return folders[0] if folders else None


def _tasks(tags: list[str], media_type: str) -> list[Task]:
    found = []
    for tag in tags:
        for needle, task in _TASK_BY_TAG.items():
            if needle in tag.lower() and task not in found:
                found.append(task)
    return found or [Task.other]


def _category(section: str, tasks: list[Task]) -> Category:
    if Task.upscale in tasks or Task.frame_interpolation in tasks:
        return Category.enhancement
    if section.lower().startswith("audio") or Task.music in tasks or Task.speech in tasks:
        return Category.audio
    if "tools" in section.lower() or Task.image_to_image in tasks or Task.video_to_video in tasks:
        return Category.effects
    return Category.generation


def _models(ui: dict[str, Any]) -> list[ModelRequirement]:
    seen: dict[str, ModelRequirement] = {}
    subgraphs = (ui.get("definitions") or {}).get("subgraphs") or []
    for node in list(ui.get("nodes", [])) + [n for sg in subgraphs for n in sg.get("nodes", [])]:
        if node.get("mode", 0) in (2, 4):
            continue
        for model in (node.get("properties") or {}).get("models") or []:
            if model.get("name") and model["name"] not in seen:
                seen[model["name"]] = ModelRequirement(
                    filename=model["name"], folder=model.get("directory", ""), source=model.get("url", "")
                )
    return list(seen.values())


def template_card(
    entry: dict[str, Any], section: str, ui: dict[str, Any], card_id: str | None = None
) -> WorkflowCard:
    tags = list(entry.get("tags") or []) + list(entry.get("models") or [])
    tasks = _tasks(tags, entry.get("mediaType", ""))
    io = entry.get("io") or {}
    inputs, names = [], set()
    for item in io.get("inputs") or []:
        field = _LOADER_FIELD.get(item.get("nodeType", ""))
        media = item.get("mediaType", "image")
        if field is None or media not in ("image", "video", "audio"):
            continue
        name = media if media not in names else f"{media}_{item['nodeId']}"
        names.add(name)
        inputs.append(
            InputSpec(
                name=name,
                type=InputType(media),
                description=f"{media} for {item.get('nodeType')} node {item['nodeId']}",
                targets=[InputTarget(node_id=str(item["nodeId"]), field=field)],
            )
        )
    outputs = [
        OutputSpec(
            node_id=str(item["nodeId"]),
            kind=MediaKind(item.get("mediaType", "other"))
            if item.get("mediaType") in MediaKind._value2member_map_
            else MediaKind.other,
        )
        for item in io.get("outputs") or []
    ]
    vram = entry.get("vram")
    return WorkflowCard(
        id=card_id or template_id(entry["name"]),
        title=entry.get("title") or entry["name"],
        description=entry.get("description") or entry.get("title") or entry["name"],
        category=_category(section, tasks),
        tasks=tasks,
        tags=tags + ["comfyui template"],
        models=_models(ui),
        inputs=inputs,
        outputs=outputs,
        estimates=Estimates(vram_gb=vram / GB if isinstance(vram, int | float) and vram > 1024 else vram),
        source="template",
        format="ui",
    )


def is_cloud_template(entry: dict[str, Any]) -> bool:
    """Partner-API templates send your media to a third-party service: not private, off by default."""
    return entry["name"].startswith("api_") or entry.get("openSource") is False


def _workflow_file(folders: list[Path], name: str) -> Path | None:
    for folder in folders:
        candidate = folder / f"{name}.json"
        if candidate.is_file():
            return candidate
    return None


def load_templates(
    directory: Path | None = None,
    object_info: Callable[[], dict[str, NodeDef] | None] = lambda: None,
    include_cloud: bool = False,
    ids: TemplateIds | None = None,
) -> Library:
    """Cards for every local template, under ids that do not change with the package version; each
    converts to API format on demand with `object_info()`. `directory`: one folder with `index.json`
    and the workflows, instead of the installed packages."""
    folders = [directory] if directory else template_folders()
    library = Library()
    if not folders:
        return library
    ids = ids or template_ids()
    index = json.loads((folders[0] / "index.json").read_text(encoding="utf-8"))
    entries = [(section, entry) for section in index for entry in section.get("templates", [])]
    installed = {entry["name"] for _, entry in entries}
    media_types: dict[str, str] = {}
    for section, entry in entries:
        if is_cloud_template(entry) and not include_cloud:
            continue
        path = _workflow_file(folders, entry["name"])
        if path is None:
            continue
        card_id = template_id(current_name(entry["name"], ids, installed))
        try:
            ui = json.loads(path.read_text(encoding="utf-8"))
            card = template_card(entry, section.get("title", ""), ui, card_id)
        except (ValueError, ValidationError, KeyError):
            continue  # one malformed template must not hide the others
        if card.id in library.cards:
            continue

        def convert(ui: dict[str, Any] = ui, name: str = entry["name"]) -> dict[str, Any]:
            nodes = object_info()
            if nodes is None:
                raise CardError(
                    f"template {name!r} is in UI format; converting it needs a server's /object_info"
                )
            return ui_to_api(ui, nodes)

        library.add(card, loader=convert, node_types=ui_node_types(ui))
        media_types[card.id] = entry.get("mediaType", "")
    cloud = set() if include_cloud else {name for name in ids.removed if is_cloud_template({"name": name})}
    add_aliases(library, media_types, ids, skip=cloud)
    return library
