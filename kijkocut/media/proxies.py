"""Preview proxies: a low-resolution, short-GOP H.264 copy of a video with the same timing, so seeking for a
scrub preview decodes a few frames instead of up to a whole long GOP (250 frames in camera and web H.264).
Frames keep their media times (from the start of the file) and their coded orientation; a proxy has no audio.
Written to a hidden partial name, locked while it is written (a sweep of the proxy folder in any process
removes only partials whose writer is gone), and renamed, so a half-written proxy is never opened. A proxy folder
holds `<identity>_<height>p.mp4` files (`proxy_file_name`) and nothing else of its own."""

from __future__ import annotations

import os
import re
from fractions import Fraction
from pathlib import Path

import av

from kijkocut.atomic import LockedPartial, partial_name_pattern
from kijkocut.errors import MediaError
from kijkocut.media.probe import container_origin, open_container

PROXY_HEIGHT = 360
PROXY_GOP = 12  # a seek decodes at most this many frames
PROXY_TIME_BASE = Fraction(1, 90000)
# A finished proxy: the media's identity (hex) and the proxy's height. Anything else in the folder is not one.
PROXY_FILE = re.compile(r"(?P<identity>[0-9a-f]{8,64})_(?P<height>[0-9]{1,5})p\.mp4")
# ".<proxy name>.<token>.partial" (FFmpeg writing) or ".sealing" (kijkocut.vault.rows encrypting one).
PROXY_PARTIAL = partial_name_pattern(r"\.[0-9a-f]{8,64}_[0-9]{1,5}p\.mp4\.", r"\.(partial|sealing)")


def proxy_file_name(identity: str, height: int) -> str:
    return f"{identity[:40]}_{height}p.mp4"


def proxy_size(width: int, height: int, target_height: int = PROXY_HEIGHT) -> tuple[int, int]:
    """Even dimensions no taller than `target_height`, same aspect; never larger than the source."""
    if height <= target_height:
        return width - width % 2, height - height % 2
    scaled_w = round(width * target_height / height)
    return max(2, scaled_w - scaled_w % 2), target_height


def make_proxy(
    source: str | os.PathLike[str],
    destination: str | os.PathLike[str],
    *,
    height: int = PROXY_HEIGHT,
    gop: int = PROXY_GOP,
    cancel=None,
) -> Path:
    """Write the proxy of `source`'s first video stream to `destination` (an .mp4). `cancel()` true stops it
    (nothing is left behind). Raises MediaError when the source cannot be read."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    locked = LockedPartial(destination.parent, f".{destination.name}.", ".partial")
    partial = Path(locked.path)
    try:
        with open_container(str(source)) as container:
            if not container.streams.video:
                raise MediaError(str(source), "has no video stream")
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            origin = container_origin(container)
            time_base = Fraction(stream.time_base)
            rate = Fraction(stream.average_rate or stream.guessed_rate or 30)
            width, proxy_height = proxy_size(stream.codec_context.width, stream.codec_context.height, height)
            with av.open(str(partial), "w", format="mp4") as output:
                encoded = output.add_stream("libx264", rate=rate)
                encoded.width, encoded.height, encoded.pix_fmt = width, proxy_height, "yuv420p"
                encoded.time_base = PROXY_TIME_BASE
                encoded.codec_context.time_base = PROXY_TIME_BASE
                encoded.codec_context.gop_size = gop
                encoded.options = {"preset": "ultrafast", "crf": "26", "bf": "0", "sc_threshold": "0"}
                last_pts = -1
                for frame in container.decode(stream):
                    if cancel is not None and cancel():
                        raise InterruptedError("proxy cancelled")
                    if frame.pts is None:
                        continue
                    seconds = frame.pts * time_base - origin
                    pts = round(seconds / PROXY_TIME_BASE)
                    if pts <= last_pts:  # duplicate timestamps: keep the first picture
                        continue
                    last_pts = pts
                    small = frame.reformat(width=width, height=proxy_height, format="yuv420p")
                    small.pts, small.time_base = pts, PROXY_TIME_BASE
                    for packet in encoded.encode(small):
                        output.mux(packet)
                for packet in encoded.encode(None):
                    output.mux(packet)
        os.replace(partial, destination)
        return destination
    except av.FFmpegError as exc:
        raise MediaError(str(source), f"cannot make a preview proxy: {exc}") from None
    finally:
        partial.unlink(missing_ok=True)
        locked.release()
