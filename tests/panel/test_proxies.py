"""Preview proxies: a short-GOP, low-resolution copy with the same timing (the frame counter drawn in the test
pattern shows the same number at the same time), the preview of a proxied project matching the original's,
proxies queued only for media that want one, and a source with no video failing without a file left behind."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest

from kijkocut import samples
from kijkocut.errors import MediaError
from kijkocut.media.probe import probe_media
from kijkocut.media.proxies import make_proxy, proxy_size
from kijkocut.model import ClipElement, MediaRef, Project, ProjectSettings, Track
from kijkocut.render.frames import render_frame
from kijkocut.service.preview import ProxyCache


@pytest.fixture(scope="module")
def long_gop(tmp_path_factory):
    folder = tmp_path_factory.mktemp("proxies")
    return samples.write_video(
        folder / "long.mp4", seconds=4, width=1280, height=720, rate=25, gop=250, tone_hz=440
    )


def _project(path, fit="contain"):
    ref = MediaRef(id="m1", path=str(path), info=probe_media(path))
    clip = ClipElement(id="c1", media_id="m1", start=Fraction(0), duration=Fraction(4))
    clip.transform.fit = fit
    track = Track(id="v1", kind="video", elements=[clip])
    return Project(
        name="p",
        settings=ProjectSettings(width=1280, height=720, frame_rate="25"),
        media={"m1": ref},
        tracks=[track],
    )


def test_a_proxy_is_small_short_gop_and_keeps_the_timing(long_gop, tmp_path):
    proxy = make_proxy(long_gop, tmp_path / "p.mp4")
    with av.open(str(proxy)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (640, 360)
        keyframes = [packet.is_keyframe for packet in container.demux(stream) if packet.size]
    assert len(keyframes) == 100 and sum(keyframes) >= 100 // 12
    assert not list(tmp_path.glob(".*partial"))
    original, proxied = _project(long_gop), _project(long_gop)
    proxied.media["m1"] = proxied.media["m1"].model_copy(update={"path": str(proxy)})
    for seconds in (Fraction(0), Fraction(37, 25), Fraction(99, 25)):
        a = render_frame(original, seconds, width=640).astype(int)
        b = render_frame(proxied, seconds, width=640).astype(int)
        assert np.abs(a - b).mean() < 6, seconds  # a frame off would move the counter and the pattern


def test_proxy_size_keeps_the_aspect_and_never_grows():
    assert proxy_size(1920, 1080) == (640, 360)
    assert proxy_size(1080, 1920) == (202, 360)
    assert proxy_size(320, 181) == (320, 180)


def test_the_cache_swaps_in_ready_proxies_only_where_the_size_does_not_matter(long_gop, tmp_path):
    cache = ProxyCache(tmp_path / "proxies")
    project = _project(long_gop)
    assert cache.proxied(project) is project  # nothing ready yet
    [future] = cache.request(project, None)
    assert future.result(timeout=120) == cache.path_for(project.media["m1"])
    assert cache.request(project, None) == []  # made once
    assert cache.status(project) == {"m1": "ready"}
    assert cache.proxied(project).media["m1"].path == str(cache.path_for(project.media["m1"]))
    native = _project(long_gop, fit="none")
    assert cache.proxied(native).media["m1"].path == str(long_gop)
    cache.close()


def test_small_media_get_no_proxy_and_a_broken_source_leaves_nothing(engine_media, tmp_path):
    cache = ProxyCache(tmp_path / "proxies")
    assert cache.request(_project(engine_media.red), None) == []
    assert cache.status(_project(engine_media.red)) == {"m1": "original"}
    with pytest.raises(MediaError):
        make_proxy(engine_media.music, tmp_path / "music.mp4")
    assert not any(tmp_path.rglob("*.mp4*"))  # neither a proxy nor a partial one
    cache.close()
