"""Exports never destroy what the project is made of, check their destination before rendering, turn write
failures into one clear line, and notice media that changed or vanished since import."""

from __future__ import annotations

import errno
import os
import subprocess
from fractions import Fraction
from pathlib import Path

import av
import pytest

from kijkocut import samples
from kijkocut.edit import Editor
from kijkocut.edit.commands import AddElement, AddMedia, AddTrack, AddTransition
from kijkocut.errors import (
    ExportTargetError,
    MediaChangedError,
    MediaError,
    MediaMissingError,
    OutputFolderMissingError,
)
from kijkocut.media.probe import import_media
from kijkocut.model import FORMAT_VERSION, ClipElement, Project, ProjectSettings
from kijkocut.project_io import load_project, project_from_dict, project_to_dict, save_project
from kijkocut.render import export as export_module
from kijkocut.render.export import export_project
from kijkocut.render.presets import ExportSettings

QUICK = ExportSettings(speed="ultrafast", audio=False)


def _write_clip(
    path: Path, seconds: float, *, width: int = 160, height: int = 90, hue: int = 0, tone: bool = True
) -> Path:
    return samples.write_video(
        path, seconds=seconds, width=width, height=height, hue=hue, tone_hz=440 if tone else None
    )


@pytest.fixture
def project_folder(tmp_path) -> Path:
    """A saved project (p.json): media/a.mp4 (6 s, its 0.5-5.5 s on the timeline), then media/b.mp4 (2 s)."""
    media = tmp_path / "media"
    media.mkdir()
    project = Project(settings=ProjectSettings(width=160, height=90, frame_rate=30))
    editor = Editor(project)
    editor.apply(AddMedia(media=import_media(_write_clip(media / "a.mp4", 6), media_id="clip")))
    editor.apply(AddMedia(media=import_media(_write_clip(media / "b.mp4", 2, hue=120), media_id="other")))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(id="c", media_id="clip", start=0, duration=5, source_in=Fraction(1, 2)),
        )
    )
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(id="d", media_id="other", start=5, duration=1, source_in=Fraction(1, 2)),
        )
    )
    save_project(project, tmp_path / "p.json")
    return tmp_path


def _load(folder: Path) -> Project:
    return load_project(folder / "p.json")


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- never over the project or its media ------------------------------------------------------------------


@pytest.mark.parametrize("target", ["p.json", "media/a.mp4", "media/../p.json", "media/b.mp4"])
def test_export_refuses_to_replace_the_project_or_its_media(project_folder, target, monkeypatch):
    monkeypatch.chdir(project_folder)
    before = {name: (project_folder / name).read_bytes() for name in ("p.json", "media/a.mp4", "media/b.mp4")}
    with pytest.raises(ExportTargetError, match="refusing to write the export over"):
        export_project(_load(project_folder), target, QUICK, project_dir=".", project_file="p.json")
    assert {name: (project_folder / name).read_bytes() for name in before} == before
    assert _names(project_folder / "media") == ["a.mp4", "b.mp4"]  # no partial file either


def test_export_refuses_links_to_media(project_folder):
    (project_folder / "hard.mp4").hardlink_to(project_folder / "media" / "a.mp4")
    (project_folder / "soft.mp4").symlink_to(project_folder / "media" / "b.mp4")
    original = (project_folder / "media" / "a.mp4").read_bytes()
    for link, label in (("hard.mp4", "media clip"), ("soft.mp4", "media other")):
        with pytest.raises(ExportTargetError, match=f"over {label} "):
            export_project(_load(project_folder), project_folder / link, QUICK)
    assert (project_folder / "media" / "a.mp4").read_bytes() == original


def test_pool_media_is_protected_even_when_the_timeline_does_not_use_it(project_folder):
    project = _load(project_folder)
    project.tracks[0].elements.pop()  # "other" stays in the pool only
    with pytest.raises(ExportTargetError, match="media other"):
        export_project(project, project_folder / "media" / "b.mp4", QUICK)


# --- the destination, checked before rendering -------------------------------------------------------------


