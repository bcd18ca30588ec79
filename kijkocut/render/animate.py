"""Evaluating keyframes: an element as it is at a moment, with animated properties replaced by their values."""

from __future__ import annotations

from fractions import Fraction

from kijkocut.animation import value_at


def _with_value(model, path: list[str], value: float):
    head, *rest = path
    if not rest:
        return model.model_copy(update={head: value})
    return model.model_copy(update={head: _with_value(getattr(model, head), rest, value)})


def element_at(element, t: Fraction):
    """The element with every keyframed property evaluated at timeline time t (unchanged if not animated)."""
    if not element.keyframes:
        return element
    local = t - element.start
    updated = element
    effect_values: dict[str, dict[str, float]] = {}
    for path, keys in element.keyframes.items():
        value = value_at(keys, local)
        if path.startswith("effects."):
            _, effect_id, param = path.split(".", 2)
            effect_values.setdefault(effect_id, {})[param] = value
        else:
            updated = _with_value(updated, path.split("."), value)
    if effect_values:
        effects = [
            e.model_copy(update={"params": {**e.params, **effect_values[e.id]}})
            if e.id in effect_values
            else e
            for e in updated.effects
        ]
        updated = updated.model_copy(update={"effects": effects})
    return updated
