"""The command line as a user runs it: the demo (the README's main job), render and probe."""

import json
import re
import subprocess
import sys

import av
import pytest

from kijkocut.cli import main


@pytest.fixture(scope="module")
def demo_output(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    completed = subprocess.run(
        [sys.executable, "-m", "kijkocut.cli", "demo", "-o", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    return folder, completed


def test_demo_exports_a_complete_video(demo_output):
    folder, completed = demo_output
    assert f"exported {folder / 'demo.mp4'}" in completed.stdout
    assert f"exported {folder / 'demo_vertical.mp4'}" in completed.stdout
    with av.open(str(folder / "demo.mp4")) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert (video.codec_context.width, video.codec_context.height) == (960, 540)
        frames = sum(1 for _ in container.decode(video=0))
    assert frames == 450  # 15 s at 30 fps
    assert audio.codec_context.name == "aac"
    project = json.loads((folder / "demo_project.json").read_text())
    kinds = [t["kind"] for t in project["tracks"]]
    assert kinds == ["video", "overlay", "text", "text", "audio", "audio"]
    assert len(project["tracks"][0]["transitions"]) == 3


def test_render_a_saved_project(demo_output, tmp_path, capsys):
    folder, _ = demo_output
    out = tmp_path / "short.webm"
    code = main(
        [
            "render",
            str(folder / "demo_project.json"),
            "-o",
            str(out),
            "--start",
            "1",
            "--end",
            "2",
            "-q",
            "--width",
            "320",
        ]
    )
    assert code == 0
    with av.open(str(out)) as container:
        assert container.streams.video[0].codec_context.name == "vp9"
        assert sum(1 for _ in container.decode(video=0)) == 30
    assert "exported" in capsys.readouterr().out


def test_probe_prints_json(demo_output, capsys):
    folder, _ = demo_output
    assert main(["probe", str(folder / "media" / "music.wav")]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["kind"] == "audio" and info["audio"]["sample_rate"] == 48000


def test_errors_are_one_clear_line(tmp_path, capsys):
    bogus = tmp_path / "notes.mp4"
    bogus.write_text("this is not a video")
    assert main(["probe", str(bogus)]) == 1
    assert "notes.mp4" in capsys.readouterr().err
    assert main(["render", str(tmp_path / "missing.json"), "-o", str(tmp_path / "o.mp4")]) == 1
    assert "cannot read project file" in capsys.readouterr().err
    project = tmp_path / "p.json"
    project.write_text('{"schema": "kijkocut.project", "version": 1}')
    with pytest.raises(SystemExit) as usage:
        main(["render", str(project), "-o", str(tmp_path / "o.mp4"), "--preset", "nope"])
    assert usage.value.code == 2  # a bad request
    err = capsys.readouterr().err
    assert "--preset: invalid choice: 'nope'" in err and "prores_master" in err and len(err.splitlines()) == 1


def test_render_a_lossless_master_reports_its_loudness(demo_output, tmp_path, capsys):
    folder, _ = demo_output
    out = tmp_path / "master.mkv"
    code = main(
        [
            "render",
            str(folder / "demo_project.json"),
            "-o",
            str(out),
            "--start",
            "0",
            "--end",
            "3",
            "-q",
            "--width",
            "320",
            "--audio-codec",
            "flac",
            "--loudness",
            "-16",
        ]
    )
    assert code == 0
    with av.open(str(out)) as container:
        assert container.streams.audio[0].codec_context.name == "flac"
    printed = capsys.readouterr().out
    loudness = re.search(r"audio (-?[0-9.]+) LUFS, true peak (-?[0-9.]+) dBTP", printed)
    assert float(loudness[1]) == pytest.approx(-16, abs=0.2) and float(loudness[2]) <= -1.0 + 0.05, printed
