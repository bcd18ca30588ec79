"""`kijkocut render` decides its export through the service layer (`ExportOptions`, `export_settings`): the
same answer as every other front end, the engine's own choices, ranges checked against the timeline, and the
output's extension naming the container."""

from __future__ import annotations

import av
import pytest

from kijkocut.cli.app import build_parser
from kijkocut.project_io import load_project
from kijkocut.service.export import SPEEDS, ExportOptions, export_settings


def _codecs(path) -> tuple[str, str | None]:
    with av.open(str(path)) as container:
        audio = container.streams.audio[0].codec_context.name if container.streams.audio else None
        return container.streams.video[0].codec_context.name, audio


def _frames(path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


@pytest.mark.parametrize("format_flag", [["--format", "mp4"], []])
def test_a_preset_in_another_container_gives_the_service_layers_answer(still_project, kijkocut, format_flag):
    """prores_master as MP4: the preset's codecs where they fit, the container's usual ones where they do not,
    exactly as the MCP export tool and the nodes decide it."""
    ran = kijkocut(
        "render",
        "p.json",
        "-o",
        "master.mp4",
        "--preset",
        "prores_master",
        *format_flag,
        "--end",
        "1",
        "-q",
        "--speed",
        "ultrafast",
    )
    assert ran.code == 0, ran.err
    expected = export_settings(
        load_project(still_project), ExportOptions(preset="prores_master", container="mp4")
    )
    assert (expected.codec, expected.audio_codec) == ("h264", "aac")
    assert _codecs(still_project.parent / "master.mp4") == (expected.codec, expected.audio_codec)


def test_choices_come_from_the_engines_types():
    render = build_parser(["render"])._subparsers._group_actions[0].choices["render"]  # type: ignore[union-attr]
    speed = next(action for action in render._actions if action.dest == "speed")
    assert tuple(speed.choices) == SPEEDS and "slower" in SPEEDS


def test_the_slower_speed_preset_renders(still_project, kijkocut):
    ran = kijkocut("render", "p.json", "-o", "slow.mp4", "--speed", "slower", "--end", "f5", "-q")
    assert ran.code == 0, ran.err
    assert _frames(still_project.parent / "slow.mp4") == 5


@pytest.mark.parametrize(
    "words, message",
    [
        (["--start", "5", "--end", "2"], "end 2.000 s must come after start 5.000 s"),
        (["--start", "14", "--end", "40"], "end 40.000 s is outside the timeline (0 to 15.000 s)"),
        (["--start", "00:00:20:00"], "start 20.000 s is outside the timeline (0 to 15.000 s)"),
        (["--end", "soon"], "end: cannot read 'soon'"),
        (["--crf", "99"], "invalid export options: crf"),
        (["-o", "x.avi"], "cannot write '.avi' files: name the output .mp4, .mov, .mkv, .webm, .gif"),
        (["-o", "x"], "cannot write a file without an extension: name the output .mp4, .mov"),
        (
            ["-o", "x.mp4", "--format", "webm"],
            "--format webm conflicts with the output name x.mp4: name it x.webm",
        ),
    ],
)
def test_bad_export_requests_are_one_line_and_write_nothing(still_project, kijkocut, words, message):
    output = [] if "-o" in words else ["-o", "out.mp4"]
    ran = kijkocut("render", "p.json", *output, "-q", *words)
    assert ran.code == 2 and ran.out == "", ran.err  # a bad request
    assert ran.err.startswith(f"kijkocut: error: {message}") and len(ran.err.splitlines()) == 1, ran.err
    assert sorted(p.name for p in still_project.parent.iterdir() if not p.name.startswith(".")) == [
        "p.json",
        "still.png",
    ]


def test_times_accept_timecode_and_frames(still_project, kijkocut):
    # 25 fps: 00:00:01:12 is 1.48 s, 00:00:02.00 is 2 s, so 13 frames.
    ran = kijkocut(
        "render",
        "p.json",
        "-o",
        "cut.webm",
        "--start",
        "00:00:01:12",
        "--end",
        "00:00:02.00",
        "-q",
        "--speed",
        "ultrafast",
    )
    assert ran.code == 0, ran.err
    assert _frames(still_project.parent / "cut.webm") == 13
    assert _codecs(still_project.parent / "cut.webm")[0] == "vp9"  # the extension named the container


def test_render_takes_a_project_of_the_projects_folder_by_name(
    still_project, tmp_path, kijkocut, monkeypatch
):
    monkeypatch.setenv("KIJKOCUT_MEDIA_DIRS", str(tmp_path))  # the still is outside the home folder
    folder = tmp_path / "projects"
    assert kijkocut("project", "duplicate", "p.json", "Holiday", "--projects", str(folder)).code == 0
    ran = kijkocut(
        "render",
        "Holiday",
        "--projects",
        str(folder),
        "-o",
        "holiday.mp4",
        "--end",
        "f3",
        "-q",
        "--speed",
        "ultrafast",
    )
    assert ran.code == 0, ran.err
    assert _frames(still_project.parent / "holiday.mp4") == 3
