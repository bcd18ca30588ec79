"""`kijkocut demo`: designed sample media made by code (`kijkocut.demo_media`), a 15-second timeline built
through the edit layer, and two exports of it: 16:9 and a 9:16 version for Shorts on a blurred fill. No
network, no API key.

The timeline: four scenes (sunset hills in parallax, night bokeh over a skyline, an aurora over a lake, an
end card) joined by a push, a blur dissolve and an iris; a teal-and-orange LUT on the city; a slow zoom on
the aurora; a logo with transparency as a corner bug and, popping in, on the end card; styled titles (an
outlined title sliding up, a boxed subtitle typed out, lower thirds); music with a beat, ducked under a
narrator."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from kijkocut.animation import Keyframe
from kijkocut.demo_media import DemoMedia, make_demo_media
from kijkocut.edit import Editor
from kijkocut.edit.commands import (
    AddEffect,
    AddElement,
    AddMedia,
    AddTrack,
    AddTransition,
    ApplyAnimationPreset,
    SetKeyframes,
    UpdateTrack,
)
from kijkocut.media.probe import import_media
from kijkocut.model import (
    ClipElement,
    Ducking,
    Project,
    ProjectSettings,
    TextElement,
    TextStyle,
    Transform,
)
from kijkocut.project_io import save_project
from kijkocut.render.export import ExportResult, export_project
from kijkocut.render.frames import ProgressCallback
from kijkocut.render.presets import ExportSettings, settings_for

WIDTH, HEIGHT = 960, 540
VERTICAL = (540, 960)
SECONDS = 15
# Scene, start, length on the timeline; each clip starts 0.5 s into its media (the handle before it).
SHOTS = (
    ("sunset", Fraction(0), Fraction(5)),
    ("city", Fraction(5), Fraction(4)),
    ("aurora", Fraction(9), Fraction(7, 2)),
    ("backdrop", Fraction(25, 2), Fraction(5, 2)),
)
TRANSITIONS = (("push_left", Fraction(4, 5)), ("blur_dissolve", Fraction(4, 5)), ("iris", Fraction(4, 5)))
VOICE_STARTS = (Fraction(6, 5), Fraction(37, 5))
HANDLE = Fraction(1, 2)


@dataclass(frozen=True)
class DemoResult:
    wide: ExportResult  # 16:9
    vertical: ExportResult  # 9:16 on a blurred fill
    project_path: Path


def _title_styles(height: int) -> dict[str, TextStyle]:
    """The titles' looks: every one keeps its contrast over any picture (an outline and shadow, or a box)."""
    unit = height / 540
    return {
        "title": TextStyle(
            size=round(92 * unit),
            weight="bold",
            color="#ffffff",
            stroke_width=round(5 * unit),
            stroke_color="#2a0f3a",
            shadow_color="#14061e99",
            shadow_offset_x=0,
            shadow_offset_y=round(6 * unit),
            shadow_blur=round(8 * unit),
            y=0.36 * height,
            letter_spacing=round(2 * unit),
            animation_in="slide_up",
            animation_out="fade",
            animation_duration=Fraction(3, 5),
        ),
        "subtitle": TextStyle(
            size=round(28 * unit),
            color="#fff4e8",
            box_color="#1a0d2ed9",
            box_padding=round(14 * unit),
            box_radius=round(10 * unit),
            y=0.53 * height,
            animation_in="typewriter",
            animation_out="fade",
            animation_duration=Fraction(4, 5),
        ),
        "lower_third": TextStyle(
            size=round(28 * unit),
            weight="bold",
            color="#ffffff",
            box_color="#0b1a33e0",
            box_padding=round(16 * unit),
            box_radius=round(6 * unit),
            x=0.68 * height,
            y=0.8 * height,
            animation_in="slide_right",
            animation_out="fade",
            animation_duration=Fraction(1, 2),
        ),
        "caption": TextStyle(
            size=round(34 * unit),
            weight="bold",
            color="#eafff6",
            stroke_width=round(3 * unit),
            stroke_color="#03121c",
            shadow_color="#000000aa",
            shadow_blur=round(6 * unit),
            y=0.8 * height,
            animation_in="slide_up",
            animation_out="fade",
            animation_duration=Fraction(1, 2),
        ),
        "wordmark": TextStyle(
            size=round(56 * unit),
            weight="bold",
            color="#ffffff",
            stroke_width=round(4 * unit),
            stroke_color="#1d1240",
            shadow_color="#1d1240aa",
            shadow_blur=round(8 * unit),
            y=0.72 * height,
            letter_spacing=round(2 * unit),
            animation_in="slide_up",
            animation_duration=Fraction(1, 2),
        ),
        "tagline": TextStyle(
            size=round(24 * unit),
            color="#f3ecff",
            box_color="#1d1240cc",
            box_padding=round(10 * unit),
            box_radius=round(14 * unit),
            y=0.83 * height,
            animation_in="fade",
            animation_duration=Fraction(1, 2),
        ),
    }


TITLES = (  # track, id, style, text, start, length
    ("titles", "title", "title", "KijkoCut", Fraction(3, 5), Fraction(19, 5)),
    ("subtitles", "subtitle", "subtitle", "video editing, inside ComfyUI", Fraction(6, 5), Fraction(16, 5)),
    (
        "titles",
        "lower_third",
        "lower_third",
        "Private by design: runs on your machine",
        Fraction(28, 5),
        Fraction(3),
    ),
    ("titles", "caption", "caption", "Made by code, offline", Fraction(48, 5), Fraction(13, 5)),
    ("titles", "wordmark", "wordmark", "KijkoCut", Fraction(67, 5), Fraction(8, 5)),
    ("subtitles", "tagline", "tagline", "edit video in ComfyUI, privately", Fraction(69, 5), Fraction(6, 5)),
)


