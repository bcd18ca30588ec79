"""The Load Production node: a production's artefact (the approved shot list, say) in a workflow, read from
the plain JSON the production agents publish in `<data dir>/productions/<id>/` (so ComfyUI needs no LangGraph).
For a shot list it also gives one prompt, negative prompt, seed and duration per shot, as lists that drive a
generation node once per shot."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from comfy_api.latest import io, ui

from agents.artefacts import ARTEFACT_KINDS, ShotList, parse_artefact, to_markdown
from agents.sealing import read_published_text

from .types import category, described, node_id

PRODUCTION_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{2,63}$")


def production_folder(production_id: str, data_dir: Path | None = None) -> Path:
    """The production's published folder, confined to the data directory (ids cannot name a path)."""
    if not PRODUCTION_ID.match(production_id):
        raise ValueError(
            "production id: lowercase letters, digits, - and _ (as `kijkocut produce list` shows)"
        )
    from workflows_library.config import default_data_dir

    root = Path(os.path.realpath((data_dir or default_data_dir(os.environ)) / "productions"))
    folder = Path(os.path.realpath(root / production_id))
    if os.path.commonpath([root, folder]) != str(root):
        raise ValueError(f"production {production_id!r} points outside the data directory")
    return folder


def read_published(
    production_id: str, artefact: str, approved_only: bool, data_dir: Path | None = None
) -> Any:
    folder = production_folder(production_id, data_dir)
    if not (folder / "status.json").is_file():
        raise ValueError(f"no production {production_id!r} in the data directory (KIJKOCUT_DATA_DIR)")
    root = folder.parent.parent  # <data dir>/productions/<id>: the data directory whose keys seal it
    status = json.loads(read_published_text(folder / "status.json", root))
    if not (folder / f"{artefact}.json").is_file():
        raise ValueError(f"production {production_id!r} has no {artefact} yet (state: {status['state']})")
    model = parse_artefact(artefact, json.loads(read_published_text(folder / f"{artefact}.json", root)))
    if approved_only and status.get("approved", {}).get(artefact) != model.version:
        raise ValueError(
            f"the {artefact} of {production_id!r} (v{model.version}) is not approved yet: "
            f"`kijkocut produce review {production_id}`, or untick approved_only"
        )
    return model


class LoadProduction(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("LoadProduction"),
            display_name="Load Production",
            category=category("production"),
            **described(
                "An artefact of a production planned by the agents (kijkocut produce): the shot list's prompts, "
                "seeds and durations per shot, or the VRD, script or budget as text.",
                "shot list",
                "production",
                "storyboard prompts",
                "agents",
            ),
            inputs=[
                io.String.Input(
                    "production_id", tooltip="The production's id, as `kijkocut produce list` shows."
                ),
                io.Combo.Input(
                    "artefact",
                    options=list(ARTEFACT_KINDS),
                    default="shot_list",
                    tooltip="Which artefact to load.",
                ),
                io.Boolean.Input(
                    "approved_only", default=True, tooltip="Refuse an artefact a person has not approved yet."
                ),
            ],
            outputs=[
                io.String.Output(display_name="markdown"),
                io.String.Output(display_name="json"),
                io.String.Output(display_name="prompts", is_output_list=True),
                io.String.Output(display_name="negative_prompts", is_output_list=True),
                io.Int.Output(display_name="seeds", is_output_list=True),
                io.Float.Output(display_name="durations", is_output_list=True),
            ],
            is_output_node=True,
        )

    @classmethod
    def fingerprint_inputs(cls, production_id: str, artefact: str, approved_only: bool) -> Any:
        try:
            status = production_folder(production_id) / "status.json"
            return (status.stat().st_mtime_ns, status.stat().st_size)
        except (OSError, ValueError):
            return float("nan")  # never cached: the error shows again

    @classmethod
    def execute(cls, production_id: str, artefact: str, approved_only: bool) -> io.NodeOutput:
        model = read_published(production_id.strip(), artefact, approved_only)
        text = to_markdown(model)
        shots = model.shots if isinstance(model, ShotList) else []
        return io.NodeOutput(
            text,
            model.model_dump_json(indent=1),
            [shot.prompt for shot in shots],
            [shot.negative_prompt for shot in shots],
            [shot.seed for shot in shots],
            [shot.duration_s for shot in shots],
            ui=ui.PreviewText(text),
        )


NODES: list[type[io.ComfyNode]] = [LoadProduction]
