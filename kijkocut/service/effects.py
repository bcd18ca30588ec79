"""Effect, keyframe and animation-preset actions, with the catalogue as data. File-valued effect parameters
(a LUT's .cube) go through the front end's path confinement before they enter the project."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from kijkocut.animation import Interpolation, Keyframe
from kijkocut.edit.commands import (
    AddEffect,
    ApplyAnimationPreset,
    Command,
    RemoveEffect,
    SetKeyframes,
    UpdateEffect,
)
from kijkocut.effects.catalog import EFFECTS
from kijkocut.model import ANIMATABLE, Project, new_id
from kijkocut.service import lookup
from kijkocut.service.actions import ActionContext, Params, Plan, action
from kijkocut.service.errors import NotFoundError, ServiceError
from kijkocut.service.times import TimeArg, parse_duration, parse_time

Id = Annotated[str, Field(min_length=1, max_length=64)]
EffectParamValues = Annotated[
    dict[str, float | bool | str],
    Field(
        max_length=20, description="parameter values by name (see the effect catalogue); omitted = defaults"
    ),
]
MAX_KEYFRAMES = 500


def known_effect(kind: str) -> None:
    if kind not in EFFECTS:
        raise NotFoundError(f"unknown effect {kind!r}; the effect catalogue lists {', '.join(EFFECTS)}")


def confined_params(kind: str, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any]:
    """Parameters with every file-valued one replaced by the confined real path (or refused)."""
    spec = EFFECTS[kind]
    return {
        name: str(ctx.path(value))
        if name in spec.params and spec.params[name].file and value and isinstance(value, str)
        else value
        for name, value in params.items()
    }


class AddEffectParams(Params):
    element_id: Id
    kind: str = Field(
        min_length=1,
        max_length=40,
        description="effect kind from the catalogue, e.g. 'gaussian_blur', 'lut', 'sepia'",
    )
    params: EffectParamValues = Field(default_factory=dict)
    index: int | None = Field(
        None,
        ge=0,
        le=100,
        description="position in the element's effect stack; omit to add on top (applied last)",
    )
    effect_id: Id | None = Field(None, description="an id for the new effect; omit for a generated one")


@action(
    "add_effect",
    "Add effect",
    AddEffectParams,
    needs="a clip, title or adjustment element",
    changes="adds an effect to the element's stack",
)
def add_effect(project: Project, p: AddEffectParams, ctx: ActionContext) -> Plan:
    """Add an effect to a clip, title or adjustment layer (on an adjustment track it changes everything
    beneath)."""
    known_effect(p.kind)
    lookup.element(project, p.element_id)
    effect_id = p.effect_id or new_id("fx")
    return Plan(
        [
            AddEffect(
                element_id=p.element_id,
                kind=p.kind,
                params=confined_params(p.kind, p.params, ctx),
                index=p.index,
                effect_id=effect_id,
            )
        ],
        created={"effect_id": effect_id},
    )


class UpdateEffectParams(Params):
    element_id: Id
    effect_id: Id
    params: EffectParamValues = Field(default_factory=dict)
    enabled: bool | None = Field(None, description="switch the effect off or on; omit to keep")
    index: int | None = Field(None, ge=0, le=100, description="move to this position in the stack")


def _effect_kind(project: Project, element_id: str, effect_id: str) -> str:
    for effect in lookup.element(project, element_id).effects:
        if effect.id == effect_id:
            return effect.kind
    raise NotFoundError(f"element {element_id} has no effect {effect_id!r}")


@action(
    "update_effect", "Change effect", UpdateEffectParams, changes="the effect's parameters, state or place"
)
def update_effect(project: Project, p: UpdateEffectParams, ctx: ActionContext) -> list[Command]:
    """Change an effect's parameters, switch it off or on, or reorder it."""
    kind = _effect_kind(project, p.element_id, p.effect_id)
    return [
        UpdateEffect(
            element_id=p.element_id,
            effect_id=p.effect_id,
            params=confined_params(kind, p.params, ctx),
            enabled=p.enabled,
            index=p.index,
        )
    ]


class RemoveEffectParams(Params):
    element_id: Id
    effect_id: Id


