"""Streaming export: decode -> composite (a worker thread) -> encode and mux (the caller's thread), joined by
a bounded queue, so memory stays flat however long the timeline is. The file is written beside the destination
and renamed into place only when complete: a failed or cancelled export never leaves a broken file there, and
the partial file of one killed outright is swept by the next export into that folder (see `kijkocut.atomic`)."""

from __future__ import annotations

import errno
import math
import os
import queue
import threading
import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

from kijkocut.atomic import LockedPartial, partial_name_pattern, sweep_stale_partials
from kijkocut.audio.levels import gain_to_db
from kijkocut.audio.master import MasterBus
from kijkocut.errors import KijkoCutError, RenderCancelled
from kijkocut.media.freshness import check_media
from kijkocut.model import Project
from kijkocut.paths import PathPolicy, confined_project
from kijkocut.render.audio_mix import AudioMixer, master_bus
from kijkocut.render.colour import as_bt709, declare_bt709
from kijkocut.render.frames import FrameRenderer, ProgressCallback, is_cancelled
from kijkocut.render.framing import framing_warnings
from kijkocut.render.output_target import check_output_target, protected_paths, write_failure
from kijkocut.render.presets import AUDIO_ENCODERS, VIDEO_ENCODERS, ExportSettings
from kijkocut.render.reframe import ReframeLayout, reframe_layout
from kijkocut.timebase import frame_count
from kijkocut.validate import check_project, check_render_range

QUEUE_DEPTH = 8
# ".<stem>.<token>.partial.<ext>" beside the destination, for any export into that folder.
PARTIAL_NAME = partial_name_pattern(r"\..*\.", r"\.partial(\.[A-Za-z0-9]{1,8})?")


@dataclass
class ExportResult:
    path: str
    frames: int
    duration: Fraction
    width: int
    height: int
    frame_rate: Fraction
    has_audio: bool
    seconds: float
    loudness_lufs: float | None = None  # integrated loudness of the exported mix (BS.1770)
    source_loudness_lufs: float | None = None  # the mix before loudness normalisation, when asked for
    audio_peak_db: float | None = None  # sample peak of the exported mix, dBFS
    audio_true_peak_db: float | None = None  # true peak of the exported mix (BS.1770 Annex 2), dBTP
    # e.g. media changed since import, rendered as it is now; titles a crop cuts or a platform's buttons cover
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for people: what was written and, with audio, how loud it came out."""
        line = f"{self.frames} frames, {float(self.duration):.1f} s, {self.width}x{self.height}"
        if self.loudness_lufs is not None and self.audio_true_peak_db is not None:
            line += f"; audio {self.loudness_lufs:.1f} LUFS, true peak {self.audio_true_peak_db:.1f} dBTP"
        return line + "".join(f"; warning: {warning}" for warning in self.warnings)


class _Stop:
    """Queue sentinel carrying the worker's exception, if any."""

    def __init__(self, error: BaseException | None = None):
        self.error = error


def _open_video_stream(container, settings: ExportSettings, width: int, height: int, rate: Fraction):
    encoder, pixel_format, _ = VIDEO_ENCODERS[settings.codec]
    if encoder not in av.codecs_available:
        raise KijkoCutError(f"this FFmpeg build has no {encoder} encoder for {settings.codec}")
    stream = container.add_stream(encoder, rate=rate)
    stream.width, stream.height, stream.pix_fmt = width, height, pixel_format
    stream.time_base = 1 / rate
    if settings.codec != "gif":
        declare_bt709(stream.codec_context)
    options: dict[str, str] = {}
    if settings.codec in ("h264", "h265"):
        options["preset"] = settings.speed
        if settings.codec == "h265":
            options["x265-params"] = "log-level=error"
    if settings.codec == "av1":
        options["preset"] = "10"
    if settings.codec == "vp9":
        options.update({"deadline": "realtime", "cpu-used": "8", "row-mt": "1"})
    if settings.codec == "prores":
        options["profile"] = "2"  # ProRes 422
    if settings.bitrate:
        stream.bit_rate = settings.bitrate
    elif settings.crf is not None and settings.codec in ("h264", "h265", "av1", "vp9"):
        options["crf"] = str(settings.crf)
        if settings.codec == "vp9":
            stream.bit_rate = 0
    stream.options = options
    stream.codec_context.thread_count = settings.threads
    # PyAV defaults to slice threads, which x264 runs markedly slower than frame threads.
    stream.codec_context.thread_type = "FRAME"
    return stream


