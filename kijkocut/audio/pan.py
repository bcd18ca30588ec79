"""Constant-power panning of a stereo mix (pan -1 = left, 0 = centre, 1 = right).

Mono sources (upmixed to L = R = m/sqrt 2) move with the sine/cosine law: at -1 all of m is in the left
channel, and L^2 + R^2 stays m^2 everywhere. Stereo sources follow the Web Audio StereoPannerNode: panning
left moves the right channel into the left one with a cos/sin split, so each channel keeps its power and
the centre leaves the source untouched."""

from __future__ import annotations

import numpy as np


def pan_stereo(samples: np.ndarray, pan: float | np.ndarray, *, mono_source: bool) -> np.ndarray:
    """Pan (2, n) samples; `pan` is one value or one per sample."""
    pan = np.asarray(pan, dtype=np.float64)
    if not pan.any():
        return samples
    left, right = samples[0], samples[1]
    if mono_source:
        angle = (pan + 1) * (np.pi / 4)
        mono = (left + right) * (np.sqrt(2) / 2)  # = m
        return np.stack([mono * np.cos(angle), mono * np.sin(angle)]).astype(np.float32)
    towards_left = pan <= 0
    angle = np.where(towards_left, pan + 1, pan) * (np.pi / 2)
    cos, sin = np.cos(angle), np.sin(angle)
    out_left = np.where(towards_left, left + right * cos, left * cos)
    out_right = np.where(towards_left, right * sin, right + left * sin)
    return np.stack([out_left, out_right]).astype(np.float32)
