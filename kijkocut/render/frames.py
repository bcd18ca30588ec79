"""Rendering video frames of a project: one `FrameRenderer` keeps a sequential reader per source, so walking
the timeline forward decodes each source once; `render_frame` serves previews and thumbnails."""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Iterator
from fractions import Fraction

import av
import numpy as np

from kijkocut.effects.filters import apply_effects, as_float, as_uint8
from kijkocut.errors import RenderCancelled
from kijkocut.media.video_reader import StillReader, VideoReader
from kijkocut.model import (
    AdjustmentElement,
    ClipElement,
    Effect,
    MediaRef,
    Project,
    TextElement,
    parse_colour,
)
from kijkocut.paths import PathPolicy, confined_project
from kijkocut.project_io import resolve_media_path
from kijkocut.render.animate import element_at
from kijkocut.render.canvas import Canvas, Patch, blend_rgba, read_rgb, write_rgb
from kijkocut.render.colour import read_matrix
from kijkocut.render.geometry import OutputGeometry, Reframe
from kijkocut.render.layers import clip_patch, clip_rgba, frame_has_alpha, rgba_patch, rotate_rgba
from kijkocut.render.text import rasterise, text_motion
from kijkocut.render.timeline_eval import (
    VISUAL_TRACKS,
    active_on_track,
    fade_factor,
    held_media_time,
    source_time,
)
from kijkocut.render.transitions import SideModifier, transition_look
from kijkocut.timebase import frame_count, to_time
from kijkocut.validate import check_project, check_render_range

ProgressCallback = Callable[[int, int], None]


def is_cancelled(cancel) -> bool:
    if cancel is None:
        return False
    if hasattr(cancel, "is_set"):
        return bool(cancel.is_set())
    return bool(cancel())


MAX_OPEN_READERS = 8


