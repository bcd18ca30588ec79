"""Export to real files, checked by decoding them with PyAV: counts, codecs, sizes, ranges, atomicity."""

import threading
from fractions import Fraction

import av
import numpy as np
import pytest

from kijkocut.edit import Editor
from kijkocut.edit.commands import AddElement, AddMedia, AddTrack, AddTransition
from kijkocut.errors import KijkoCutError, MediaError, ProjectValidationError, RenderCancelled
from kijkocut.media.probe import import_media
from kijkocut.model import ClipElement, Project, ProjectSettings, TextElement
from kijkocut.render.export import export_project
from kijkocut.render.frames import render_frame
from kijkocut.render.presets import PRESETS, ExportSettings, settings_for


def _psnr(a, b):
    mse = np.mean((a.astype(float) - b.astype(float)) ** 2)
    return 99.0 if mse == 0 else 10 * np.log10(255**2 / mse)


@pytest.fixture
def project(engine_media):
    project = Project(settings=ProjectSettings(width=160, height=90, frame_rate=30))
    editor = Editor(project)
    for key, path in (
        ("red", engine_media.red),
        ("green", engine_media.green),
        ("music", engine_media.music),
    ):
        editor.apply(AddMedia(media=import_media(path, media_id=key)))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(AddTrack(kind="text", track_id="t1"))
    editor.apply(AddTrack(kind="audio", track_id="a1"))
    editor.apply(
        AddElement(
            track_id="v1", element=ClipElement(id="r", media_id="red", start=0, duration=1, source_in=1)
        )
    )
    editor.apply(
        AddElement(
            track_id="v1", element=ClipElement(id="g", media_id="green", start=1, duration=1, source_in=1)
        )
    )
    editor.apply(AddTransition(from_id="r", to_id="g", duration=Fraction(1, 2)))
    editor.apply(AddElement(track_id="t1", element=TextElement(id="t", text="Hi", start=0, duration=1)))
    editor.apply(
        AddElement(
            track_id="a1",
            element=ClipElement(id="m", media_id="music", start=0, duration=2, fade_in=Fraction(1, 2)),
        )
    )
    return project


def _streams(path):
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        frames = [f for f in container.decode(video=0)]
        info = {
            "codec": video.codec_context.name,
            "frames": len(frames),
            "width": video.codec_context.width,
            "height": video.codec_context.height,
            "audio": None,
            "first": frames[0].to_ndarray(format="rgb24"),
        }
    with av.open(str(path)) as container:
        if container.streams.audio:
            stream = container.streams.audio[0]
            samples = sum(f.samples for f in container.decode(audio=0))
            info["audio"] = (stream.codec_context.name, stream.codec_context.sample_rate, samples)
    return info


def test_mp4_has_exact_frames_and_audio(project, tmp_path):
    seen = []
    result = export_project(
        project, tmp_path / "out.mp4", progress=lambda done, total: seen.append((done, total))
    )
    info = _streams(tmp_path / "out.mp4")
    assert (info["codec"], info["frames"], info["width"], info["height"]) == ("h264", 60, 160, 90)
    codec, rate, count = info["audio"]
    assert codec == "aac" and rate == 48000
    assert abs(count - 96000) <= 2048  # AAC priming/padding frames at most
    assert result.frames == 60 and result.duration == 2
    assert seen[-1] == (60, 60) and [d for d, _ in seen] == list(range(1, 61))
    assert [p.name for p in tmp_path.iterdir()] == ["out.mp4"]


def test_no_watermark_output_matches_the_render(project, tmp_path):
    export_project(project, tmp_path / "out.mp4", ExportSettings(crf=10))
    with av.open(str(tmp_path / "out.mp4")) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    for index in (0, 20, 45, 59):
        assert _psnr(frames[index], render_frame(project, Fraction(index, 30))) > 38


@pytest.mark.parametrize(
    "settings, codec, suffix",
    [
        (ExportSettings(container="mkv", video_codec="h265", crf=30), "hevc", "mkv"),
        (ExportSettings(container="webm", video_codec="vp9"), "vp9", "webm"),
        (ExportSettings(container="mov", video_codec="prores", crf=None), "prores", "mov"),
        (ExportSettings(container="mkv", video_codec="av1"), "libdav1d", "mkv"),
        (ExportSettings(container="gif", crf=None), "gif", "gif"),
    ],
)
def test_codecs_and_containers(project, tmp_path, settings, codec, suffix):
    path = tmp_path / f"out.{suffix}"
    export_project(project, path, settings.model_copy(update={"end": Fraction(1, 2)}))
    info = _streams(path)
    assert info["codec"] in (codec, codec.replace("libdav1d", "av1"))
    assert info["frames"] == 15
    assert (info["audio"] is None) == (suffix == "gif")
    assert _psnr(info["first"], render_frame(project, 0)) > (18 if suffix == "gif" else 30)


