"""The Load Production node: a production's artefact (the approved shot list, say) in a workflow, read from
the plain JSON the production agents publish in `<data dir>/productions/<id>/` (so ComfyUI needs no LangGraph),
or from the checkpoint database when one is configured (a production another worker runs; `agents.lookup`).
For a shot list it also gives one prompt, negative prompt, seed and duration per shot, as lists that drive a
generation node once per shot."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from comfy_api.latest import io, ui

from agents.artefacts import ARTEFACT_KINDS, Artefact, ShotList, to_markdown
from agents.lookup import DATABASE_ENV, fingerprint, read_production

from .types import category, described, node_id


def _data_dir() -> Path:
    from workflows_library.config import default_data_dir

    return default_data_dir(os.environ)


def read_published(
    production_id: str, artefact: str, approved_only: bool, data_dir: Path | None = None
) -> Artefact:
    """The artefact, from the checkpoint database when KIJKOCUT_AGENTS_DATABASE_URL is set (a production
    another worker runs), else from the published JSON (`agents.lookup`)."""
    return read_production(
        production_id, artefact, approved_only, data_dir or _data_dir(), os.environ.get(DATABASE_ENV) or None
    )


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
        return fingerprint(production_id.strip(), _data_dir(), os.environ.get(DATABASE_ENV) or None)

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