class FrameRenderer:
    """Renders output frames in order. Keeps one reader per visible element (split pieces and the two sides of
    a transition never fight over one decoder), at most MAX_OPEN_READERS at a time."""

    def __init__(
        self, project: Project, geometry: OutputGeometry, *, project_dir: str | os.PathLike | None = None
    ):
        self.project = project
        self.geometry = geometry
        self.project_dir = project_dir
        self._readers: OrderedDict[str, VideoReader | StillReader] = OrderedDict()
        self._text_cache: dict[tuple, tuple[np.ndarray, tuple[float, float]]] = {}
        self._colour_patches: dict[tuple[int, int, int], Patch] = {}
        self._background = parse_colour(project.settings.background)[:3]
        self._rate = project.settings.frame_rate
        self._used: set[str] = set()  # elements whose reader the current frame needed

    def close(self) -> None:
        for reader in self._readers.values():
            reader.close()
        self._readers.clear()

    def __enter__(self) -> FrameRenderer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _reader(self, element: ClipElement, media: MediaRef):
        self._used.add(element.id)
        reader = self._readers.get(element.id)
        if reader is None:
            path = resolve_media_path(media.path, self.project_dir)
            if media.info.kind == "image":
                reader = StillReader(path)
            else:
                reader = VideoReader(path, alpha=bool(media.info.video and media.info.video.has_alpha))
            self._readers[element.id] = reader
            while len(self._readers) > MAX_OPEN_READERS:
                self._readers.popitem(last=False)[1].close()
        else:
            self._readers.move_to_end(element.id)
        return reader

    def _source_frame(
        self, element: ClipElement, media: MediaRef, t: Fraction, holds_edge: bool
    ) -> av.VideoFrame:
        reader = self._reader(element, media)
        media_t = source_time(element, t, self._rate)
        if holds_edge:
            media_t = held_media_time(media_t, media)
        if element.frame_sampling != "blend":
            return reader.frame_at(media_t)
        frame, following, weight = reader.frame_pair(media_t)
        if following is None or weight <= 0:
            return frame
        first = frame.to_ndarray(format="yuv420p").astype(np.uint16)
        second = following.to_ndarray(format="yuv420p").astype(np.uint16)
        w = round(weight * 256)
        mixed = ((first * (256 - w) + second * w + 128) >> 8).astype(np.uint8)
        return av.VideoFrame.from_ndarray(mixed, format="yuv420p")

    def _orientation(self, media: MediaRef) -> tuple[int, float]:
        video = media.info.video
        orientation = video.rotation if video and media.info.kind != "image" else 0
        sar = float(video.sample_aspect_ratio) if video and video.sample_aspect_ratio else 1.0
        return orientation, sar

    def _colour_patch(self, colour: tuple[int, int, int]) -> Patch:
        patch = self._colour_patches.get(colour)
        if patch is None:
            solid = Canvas(self.geometry.width, self.geometry.height, colour)
            patch = self._colour_patches[colour] = Patch(0, 0, solid.luma, solid.cb, solid.cr)
        return patch

    def render(self, t: Fraction) -> av.VideoFrame:
        """The output frame at timeline time t, as yuv420p. May return a decoded source frame unchanged when it
        alone fills the output, so callers must not write into the result."""
        canvas: Canvas | _CanvasFromFrame | None = None
        for track in self.project.tracks:
            if track.kind not in VISUAL_TRACKS or track.hidden:
                continue
            actives = active_on_track(track, t)
            transition = actives[-1].transition if actives else None
            look = None
            if transition is not None:
                look = transition_look(
                    transition.kind, float(actives[-1].weight), self.geometry.width, self.geometry.height
                )
            for active in actives:
                modifier = None if look is None else (look.incoming if active.is_incoming else look.outgoing)
                if modifier is not None and not modifier.visible:
                    continue
                element = element_at(active.element, t)
                opacity = float(fade_factor(element, t)) * (modifier.opacity if modifier else 1.0)
                canvas = self._draw(
                    canvas, element, t, opacity, modifier or NO_MODIFIER, holds_edge=active.holds_edge
                )
            if look is not None and look.colour is not None and look.colour_opacity > 0:
                canvas = self._materialised(canvas)
                canvas.blend(self._colour_patch(look.colour), look.colour_opacity)
        if canvas is None:
            canvas = Canvas(self.geometry.width, self.geometry.height, self._background)
        self._close_unused()
        return canvas.frame

    def _close_unused(self) -> None:
        """Readers of elements that left the screen go: their decoders hold several frames each."""
        for element_id in [key for key in self._readers if key not in self._used]:
            self._readers.pop(element_id).close()
        self._used = set()

    def _materialised(self, canvas) -> Canvas:
        if canvas is None:
            return Canvas(self.geometry.width, self.geometry.height, self._background)
        if isinstance(canvas, _CanvasFromFrame):
            return canvas.materialise(self._background)
        return canvas

    def _draw(
        self,
        canvas,
        element,
        t: Fraction,
        opacity: float,
        modifier: SideModifier,
        *,
        holds_edge: bool = False,
    ):
        if opacity <= 0:
            return canvas
        if isinstance(element, AdjustmentElement):
            canvas = self._materialised(canvas)
            self._adjust(canvas, element, t, opacity)
            return canvas
        needs_rgba = (
            any(e.enabled for e in element.effects) or element.blend_mode != "normal" or modifier.blur > 0
        )
        if isinstance(element, TextElement):
            return self._draw_text(
                canvas, element, t, opacity, modifier, needs_rgba or modifier.mask is not None
            )
        media = self.project.media.get(element.media_id)
        if media is None:
            return canvas
        frame = self._source_frame(element, media, t, holds_edge)
        transform = element.transform
        opacity *= transform.opacity
        if modifier.scale != 1:
            transform = transform.model_copy(update={"scale": transform.scale * modifier.scale})
        orientation, sar = self._orientation(media)
        if needs_rgba:
            placed = clip_rgba(frame, transform, self.geometry, orientation=orientation, sample_aspect=sar)
            if placed is None:
                return canvas
            rgba, left, top = placed
            effect_scale = self.geometry.scale * transform.scale
            rgba, left, top = self._finish_rgba(
                rgba, left, top, element, t, modifier, effect_scale, transform.rotation
            )
            return self._blend_rgba(canvas, rgba, left, top, opacity, element.blend_mode)
        patch = clip_patch(frame, transform, self.geometry, orientation=orientation, sample_aspect=sar)
        if patch is None:
            return canvas
        patch = _shifted(patch, modifier)
        if (
            canvas is None
            and opacity >= 1
            and patch.alpha is None
            and patch.x == 0
            and patch.y == 0
            and patch.width == self.geometry.width
            and patch.height == self.geometry.height
            and not frame_has_alpha(frame)
            and _is_whole_frame(patch, frame)
        ):
            return _CanvasFromFrame(frame)  # opaque full-frame bottom layer: no copy at all
        canvas = self._materialised(canvas)
        canvas.blend(patch, opacity)
        return canvas

    def _draw_text(
        self,
        canvas,
        element: TextElement,
        t: Fraction,
        opacity: float,
        modifier: SideModifier,
        needs_rgba: bool,
    ):
        motion = text_motion(element, t, self.geometry.canvas_height)
        opacity *= motion.opacity * element.style.opacity
        if opacity <= 0 or motion.visible_chars == 0:
            return canvas
        key = (
            element.id,
            element.model_dump_json(include={"text", "style"}),
            motion.visible_chars,
            self.geometry.scale,
        )
        cached = self._text_cache.get(key)
        if cached is None:
            if len(self._text_cache) > 256:
                self._text_cache.clear()
            cached = self._text_cache[key] = rasterise(element, self.geometry.scale, motion.visible_chars)
        rgba, (offset_x, offset_y) = cached
        style = element.style
        cx = (self.geometry.canvas_width / 2 if style.x is None else style.x) + motion.dx
        cy = (self.geometry.canvas_height / 2 if style.y is None else style.y) + motion.dy
        ox, oy = self.geometry.to_output(cx, cy)
        left, top = ox + offset_x, oy + offset_y
        if needs_rgba:
            rgba, left, top = self._finish_rgba(
                rgba, left, top, element, t, modifier, self.geometry.scale, 0.0
            )
            return self._blend_rgba(canvas, rgba, left, top, opacity, element.blend_mode)
        canvas = self._materialised(canvas)
        canvas.blend(rgba_patch(rgba, left + modifier.dx, top + modifier.dy), opacity)
        return canvas

    def _finish_rgba(
        self,
        rgba: np.ndarray,
        left: float,
        top: float,
        element,
        t: Fraction,
        modifier: SideModifier,
        effect_scale: float,
        rotation: float,
    ):
        """Effects, rotation, transition blur and mask on RGBA pixels; returns float32 RGBA and position."""
        image = rgba.copy() if not rgba.flags.writeable else rgba
        if element.effects:
            image = apply_effects(image, element.effects, scale=effect_scale, frame_index=int(t * self._rate))
        if rotation % 360:
            image, left, top = rotate_rgba(as_uint8(image), left, top, rotation)
        if modifier.blur > 0:  # through the effect runner: opaque pictures blur in 8 bits
            image = apply_effects(image, [Effect(kind="gaussian_blur", params={"radius": modifier.blur})])
        left, top = left + modifier.dx, top + modifier.dy
        if modifier.mask is not None:
            image = as_float(image)
            height, width = image.shape[:2]
            image[..., 3] *= modifier.mask(width, height, round(left), round(top))
        return image, left, top

    def _blend_rgba(self, canvas, image: np.ndarray, left: float, top: float, opacity: float, mode: str):
        canvas = self._materialised(canvas)
        if mode == "normal":
            canvas.blend(rgba_patch(as_uint8(image), left, top), opacity)
        else:
            blend_rgba(canvas, as_float(image), round(left), round(top), opacity, mode)
        return canvas

    def _adjust(self, canvas: Canvas, element: AdjustmentElement, t: Fraction, opacity: float) -> None:
        """An adjustment element runs its effects over everything composited beneath it."""
        if not any(e.enabled for e in element.effects):
            return
        box = (0, 0, canvas.width, canvas.height)
        base = read_rgb(canvas, box)
        image = np.concatenate([base, np.ones(base.shape[:2] + (1,), np.float32)], axis=-1)
        adjusted = apply_effects(
            image, element.effects, scale=self.geometry.scale, frame_index=int(t * self._rate)
        )[..., :3]
        write_rgb(canvas, box, base + (adjusted - base) * np.float32(opacity))