def build_demo_project(media: DemoMedia, *, width: int = WIDTH, height: int = HEIGHT) -> Project:
    project = Project(
        name="KijkoCut demo",
        settings=ProjectSettings(width=width, height=height, frame_rate=30, background="#0b0718"),
    )
    editor = Editor(project)
    refs = {name: import_media(path, media_id=name) for name, path in media.clips.items()}
    refs["logo"] = import_media(media.logo, media_id="logo")
    refs["music"] = import_media(media.music, media_id="music")
    for number, path in enumerate(media.voice, 1):
        refs[f"voice_{number}"] = import_media(path, media_id=f"voice_{number}")
    for ref in refs.values():
        editor.apply(AddMedia(media=ref))
    for kind, name, track_id in (
        ("video", "Scenes", "v1"),
        ("overlay", "Logo", "logo"),
        ("text", "Titles", "titles"),
        ("text", "Subtitles", "subtitles"),
        ("audio", "Music", "music"),
        ("audio", "Voice", "voice"),
    ):
        editor.apply(AddTrack(kind=kind, name=name, track_id=track_id))

    for name, start, length in SHOTS:
        editor.apply(
            AddElement(
                track_id="v1",
                element=ClipElement(
                    id=name, media_id=name, start=start, duration=length, source_in=HANDLE, audio_muted=True
                ),
            )
        )
    for (kind, length), (left, right) in zip(TRANSITIONS, zip(SHOTS, SHOTS[1:])):
        editor.apply(AddTransition(from_id=left[0], to_id=right[0], kind=kind, duration=length))
    editor.apply(AddEffect(element_id="city", kind="lut", effect_id="look", params={"path": str(media.look)}))
    aurora = project.element("aurora")
    editor.apply(
        SetKeyframes(
            element_id="aurora",
            property="transform.scale",
            keyframes=[  # a slow push in
                Keyframe(time=0, value=1.0),
                Keyframe(time=aurora.duration, value=1.12),
            ],
        )
    )

    logo_size = height * 0.13 / 256  # the logo file is 256 px square
    editor.apply(
        AddElement(
            track_id="logo",
            element=ClipElement(
                id="logo_bug",
                media_id="logo",
                start=Fraction(28, 5),
                duration=Fraction(33, 5),
                fade_in=Fraction(2, 5),
                fade_out=Fraction(2, 5),
                transform=Transform(
                    x=0.075 * width, y=0.12 * height, scale=logo_size, fit="none", opacity=0.92
                ),
            ),
        )
    )
    editor.apply(
        AddElement(
            track_id="logo",
            element=ClipElement(
                id="logo_end",
                media_id="logo",
                start=Fraction(13),
                duration=Fraction(2),
                transform=Transform(x=width / 2, y=0.42 * height, scale=height * 0.34 / 256, fit="none"),
            ),
        )
    )
    editor.apply(ApplyAnimationPreset(element_id="logo_end", preset="pop_in", duration=Fraction(3, 5)))

    styles = _title_styles(height)
    for track_id, element_id, style, text, start, length in TITLES:
        editor.apply(
            AddElement(
                track_id=track_id,
                element=TextElement(
                    id=element_id, text=text, start=start, duration=length, style=styles[style]
                ),
            )
        )

    editor.apply(
        AddElement(
            track_id="music",
            element=ClipElement(
                id="music_bed",
                media_id="music",
                start=0,
                duration=SECONDS,
                gain_db=-3,
                fade_in=Fraction(1, 2),
                fade_out=2,
            ),
        )
    )
    editor.apply(UpdateTrack(track_id="music", ducking=Ducking(under_track_id="voice", amount_db=-12)))
    for number, start in enumerate(VOICE_STARTS, 1):
        ref = refs[f"voice_{number}"]
        length = min(Fraction(ref.info.duration or 0), Fraction(SECONDS) - start)
        editor.apply(
            AddElement(
                track_id="voice",
                element=ClipElement(
                    id=f"line_{number}", media_id=f"voice_{number}", start=start, duration=length, gain_db=2
                ),
            )
        )
    return project


def run_demo(out_dir: str | Path, *, progress: ProgressCallback | None = None) -> DemoResult:
    """Media, project and both exports into `out_dir`; `progress` counts the frames of both exports."""
    out_dir = Path(out_dir)
    media = make_demo_media(out_dir / "media", width=WIDTH, height=HEIGHT, music_seconds=SECONDS)
    project = build_demo_project(media)
    project_path = out_dir / "demo_project.json"
    save_project(project, project_path)
    frames = SECONDS * 30
    # x264's superfast preset: a quarter less time than veryfast for smooth, drawn pictures at this quality.
    wide = export_project(
        project,
        out_dir / "demo.mp4",
        ExportSettings(crf=22, speed="superfast", loudness_lufs=-16),
        progress=_part_of(progress, 0, 2 * frames),
    )
    vertical = export_project(
        project,
        out_dir / "demo_vertical.mp4",
        settings_for("shorts", width=VERTICAL[0], height=VERTICAL[1], crf=23, speed="superfast"),
        progress=_part_of(progress, frames, 2 * frames),
    )
    return DemoResult(wide, vertical, project_path)


def _part_of(progress: ProgressCallback | None, before: int, overall: int) -> ProgressCallback | None:
    """One export's progress as part of several: its frames counted after `before` of `overall`."""
    if progress is None:
        return None
    return lambda done, total: progress(before + done, overall)