def _open_audio_stream(container, settings: ExportSettings, project: Project):
    codec_name = settings.audio_codec_name
    if codec_name is None:
        raise KijkoCutError(f"a {settings.container} file has no sound")
    codec = AUDIO_ENCODERS[codec_name][0]
    if codec not in av.codecs_available:
        raise KijkoCutError(f"this FFmpeg build has no {codec} encoder for {codec_name} audio")
    rate = project.settings.sample_rate if codec != "libopus" else 48000
    layout = "mono" if project.settings.channels == 1 else "stereo"
    stream = container.add_stream(codec, rate=rate, layout=layout)
    if codec in ("aac", "libopus"):
        stream.bit_rate = settings.audio_bitrate
    elif codec == "flac":
        stream.format = "s32"  # 24-bit FLAC (the encoder's default is 16-bit)
    return stream


def _to_encoder_format(frame: av.VideoFrame, pixel_format: str) -> av.VideoFrame:
    frame = as_bt709(frame)
    if frame.format.name == pixel_format:
        return frame
    if pixel_format == "pal8":
        return _palettised(frame)
    return frame.reformat(format=pixel_format)


def _palettised(frame: av.VideoFrame) -> av.VideoFrame:
    """GIF frames: swscale cannot make palettes, so Pillow picks 256 colours per frame (with dithering)."""
    image = frame.to_image().quantize(
        256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.FLOYDSTEINBERG
    )
    palette = np.zeros((256, 4), np.uint8)
    colours = np.asarray(image.getpalette()[:768], np.uint8).reshape(-1, 3)
    palette[: len(colours), 1:] = colours  # PyAV reads each PAL8 entry as A, R, G, B
    palette[:, 0] = 255
    # PyAV takes PAL8 as (indices, palette); its stub lists single arrays only.
    return av.VideoFrame.from_ndarray((np.asarray(image), palette), format="pal8")  # type: ignore[arg-type]


def export_project(
    project: Project,
    output_path: str | os.PathLike,
    settings: ExportSettings | None = None,
    *,
    project_dir: str | os.PathLike | None = None,
    progress: ProgressCallback | None = None,
    cancel=None,
    project_file: str | os.PathLike | None = None,
    create_folders: bool = False,
    path_policy: PathPolicy | None = None,
) -> ExportResult:
    """Render `project` to `output_path`. Never writes over `project_file` or a media file of the project;
    a missing output folder is an error unless `create_folders`. Raises `ExportTargetError` for an output that
    cannot be written (checked before rendering where possible), `MediaMissingError`/`MediaChangedError` for
    media gone or changed since import so that the timeline cannot be rendered."""
    settings = settings or ExportSettings()
    check_project(project)
    if path_policy is not None:  # every file the project names, confined before anything is opened
        project = confined_project(project, path_policy, project_dir)
    output_path = Path(output_path)
    check_output_target(
        output_path, protected_paths(project, project_dir, project_file), create_folders=create_folders
    )
    media_check = check_media(project, project_dir)
    project = media_check.project
    began = time.monotonic()
    rate = settings.frame_rate or project.settings.frame_rate
    start = settings.start or Fraction(0)
    end = settings.end if settings.end is not None else project.duration()
    if end <= start:
        raise KijkoCutError(
            "nothing to export: the timeline is empty"
            if end == 0
            else f"nothing to export between {float(start):.3f} s and {float(end):.3f} s"
        )
    check_render_range(start, end, rate)
    total = frame_count(end - start, rate)
    layout = reframe_layout(
        project, settings.width, settings.height, settings.reframe, settings.reframe_color
    )
    warnings = media_check.warnings + framing_warnings(
        project, layout.mapping, settings.safe_area, start=start, end=end
    )
    with_audio = settings.audio and settings.container != "gif"

    sweep_stale_partials(output_path.parent, PARTIAL_NAME)
    try:
        partial_file = LockedPartial(
            output_path.parent, f".{output_path.stem}.", f".partial{output_path.suffix}"
        )
    except OSError as exc:
        raise write_failure(exc, output_path) from None
    partial = partial_file.path
    frames_out: queue.Queue = queue.Queue(maxsize=QUEUE_DEPTH)
    stop_worker = threading.Event()
    worker = None
    try:
        options = {"movflags": "+faststart"} if settings.container in ("mp4", "mov") else {}
        with av.open(partial, "w", format=_muxer(settings), options=options) as container:
            video = _open_video_stream(container, settings, layout.width, layout.height, rate)
            audio = _open_audio_stream(container, settings, project) if with_audio else None
            pixel_format = VIDEO_ENCODERS[settings.codec][1]
            # The muxer may change the stream's time base once it writes the header; frames keep 1/rate.
            frame_time_base = 1 / rate
            worker = threading.Thread(
                target=_produce_frames,
                name="kijkocut-composite",
                daemon=True,
                args=(project, layout, project_dir, start, rate, total, frames_out, stop_worker),
            )
            worker.start()
            mixer = AudioMixer(project, project_dir=project_dir) if audio is not None else None
            fifo = av.AudioFifo() if audio is not None else None
            audio_done = math.floor(start * project.settings.sample_rate)
            audio_end = math.floor((start + Fraction(total) / rate) * project.settings.sample_rate)
            master = (
                None
                if mixer is None
                else master_bus(
                    project,
                    mixer,
                    audio_done,
                    audio_end,
                    loudness_lufs=settings.loudness_lufs,
                    project_dir=project_dir,
                    ceiling_db=settings.limiter_ceiling_db if settings.limiter else None,
                )
            )
            try:
                for index in range(total):
                    if is_cancelled(cancel):
                        raise RenderCancelled(f"export to {output_path} cancelled")
                    item = frames_out.get()
                    if isinstance(item, _Stop):
                        raise item.error or KijkoCutError("renderer stopped early")
                    frame = _to_encoder_format(item, pixel_format)
                    frame.pts, frame.time_base = index, frame_time_base
                    frame.pict_type = (
                        av.video.frame.PictureType.NONE
                    )  # a source frame type would force the GOP
                    container.mux(video.encode(frame))
                    if master is not None:
                        sample_rate = project.settings.sample_rate
                        upto = math.floor((start + Fraction(index + 1) / rate) * sample_rate)
                        _encode_audio(container, audio, fifo, master, audio_done, upto, start, sample_rate)
                        audio_done = upto
                    if progress:
                        progress(index + 1, total)
                container.mux(video.encode(None))
                if audio is not None:
                    _flush_audio(container, audio, fifo)
            finally:
                if mixer is not None:
                    mixer.close()
        os.replace(partial, output_path)
    except BaseException as exc:
        stop_worker.set()
        _drain(frames_out)
        Path(partial).unlink(missing_ok=True)
        if isinstance(exc, OSError) and _is_write_failure(exc, partial, output_path):
            raise write_failure(exc, output_path) from None
        raise
    finally:
        partial_file.release()
        if worker is not None:
            stop_worker.set()
            _drain(frames_out)
            worker.join(timeout=10)
    loudness = (
        {}
        if master is None
        else {
            "loudness_lufs": master.meter.integrated(),
            "source_loudness_lufs": master.source_loudness,
            "audio_peak_db": master.meter.peak_db,
            "audio_true_peak_db": gain_to_db(master.true_peak.finish()),
        }
    )
    return ExportResult(
        str(output_path),
        total,
        Fraction(total) / rate,
        layout.width,
        layout.height,
        rate,
        with_audio,
        time.monotonic() - began,
        **loudness,
        warnings=warnings,
    )


