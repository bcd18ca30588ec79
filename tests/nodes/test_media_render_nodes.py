"""Media, render and export nodes with real tensors and real files (needs COMFYUI_PATH)."""

from __future__ import annotations

import os
import re
from fractions import Fraction

import av
import numpy as np
import pytest


@pytest.fixture
def mods(comfy, pack):
    class Modules:
        timeline = pack("nodes.timeline")
        media = pack("nodes.media")
        render = pack("nodes.render")
        extension = pack("nodes.extension")

    return Modules


def small_timeline(mods):
    return mods.timeline.NewTimeline.execute("custom", 160, 90, "30", 48000, "#000000", "t").args[0]


def image_batch(frames: int = 12, height: int = 48, width: int = 64):
    import torch

    ramp = torch.linspace(0, 1, width).view(1, 1, width, 1).expand(frames, height, width, 3).clone()
    ramp[..., 1] = torch.arange(frames).view(frames, 1, 1) / frames  # green tells the frame index
    return ramp


def tone_audio(seconds: float = 1.0, rate: int = 48000):
    import torch

    t = torch.arange(int(seconds * rate)) / rate
    wave = 0.4 * torch.sin(2 * torch.pi * 440 * t)
    return {"waveform": torch.stack([wave, wave]).unsqueeze(0), "sample_rate": rate}


def test_every_node_is_listed_with_pack_ids(mods):
    nodes = mods.extension.load_nodes()
    ids = {node.GET_SCHEMA().node_id for node in nodes}
    assert {
        "KijkoCut.NewTimeline",
        "KijkoCut.LoadMedia",
        "KijkoCut.AddImages",
        "KijkoCut.RenderTimeline",
        "KijkoCut.ExportTimeline",
        "KijkoCut.AddTransition",
        "KijkoCut.ApplyEffect",
        "KijkoCut.SetSpeed",
        "KijkoCut.AnimationPreset",
        "KijkoCut.Keyframes",
        "KijkoCut.StyleText",
        "KijkoCut.FreezeFrame",
        "KijkoCut.DetachAudio",
        "KijkoCut.TrackSettings",
    } <= ids
    assert len(ids) == len(nodes)  # no two nodes share an id
    assert all(node.__module__.startswith(mods.extension.__name__.rsplit(".", 1)[0]) for node in nodes)
    assert all(node.GET_SCHEMA().category.startswith("KijkoCut/") for node in nodes)


def test_missing_dependency_disables_only_its_domains(mods, monkeypatch, caplog):
    real = mods.extension.missing_modules
    monkeypatch.setattr(
        mods.extension, "missing_modules", lambda names: ["av"] if "av" in names else real(names)
    )
    ids = {node.GET_SCHEMA().node_id for node in mods.extension.load_nodes()}
    assert "KijkoCut.NewTimeline" in ids and "KijkoCut.AddText" in ids
    assert "KijkoCut.LoadMedia" not in ids and "KijkoCut.ExportTimeline" not in ids
    assert "media nodes disabled: missing av" in caplog.text


def test_load_media_probes_and_confines(mods, input_media):
    media, duration, width, height, info = mods.media.LoadMedia.execute(input_media["red"]).args
    assert (duration, width, height) == (pytest.approx(4.0, abs=0.05), 160, 90)
    assert media.info.audio is not None and '"kind": "video"' in info
    again = mods.media.LoadMedia.execute(input_media["red"]).args[0]
    assert again.id == media.id  # content-derived id: identical graphs give identical projects
    assert mods.media.LoadMedia.fingerprint_inputs(input_media["red"]) is not None
    assert "'..'" in mods.media.LoadMedia.validate_inputs("../red.mp4")
    assert "no such file" in mods.media.LoadMedia.validate_inputs("missing.mp4")


def test_images_become_a_lossless_intermediate_clip(mods, comfy):
    images = image_batch()
    timeline, element_id = mods.media.AddImages.execute(
        small_timeline(mods), images, 12.0, tone_audio(), track="V1", start=0.0
    ).args
    element = timeline.project.element(element_id)
    media = timeline.project.media[element.media_id]
    assert element.duration == 1 and media.info.audio is not None
    assert os.path.dirname(media.path) == str(comfy.output / "kijkocut" / "intermediates")
    with av.open(media.path) as container:
        decoded = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    expected = (images.clamp(0, 1) * 255).round().byte().numpy()
    assert len(decoded) == 12 and all(np.array_equal(a, b) for a, b in zip(decoded, expected))
    # Same frames again: the same content-named file, not a second copy.
    again = mods.media.AddImages.execute(
        small_timeline(mods), images, 12.0, tone_audio(), track="V1", start=0.0
    ).args[0]
    assert next(iter(again.project.media.values())).path == media.path