def _never_rendered(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("rendering started before the destination was checked")

    monkeypatch.setattr(export_module, "FrameRenderer", fail)


def test_output_that_is_a_folder_fails_before_rendering(project_folder, monkeypatch):
    _never_rendered(monkeypatch)
    (project_folder / "out").mkdir()
    with pytest.raises(
        ExportTargetError, match=r"out: it is a folder; give a file name such as .*video\.mp4"
    ):
        export_project(_load(project_folder), project_folder / "out", QUICK)


def test_parent_that_is_a_file_fails_before_rendering(project_folder, monkeypatch):
    _never_rendered(monkeypatch)
    for target in ("p.json/x.mp4", "p.json/deeper/x.mp4"):
        with pytest.raises(ExportTargetError, match=r"p\.json is a file, not a folder"):
            export_project(_load(project_folder), project_folder / target, QUICK)


def test_missing_folder_is_an_error_unless_asked_for(project_folder, monkeypatch):
    target = project_folder / "new" / "sub" / "x.mp4"
    with pytest.raises(OutputFolderMissingError, match=r"output folder .*new/sub does not exist"):
        export_project(_load(project_folder), target, QUICK)
    assert not (project_folder / "new").exists()
    export_project(_load(project_folder), target, QUICK, create_folders=True)
    assert _names(target.parent) == ["x.mp4"]


def test_device_or_other_non_file_is_never_replaced(project_folder, monkeypatch):
    _never_rendered(monkeypatch)
    fifo = project_folder / "pipe.mp4"
    os.mkfifo(fifo)
    with pytest.raises(ExportTargetError, match="exists and is not a regular file"):
        export_project(_load(project_folder), fifo, QUICK)
    with pytest.raises(ExportTargetError, match="not a regular file"):
        export_project(_load(project_folder), "/dev/null", QUICK)
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")


@pytest.mark.skipif(not os.path.isdir("/sys/kernel"), reason="needs a sysfs mount (Linux)")
def test_folder_that_takes_no_files_fails_before_rendering(project_folder, monkeypatch):
    """sysfs refuses new files even to root (chmod does not stop root, so a permission test needs it)."""
    _never_rendered(monkeypatch)
    with pytest.raises(
        ExportTargetError, match=r"cannot write /sys/kernel/x\.mp4: no permission to write there"
    ):
        export_project(_load(project_folder), "/sys/kernel/x.mp4", QUICK)


@pytest.mark.parametrize(
    "code, words",
    [
        (errno.ENOSPC, "no space left on the disk"),
        (errno.EROFS, "the disk is read-only"),
        (errno.EACCES, "no permission to write there"),
    ],
)
def test_write_failures_mid_export_become_one_line(project_folder, monkeypatch, code, words):
    """The muxer failing while writing (the disk filling up, a remount, a permission taken away)."""
    real_open = av.open

    def failing_open(file, mode="r", **kwargs):
        container = real_open(file, mode, **kwargs)
        if mode != "w":
            return container
        calls = {"n": 0}
        real_mux = container.mux

        def mux(packets):
            calls["n"] += 1
            if calls["n"] > 20:
                raise av.error.OSError(code, os.strerror(code), file)
            return real_mux(packets)

        return _Wrapped(container, mux)

    monkeypatch.setattr(export_module.av, "open", failing_open)
    target = project_folder / "out" / "x.mp4"
    target.parent.mkdir()
    with pytest.raises(ExportTargetError) as caught:
        export_project(_load(project_folder), target, QUICK)
    assert str(caught.value) == f"cannot write {target}: {words} (in {target.parent})"
    assert _names(target.parent) == []


class _Wrapped:
    """An output container whose mux is replaced (PyAV's own objects do not take attributes)."""

    def __init__(self, container, mux):
        self._container, self.mux = container, mux

    def __getattr__(self, name):
        return getattr(self._container, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._container.__exit__(*exc)


def test_read_failure_of_a_source_is_not_called_a_write_failure(project_folder, monkeypatch):
    def unreadable(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(project_folder / "media" / "a.mp4"))

    monkeypatch.setattr(export_module.FrameRenderer, "render", unreadable)
    with pytest.raises(PermissionError):
        export_project(_load(project_folder), project_folder / "x.mp4", QUICK)
    assert "x.mp4" not in _names(project_folder)


@pytest.fixture
def small_disk(tmp_path):
    """A 64 KiB tmpfs (root and a kernel that allows mounting), unmounted afterwards."""
    mount_point = tmp_path / "small_disk"
    mount_point.mkdir()
    if (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_point)], capture_output=True
        ).returncode
        != 0
    ):
        pytest.skip("mounting a tmpfs is not permitted here")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=True)


def test_full_disk_and_read_only_disk_for_real(project_folder, small_disk):
    with pytest.raises(ExportTargetError, match=r"x\.mp4: no space left on the disk"):
        export_project(_load(project_folder), small_disk / "x.mp4", ExportSettings(speed="ultrafast", crf=0))
    assert _names(small_disk) == []  # the partial file went too
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    with pytest.raises(ExportTargetError, match=r"x\.mp4: the disk is read-only"):
        export_project(_load(project_folder), small_disk / "x.mp4", QUICK)


# --- media changed or gone since import ---------------------------------------------------------------------


def test_import_records_size_and_modification_time(project_folder):
    ref = _load(project_folder).media["clip"]
    stat = (project_folder / "media" / "a.mp4").stat()
    assert (ref.info.size_bytes, ref.mtime_ns) == (stat.st_size, stat.st_mtime_ns)


def test_shorter_replacement_is_refused_naming_what_changed(project_folder):
    _write_clip(project_folder / "media" / "a.mp4", 2, hue=200)
    with pytest.raises(MediaChangedError) as caught:
        export_project(_load(project_folder), project_folder / "x.mp4", QUICK)
    assert str(caught.value) == (
        "media clip (a.mp4) changed since import: duration 6.000 s -> 2.000 s; "
        "the timeline uses up to 5.500 s"
    )
    assert "x.mp4" not in _names(project_folder)


