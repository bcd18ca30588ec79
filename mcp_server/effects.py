"""Effects, keyframes and animation presets for the tools: the catalogue as a view, and flat arguments turned
into the engine's effect and animation commands (applied through `editing`, so each call is one undo step).
File-valued parameters (a LUT's path) are confined to the workspace and stored as real paths, like media."""

from __future__ import annotations

from typing import Any

from kijkocut.animation import Keyframe
from kijkocut.edit.commands import (
    AddEffect,
    ApplyAnimationPreset,
    Command,
    RemoveEffect,
    SetKeyframes,
    UpdateEffect,
)
from kijkocut.effects.catalog import BLEND_MODES, EFFECTS, Param
from kijkocut.model import (
    ANIMATABLE,
    TRANSITION_KINDS,
    AdjustmentElement,
    ClipElement,
    Project,
    TextElement,
    new_id,
)
from mcp_server.editing import run_edit
from mcp_server.errors import NotFoundError, ServiceError
from mcp_server.projects import ProjectStore, frame_time
from mcp_server.schemas import EditOutcome, EffectCatalogue, EffectKindView, EffectParamView, KeyframeInput


def _param_view(name: str, param: Param) -> EffectParamView:
    kind = "boolean" if isinstance(param.default, bool) else "text" if isinstance(param.default, str) else "number"
    where = "; a file path, workspace-relative or inside an allowed media folder" if param.file else ""
    return EffectParamView(name=name, type=kind, default=param.default, minimum=param.low, maximum=param.high,
                           description=param.description + where)


def catalogue() -> EffectCatalogue:
    return EffectCatalogue(
        effects=[EffectKindView(kind=spec.kind, label=spec.label,
                                params=[_param_view(name, param) for name, param in spec.params.items()])
                 for spec in EFFECTS.values()],
        blend_modes=list(BLEND_MODES), transition_kinds=list(TRANSITION_KINDS),
        animatable_properties=sorted(ANIMATABLE))


def _known_effect(kind: str) -> None:
    if kind not in EFFECTS:
        raise NotFoundError(f"unknown effect {kind!r}; effect_list shows the catalogue "
                            f"({', '.join(EFFECTS)})")


def _effect_kind(project: Project, element_id: str, effect_id: str) -> str | None:
    """The kind of an element's effect; None when either is unknown (the command then names the problem)."""
    try:
        effects = project.element(element_id).effects
    except KeyError:
        return None
    return next((effect.kind for effect in effects if effect.id == effect_id), None)


def add_effect(store: ProjectStore, project_id: str, element_id: str, kind: str, params: dict[str, Any], *,
               index: int | None = None) -> EditOutcome:
    _known_effect(kind)
    params = store.workspace.resolve_effect_params(kind, params)
    effect_id = new_id("fx")
    return run_edit(store, project_id, lambda p: [AddEffect(element_id=element_id, kind=kind, params=params,
                                                        index=index, effect_id=effect_id)], effect_id=effect_id)


def update_effect(store: ProjectStore, project_id: str, element_id: str, effect_id: str, params: dict[str, Any], *,
                  enabled: bool | None = None, index: int | None = None) -> EditOutcome:
    def build(project: Project) -> list[Command]:
        confined = store.workspace.resolve_effect_params(_effect_kind(project, element_id, effect_id), params)
        return [UpdateEffect(element_id=element_id, effect_id=effect_id, params=confined, enabled=enabled,
                             index=index)]

    return run_edit(store, project_id, build, effect_id=effect_id)


def remove_effect(store: ProjectStore, project_id: str, element_id: str, effect_id: str) -> EditOutcome:
    def build(project: Project) -> list[Command]:
        # The engine's RemoveEffect drops the effect before its keyframes, which its validation refuses while
        # keyframes still name the effect; clearing them first (same edit, same undo step) avoids that.
        prefix = f"effects.{effect_id}."
        animated = [path for path in _element(project, element_id).keyframes if path.startswith(prefix)]
        return [*(SetKeyframes(element_id=element_id, property=path, keyframes=[]) for path in animated),
                RemoveEffect(element_id=element_id, effect_id=effect_id)]

    return run_edit(store, project_id, build)


def _element(project: Project, element_id: str) -> ClipElement | TextElement | AdjustmentElement:
    try:
        return project.element(element_id)
    except KeyError:
        raise NotFoundError(f"unknown element {element_id!r}; project_describe lists the elements") from None


def animatable_paths(project: Project, element_id: str) -> list[str]:
    """What `keyframes_set` accepts for this element: the model's animatable fields plus each numeric
    parameter of its effects."""
    element = _element(project, element_id)
    prefixes = ("style.",) if element.kind == "text" else ("transform.", "gain_db", "pan") \
        if element.kind == "clip" else ()
    own = sorted(path for path in ANIMATABLE if path.startswith(prefixes))
    return own + [f"effects.{effect.id}.{name}" for effect in element.effects
                  for name, param in EFFECTS[effect.kind].params.items() if param.numeric]


def set_keyframes(store: ProjectStore, project_id: str, element_id: str, path: str,
                  keyframes: list[KeyframeInput]) -> EditOutcome:
    def build(project: Project) -> list[Command]:
        allowed = animatable_paths(project, element_id)
        if path not in allowed:
            raise ServiceError(f"{path!r} cannot be animated on {element_id}; animatable here: "
                               f"{', '.join(allowed) or 'nothing'}")
        keys = [Keyframe(time=frame_time(project, key.time), value=key.value, interpolation=key.interpolation,
                         bezier=key.bezier) for key in keyframes]
        return [SetKeyframes(element_id=element_id, property=path, keyframes=keys)]

    return run_edit(store, project_id, build)


def apply_preset(store: ProjectStore, project_id: str, element_id: str, preset: str, *, direction: str = "left",
                 zoom: float = 1.2, duration: float | None = None) -> EditOutcome:
    return run_edit(store, project_id, lambda p: [ApplyAnimationPreset(
        element_id=element_id, preset=preset, direction=direction, zoom=zoom,
        duration=None if duration is None else frame_time(p, duration))])