NO_MODIFIER = SideModifier()


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


def _shifted(patch: Patch, modifier: SideModifier) -> Patch:
    dx, dy = 2 * round(modifier.dx / 2), 2 * round(modifier.dy / 2)
    if dx or dy:
        patch = Patch(
            patch.x + dx, patch.y + dy, patch.luma, patch.cb, patch.cr, patch.alpha, patch.alpha_chroma
        )
    if modifier.mask is None:
        return patch
    mask = modifier.mask(patch.width, patch.height, patch.x, patch.y)
    alpha = np.full((patch.height, patch.width), 255, np.float32) if patch.alpha is None else patch.alpha
    alpha = (alpha * mask).astype(np.uint8)
    h2, w2 = patch.cb.shape
    padded = np.pad(alpha, ((0, 2 * h2 - alpha.shape[0]), (0, 2 * w2 - alpha.shape[1])), mode="edge")
    chroma = padded.reshape(h2, 2, w2, 2).mean(axis=(1, 3)).astype(np.uint8)
    return Patch(patch.x, patch.y, patch.luma, patch.cb, patch.cr, alpha, chroma)


def output_geometry(
    project: Project, width: int | None = None, height: int | None = None, reframe: Reframe = "contain"
) -> OutputGeometry:
    settings = project.settings
    if width is None:  # the canvas's, or as wide as the given height asks
        width = settings.width if height is None else round(settings.width * height / settings.height)
    if height is None:
        height = round(settings.height * width / settings.width)
    width, height = max(2, width - width % 2), max(2, height - height % 2)
    return OutputGeometry(settings.width, settings.height, width, height, reframe)