def test_video_and_audio_inputs(mods, input_media, comfy):
    from comfy_api.latest import InputImpl, Types

    from_file = InputImpl.VideoFromFile(str(comfy.input / input_media["small"]))
    timeline, clip = mods.media.AddVideo.execute(small_timeline(mods), from_file, track="V1", start=1.0).args
    assert timeline.project.media[timeline.project.element(clip).media_id].path == str(
        comfy.input / "small.mp4"
    )

    components = Types.VideoComponents(images=image_batch(6), audio=None, frame_rate=Fraction(6))
    timeline, made = mods.media.AddVideo.execute(
        timeline,
        InputImpl.VideoFromComponents(components),
        track="V2",
        start=0.0,
        track_kind="overlay",
        scale=0.5,
    ).args
    assert timeline.project.element(made).duration == 1 and timeline.project.track("V2").kind == "overlay"

    # 0.25 s lies between frames at 30 fps: the clip starts on the nearest frame, as every front end's times do.
    timeline, sound = mods.media.AddAudio.execute(timeline, tone_audio(0.5), track="A1", start=0.25).args
    placed = timeline.project.element(sound)
    assert (placed.start, placed.end) == (Fraction(8, 30), Fraction(23, 30))
    assert timeline.project.track("A1").kind == "audio"
    assert len(timeline.project.history.done) == 3  # each node one undo step: media, track and clip together


def test_render_returns_images_and_audio(mods, input_media):
    media = mods.media.LoadMedia.execute(input_media["red"]).args[0]
    timeline = mods.media.AddClip.execute(small_timeline(mods), media, track="V1", start=0.0).args[0]
    images, audio, fps = mods.render.RenderTimeline.execute(timeline, 1.0, 2.0, 80, 0, 3, True).args
    assert tuple(images.shape) == (10, 44, 80, 3)  # 45 rounded down to even and fps == 10.0
    assert 0.0 <= float(images.min()) and float(images.max()) <= 1.0 and float(images.std()) > 0.05
    assert audio["sample_rate"] == 48000 and tuple(audio["waveform"].shape) == (1, 2, 48000)
    assert float(audio["waveform"].abs().max()) > 0.1  # the red clip carries a 440 Hz tone

    from kijkocut.render.frames import render_frame

    expected = render_frame(timeline.project, Fraction(1), width=80, height=44)
    assert np.abs(images[0].numpy() * 255 - expected).mean() < 1.0


def test_render_refuses_what_would_not_fit_and_suggests_a_range(mods, input_media):
    media = mods.media.LoadMedia.execute(input_media["red"]).args[0]
    timeline = mods.media.AddClip.execute(small_timeline(mods), media, track="V1", start=0.0).args[0]
    with pytest.raises(MemoryError, match=r"render a shorter range.*start=0\.00 end="):
        mods.render.RenderTimeline.execute(timeline, 0.0, 0.0, 8192, 8192, 1, True)
    assert "must be after start" in mods.render.RenderTimeline.validate_inputs(2.0, 1.0)


def test_export_writes_a_playable_file_with_progress(mods, input_media, comfy, monkeypatch):
    from comfy import utils as comfy_utils

    reports = []
    monkeypatch.setattr(
        comfy_utils,
        "PROGRESS_BAR_HOOK",
        lambda value, total, preview, node_id=None: reports.append((value, total)),
    )
    red = mods.media.LoadMedia.execute(input_media["red"]).args[0]
    timeline = mods.media.AddClip.execute(
        small_timeline(mods), red, track="V1", start=0.0, source_out=2.0
    ).args[0]
    output = mods.render.ExportTimeline.execute(
        timeline, "kijkocut/test", "default", "preset", "preset", 30, "ultrafast", 0, 0, 0.0, 0.0, True
    )
    video, path, summary = output.args
    assert summary.startswith("60 frames, 2.0 s, 160x90; audio ")
    assert path.startswith(str(comfy.output / "kijkocut")) and path.endswith("_00001_.mp4")
    shown = output.ui.as_dict()
    assert shown["images"][0]["filename"] == os.path.basename(path)
    # The node shows what it measured, not only its summary output.
    assert shown["text"] == (summary,) and re.search(r"-?\d+\.\d LUFS, true peak -?\d+\.\d dBTP", summary)
    assert video.get_dimensions() == (160, 90)
    with av.open(path) as container:
        assert container.streams.video[0].frames == 60 and container.streams.audio
        assert float(container.duration / av.time_base) == pytest.approx(2.0, abs=0.05)
    assert reports[-1] == (60, 60) and len(reports) >= 60


