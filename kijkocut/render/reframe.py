"""Exports of another shape than the canvas (a 16:9 timeline as a 9:16 TikTok): the renderer draws the canvas
only where it lands (the band), and this module puts the band on the output frame, over a blurred, darkened
copy of the same picture scaled to fill it (as phones show landscape video), or over a plain colour. The blur is
made on a copy an eighth of the output's size and scaled up, so it costs a few milliseconds a frame."""

from __future__ import annotations

from dataclasses import dataclass

import av
import numpy as np
from PIL import Image, ImageFilter

from kijkocut.model import Project, parse_colour
from kijkocut.render.canvas import Canvas, plane_view
from kijkocut.render.colour import tag_bt709
from kijkocut.render.frames import output_geometry
from kijkocut.render.geometry import Box, OutputGeometry, ReframeMode, even, even_floor, fit_box, mapping_for

FILL_SCALE = 1 / 8  # the blurred copy is computed at this fraction of the output size
FILL_BLUR = 0.05  # its blur radius, as a fraction of the output's longer side
FILL_LUMA = 0.55  # darkening: the brightness above black is scaled by this, so the sharp picture stands out
FILL_CHROMA = 0.8  # and colours move this far towards grey (a quieter backdrop)


@dataclass(frozen=True)
class ReframeLayout:
    """How an export's frames are made: what the renderer draws, and where that goes on the output."""

    mode: ReframeMode
    width: int  # the output frame
    height: int
    render: OutputGeometry  # what the renderer draws: the output itself, or only the band
    band: Box | None  # where the rendered picture goes on the output; None when it is the output
    fill_colour: tuple[int, int, int]  # around the band with fit_color

    @property
    def mapping(self) -> OutputGeometry:
        """The canvas on the whole output frame (where each element ends up, for framing checks)."""
        render = self.render
        return OutputGeometry(
            render.canvas_width, render.canvas_height, self.width, self.height, mapping_for(self.mode)
        )

    def finish(self, picture: av.VideoFrame) -> av.VideoFrame:
        """The output frame for a rendered one (unchanged when the renderer drew the output itself)."""
        if self.band is None:
            return picture
        if self.mode == "fit_blur":
            return blurred_fill(picture, self.band, self.width, self.height)
        framed = Canvas(self.width, self.height, self.fill_colour)
        _paste(picture, framed.frame, self.band)
        return framed.frame


def reframe_layout(
    project: Project, width: int | None, height: int | None, mode: ReframeMode, colour: str | None = None
) -> ReframeLayout:
    """The layout of an export of `width` x `height` (None: from the canvas, aspect kept)."""
    output = output_geometry(project, width, height, mapping_for(mode))
    fill_colour = parse_colour(colour or project.settings.background)[:3]
    band = fit_box(output.canvas_width, output.canvas_height, output.width, output.height)
    if mode == "crop" or (band.width, band.height) == (output.width, output.height):
        return ReframeLayout(mode, output.width, output.height, output, None, fill_colour)
    render = OutputGeometry(
        output.canvas_width, output.canvas_height, int(band.width), int(band.height), "contain"
    )
    return ReframeLayout(mode, output.width, output.height, render, band, fill_colour)


def blurred_fill(picture: av.VideoFrame, band: Box, width: int, height: int) -> av.VideoFrame:
    """A width x height yuv420p frame: `picture` at `band`, over a blurred, darkened copy of its middle scaled
    to cover the frame. Scaling runs in swscale, the blur on the small copy only."""
    small_width, small_height = even(width * FILL_SCALE), even(height * FILL_SCALE)
    window = _cover_window(picture, width / height)
    small = window.reformat(width=small_width, height=small_height, interpolation="GAUSS")
    radius = max(1.0, FILL_BLUR * max(width, height) * FILL_SCALE)
    planes = []
    for index, divisor, table in ((0, 1, _LUMA_TABLE), (1, 2, _CHROMA_TABLE), (2, 2, _CHROMA_TABLE)):
        plane = Image.fromarray(
            np.ascontiguousarray(plane_view(small, index, small_width // divisor, small_height // divisor))
        )
        planes.append(table[np.asarray(plane.filter(ImageFilter.GaussianBlur(radius / divisor)))])
    packed = np.concatenate([planes[0], np.concatenate([planes[1], planes[2]]).reshape(-1, small_width)])
    backdrop = av.VideoFrame.from_ndarray(packed, format="yuv420p")
    framed = tag_bt709(backdrop.reformat(width=width, height=height, interpolation="BILINEAR"))
    _paste(picture, framed, band)
    return framed


# Darkening as lookup tables over 8-bit values: luma towards black (16), chroma towards grey (128).
_LUMA_TABLE = np.array([round(16 + (value - 16) * FILL_LUMA) for value in range(256)], np.uint8)
_CHROMA_TABLE = np.array([round(128 + (value - 128) * FILL_CHROMA) for value in range(256)], np.uint8)


def _cover_window(picture: av.VideoFrame, aspect: float) -> av.VideoFrame:
    """The middle of `picture` with the given aspect (what a cover scaling shows), as a new yuv420p frame."""
    width, height = picture.width, picture.height
    if width > height * aspect:  # wider than the output: keep the middle columns
        kept_width, kept_height = min(width, even(height * aspect)), height
    else:
        kept_width, kept_height = width, min(height, even(width / aspect))
    left, top = even_floor((width - kept_width) / 2), even_floor((height - kept_height) / 2)
    planes = [
        plane_view(picture, index, width // divisor, height // divisor)[
            top // divisor : (top + kept_height) // divisor, left // divisor : (left + kept_width) // divisor
        ]
        for index, divisor in ((0, 1), (1, 2), (2, 2))
    ]
    chroma = np.concatenate([planes[1], planes[2]]).reshape(-1, kept_width)
    return av.VideoFrame.from_ndarray(np.concatenate([planes[0], chroma]), format="yuv420p")


def _paste(picture: av.VideoFrame, framed: av.VideoFrame, band: Box) -> None:
    left, top, width, height = int(band.left), int(band.top), picture.width, picture.height
    for index, divisor in ((0, 1), (1, 2), (2, 2)):
        source = plane_view(picture, index, width // divisor, height // divisor)
        target = plane_view(framed, index, framed.width // divisor, framed.height // divisor)
        target[top // divisor : (top + height) // divisor, left // divisor : (left + width) // divisor] = (
            source
        )
