"""What each interchange format keeps, property by property, judged by renders: a small project with one
property set goes out to .otio, FCP XML and EDL and back, and its frames (PSNR >= 45 dB at seven times) and
mix (integrated loudness within 0.1 LU) are compared. Prints a Markdown table: 'kept', 'lost' (with '(warned)'
when the export said so), or 'fails' when the export or import raised. Run it from a checkout; with PYTHONPATH
pointing at another copy of `kijkocut` it measures that copy (an export there has no warnings to count)."""

from __future__ import annotations

import math
import sys
import tempfile
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

from kijkocut import samples
from kijkocut.animation import Keyframe
from kijkocut.audio.loudness import integrated_loudness
from kijkocut.edit import Editor
from kijkocut.edit.commands import AddElement, AddMarker, AddMedia, AddTrack, AddTransition, SetKeyframes
from kijkocut.interchange import otio as interchange
from kijkocut.media.probe import import_media
from kijkocut.model import (
    ClipElement,
    Crop,
    Effect,
    Project,
    ProjectSettings,
    TextElement,
    TextStyle,
    Transform,
)
from kijkocut.render.audio_mix import render_audio
from kijkocut.render.frames import render_frame

RATE = 30
FRAMES = (2, 8, 20, 31, 40, 50, 58)


def _base(media: dict[str, Path], **first: object) -> Editor:
    editor = Editor(Project(settings=ProjectSettings(width=160, height=90, frame_rate=RATE)))
    for key, path in media.items():
        editor.apply(AddMedia(media=import_media(path, media_id=key)))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(
                id="a", media_id="red", start=0, duration=1, source_in=Fraction(1, 2), **first
            ),
        )
    )
    editor.apply(
        AddElement(
            track_id="v1", element=ClipElement(id="b", media_id="blue", start=1, duration=1, source_in=1)
        )
    )
    return editor


def _overlay(editor: Editor, media_id: str = "small", **element: object) -> Editor:
    editor.apply(AddTrack(kind="overlay", track_id="o1"))
    editor.apply(
        AddElement(
            track_id="o1",
            element=ClipElement(id="o", media_id=media_id, start=Fraction(1, 3), duration=1, **element),
        )
    )
    return editor


def _audio(editor: Editor, **element: object) -> Editor:
    editor.apply(AddTrack(kind="audio", track_id="a1"))
    editor.apply(
        AddElement(
            track_id="a1", element=ClipElement(id="m", media_id="music", start=0, duration=2, **element)
        )
    )
    return editor


def _with(editor: Editor, *commands: object) -> Editor:
    for command in commands:
        editor.apply(command)
    return editor


