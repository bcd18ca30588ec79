"""The colour space the renderer composites in and every export declares: BT.709 primaries, transfer and
matrix, limited (video) range, the HD and web norm. Decoded YUV sources pass through with their own numbers,
so a picture without a matrix tag is taken as BT.709 (what players assume for HD); one tagged otherwise (an
SD BT.601 file) is converted before it is encoded."""

from __future__ import annotations

import av
from av.video.reformatter import Colorspace

BT709 = 1  # AVCOL_PRI_BT709 = AVCOL_TRC_BT709 = AVCOL_SPC_BT709 (and swscale's SWS_CS_ITU709)
UNSPECIFIED = 2  # AVCOL_*_UNSPECIFIED
LIMITED_RANGE = 1  # AVCOL_RANGE_MPEG: 16-235 luma, 16-240 chroma
SWS_BT709 = Colorspace.ITU709


def rgb_to_yuv709(red: float, green: float, blue: float) -> tuple[int, int, int]:
    """8-bit RGB to limited-range BT.709 YCbCr."""
    y = 16 + (46.559 * red + 156.629 * green + 15.812 * blue) / 255
    u = 128 + (-25.664 * red - 86.336 * green + 112.0 * blue) / 255
    v = 128 + (112.0 * red - 101.730 * green - 10.270 * blue) / 255
    return round(y), round(u), round(v)


def is_bt709(frame: av.VideoFrame) -> bool:
    """Whether the frame's numbers are BT.709 by its tag or, untagged, by the pipeline's rule."""
    return frame.colorspace in (UNSPECIFIED, BT709)


def read_matrix(frame: av.VideoFrame) -> Colorspace | None:
    """`src_colorspace` for reading a frame with swscale: BT.709 when untagged (swscale would assume BT.601),
    None (the frame's own tag) otherwise."""
    return SWS_BT709 if frame.colorspace == UNSPECIFIED else None


def tag_bt709(frame: av.VideoFrame) -> av.VideoFrame:
    frame.colorspace, frame.color_range = BT709, LIMITED_RANGE
    frame.color_primaries, frame.color_trc = BT709, BT709
    return frame


def as_bt709(frame: av.VideoFrame) -> av.VideoFrame:
    """The frame with BT.709 numbers and tags: untagged frames are tagged (their numbers are BT.709 by the
    pipeline's rule), frames tagged with another matrix are converted into a new frame."""
    if not is_bt709(frame):
        return tag_bt709(frame.reformat(dst_colorspace=SWS_BT709))
    return tag_bt709(frame)


def declare_bt709(codec_context) -> None:
    """Write BT.709, limited range into the stream's headers (H.264/H.265 VUI, the MP4/MOV 'colr' box)."""
    codec_context.color_primaries = BT709
    codec_context.color_trc = BT709
    codec_context.colorspace = BT709
    codec_context.color_range = LIMITED_RANGE
