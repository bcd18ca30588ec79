"""The demo's narrator. With espeak-ng installed, it reads the lines; without it (it is not part of the
install), a voice-like signal is synthesised from the letters of the line: a glottal tone whose harmonics are
shaped by moving vowel formants, with hiss, breath and bursts for the consonants, word and phrase pauses and a
falling intonation. It is not words, but it has the rhythm, pitch and spectrum of speech, which is what the
ducking of the music reacts to."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kijkocut import samples

RATE = 22050
ESPEAK_TIMEOUT = 20  # seconds
# Vowel formants F1, F2, F3 in Hz (averages for an adult voice).
VOWELS = {
    "a": (730, 1090, 2440),
    "e": (530, 1840, 2480),
    "i": (300, 2200, 2950),
    "o": (570, 840, 2410),
    "u": (330, 900, 2300),
    "y": (300, 2000, 2600),
}
VOICED = {
    "m": (280, 1300, 2500),
    "n": (280, 1700, 2600),
    "l": (360, 1300, 2700),
    "r": (420, 1300, 1600),
    "w": (300, 700, 2200),
    "v": (300, 1400, 2400),
    "z": (300, 1700, 2600),
    "j": (300, 2000, 2700),
}
HISS = {
    "s": "high",
    "z": "high",
    "c": "high",
    "x": "high",
    "f": "broad",
    "v": "broad",
    "h": "broad",
    "j": "mid",
    "g": "mid",
}
STOPS = {"p": "broad", "b": "broad", "t": "high", "d": "high", "k": "mid", "q": "mid", "g": "mid"}
NOISE_BANDS = {"high": (3800, 8000), "mid": (1800, 4200), "broad": (300, 6000)}


@dataclass(frozen=True)
class Phone:
    seconds: float
    formants: tuple[int, int, int] | None  # voiced when set
    loudness: float  # of the voiced part
    noise: str | None = None  # a noise band
    noise_level: float = 0.0
    accent: bool = False  # a stressed syllable: higher and longer


def write_voice(path: str | Path, text: str, *, seed: int = 1) -> Path:
    """A WAV of `text` spoken: by espeak-ng when present, else synthesised."""
    path = Path(path)
    if speak_with_espeak(path, text):
        return path
    return samples.write_audio(path, synthesise(text, seed=seed)[None, :], RATE)


def speak_with_espeak(path: Path, text: str) -> bool:
    """Whether espeak-ng (or espeak) wrote `path`; False when it is missing or fails."""
    program = shutil.which("espeak-ng") or shutil.which("espeak")
    if program is None:
        return False
    try:
        completed = subprocess.run(
            [program, "-v", "en-us", "-s", "150", "-w", str(path), text],
            capture_output=True,
            timeout=ESPEAK_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return completed.returncode == 0 and path.is_file() and path.stat().st_size > 1000


def phones(text: str) -> list[Phone]:
    """The line as a sequence of sounds, letter by letter: vowels, voiced and hissed consonants, stops, pauses."""
    sequence: list[Phone] = []
    for word in text.lower().replace("-", " ").split(" "):
        letters = [c for c in word if c.isalpha()]
        first_vowel = True
        for index, letter in enumerate(letters):
            if letter in VOWELS and not (index and letters[index - 1] == letter):
                sequence.append(Phone(0.12 if first_vowel else 0.08, VOWELS[letter], 1.0, accent=first_vowel))
                first_vowel = False
            elif letter in STOPS:
                sequence.append(Phone(0.035, None, 0.0))  # the closure: silence
                sequence.append(Phone(0.02, None, 0.0, STOPS[letter], 0.5))
            elif letter in VOICED or letter in HISS:
                formants = VOICED.get(letter)
                sequence.append(
                    Phone(
                        0.06,
                        formants,
                        0.35 if formants else 0.0,
                        HISS.get(letter),
                        0.35 if letter in HISS else 0.0,
                    )
                )
        sequence.append(Phone(0.06, None, 0.0))  # between words
        if word[-1:] in ",;:":
            sequence.append(Phone(0.22, None, 0.0))
        elif word[-1:] in ".!?":
            sequence.append(Phone(0.45, None, 0.0))
    return sequence


def synthesise(text: str, *, rate: int = RATE, seed: int = 1) -> np.ndarray:
    """Mono float32 samples of a voice-like reading of `text`, peaking at about -6 dBFS."""
    sequence = phones(text)
    rng = np.random.default_rng(seed)
    lengths = [round(phone.seconds * rate) for phone in sequence]
    total = sum(lengths)
    voicing, noise_mix, accent = (
        np.zeros(total),
        {band: np.zeros(total) for band in NOISE_BANDS},
        np.zeros(total),
    )
    formants = np.zeros((3, total))
    position, last = 0, VOWELS["e"]
    for phone, length in zip(sequence, lengths):
        span = slice(position, position + length)
        voicing[span] = phone.loudness
        if phone.noise:
            noise_mix[phone.noise][span] = phone.noise_level
        accent[span] = 1.0 if phone.accent else 0.0
        last = phone.formants or last  # silence keeps the mouth where it was
        formants[:, span] = np.array(last)[:, None]
        position += length
    voicing, accent = _smooth(voicing, 0.012, rate), _smooth(accent, 0.06, rate)
    formants = np.stack([_smooth(track, 0.03, rate) for track in formants])  # the mouth moves, not jumps
    t = np.arange(total) / rate
    # Intonation: a phrase falls from about 190 to 140 Hz, stressed syllables rise, a little wander.
    wander = _smooth(rng.standard_normal(total), 0.08, rate) * 6
    pitch = (190 - 50 * t / max(t[-1], 1e-3)) * (1 + 0.12 * accent) + wander
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    voiced = np.zeros(total)
    bandwidths = (90, 110, 160)
    for harmonic in range(1, 36):
        frequency = harmonic * pitch
        level = np.zeros(total)
        for formant, bandwidth, weight in zip(formants, bandwidths, (1.0, 0.7, 0.35)):
            level += weight / (1 + ((frequency - formant) / (bandwidth / 2)) ** 2)
        level *= (frequency < 5000) / (1 + frequency / 400)  # the glottal source falls with frequency
        voiced += level * np.sin(harmonic * phase)
    noise = _band_noise(rng, total, rate)
    signal = voiced * voicing + 0.03 * noise["broad"] * voicing  # a little breath in the voice
    for band, mix in noise_mix.items():
        signal += 0.6 * noise[band] * _smooth(mix, 0.01, rate)
    return (0.5 * signal / max(np.abs(signal).max(), 1e-9)).astype(np.float32)


def _smooth(values: np.ndarray, seconds: float, rate: int) -> np.ndarray:
    width = max(1, round(seconds * rate))
    window = np.hanning(width + 2)[1:-1]
    return np.convolve(values, window / window.sum(), mode="same")


def _band_noise(rng: np.random.Generator, count: int, rate: int) -> dict[str, np.ndarray]:
    """White noise filtered to each band (through the FFT), at equal loudness."""
    spectrum = np.fft.rfft(rng.standard_normal(count))
    frequencies = np.fft.rfftfreq(count, 1 / rate)
    bands = {}
    for name, (low, high) in NOISE_BANDS.items():
        band = np.fft.irfft(spectrum * ((frequencies >= low) & (frequencies <= high)), count)
        bands[name] = band / (np.sqrt(np.mean(band**2)) + 1e-9) * 0.25
    return bands
