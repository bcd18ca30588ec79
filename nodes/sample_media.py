"""Sample Media: a clip, a still, music or a voice made offline by `kijkocut.samples`, so the example workflows
run on a fresh ComfyUI whose input folder is empty. Files go to output/kijkocut/samples (beside the other
files KijkoCut makes; temp is emptied at start-up and a saved timeline must still find them), named by what
they hold, written whole and reused when they already exist."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Literal, get_args

from comfy_api.latest import io

from kijkocut import samples
from kijkocut.atomic import empty_partial

from .fingerprint import file_state
from .media import import_file
from .types import Media, category, described, node_id

SampleKind = Literal["clip", "still", "music", "voice"]
KINDS: list[str] = list(get_args(SampleKind))
SUFFIXES: dict[str, str] = {"clip": ".mp4", "still": ".png", "music": ".wav", "voice": ".wav"}
MUSIC_RATE, VOICE_RATE = 48000, 44100


def sample_file_name(kind: str, seconds: float, width: int, height: int, hue: int) -> str:
    """The file's name from the inputs that shape it (a still has no length; sound has no picture)."""
    if kind not in SUFFIXES:
        raise ValueError(f"unknown sample kind {kind!r} (use {', '.join(KINDS)})")
    length = f"{seconds:g}s"
    shape = {
        "clip": f"{width}x{height}_hue{hue}_{length}",
        "still": f"{width}x{height}_hue{hue}",
        "music": length,
        "voice": length,
    }[kind]
    return f"{kind}_{shape}{SUFFIXES[kind]}"


def check_sample(kind: str, seconds: float, width: int, height: int, hue: int) -> None:
    sample_file_name(kind, seconds, width, height, hue)
    if seconds <= 0:
        raise ValueError(f"seconds must be more than 0, got {seconds}")
    if kind in ("clip", "still") and (width % 2 or height % 2 or min(width, height) < 16):
        raise ValueError(f"width and height must be even and at least 16, got {width}x{height}")


def _writer(kind: str, seconds: float, width: int, height: int, hue: int) -> Callable[[str], object]:
    if kind == "clip":
        # A tone whose pitch follows the hue, so clips also sound different.
        return lambda path: samples.write_video(
            path, seconds=seconds, width=width, height=height, hue=hue, tone_hz=220.0 + hue
        )
    if kind == "still":
        return lambda path: samples.write_image(path, width, height, hue=hue)
    if kind == "music":
        return lambda path: samples.write_audio(path, samples.chord(seconds, MUSIC_RATE), MUSIC_RATE)
    return lambda path: samples.write_audio(path, samples.voice_like(seconds, VOICE_RATE), VOICE_RATE)


def samples_folder() -> Path:
    import folder_paths

    path = Path(folder_paths.get_output_directory()) / "kijkocut" / "samples"
    path.mkdir(parents=True, exist_ok=True)
    return path


def make_sample(folder: Path, kind: str, seconds: float, width: int, height: int, hue: int) -> Path:
    """The sample's file in `folder`, written (under a partial name, then renamed) unless already there."""
    check_sample(kind, seconds, width, height, hue)
    final = folder / sample_file_name(kind, seconds, width, height, hue)
    if final.is_file():
        return final
    partial = empty_partial(folder, ".kijkocut-", f".partial{final.suffix}")
    try:
        _writer(kind, seconds, width, height, hue)(partial)
        os.replace(partial, final)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return final


class SampleMedia(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id=node_id("SampleMedia"),
            display_name="Sample Media",
            category=category("media"),
            **described(
                "A clip, a still, music or a voice made on this machine (no download, no input "
                "files), to try KijkoCut at once. Swap in Load Media for your own files.",
                "demo media",
                "example video",
                "test clip",
                "sample music",
                "placeholder media",
            ),
            inputs=[
                io.Combo.Input(
                    "kind",
                    options=KINDS,
                    default="clip",
                    tooltip="clip: a moving colour pattern with a tone; still: a PNG picture; music: "
                    "a stereo chord; voice: speech-like syllables (mono).",
                ),
                io.Float.Input(
                    "seconds",
                    default=4.0,
                    min=0.5,
                    max=600.0,
                    step=0.5,
                    tooltip="Length of a clip, music or voice; a still has none (placed for 5 s).",
                ),
                io.Int.Input(
                    "width",
                    default=640,
                    min=16,
                    max=3840,
                    step=2,
                    tooltip="Picture width of a clip or still; music and voice ignore it.",
                ),
                io.Int.Input(
                    "height",
                    default=360,
                    min=16,
                    max=2160,
                    step=2,
                    tooltip="Picture height of a clip or still; music and voice ignore it.",
                ),
                io.Int.Input(
                    "hue",
                    default=0,
                    min=0,
                    max=359,
                    tooltip="Colour of a clip or still in degrees (0 red, 120 green, 240 blue), so "
                    "samples are easy to tell apart; a clip's tone rises with it.",
                ),
            ],
            outputs=[Media.Output(display_name="media"), io.Float.Output(display_name="duration")],
        )

    @classmethod
    def validate_inputs(cls, kind: str, seconds: float, width: int, height: int, hue: int) -> bool | str:
        try:
            check_sample(kind, seconds, width, height, hue)
        except ValueError as exc:
            return str(exc)
        return True

    @classmethod
    def fingerprint_inputs(cls, kind: str, seconds: float, width: int, height: int, hue: int) -> object:
        # The file is made here, before ComfyUI compares fingerprints: the first run's fingerprint is then the
        # file's state and an unchanged graph queued again is served from the cache; a sample deleted since
        # is made again, and its new state runs the nodes below again.
        try:
            return file_state(make_sample(samples_folder(), kind, seconds, width, height, hue))
        except ValueError:
            return None  # validate_inputs names the problem

    @classmethod
    def execute(cls, kind: str, seconds: float, width: int, height: int, hue: int) -> io.NodeOutput:
        ref = import_file(str(make_sample(samples_folder(), kind, seconds, width, height, hue)))
        duration = ref.info.duration
        return io.NodeOutput(ref, float(duration) if duration is not None else 0.0)


NODES: list[type[io.ComfyNode]] = [SampleMedia]
