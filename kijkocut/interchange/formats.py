"""The interchange formats by OTIO adapter name: how KijkoCut writes a project in each, reads one back, and
what each loses. OTIO's own files keep everything (KijkoCut's model rides along in their metadata); FCP 7 XML
and CMX 3600 EDL carry what they can say in their own terms; any other adapter gets OTIO's structure."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kijkocut.interchange.edl import losses as edl_losses
from kijkocut.interchange.edl.read import adapt as edl_adapt
from kijkocut.interchange.edl.write import write_edl
from kijkocut.interchange.fcp_xml import losses as fcp_losses
from kijkocut.interchange.fcp_xml.order import finish as fcp_finish
from kijkocut.interchange.fcp_xml.read import adapt as fcp_adapt
from kijkocut.interchange.fcp_xml.write import fcp_timeline
from kijkocut.interchange.otio_export import to_otio
from kijkocut.interchange.otio_import import Adapt
from kijkocut.interchange.report import InterchangeWarning
from kijkocut.model import Project

ProjectDir = str | os.PathLike[str] | None


@dataclass(frozen=True)
class Format:
    label: str
    losses: Callable[[Project], list[InterchangeWarning]]
    timeline: Callable[..., Any] = to_otio  # (project, project_dir=) -> OTIO timeline for the adapter
    text: Callable[..., str] | None = None  # (project, project_dir=) -> the file, when KijkoCut writes it
    finish: Callable[[str], str] | None = None  # touches up what the adapter wrote
    adapt: Adapt | None = None  # refines the project `from_otio` reads


def _keeps_everything(project: Project) -> list[InterchangeWarning]:
    return []


NATIVE = Format("OpenTimelineIO", _keeps_everything)
FORMATS = {
    "otio_json": NATIVE,
    "otioz": NATIVE,
    "otiod": NATIVE,
    "fcp_xml": Format(
        "FCP XML", fcp_losses.losses, timeline=fcp_timeline, finish=fcp_finish, adapt=fcp_adapt
    ),
    "cmx_3600": Format("EDL", edl_losses.losses, text=write_edl, adapt=edl_adapt),
}


def format_for(adapter_name: str) -> Format:
    """The format an adapter writes; an adapter KijkoCut does not know gets OTIO's structure and one warning."""
    if adapter_name in FORMATS:
        return FORMATS[adapter_name]

    def unknown(project: Project) -> list[InterchangeWarning]:
        return [
            InterchangeWarning(
                format=adapter_name,
                subject="project",
                property="*",
                message=f"the {adapter_name} adapter writes OTIO's tracks, clips, gaps and transitions; what else it "
                "keeps of KijkoCut's effects, transforms, fades and sound depends on the adapter",
            )
        ]

    return Format(adapter_name, unknown)
