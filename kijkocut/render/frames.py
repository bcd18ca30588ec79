"""Rendering video frames of a project: one `FrameRenderer` keeps a sequential reader per source, so walking
the timeline forward decodes each source once; `render_frame` serves previews and thumbnails."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from fractions import Fraction

import av
import numpy as np

from kijkocut.media.video_reader import StillReader, VideoReader
from kijkocut.model import ClipElement, MediaRef, Project, TextElement, parse_colour
from kijkocut.project_io import resolve_media_path
from kijkocut.render.canvas import Canvas, Patch
from kijkocut.render.geometry import OutputGeometry
from kijkocut.render.layers import clip_patch, frame_has_alpha
from kijkocut.render.text import text_patch
from kijkocut.render.timeline_eval import fade_factor, source_time, visual_stack
from kijkocut.timebase import frame_count
from kijkocut.validate import check_project

ProgressCallback = Callable[[int, int], None]


def is_cancelled(cancel) -> bool:
    if cancel is None:
        return False
    if hasattr(cancel, "is_set"):
        return bool(cancel.is_set())
    return bool(cancel())


class FrameRenderer:
    def __init__(self, project: Project, geometry: OutputGeometry, *, project_dir: str | os.PathLike | None = None):
        self.project = project
        self.geometry = geometry
        self.project_dir = project_dir
        self._readers: dict[str, VideoReader | StillReader] = {}
        self._text_cache: dict[tuple[str, str], Patch] = {}
        self._background = parse_colour(project.settings.background)[:3]

    def close(self) -> None:
        for reader in self._readers.values():
            reader.close()
        self._readers.clear()

    def __enter__(self) -> FrameRenderer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _reader(self, media: MediaRef):
        reader = self._readers.get(media.id)
        if reader is None:
            path = resolve_media_path(media.path, self.project_dir)
            if media.info.kind == "image":
                reader = StillReader(path)
            else:
                reader = VideoReader(path, alpha=bool(media.info.video and media.info.video.has_alpha))
            self._readers[media.id] = reader
        return reader

    def _clip_patch(self, element: ClipElement, t: Fraction) -> tuple[Patch | None, av.VideoFrame]:
        media = self.project.media[element.media_id]
        frame = self._reader(media).frame_at(source_time(element, t, self.project.settings.frame_rate))
        video = media.info.video
        orientation = video.rotation if video and media.info.kind != "image" else 0
        sar = float(video.sample_aspect_ratio) if video and video.sample_aspect_ratio else 1.0
        return clip_patch(frame, element.transform, self.geometry, orientation=orientation, sample_aspect=sar), frame

    def _text_patch(self, element: TextElement) -> Patch:
        key = (element.id, element.model_dump_json(include={"text", "style"}))
        patch = self._text_cache.get(key)
        if patch is None:
            patch = self._text_cache[key] = text_patch(element, self.geometry)
        return patch

    def render(self, t: Fraction) -> av.VideoFrame:
        """The output frame at timeline time t, as yuv420p. May return a decoded source frame unchanged when it
        alone fills the output, so callers must not write into the result."""
        canvas = None
        for active in visual_stack(self.project, t):
            element = active.element
            opacity = float(fade_factor(element, t) * (active.weight if active.is_incoming else 1))
            if isinstance(element, TextElement):
                patch, opacity = self._text_patch(element), opacity * element.style.opacity
            else:
                if element.media_id not in self.project.media:
                    continue
                patch, frame = self._clip_patch(element, t)
                opacity *= element.transform.opacity
                if patch is None:
                    continue
                if (canvas is None and opacity >= 1 and patch.alpha is None and patch.x == 0 and patch.y == 0
                        and patch.width == self.geometry.width and patch.height == self.geometry.height
                        and not frame_has_alpha(frame) and _is_whole_frame(patch, frame)):
                    # Opaque full-frame bottom layer: start from it instead of a background fill.
                    canvas = _CanvasFromFrame(frame)
                    continue
            if canvas is None:
                canvas = Canvas(self.geometry.width, self.geometry.height, self._background)
            elif isinstance(canvas, _CanvasFromFrame):
                canvas = canvas.materialise(self._background)
            canvas.blend(patch, opacity)
        if canvas is None:
            canvas = Canvas(self.geometry.width, self.geometry.height, self._background)
        return canvas.frame


def _is_whole_frame(patch: Patch, frame: av.VideoFrame) -> bool:
    return frame.format.name == "yuv420p" and frame.width == patch.width and frame.height == patch.height


class _CanvasFromFrame:
    """A decoded frame used as the canvas as long as nothing is drawn over it (no copy at all)."""

    def __init__(self, frame: av.VideoFrame):
        self.frame = frame

    def materialise(self, background) -> Canvas:
        canvas = Canvas(self.frame.width, self.frame.height, background)
        canvas.blend(Patch.from_frame(self.frame, 0, 0), 1.0)
        return canvas


def output_geometry(project: Project, width: int | None = None, height: int | None = None,
                    reframe: str = "contain") -> OutputGeometry:
    settings = project.settings
    if width is None and height is None:
        width, height = settings.width, settings.height
    elif width is None:
        width = round(settings.width * height / settings.height)
    elif height is None:
        height = round(settings.height * width / settings.width)
    width, height = max(2, width - width % 2), max(2, height - height % 2)
    return OutputGeometry(settings.width, settings.height, width, height, reframe)  # type: ignore[arg-type]


def frame_to_rgb(frame: av.VideoFrame) -> np.ndarray:
    return frame.to_ndarray(format="rgb24")


def render_frame(project: Project, t: Fraction | float | str, *, width: int | None = None,
                 height: int | None = None, project_dir: str | os.PathLike | None = None) -> np.ndarray:
    """One frame at time t as an RGB array (H, W, 3), at any output size (aspect kept, letterboxed)."""
    from kijkocut.timebase import to_fraction

    with FrameRenderer(project, output_geometry(project, width, height), project_dir=project_dir) as renderer:
        return frame_to_rgb(renderer.render(to_fraction(t)))


def iter_frames(project: Project, *, start: Fraction | None = None, end: Fraction | None = None,
                width: int | None = None, height: int | None = None, every_nth: int = 1,
                project_dir: str | os.PathLike | None = None, progress: ProgressCallback | None = None,
                cancel=None) -> Iterator[np.ndarray]:
    """RGB frames of [start, end) at the project frame rate, every n-th frame, streamed one at a time."""
    from kijkocut.errors import RenderCancelled

    check_project(project)
    rate = project.settings.frame_rate
    start = Fraction(0) if start is None else start
    end = project.duration() if end is None else end
    total = frame_count(end - start, rate)
    indices = range(0, total, max(1, every_nth))
    with FrameRenderer(project, output_geometry(project, width, height), project_dir=project_dir) as renderer:
        for done, index in enumerate(indices, 1):
            if is_cancelled(cancel):
                raise RenderCancelled("render cancelled")
            yield frame_to_rgb(renderer.render(start + Fraction(index) / rate))
            if progress:
                progress(done, len(indices))