def test_transition_handles_count_as_used_media(project_folder):
    project = _load(project_folder)
    Editor(project).apply(AddTransition(from_id="c", to_id="d", duration=1))  # shows clip up to 6.0 s
    save_project(project, project_folder / "p.json")
    _write_clip(project_folder / "media" / "a.mp4", 5.7)
    with pytest.raises(
        MediaChangedError, match="duration 6.000 s -> 5.700 s; the timeline uses up to 6.000 s"
    ):
        export_project(_load(project_folder), project_folder / "x.mp4", QUICK)


def test_replacement_that_still_fits_renders_with_a_warning(project_folder):
    _write_clip(project_folder / "media" / "a.mp4", 8, width=320, height=180, tone=False)
    result = export_project(_load(project_folder), project_folder / "x.mp4", QUICK)
    assert result.frames == 180
    assert result.warnings == [
        "media clip (a.mp4) changed since import: duration 6.000 s -> 8.000 s, "
        "picture 160x90 -> 320x180, no longer has sound; rendering the file as it is now"
    ]
    assert result.summary().endswith("; warning: " + result.warnings[0])


def test_lost_sound_on_an_audio_track_is_refused(project_folder):
    project = _load(project_folder)
    editor = Editor(project)
    editor.apply(AddTrack(kind="audio", track_id="a1"))
    editor.apply(AddElement(track_id="a1", element=ClipElement(id="s", media_id="clip", start=0, duration=2)))
    save_project(project, project_folder / "p.json")
    _write_clip(project_folder / "media" / "a.mp4", 6, tone=False)
    with pytest.raises(
        MediaChangedError,
        match=r"media clip \(a\.mp4\) changed since import: no longer has sound; "
        r"element s on track a1: .* has no audio for an audio track",
    ):
        export_project(_load(project_folder), project_folder / "x.mp4", ExportSettings(speed="ultrafast"))


def test_same_content_with_a_new_time_is_not_a_change(project_folder):
    os.utime(project_folder / "media" / "a.mp4", ns=(1, 1))  # e.g. a copied project folder
    result = export_project(_load(project_folder), project_folder / "x.mp4", QUICK)
    assert result.warnings == []


def test_same_size_but_new_content_is_noticed(project_folder):
    clip = project_folder / "media" / "a.mp4"
    data = bytearray(clip.read_bytes())
    data[-1] ^= 0xFF  # same size, different bytes: only the hash can tell
    clip.write_bytes(bytes(data))
    os.utime(clip, ns=(1, 1))
    result = export_project(_load(project_folder), project_folder / "x.mp4", QUICK)
    assert result.warnings == [
        "media clip (a.mp4) changed since import: content differs; rendering the file as it is now"
    ]


def test_projects_saved_before_modification_times_fall_back_to_the_hash(project_folder):
    doc = project_to_dict(_load(project_folder))
    doc["version"] = 2
    for media in doc["media"].values():
        del media["mtime_ns"]
    project = project_from_dict(doc)
    assert project.version == FORMAT_VERSION and project.media["clip"].mtime_ns is None
    assert export_project(project, project_folder / "x.mp4", QUICK).warnings == []
    _write_clip(project_folder / "media" / "a.mp4", 2)
    with pytest.raises(MediaChangedError, match="duration 6.000 s -> 2.000 s"):
        export_project(project, project_folder / "y.mp4", QUICK)


def test_unreadable_replacement_names_the_file(project_folder):
    (project_folder / "media" / "a.mp4").write_bytes(b"not a video any more")
    with pytest.raises(
        MediaError, match=r"a\.mp4: changed since import and no longer reads: not a media file"
    ):
        export_project(_load(project_folder), project_folder / "x.mp4", QUICK)


def test_media_replaced_by_a_fifo_is_named_not_read(project_folder):
    clip = project_folder / "media" / "a.mp4"
    clip.unlink()
    os.mkfifo(clip)  # reading it (to hash it) would wait forever for a writer
    with pytest.raises(
        MediaError, match=r"a\.mp4: changed since import and no longer reads: not a regular file"
    ):
        export_project(_load(project_folder), project_folder / "x.mp4", QUICK)


def test_every_missing_file_is_listed_at_once(project_folder):
    for name in ("a.mp4", "b.mp4"):
        (project_folder / "media" / name).unlink()
    with pytest.raises(MediaMissingError) as caught:
        export_project(_load(project_folder), project_folder / "x.mp4", QUICK)
    media = project_folder / "media"
    assert str(caught.value).startswith(
        f"media missing (moved, renamed or deleted since import): "
        f"clip ({media / 'a.mp4'}); other ({media / 'b.mp4'}). If they moved, relink"
    )
    assert "corrupt" not in str(caught.value)


def test_a_missing_file_opened_directly_says_missing(tmp_path):
    from kijkocut.media.video_reader import VideoReader

    with pytest.raises(MediaError, match=r"gone\.mp4: missing \(moved, renamed or deleted since import\)"):
        VideoReader(tmp_path / "gone.mp4")
