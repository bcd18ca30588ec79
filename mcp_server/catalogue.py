"""The effect catalogue as the tools show it: every effect with its parameters, defaults and ranges, the blend
modes, the transition kinds and the animatable properties (the engine's own lists)."""

from __future__ import annotations

from kijkocut.effects.catalog import BLEND_MODES, EFFECTS, Param
from kijkocut.model import ANIMATABLE, TRANSITION_KINDS
from mcp_server.schemas import EffectCatalogue, EffectKindView, EffectParamView


def _param_view(name: str, param: Param) -> EffectParamView:
    kind = (
        "boolean"
        if isinstance(param.default, bool)
        else "text"
        if isinstance(param.default, str)
        else "number"
    )
    where = "; a file path, workspace-relative or inside an allowed media folder" if param.file else ""
    return EffectParamView(
        name=name,
        type=kind,
        default=param.default,
        minimum=param.low,
        maximum=param.high,
        description=param.description + where,
    )


def catalogue() -> EffectCatalogue:
    return EffectCatalogue(
        effects=[
            EffectKindView(
                kind=spec.kind,
                label=spec.label,
                params=[_param_view(name, param) for name, param in spec.params.items()],
            )
            for spec in EFFECTS.values()
        ],
        blend_modes=list(BLEND_MODES),
        transition_kinds=list(TRANSITION_KINDS),
        animatable_properties=sorted(ANIMATABLE),
    )
