"""The demo's music, synthesised: a pop progression (Am - F - C - G) at 96 beats a minute with a soft pad,
a syncopated bass, a bell arpeggio, kick, clap and hi-hats. Deterministic; wavetables keep it fast."""

from __future__ import annotations

import numpy as np

RATE = 48000
BPM = 96
# One chord a bar: (bass note, pad notes) as MIDI numbers, voiced to move little from chord to chord.
PROGRESSION = ((45, (57, 60, 64)), (41, (57, 60, 65)), (48, (55, 60, 64)), (43, (55, 59, 62)))
TABLE_SIZE = 4096


def midi_hz(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def _table(harmonics: dict[int, float]) -> np.ndarray:
    phase = np.arange(TABLE_SIZE) / TABLE_SIZE
    wave = sum(level * np.sin(2 * np.pi * k * phase) for k, level in harmonics.items())
    wave = np.asarray(wave, np.float32)
    return wave / np.abs(wave).max()


SOFT_SAW = _table({k: 1 / k**1.4 for k in range(1, 9)})
BELL = _table({1: 1.0, 2: 0.45, 3: 0.18, 5: 0.08})
ROUND = _table({1: 1.0, 2: 0.35, 3: 0.1})


def _tone(table: np.ndarray, hz: float, count: int, rate: int) -> np.ndarray:
    index = (np.arange(count) * (hz * TABLE_SIZE / rate)).astype(np.int64) % TABLE_SIZE
    return table[index]


def _place(track: np.ndarray, sound: np.ndarray, at: float, rate: int, pan: float = 0.0) -> None:
    """Adds a mono sound to a stereo track at `at` seconds (constant-power pan, -1 left .. 1 right)."""
    start = round(at * rate)
    if start >= track.shape[1]:
        return
    sound = sound[: track.shape[1] - start]
    angle = (pan + 1) * np.pi / 4
    track[0, start : start + sound.size] += np.cos(angle) * sound
    track[1, start : start + sound.size] += np.sin(angle) * sound


def _envelope(count: int, rate: int, attack: float, decay: float) -> np.ndarray:
    t = np.arange(count, dtype=np.float32) / rate
    return np.minimum(1, t / max(attack, 1e-4)) * np.exp(-t / decay)


def music(seconds: float, rate: int = RATE, seed: int = 4) -> np.ndarray:
    """(2, n) float32, peaks about -6 dBFS."""
    rng = np.random.default_rng(seed)
    beat = 60 / BPM
    bar = 4 * beat
    total = round(seconds * rate)
    pad, bass, bells, drums = (np.zeros((2, total), np.float32) for _ in range(4))
    noise = rng.standard_normal(round(0.4 * rate)).astype(np.float32)
    hiss = np.diff(noise, prepend=0)  # first difference: a bright, hi-hat-like noise
    for bar_index in range(int(np.ceil(seconds / bar))):
        at = bar_index * bar
        root, chord = PROGRESSION[bar_index % len(PROGRESSION)]
        length = round((bar + 0.6) * rate)  # legato: each pad chord rings into the next
        t = np.arange(length, dtype=np.float32) / rate
        swell = np.minimum(1, t / 0.35) * np.clip((bar + 0.6 - t) / 0.6, 0, 1)
        for note in chord:
            for detune, side in ((-0.07, -0.5), (0.07, 0.5)):
                _place(
                    pad, 0.05 * swell * _tone(SOFT_SAW, midi_hz(note + detune), length, rate), at, rate, side
                )
        for offset in (0, 1.5, 2, 3.5):  # syncopated bass
            count = round(0.45 * rate)
            pluck = _envelope(count, rate, 0.005, 0.22) * _tone(ROUND, midi_hz(root - 12), count, rate)
            _place(bass, 0.3 * pluck, at + offset * beat, rate)
        pattern = [chord[0] + 12, chord[1] + 12, chord[2] + 12, chord[1] + 24]
        for step in range(8):  # an eighth-note bell arpeggio, left and right
            count = round(0.5 * rate)
            note = pattern[step % len(pattern)]
            _place(
                bells,
                0.06 * _envelope(count, rate, 0.002, 0.18) * _tone(BELL, midi_hz(note), count, rate),
                at + step * beat / 2,
                rate,
                -0.45 if step % 2 else 0.45,
            )
        for step in range(4):
            _place(drums, 0.5 * _kick(rate), at + step * beat, rate)
            if step % 2:
                _place(drums, 0.16 * _clap(noise, rate), at + step * beat, rate)
        for step in range(8):
            count = round(0.06 * rate)
            level = 0.035 if step % 2 else 0.018
            _place(
                drums,
                level * hiss[:count] * _envelope(count, rate, 0.001, 0.015),
                at + step * beat / 2,
                rate,
                0.3,
            )
    mix = pad + bass + bells + drums
    mix = np.tanh(1.2 * mix) / np.tanh(1.2)  # gentle saturation glues the parts
    return (0.5 * mix / np.abs(mix).max()).astype(np.float32)


def _kick(rate: int) -> np.ndarray:
    count = round(0.35 * rate)
    t = np.arange(count, dtype=np.float32) / rate
    pitch = 48 + 95 * np.exp(-t / 0.035)
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    return (np.sin(phase) * np.exp(-t / 0.14)).astype(np.float32)


def _clap(noise: np.ndarray, rate: int) -> np.ndarray:
    count = round(0.25 * rate)
    t = np.arange(count, dtype=np.float32) / rate
    bright = np.diff(noise[:count], prepend=0)
    body = np.sin(2 * np.pi * 185 * t) * np.exp(-t / 0.04)
    return (bright * np.exp(-t / 0.07) * 0.7 + body * 0.5).astype(np.float32)
