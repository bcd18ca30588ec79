"""Subtitle parse errors say where and what was expected, never the text of the line: the file may be anything
a caller could name, and an error must not hand its content back."""

from __future__ import annotations

import pytest

from kijkocut.captions.cues import CaptionFormatError
from kijkocut.captions.tracks import read_cues

SECRET = "TOKEN=canary-5b1e0d"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("a.srt", f"{SECRET}\nsecond line\n"),
        ("b.srt", f"1\n{SECRET} --> 00:00:02,000\nx\n"),
        ("c.srt", f"1\n00:00:01,000 --> {SECRET}\nx\n"),
        ("d.vtt", f"WEBVTT\n\n{SECRET}\nmore\n"),
        ("e.vtt", f"WEBVTT\n\n00:01.000 --> 00:99.000 {SECRET}\nx\n"),
        ("f.vtt", f"{SECRET}\n"),
    ],
)
def test_errors_never_quote_the_file(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(CaptionFormatError) as caught:
        read_cues(path)
    assert str(caught.value).startswith(f"{path}:") and SECRET not in str(caught.value)
    assert "canary" not in str(caught.value)