def _is_write_failure(exc: OSError, partial: str, output_path: Path) -> bool:
    """Whether a failure is about the file being written rather than a source being read."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG):
        return True
    return exc.filename in (partial, os.fspath(output_path)) or exc.filename2 == os.fspath(output_path)


def _muxer(settings: ExportSettings) -> str:
    return {"mkv": "matroska", "mov": "mov", "mp4": "mp4", "webm": "webm", "gif": "gif"}[settings.container]


def _produce_frames(
    project,
    layout: ReframeLayout,
    project_dir,
    start,
    rate,
    total,
    frames_out: queue.Queue,
    stop: threading.Event,
) -> None:
    try:
        with FrameRenderer(project, layout.render, project_dir=project_dir) as renderer:
            for index in range(total):
                if stop.is_set():
                    return
                frame = layout.finish(renderer.render(start + Fraction(index) / rate))
                while not stop.is_set():
                    try:
                        frames_out.put(frame, timeout=0.2)
                        break
                    except queue.Full:
                        continue
    except BaseException as exc:  # handed to the encoding thread, which re-raises it
        _put_stop(frames_out, _Stop(exc), stop)
        return
    _put_stop(frames_out, _Stop(None), stop)


def _put_stop(frames_out: queue.Queue, item: _Stop, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            frames_out.put(item, timeout=0.2)
            return
        except queue.Full:
            continue


def _drain(frames_out: queue.Queue) -> None:
    while True:
        try:
            frames_out.get_nowait()
        except queue.Empty:
            return


def _encode_audio(
    container, stream, fifo, mixer: MasterBus, first: int, upto: int, start: Fraction, sample_rate: int
) -> None:
    if upto <= first:
        return
    samples = mixer.mix(first, upto - first)
    frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout=stream.layout.name)
    frame.sample_rate = sample_rate
    frame.pts = first - math.floor(start * sample_rate)
    frame.time_base = Fraction(1, sample_rate)
    fifo.write(frame)
    frame_size = stream.codec_context.frame_size or 1024
    while fifo.samples >= frame_size:
        container.mux(stream.encode(fifo.read(frame_size)))


def _flush_audio(container, stream, fifo) -> None:
    if fifo.samples:
        container.mux(stream.encode(fifo.read()))
    container.mux(stream.encode(None))