def frame_to_rgb(frame: av.VideoFrame) -> np.ndarray:
    return frame.to_ndarray(format="rgb24", src_colorspace=read_matrix(frame))


def render_frame(
    project: Project,
    t: Fraction | float | str,
    *,
    width: int | None = None,
    height: int | None = None,
    project_dir: str | os.PathLike | None = None,
    path_policy: PathPolicy | None = None,
) -> np.ndarray:
    """One frame at time t as an RGB array (H, W, 3), at any output size (aspect kept, letterboxed). With a
    `path_policy`, every file the project names is confined to it before anything is opened."""
    if path_policy is not None:
        project = confined_project(project, path_policy, project_dir)
    with FrameRenderer(project, output_geometry(project, width, height), project_dir=project_dir) as renderer:
        return frame_to_rgb(renderer.render(to_time(t)))


def iter_frames(
    project: Project,
    *,
    start: Fraction | None = None,
    end: Fraction | None = None,
    width: int | None = None,
    height: int | None = None,
    every_nth: int = 1,
    project_dir: str | os.PathLike | None = None,
    progress: ProgressCallback | None = None,
    cancel=None,
    path_policy: PathPolicy | None = None,
) -> Iterator[np.ndarray]:
    """RGB frames of [start, end) at the project frame rate, every n-th frame, streamed one at a time. With a
    `path_policy`, every file the project names is confined to it before anything is opened."""
    check_project(project)
    if path_policy is not None:
        project = confined_project(project, path_policy, project_dir)
    rate = project.settings.frame_rate
    start = Fraction(0) if start is None else start
    end = project.duration() if end is None else end
    check_render_range(start, end, rate)
    total = frame_count(end - start, rate)
    indices = range(0, total, max(1, every_nth))
    with FrameRenderer(project, output_geometry(project, width, height), project_dir=project_dir) as renderer:
        for done, index in enumerate(indices, 1):
            if is_cancelled(cancel):
                raise RenderCancelled("render cancelled")
            yield frame_to_rgb(renderer.render(start + Fraction(index) / rate))
            if progress:
                progress(done, len(indices))