@action("remove_effect", "Remove effect", RemoveEffectParams, changes="removes the effect and its keyframes")
def remove_effect(project: Project, p: RemoveEffectParams, ctx: ActionContext) -> list[Command]:
    """Remove an effect (and the keyframes animating it) from an element."""
    _effect_kind(project, p.element_id, p.effect_id)
    prefix = f"effects.{p.effect_id}."
    animated = [path for path in lookup.element(project, p.element_id).keyframes if path.startswith(prefix)]
    return [
        *(SetKeyframes(element_id=p.element_id, property=path, keyframes=[]) for path in animated),
        RemoveEffect(element_id=p.element_id, effect_id=p.effect_id),
    ]


def animatable_paths(project: Project, element_id: str) -> list[str]:
    """What can be animated on this element: its kind's animatable fields plus each numeric parameter of its
    effects."""
    element = lookup.element(project, element_id)
    prefixes = {"text": ("style.",), "clip": ("transform.", "gain_db", "pan")}.get(element.kind, ())
    own = sorted(path for path in ANIMATABLE if path.startswith(prefixes))
    return own + [
        f"effects.{effect.id}.{name}"
        for effect in element.effects
        for name, param in EFFECTS[effect.kind].params.items()
        if param.numeric
    ]


class KeyframeArg(BaseModel):
    time: TimeArg = Field(description="from the element's start")
    value: float
    interpolation: Interpolation = Field("linear", description="how the value travels to the next keyframe")
    bezier: tuple[float, float, float, float] | None = Field(
        None, description="x1, y1, x2, y2 control points for 'bezier' (CSS cubic-bezier)"
    )


class SetKeyframesParams(Params):
    element_id: Id
    property: str = Field(
        min_length=1,
        max_length=120,
        description=(
            "what to animate: transform.x/y/scale/rotation/opacity, transform.crop.*, gain_db, pan (clips); "
            "style.size/x/y/opacity/letter_spacing (titles); effects.<effect id>.<numeric param>"
        ),
    )
    keyframes: list[KeyframeArg] = Field(
        max_length=MAX_KEYFRAMES, description="an empty list removes the animation"
    )


@action("set_keyframes", "Set keyframes", SetKeyframesParams, changes="the property's animation")
def set_keyframes(project: Project, p: SetKeyframesParams, ctx: ActionContext) -> list[Command]:
    """Animate one property of an element with keyframes (replacing any it had)."""
    allowed = animatable_paths(project, p.element_id)
    if p.property not in allowed:
        raise ServiceError(
            f"{p.property!r} cannot be animated on {p.element_id}; animatable here: "
            f"{', '.join(allowed) or 'nothing'}"
        )
    rate = project.settings.frame_rate
    keys = [
        Keyframe(
            time=parse_time(key.time, rate, what="keyframe time"),
            value=key.value,
            interpolation=key.interpolation,
            bezier=key.bezier,
        )
        for key in p.keyframes
    ]
    return [SetKeyframes(element_id=p.element_id, property=p.property, keyframes=keys)]


class AnimationPresetParams(Params):
    element_id: Id
    preset: Literal["ken_burns", "pop_in", "slide_in", "fade"] = Field(
        description="ken_burns: slow zoom and pan; pop_in: scale up with overshoot; slide_in: enter from a side; "
        "fade: opacity in (and out)"
    )
    direction: Literal["left", "right", "up", "down"] = Field(
        "left", description="ken_burns pan / slide_in side"
    )
    zoom: float = Field(1.2, ge=1, le=4, description="ken_burns: end scale relative to the start")
    duration: TimeArg | None = Field(None, description="pop_in/slide_in/fade length (omit for 0.5 s)")


@action(
    "apply_animation_preset",
    "Apply animation preset",
    AnimationPresetParams,
    changes="keyframes of the properties the preset animates",
)
def apply_animation_preset(project: Project, p: AnimationPresetParams, ctx: ActionContext) -> list[Command]:
    """Add ready-made keyframes to a clip or title (Ken Burns, pop-in, slide-in, fade)."""
    lookup.element(project, p.element_id)
    duration = None if p.duration is None else parse_duration(p.duration, project.settings.frame_rate)
    return [
        ApplyAnimationPreset(
            element_id=p.element_id, preset=p.preset, direction=p.direction, zoom=p.zoom, duration=duration
        )
    ]