def test_export_validation_and_interrupt(mods, input_media, comfy, monkeypatch):
    from comfy import model_management
    from comfy import utils as comfy_utils

    assert "cannot go in a webm" in mods.render.ExportTimeline.validate_inputs(
        "default", "webm", "h264", -1, "preset", 0, 0, 0.0, 0.0, True
    )
    assert "unknown export preset" in mods.render.ExportTimeline.validate_inputs(
        "nope", "preset", "preset", -1, "preset", 0, 0, 0.0, 0.0, True
    )
    assert "pcm audio cannot go in a mp4 file" in mods.render.ExportTimeline.validate_inputs(
        "default", "preset", "preset", -1, "preset", 0, 0, 0.0, 0.0, True, "pcm", 0.0
    )

    def interrupt_at_third_frame(value, total, preview, node_id=None):
        if value == 3:
            model_management.interrupt_current_processing(True)

    monkeypatch.setattr(comfy_utils, "PROGRESS_BAR_HOOK", interrupt_at_third_frame)
    red = mods.media.LoadMedia.execute(input_media["red"]).args[0]
    timeline = mods.media.AddClip.execute(small_timeline(mods), red, track="V1", start=0.0).args[0]
    before = set(os.listdir(comfy.output / "kijkocut")) if (comfy.output / "kijkocut").exists() else set()
    with pytest.raises(model_management.InterruptProcessingException):
        mods.render.ExportTimeline.execute(
            timeline,
            "kijkocut/cancelled",
            "default",
            "preset",
            "preset",
            30,
            "ultrafast",
            0,
            0,
            0.0,
            0.0,
            True,
        )
    leftovers = set(os.listdir(comfy.output / "kijkocut")) - before
    assert not [name for name in leftovers if "cancelled" in name]
    assert not model_management.processing_interrupted()  # the flag is consumed, the next run is clean


def test_export_a_loudness_normalised_lossless_master(mods, input_media, comfy):
    red = mods.media.LoadMedia.execute(input_media["red"]).args[0]  # carries a 440 Hz tone
    timeline = mods.media.AddClip.execute(
        small_timeline(mods), red, track="V1", start=0.0, source_out=2.0
    ).args[0]
    output = mods.render.ExportTimeline.execute(
        timeline,
        "kijkocut/master",
        "default",
        "mov",
        "preset",
        30,
        "ultrafast",
        0,
        0,
        0.0,
        0.0,
        True,
        audio_codec="pcm",
        loudness_lufs=-18.0,
    )
    _, path, summary = output.args
    with av.open(path) as container:
        assert container.streams.audio[0].codec_context.name == "pcm_s24le"
    measured = re.search(r"audio (-?[0-9.]+) LUFS", summary)
    assert float(measured[1]) == pytest.approx(-18.0, abs=0.2), summary


@pytest.mark.parametrize("reframe", ["fit_color", "crop"])
def test_export_reframes_a_wide_timeline_for_a_vertical_output(mods, input_media, comfy, reframe):
    red = mods.media.LoadMedia.execute(input_media["red"]).args[0]
    timeline = mods.media.AddClip.execute(
        small_timeline(mods), red, track="V1", start=0.0, source_out=0.5
    ).args[0]
    chosen = dict(width=90, height=160, reframe=reframe, reframe_color="#00ff00")
    assert mods.render.ExportTimeline.validate_inputs(
        "default", "preset", "preset", -1, "preset", 90, 160, 0.0, 0.0, False, reframe=reframe
    )
    output = mods.render.ExportTimeline.execute(
        timeline,
        f"kijkocut/{reframe}",
        "default",
        "preset",
        "preset",
        30,
        "ultrafast",
        90,
        160,
        0.0,
        0.0,
        False,
        **{k: v for k, v in chosen.items() if k not in ("width", "height")},
    )
    _, path, summary = output.args
    assert "90x160" in summary
    with av.open(path) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="rgb24").astype(int)
    green = np.array([0, 255, 0])
    is_green = lambda pixel: np.abs(pixel - green).max() < 40  # noqa: E731
    top, middle = frame[4, 45], frame[80, 45]
    assert not is_green(middle), middle  # the clip fills the middle either way
    # fit_color: the whole 16:9 picture, on green above and below; crop: the picture to the top edge
    assert is_green(top) == (reframe == "fit_color"), top