def cases(media: dict[str, Path]) -> dict[str, Callable[[], Project]]:
    crossfade = AddTransition(from_id="a", to_id="b", duration=Fraction(2, 5), alignment="center")
    return {
        "cuts and source ranges, one video track": lambda: _base(media).project,
        "a second video track (overlay)": lambda: _overlay(_base(media)).project,
        "picture-in-picture scale and position": lambda: (
            _overlay(_base(media), transform=Transform(x=120, y=30, scale=0.4)).project
        ),
        "opacity": lambda: _overlay(_base(media), transform=Transform(opacity=0.5, scale=0.5)).project,
        "crop and rotation": lambda: (
            _overlay(_base(media), transform=Transform(rotation=30, scale=0.6, crop=Crop(left=0.3))).project
        ),
        "composite (blend) mode": lambda: _overlay(_base(media), blend_mode="difference").project,
        "still image overlay": lambda: _overlay(_base(media), "logo", transform=Transform(scale=0.5)).project,
        "fades (picture and sound)": lambda: (
            _base(media, fade_in=Fraction(1, 3), fade_out=Fraction(1, 5)).project
        ),
        "clip gain -6 dB": lambda: _base(media, gain_db=-6).project,
        "pan": lambda: _base(media, pan=-1).project,
        "audio track": lambda: _audio(_base(media)).project,
        "audio track gain and fade": lambda: (
            _audio(_base(media), gain_db=-6, fade_out=Fraction(1, 2)).project
        ),
        "crossfade (picture and sound)": lambda: _with(_base(media), crossfade).project,
        "dip to black": lambda: (
            _with(_base(media), crossfade.model_copy(update={"kind": "dip_to_black"})).project
        ),
        "wipe": lambda: _with(_base(media), crossfade.model_copy(update={"kind": "wipe_left"})).project,
        "speed 2x": lambda: _base(media, speed=2).project,
        "reverse": lambda: _base(media, reverse=True).project,
        "freeze frame": lambda: _base(media, freeze_frame=True).project,
        "keyframed scale (eased)": lambda: (
            _with(
                _overlay(_base(media)),
                SetKeyframes(
                    element_id="o",
                    property="transform.scale",
                    keyframes=[
                        Keyframe(time=0, value=0.2, interpolation="ease_out"),
                        Keyframe(time=1, value=0.9),
                    ],
                ),
            ).project
        ),
        "effect (sepia)": lambda: _base(media, effects=[Effect(kind="sepia")]).project,
        "title text": lambda: (
            _with(
                _base(media),
                AddTrack(kind="text", track_id="t1"),
                AddElement(track_id="t1", element=TextElement(text="Hi", start=0, duration=1)),
            ).project
        ),
        "title style": lambda: (
            _with(
                _base(media),
                AddTrack(kind="text", track_id="t1"),
                AddElement(
                    track_id="t1",
                    element=TextElement(
                        text="Hi", start=0, duration=1, style=TextStyle(size=40, color="#ff0000")
                    ),
                ),
            ).project
        ),
        "markers": lambda: _with(_base(media), AddMarker(time=Fraction(1, 2), name="beat")).project,
    }


def _psnr(a, b) -> float:
    error = float(((a.astype(float) - b.astype(float)) ** 2).mean())
    return math.inf if error == 0 else 10 * math.log10(255**2 / error)


def _same(before: Project, after: Project) -> bool:
    if before.markers and len(after.markers) != len(before.markers):
        return False
    pictures = all(
        _psnr(render_frame(after, Fraction(f, RATE)), render_frame(before, Fraction(f, RATE))) >= 45
        for f in FRAMES
    )
    rate = before.settings.sample_rate
    return (
        pictures
        and abs(
            integrated_loudness(render_audio(after), rate) - integrated_loudness(render_audio(before), rate)
        )
        <= 0.1
    )


def measure(project: Project, folder: Path, suffix: str) -> str:
    options = {"rate": RATE} if suffix == "edl" else {}
    try:
        if hasattr(interchange, "export_timeline"):
            report = interchange.export_timeline(project, folder / f"cut.{suffix}")
            path, warned = report.path, bool(report.warnings)
        else:
            path, warned = interchange.export_otio(project, folder / f"cut.{suffix}"), False
        back = interchange.import_otio(path, **options)
    except Exception:
        return "fails"
    if _same(project, back):
        return "kept"
    return "lost (warned)" if warned else "lost"


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        media = {
            "red": samples.write_video(
                folder / "red.mp4", seconds=4, width=160, height=90, hue=0, tone_hz=440
            ),
            "blue": samples.write_video(
                folder / "blue.mp4", seconds=4, width=160, height=90, hue=240, tone_hz=660
            ),
            "small": samples.write_video(folder / "small.mp4", seconds=3, width=80, height=44, hue=120),
            "logo": samples.write_image(folder / "logo.png", 64, 48, alpha=True),
            "music": samples.write_audio(folder / "music.wav", samples.chord(6), 48000),
        }
        print("| property | .otio | FCP XML | EDL |")
        print("|---|---|---|---|")
        for name, build in cases(media).items():
            project = build()
            print(
                f"| {name} | "
                + " | ".join(measure(project, folder, s) for s in ("otio", "xml", "edl"))
                + " |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
