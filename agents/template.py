"""Production templates: which agents and gates a run has, the beats a script follows, the deliverables and the
QC profile they must pass (used in part 2). Built-in ones ship in `agents/templates/`; users add their own as
`<data dir>/production_templates/<id>.json`, which may replace a built-in one of the same id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from agents.artefacts import ASPECT, validation_summary

BUILTIN_DIR = Path(__file__).parent / "templates"
USER_SUBDIR = "production_templates"
AgentName = Literal["vrd", "scriptsmith", "shotmaster", "budget_solver"]
GateName = Literal["vrd", "script", "shot_list", "budget"]
AGENT_ORDER: tuple[AgentName, ...] = ("vrd", "scriptsmith", "shotmaster", "budget_solver")
# The artefact each agent writes, which is also the name of the gate that reviews it.
ARTEFACT_OF: dict[str, GateName] = {
    "vrd": "vrd",
    "scriptsmith": "script",
    "shotmaster": "shot_list",
    "budget_solver": "budget",
}
AGENT_OF: dict[str, str] = {artefact: agent for agent, artefact in ARTEFACT_OF.items()}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LengthRange(_Model):
    min: float = Field(gt=0, le=1800)
    max: float = Field(gt=0, le=1800)
    default: float = Field(gt=0, le=1800)

    @model_validator(mode="after")
    def _ordered(self) -> LengthRange:
        if not self.min <= self.default <= self.max:
            raise ValueError("length_s: min <= default <= max")
        return self


class Beat(_Model):
    name: Literal["hook", "problem", "solution", "how_it_works", "proof", "call_to_action"]
    share: float = Field(gt=0, le=1)


class TemplateDeliverable(_Model):
    name: str = Field(min_length=1, max_length=120)
    aspect_ratio: str = Field(pattern=ASPECT)


class Template(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    title: str = Field(min_length=1, max_length=80)
    description: str = Field(min_length=1, max_length=600)
    agents: list[AgentName] = Field(min_length=1)
    gates: list[GateName] = Field(default_factory=list)
    length_s: LengthRange
    aspect_ratios: list[str] = Field(min_length=1)
    channel: str = Field(min_length=1, max_length=200)
    voice_over: bool = True
    script_from_brief: bool = False
    beats: list[Beat] = Field(default_factory=list)
    deliverables: list[TemplateDeliverable] = Field(min_length=1)
    qc_profile: str = Field(min_length=1, max_length=60)
    max_revisions: int = Field(1, ge=0, le=5)
    compute_share: float = Field(0.2, gt=0, le=1, description="share of the top budget the compute may use")
    gpu_rate_per_hour: float = Field(
        2.5, ge=0, description="what one GPU-hour costs, in the brief's currency"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Template:
        if list(self.agents) != [a for a in AGENT_ORDER if a in self.agents] or self.agents[0] != "vrd":
            raise ValueError(f"agents run in the order {', '.join(AGENT_ORDER)} and start with vrd")
        missing = [g for g in self.gates if AGENT_OF[g] not in self.agents]
        if missing:
            raise ValueError(f"gates without their agent: {', '.join(missing)}")
        if self.beats and abs(sum(b.share for b in self.beats) - 1) > 0.01:
            raise ValueError("beat shares add up to 1")
        if not self.beats and not self.script_from_brief:
            raise ValueError("a template writes its script from beats or takes it from the brief")
        return self


class TemplateError(ValueError):
    pass


def _read(path: Path) -> Template:
    try:
        template = Template.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError) as error:
        raise TemplateError(f"template {path.name}: unreadable JSON ({type(error).__name__})") from None
    except ValidationError as error:
        raise TemplateError(f"template {path.name}: {validation_summary(error)}") from None
    if template.id != path.stem:
        raise TemplateError(f"template {path.name}: its id {template.id!r} differs from the file name")
    return template


def load_templates(data_dir: Path | None = None) -> dict[str, Template]:
    """Built-in templates, then the user's (a broken user template is an error naming its file)."""
    found = {path.stem: _read(path) for path in sorted(BUILTIN_DIR.glob("*.json"))}
    if data_dir is not None:
        found.update({path.stem: _read(path) for path in sorted((data_dir / USER_SUBDIR).glob("*.json"))})
    return found


def get_template(template_id: str, data_dir: Path | None = None) -> Template:
    templates = load_templates(data_dir)
    if template_id not in templates:
        raise TemplateError(f"unknown template {template_id!r} (templates: {', '.join(sorted(templates))})")
    return templates[template_id]
