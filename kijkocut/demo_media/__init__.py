"""The demo's sample media, designed and made by code, offline: four moving scenes, a logo with
transparency, a colour look (a .cube LUT), music and a narrator's two lines."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kijkocut import samples
from kijkocut.demo_media import scenes
from kijkocut.demo_media.music import music
from kijkocut.demo_media.stills import write_logo, write_teal_orange_lut
from kijkocut.demo_media.voice import write_voice

LINES = (
    "Welcome to KijkoCut: video editing inside ComfyUI.",
    "Every picture and every sound here was made by code, on this machine.",
)
# Scene, seconds of media (each clip's length on the timeline plus the handles its transitions use).
SCENES: dict[str, tuple[Callable[..., Iterator[np.ndarray]], float]] = {
    "sunset": (scenes.sunset, 6.2),
    "city": (scenes.night_bokeh, 5.2),
    "aurora": (scenes.aurora, 4.7),
    "backdrop": (scenes.brand_backdrop, 3.2),
}


@dataclass(frozen=True)
class DemoMedia:
    clips: dict[str, Path]  # scene name -> MP4
    logo: Path  # RGBA PNG
    look: Path  # .cube
    music: Path
    voice: tuple[Path, ...]  # one file per line


def make_demo_media(folder: str | Path, *, width: int, height: int, music_seconds: float = 15.0) -> DemoMedia:
    """Writes the media into `folder`; the scenes are drawn and encoded two at a time (the work is in numpy,
    Pillow and x264, which release the interpreter)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)

    def write_scene(name: str) -> Path:
        draw, seconds = SCENES[name]
        return samples.write_clip(
            folder / f"{name}.mp4", draw(width, height, seconds), width=width, height=height
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        clips = dict(zip(SCENES, pool.map(write_scene, SCENES)))
    return DemoMedia(
        clips=clips,
        logo=write_logo(folder / "logo.png"),
        look=write_teal_orange_lut(folder / "teal_orange.cube"),
        music=samples.write_audio(folder / "music.wav", music(music_seconds), 48000),
        voice=tuple(
            write_voice(folder / f"voice_{number}.wav", line) for number, line in enumerate(LINES, 1)
        ),
    )
