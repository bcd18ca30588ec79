"""The Export Timeline node shares the engine's media checks: a file changed since it was loaded is named in
the node's summary, or refused when the timeline no longer fits it (needs COMFYUI_PATH)."""

from __future__ import annotations

import pytest

from kijkocut import samples
from kijkocut.errors import MediaChangedError
from tests.nodes.test_media_render_nodes import small_timeline


@pytest.fixture
def mods(comfy, pack):
    class Modules:
        timeline = pack("nodes.timeline")
        media = pack("nodes.media")
        render = pack("nodes.render")

    return Modules


def _export(mods, timeline, prefix: str):
    return mods.render.ExportTimeline.execute(
        timeline, prefix, "default", "preset", "preset", 30, "ultrafast", 0, 0, 0.0, 0.0, False
    ).args


def test_export_node_names_media_changed_since_loading(mods, comfy):
    clip = samples.write_video(comfy.input / "changing.mp4", seconds=3, width=160, height=90)
    media = mods.media.LoadMedia.execute("changing.mp4").args[0]
    timeline = mods.media.AddClip.execute(
        small_timeline(mods), media, track="V1", start=0.0, source_out=2.0
    ).args[0]
    samples.write_video(clip, seconds=4, width=160, height=90, hue=90)
    _, _, summary = _export(mods, timeline, "kijkocut/changed")
    assert summary.startswith("60 frames, 2.0 s, 160x90")
    assert summary.endswith(
        "(changing.mp4) changed since import: duration 3.000 s -> 4.000 s; rendering the file as it is now"
    )
    samples.write_video(clip, seconds=1, width=160, height=90)
    with pytest.raises(
        MediaChangedError, match=r"duration 3\.000 s -> 1\.000 s; the timeline uses up to 2\.000 s"
    ):
        _export(mods, timeline, "kijkocut/shortened")
