"""The effect catalogue: every effect kind, its parameters, their defaults and ranges. The project model
stores effects as {kind, params}; this table validates them and tells front ends what to offer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

BlendMode = Literal["normal", "add", "multiply", "screen", "overlay", "darken", "lighten", "difference"]
BLEND_MODES: tuple[str, ...] = (
    "normal",
    "add",
    "multiply",
    "screen",
    "overlay",
    "darken",
    "lighten",
    "difference",
)


@dataclass(frozen=True)
class Param:
    default: float | str | bool
    low: float | None = None
    high: float | None = None
    description: str = ""
    file: bool = False  # the text names a file: confined and rewritten like media paths (kijkocut.paths)

    @property
    def numeric(self) -> bool:
        return isinstance(self.default, (int, float)) and not isinstance(self.default, bool)

    def check(self, name: str, value: object) -> float | str | bool:
        if isinstance(self.default, bool):
            if not isinstance(value, bool):
                raise ValueError(f"{name} must be true or false")
            return value
        if isinstance(self.default, str):
            if not isinstance(value, str):
                raise ValueError(f"{name} must be text")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{name} must be a number")
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            raise ValueError(f"{name} must be between {self.low} and {self.high}, got {value}")
        return float(value)


@dataclass(frozen=True)
class EffectSpec:
    kind: str
    label: str
    params: dict[str, Param]


def _spec(kind: str, label: str, **params: Param) -> EffectSpec:
    return EffectSpec(kind, label, params)


EFFECTS: dict[str, EffectSpec] = {
    spec.kind: spec
    for spec in (
        _spec("brightness", "Brightness", amount=Param(0.0, -1, 1, "added to every channel")),
        _spec("contrast", "Contrast", amount=Param(0.0, -1, 1, "-1 flat grey, 0 unchanged, 1 doubled")),
        _spec("saturation", "Saturation", amount=Param(0.0, -1, 1, "-1 grey, 1 doubled")),
        _spec("exposure", "Exposure", stops=Param(0.0, -5, 5, "photographic stops (x2 per stop)")),
        _spec("gamma", "Gamma", value=Param(1.0, 0.1, 5, ">1 brightens mid-tones")),
        _spec(
            "temperature",
            "Temperature / tint",
            temperature=Param(0.0, -1, 1, "cool (-) to warm (+)"),
            tint=Param(0.0, -1, 1, "green (-) to magenta (+)"),
        ),
        _spec("hue_shift", "Hue shift", degrees=Param(0.0, -180, 180)),
        _spec("grayscale", "Grayscale", amount=Param(1.0, 0, 1)),
        _spec("sepia", "Sepia", amount=Param(1.0, 0, 1)),
        _spec("invert", "Invert", amount=Param(1.0, 0, 1)),
        _spec(
            "vignette",
            "Vignette",
            amount=Param(0.5, 0, 1),
            radius=Param(0.75, 0.1, 1.5),
            softness=Param(0.5, 0.01, 1),
        ),
        _spec("gaussian_blur", "Gaussian blur", radius=Param(4.0, 0, 200, "pixels at canvas resolution")),
        _spec("sharpen", "Sharpen", amount=Param(1.0, 0, 5), radius=Param(2.0, 0.1, 20)),
        _spec("film_grain", "Film grain", amount=Param(0.1, 0, 1), seed=Param(0.0, 0, 1e9)),
        _spec(
            "chroma_key",
            "Chroma key",
            color=Param("#00ff00"),
            similarity=Param(0.25, 0, 1),
            smoothness=Param(0.1, 0, 1),
            spill=Param(0.5, 0, 1),
        ),
        _spec(
            "lut",
            "LUT",
            path=Param("", description=".cube file (1D or 3D)", file=True),
            intensity=Param(1.0, 0, 1),
        ),
        _spec(
            "crop",
            "Crop",
            left=Param(0.0, 0, 1),
            top=Param(0.0, 0, 1),
            right=Param(0.0, 0, 1),
            bottom=Param(0.0, 0, 1),
        ),
        _spec("flip", "Flip", horizontal=Param(True), vertical=Param(False)),
        _spec("opacity", "Opacity", amount=Param(1.0, 0, 1)),
    )
}


def resolve_params(kind: str, params: Mapping[str, object]) -> dict[str, float | str | bool]:
    """Defaults filled in and every value checked; unknown kinds and names are clear errors."""
    spec = EFFECTS.get(kind)
    if spec is None:
        raise ValueError(f"unknown effect {kind!r}; known: {', '.join(sorted(EFFECTS))}")
    unknown = set(params) - set(spec.params)
    if unknown:
        raise ValueError(
            f"{kind} has no parameter {', '.join(sorted(unknown))}; it takes {', '.join(spec.params)}"
        )
    return {name: param.check(name, params.get(name, param.default)) for name, param in spec.params.items()}
