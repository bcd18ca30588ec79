"""OTIO import under a path policy: media outside the allowed folders are refused before they are probed, and
read errors never quote the file."""

from __future__ import annotations

import pytest

otio = pytest.importorskip("opentimelineio", reason="the otio extra is not installed")

from kijkocut.errors import KijkoCutError  # noqa: E402
from kijkocut.interchange.otio import import_otio  # noqa: E402
from kijkocut.paths import PathPolicy  # noqa: E402

SECRET = "TOKEN=canary-91c2aa"


def _timeline_naming(path: str) -> otio.schema.Timeline:
    timeline = otio.schema.Timeline(name="t")
    track = otio.schema.Track(kind=otio.schema.TrackKind.Video)
    rate = 30
    clip = otio.schema.Clip(
        name="c",
        media_reference=otio.schema.ExternalReference(target_url=path),
        source_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(30, rate)
        ),
    )
    track.append(clip)
    timeline.tracks.append(track)
    return timeline


@pytest.mark.parametrize("target", ["/etc/passwd", "../outside/clip.mp4", "file:///proc/self/environ"])
def test_media_outside_the_policy_is_refused_before_probing(tmp_path, target, monkeypatch):
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    source = allowed / "cut.otio"
    otio.adapters.write_to_file(_timeline_naming(target), str(source))
    probed = []
    monkeypatch.setattr("kijkocut.interchange.otio_import.import_media", lambda *a, **k: probed.append(a))
    with pytest.raises(KijkoCutError, match="outside the allowed folders|'..' is not allowed"):
        import_otio(source, path_policy=PathPolicy.of([allowed]), missing_media="offline")
    assert probed == []


def test_read_errors_never_quote_the_file(tmp_path):
    broken = tmp_path / "secret.otio"  # OTIO's own message names the object it was reading: here the secret
    broken.write_text(f'{{"OTIO_SCHEMA": "Clip.1", "name": "{SECRET}", "source_range": "x"}}')
    with pytest.raises(KijkoCutError, match="cannot read it as otio_json") as caught:
        import_otio(broken)
    assert "canary" not in str(caught.value)