def test_ntsc_rate_and_resolution_override(project, tmp_path):
    path = tmp_path / "ntsc.mp4"
    export_project(project, path, ExportSettings(frame_rate="30000/1001", width=320, end=1))
    info = _streams(path)
    assert info["frames"] == 30 and (info["width"], info["height"]) == (320, 180)
    with av.open(str(path)) as container:
        assert container.streams.video[0].average_rate == Fraction(30000, 1001)


def test_vertical_preset_reframes(project, tmp_path):
    assert (PRESETS["tiktok"].width, PRESETS["tiktok"].height) == (1080, 1920)
    settings = settings_for("tiktok", width=90, height=160, end=Fraction(1, 3), reframe="crop")
    export_project(project, tmp_path / "v.mp4", settings)
    info = _streams(tmp_path / "v.mp4")
    assert (info["width"], info["height"]) == (90, 160)
    assert info["first"][5:155].min(axis=(0, 1)).max() > 15  # cover: picture fills the frame, no bars
    with pytest.raises(ValueError, match="unknown export preset"):
        settings_for("myspace")


def test_range_export_starts_at_range(project, tmp_path):
    export_project(project, tmp_path / "r.mp4", ExportSettings(start=1, end=Fraction(3, 2), crf=10))
    info = _streams(tmp_path / "r.mp4")
    assert info["frames"] == 15
    assert _psnr(info["first"], render_frame(project, 1)) > 38


def test_cancel_leaves_destination_untouched(project, tmp_path):
    path = tmp_path / "out.mp4"
    path.write_bytes(b"previous export")
    cancel = threading.Event()

    def progress(done, total):
        if done == 10:
            cancel.set()

    with pytest.raises(RenderCancelled):
        export_project(project, path, progress=progress, cancel=cancel)
    assert path.read_bytes() == b"previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["out.mp4"]


def test_corrupt_media_fails_cleanly(project, tmp_path, engine_media):
    broken = tmp_path / "broken.mp4"
    data = engine_media.green.read_bytes()
    broken.write_bytes(data[: len(data) // 3])
    project.media["green"].path = str(broken)
    with pytest.raises(MediaError, match="broken.mp4"):
        export_project(project, tmp_path / "out.mp4")
    assert [p.name for p in tmp_path.iterdir()] == ["broken.mp4"]


def test_invalid_project_and_empty_range(project, tmp_path):
    project.track("v1").elements[1].start = Fraction(1, 2)
    with pytest.raises(ProjectValidationError, match="overlap"):
        export_project(project, tmp_path / "out.mp4")
    with pytest.raises(KijkoCutError, match="timeline is empty"):
        export_project(Project(), tmp_path / "out.mp4")
    with pytest.raises(ValueError, match="cannot go in a webm"):
        ExportSettings(container="webm", video_codec="h264")
    assert list(tmp_path.iterdir()) == []


def test_encoder_chooses_frame_types_not_the_source(tmp_path):
    """Decoded frames carry their source's I/P/B types; passed on, x264 would copy the source's GOP (a keyframe
    every 10 frames here) instead of deciding itself, as the ffmpeg CLI lets it."""
    from kijkocut.samples import write_video

    source = write_video(tmp_path / "gop10.mp4", seconds=3, width=160, height=90, gop=10)
    project = Project(settings=ProjectSettings(width=160, height=90, frame_rate=30))
    editor = Editor(project)
    editor.apply(AddMedia(media=import_media(source, media_id="s")))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(AddElement(track_id="v1", element=ClipElement(id="c", media_id="s", start=0, duration=3)))
    out = export_project(project, tmp_path / "out.mp4", ExportSettings(audio=False)).path
    with av.open(str(source)) as container:
        source_keys = sum(packet.is_keyframe for packet in container.demux(video=0) if packet.size)
    with av.open(out) as container:
        output_keys = sum(packet.is_keyframe for packet in container.demux(video=0) if packet.size)
    assert source_keys == 9
    assert output_keys == 1  # x264's default keyint is 250 frames; this simple pattern has no scene cut
