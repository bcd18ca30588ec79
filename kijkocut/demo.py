"""`kijkocut demo`: generate sample media, build a project (three clips with crossfades, a picture-in-picture
overlay, a faded title, music and voice) through the edit layer, and export it. No network, no API key."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from kijkocut import samples
from kijkocut.edit import Editor
from kijkocut.edit.commands import AddElement, AddMedia, AddTrack, AddTransition
from kijkocut.media.probe import import_media
from kijkocut.model import ClipElement, Project, ProjectSettings, TextElement, TextStyle, Transform
from kijkocut.project_io import save_project
from kijkocut.render.export import ExportResult, export_project
from kijkocut.render.frames import ProgressCallback
from kijkocut.render.presets import ExportSettings


def make_demo_media(folder: Path, *, width: int = 640, height: int = 360) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "a": samples.write_video(folder / "a.mp4", seconds=8, width=width, height=height, hue=0),
        "b": samples.write_video(folder / "b.mp4", seconds=8, width=width, height=height, hue=120),
        "c": samples.write_video(folder / "c.mp4", seconds=8, width=width, height=height, hue=240),
        "pip": samples.write_video(folder / "pip.mp4", seconds=5, width=320, height=180, hue=60),
        "music": samples.write_audio(folder / "music.wav", samples.chord(16), 48000),
        "voice": samples.write_audio(folder / "voice.mp3", samples.voice_like(6), 44100),
    }


def build_demo_project(media: dict[str, Path], *, width: int = 640, height: int = 360) -> Project:
    project = Project(name="KijkoCut demo", settings=ProjectSettings(width=width, height=height, frame_rate=30))
    editor = Editor(project)
    refs = {key: import_media(path, media_id=key) for key, path in media.items()}
    for ref in refs.values():
        editor.apply(AddMedia(media=ref))
    editor.apply(AddTrack(kind="video", name="V1", track_id="v1"))
    editor.apply(AddTrack(kind="overlay", name="Picture in picture", track_id="v2"))
    editor.apply(AddTrack(kind="text", name="Titles", track_id="titles"))
    editor.apply(AddTrack(kind="audio", name="Music", track_id="music"))
    editor.apply(AddTrack(kind="audio", name="Voice", track_id="voice"))
    # Three 5 s shots, butted; 1 s crossfades ending at each cut use the media after/before them as handles.
    for index, key in enumerate("abc"):
        editor.apply(AddElement(track_id="v1", element=ClipElement(
            id=f"shot_{key}", media_id=key, start=5 * index, duration=5, source_in=1)))
    editor.apply(AddTransition(from_id="shot_a", to_id="shot_b", duration=1, alignment="end"))
    editor.apply(AddTransition(from_id="shot_b", to_id="shot_c", duration=1, alignment="end"))
    pip_width = width * 0.3
    editor.apply(AddElement(track_id="v2", element=ClipElement(
        id="pip", media_id="pip", start=2, duration=4, fade_in=Fraction(1, 2), fade_out=Fraction(1, 2),
        transform=Transform(scale=0.3, opacity=0.9, x=width - pip_width / 2 - 16,
                            y=height - pip_width * 9 / 32 - 16))))
    editor.apply(AddElement(track_id="titles", element=TextElement(
        id="title", text="Hello from KijkoCut", start=0, duration=4, fade_in=Fraction(1, 2),
        fade_out=Fraction(1, 2), style=TextStyle(size=height // 10))))
    editor.apply(AddElement(track_id="music", element=ClipElement(
        id="music_bed", media_id="music", start=0, duration=15, gain_db=-6, fade_in=2, fade_out=2)))
    editor.apply(AddElement(track_id="voice", element=ClipElement(id="voice_over", media_id="voice", start=4, duration=6)))
    return project


def run_demo(out_dir: str | Path, *, progress: ProgressCallback | None = None) -> tuple[ExportResult, Path]:
    out_dir = Path(out_dir)
    media = make_demo_media(out_dir / "media")
    project = build_demo_project(media)
    project_path = out_dir / "demo_project.json"
    save_project(project, project_path)
    result = export_project(project, out_dir / "demo.mp4", ExportSettings(crf=23), progress=progress)
    return result, project_path
