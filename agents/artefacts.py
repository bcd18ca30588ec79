"""The production's artefacts: versioned pydantic models with stable ids, small JSON kept in the graph state
(media stays on disk). Each has its plain-text exports: the script as Fountain, the shot list as CSV, every
artefact as Markdown."""

from __future__ import annotations

import csv
import io
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

ArtefactKind = Literal["vrd", "script", "shot_list", "budget"]
ARTEFACT_KINDS: tuple[ArtefactKind, ...] = ("vrd", "script", "shot_list", "budget")
ASPECT = r"^\d{1,2}:\d{1,2}$"
LANGUAGE = r"^[a-z]{2}$"
Text = Annotated[str, Field(min_length=1, max_length=2000)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReviewNote(_Model):
    """A reviewer's note (one clause of it) and what its author did with it: applied, or open with why."""

    note: Text
    index: int = Field(0, ge=0, description="which note this clause is of, counted from the first (0)")
    part: Text
    applied: bool
    effect: str = Field("", max_length=500)


class Artefact(_Model):
    """What every artefact carries: a stable id (`<production>/<kind>`), a version that grows with each
    revision or edit, the questions its author left for the reviewer, and the reviewer's notes it answers."""

    schema_version: Literal[1] = 1
    id: str = Field("", max_length=120)
    version: int = Field(0, ge=0)
    questions: list[Text] = Field(default_factory=list, max_length=20)
    review_notes: list[ReviewNote] = Field(default_factory=list, max_length=100)


class Deliverable(_Model):
    name: Text
    aspect_ratio: str = Field(pattern=ASPECT)
    length_s: float = Field(gt=0, le=1800)
    format: str = Field("mp4 H.264", max_length=80)


class BudgetRange(_Model):
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    low: float = Field(ge=0)
    high: float = Field(ge=0)


class VRD(Artefact):
    """Video requirements document: the creative brief the rest of the production answers to."""

    kind: Literal["vrd"] = "vrd"
    title: Text
    language: str = Field(pattern=LANGUAGE)
    product: Text
    purpose: Text
    audience: Text
    kpis: list[Text] = Field(min_length=1, max_length=10)
    core_message: Text
    call_to_action: Text
    channel: Text
    format: Text
    tone: Text = "warm, confident"
    aspect_ratios: list[Annotated[str, Field(pattern=ASPECT)]] = Field(min_length=1, max_length=6)
    length_s: float = Field(gt=0, le=1800)
    deliverables: list[Deliverable] = Field(min_length=1, max_length=20)
    deadline: str | None = Field(None, max_length=40)
    budget_range: BudgetRange | None = None
    mandatories: list[Text] = Field(default_factory=list, max_length=20)
    references: list[Text] = Field(default_factory=list, max_length=20)
    problem: str = Field("", max_length=2000)
    production_mode: Literal["generated", "live_action", "hybrid"] = Field(
        "generated",
        description="generated shots, a live-action shoot, or people shot live and the rest generated",
    )


LineKind = Literal["action", "dialogue", "voice_over", "on_screen_text", "music", "sound"]
SPOKEN: tuple[str, ...] = ("dialogue", "voice_over")


class ScriptLine(_Model):
    kind: LineKind
    text: Text
    character: str | None = Field(None, max_length=80)
    duration_s: float = Field(ge=0, le=600)

    @property
    def words(self) -> int:
        return len(re.findall(r"\w+(?:['’-]\w+)*", self.text))


class Scene(_Model):
    number: int = Field(ge=1, le=999)
    int_ext: Literal["INT", "EXT", "INT/EXT"]
    location: Text
    time_of_day: Text
    beat: str = Field("", max_length=80)
    duration_s: float = Field(gt=0, le=1800)
    lines: list[ScriptLine] = Field(min_length=1, max_length=100)

    @property
    def heading(self) -> str:
        return f"{self.int_ext}. {self.location.upper()} - {self.time_of_day.upper()}"


class Script(Artefact):
    kind: Literal["script"] = "script"
    title: Text
    language: str = Field(pattern=LANGUAGE)
    scenes: list[Scene] = Field(min_length=1, max_length=200)

    @property
    def duration_s(self) -> float:
        return round(sum(scene.duration_s for scene in self.scenes), 3)

    def to_fountain(self) -> str:
        """The script in Fountain: a title page, scene headings, action, dialogue, V.O. and cues; each scene's
        planned duration as a note, which screenplay tools ignore."""
        out = [f"Title: {self.title}", f"Draft date: v{self.version}", ""]
        for scene in self.scenes:
            out += [f".{scene.heading}" if scene.int_ext == "INT/EXT" else scene.heading, ""]
            out += [f"[[{scene.beat or 'scene'} - {scene.duration_s:g} s]]", ""]
            for line in scene.lines:
                if line.kind == "dialogue":
                    out += [(line.character or "VOICE").upper(), line.text, ""]
                elif line.kind == "voice_over":
                    out += [f"{(line.character or 'NARRATOR').upper()} (V.O.)", line.text, ""]
                elif line.kind == "on_screen_text":
                    out += [f'SUPER: "{line.text}"', ""]
                elif line.kind == "music":
                    out += [f"MUSIC: {line.text}", ""]
                elif line.kind == "sound":
                    out += [f"SFX: {line.text}", ""]
                else:
                    out += [line.text, ""]
        return "\n".join(out).rstrip() + "\n"


ShotSize = Literal["EWS", "WS", "MWS", "MS", "MCU", "CU", "ECU", "OTS", "INSERT"]


class Shot(_Model):
    scene: int = Field(ge=1, le=999)
    number: str = Field(pattern=r"^\d{1,3}[A-Z]{0,2}$", description="scene number and letter, e.g. 12A")
    size: ShotSize
    angle: Text
    movement: Text
    lens_mm: int = Field(ge=8, le=600)
    duration_s: float = Field(gt=0, le=600)
    description: Text
    cast: list[Text] = Field(default_factory=list, max_length=20)
    props: list[Text] = Field(default_factory=list, max_length=20)
    source: Literal["generated", "live_action"] = "generated"
    prompt: str = Field("", max_length=4000)
    negative_prompt: str = Field("", max_length=2000)
    seed: int = Field(0, ge=0, le=2**32 - 1)
    reference_images: list[Text] = Field(default_factory=list, max_length=10)
    first_frame: str = Field("", max_length=2000)
    last_frame: str = Field("", max_length=2000)
    workflow_id: str | None = Field(None, max_length=80)


CSV_COLUMNS = (
    "scene number size angle movement lens_mm duration_s description cast props source prompt negative_prompt "
    "seed reference_images first_frame last_frame workflow_id"
).split()


class ShotList(Artefact):
    kind: Literal["shot_list"] = "shot_list"
    shots: list[Shot] = Field(min_length=1, max_length=500)

    @field_validator("shots")
    @classmethod
    def _unique_numbers(cls, shots: list[Shot]) -> list[Shot]:
        numbers = [shot.number for shot in shots]
        repeated = sorted({n for n in numbers if numbers.count(n) > 1})
        if repeated:
            raise ValueError(f"shot numbers repeat: {', '.join(repeated)}")
        return shots

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for shot in self.shots:
            row = shot.model_dump()
            writer.writerow(
                "; ".join(value) if isinstance(value, list) else ("" if value is None else value)
                for value in (row[column] for column in CSV_COLUMNS)
            )
        return buffer.getvalue()


class TopSheetLine(_Model):
    code: str = Field(max_length=8)
    category: Text
    amount: float = Field(ge=0)
    note: str = Field("", max_length=400)


class ComputeLine(_Model):
    shot: str
    workflow_id: str
    resolution: str
    gpu_minutes: float = Field(ge=0)
    cost: float = Field(ge=0)
    quality: float = Field(ge=0)


class Budget(Artefact):
    kind: Literal["budget"] = "budget"
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    compute_cap: float | None = Field(None, ge=0, description="the money the solver could spend on compute")
    gpu_rate_per_hour: float = Field(ge=0)
    top_sheet: list[TopSheetLine] = Field(default_factory=list)
    compute: list[ComputeLine] = Field(default_factory=list)
    model_tokens: int = Field(0, ge=0)
    model_cost: float = Field(0, ge=0)
    contingency_pct: float = Field(10, ge=0, le=100)
    gpu_minutes: float = Field(0, ge=0)
    quality: float = Field(0, ge=0, description="planned quality: the sum of the chosen options' scores")
    quality_unconstrained: float = Field(
        0, ge=0, description="what the best option for every shot would give"
    )
    subtotal: float = Field(0, ge=0)
    contingency: float = Field(0, ge=0)
    total: float = Field(0, ge=0)
    trade_offs: list[Text] = Field(default_factory=list)


MODELS: dict[str, type[Artefact]] = {"vrd": VRD, "script": Script, "shot_list": ShotList, "budget": Budget}


class ArtefactError(ValueError):
    """An artefact that does not fit its schema: one line per problem, never the submitted text itself."""


def parse_artefact(kind: str, data: Any) -> Artefact:
    if kind not in MODELS:
        raise ArtefactError(f"unknown artefact kind {kind!r} (one of: {', '.join(ARTEFACT_KINDS)})")
    try:
        return MODELS[kind].model_validate(data)
    except ValidationError as error:
        raise ArtefactError(f"{kind}: {validation_summary(error)}") from None


def validation_summary(error: ValidationError, limit: int = 5) -> str:
    """Where and why, without echoing the input (it may be a whole document)."""
    parts = [
        f"{'.'.join(str(p) for p in item['loc']) or '(root)'}: {item['msg']}"
        for item in error.errors()[:limit]
    ]
    more = error.error_count() - limit
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def to_markdown(artefact: Artefact) -> str:
    """A readable page for a reviewer: the fields in order, lists as bullets, tables for shots and budgets."""
    title = {"vrd": "Video requirements", "script": "Script", "shot_list": "Shot list", "budget": "Budget"}
    kind = getattr(artefact, "kind", "artefact")
    out = [f"# {title.get(kind, kind)} (v{artefact.version})", ""]
    if isinstance(artefact, Script):
        out.append(f"Total {artefact.duration_s:g} s in {len(artefact.scenes)} scenes.\n")
        for scene in artefact.scenes:
            out.append(f"## {scene.number}. {scene.heading} ({scene.duration_s:g} s, {scene.beat})")
            out += [
                f"- *{line.kind.replace('_', ' ')}*"
                + (f" {line.character}:" if line.character else ":")
                + f" {line.text} ({line.duration_s:g} s)"
                for line in scene.lines
            ]
            out.append("")
    elif isinstance(artefact, ShotList):
        out.append("| shot | size | angle | movement | lens | s | description | workflow |")
        out.append("|---|---|---|---|---|---|---|---|")
        for shot in artefact.shots:
            out.append(
                f"| {shot.number} | {shot.size} | {shot.angle} | {shot.movement} | {shot.lens_mm} mm | "
                f"{shot.duration_s:g} | {shot.description} | {shot.workflow_id or shot.source} |"
            )
    elif isinstance(artefact, Budget):
        out.append("| code | category | amount | note |\n|---|---|---|---|")
        out += [
            f"| {line.code} | {line.category} | {line.amount:,.2f} {artefact.currency} | {line.note} |"
            for line in artefact.top_sheet
        ]
        out.append(
            f"\nSubtotal {artefact.subtotal:,.2f}, contingency {artefact.contingency_pct:g} % "
            f"({artefact.contingency:,.2f}), total **{artefact.total:,.2f} {artefact.currency}**; "
            f"{artefact.gpu_minutes:g} GPU-minutes, quality {artefact.quality:g} of "
            f"{artefact.quality_unconstrained:g} possible.\n"
        )
        out.append("| shot | workflow | resolution | GPU-min | cost | quality |\n|---|---|---|---|---|---|")
        out += [
            f"| {c.shot} | {c.workflow_id} | {c.resolution} | {c.gpu_minutes:g} | {c.cost:,.2f} | {c.quality:g} |"
            for c in artefact.compute
        ]
        if artefact.trade_offs:
            out += ["", "## Trade-offs", *[f"- {t}" for t in artefact.trade_offs]]
    else:
        fields = artefact.model_dump(
            exclude={"schema_version", "id", "version", "kind", "questions", "review_notes"}
        )
        if isinstance(artefact, VRD) and artefact.budget_range:
            low, high = artefact.budget_range.low, artefact.budget_range.high
            fields["budget_range"] = f"{artefact.budget_range.currency} {low:,.0f} to {high:,.0f}"
        for name, value in fields.items():
            if isinstance(value, list):
                out.append(f"**{name.replace('_', ' ')}**:")
                out += [
                    f"- {v if not isinstance(v, dict) else ', '.join(map(str, v.values()))}" for v in value
                ]
            elif value not in (None, ""):
                shown = ", ".join(map(str, value.values())) if isinstance(value, dict) else value
                out.append(f"**{name.replace('_', ' ')}**: {shown}")
    if artefact.questions:
        out += ["", "## Open questions", *[f"- {q}" for q in artefact.questions]]
    if artefact.review_notes:
        out += ["", "## Reviewer notes"]
        out += [
            f'- {"applied" if n.applied else "NOT APPLIED"}: "{n.part}" ({n.effect})'
            for n in artefact.review_notes
        ]
    return "\n".join(out).rstrip() + "\n"
