"""Confinement of file names to ComfyUI's folders (no ComfyUI needed)."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def paths(pack):
    return pack("nodes.paths")


@pytest.fixture
def base(tmp_path):
    folder = tmp_path / "input"
    (folder / "sub").mkdir(parents=True)
    (folder / "clip.mp4").write_bytes(b"x")
    (folder / "sub" / "take.mov").write_bytes(b"x")
    (tmp_path / "secret.mp4").write_bytes(b"secret")
    return folder


def test_names_inside_the_folder_resolve(paths, base):
    assert paths.confine_existing(base, "clip.mp4") == (base / "clip.mp4").resolve()
    assert paths.confine_existing(base, "take.mov", subfolder="sub") == (base / "sub" / "take.mov").resolve()
    assert paths.confine_existing(base, "sub/take.mov", extensions={".mov"}).name == "take.mov"


@pytest.mark.parametrize(
    "name",
    [
        "../secret.mp4",
        "sub/../../secret.mp4",
        "..\\secret.mp4",
        "..",
        "sub/..",
        "/etc/passwd",
        "\\\\server\\share.mp4",
        "C:\\secret.mp4",
        "c:secret.mp4",
        "clip.mp4\x00.png",
        "",
        "   ",
        ".",
        "./",
    ],
)
def test_escapes_and_absolute_names_are_refused(paths, base, name):
    with pytest.raises(paths.PathRefused):
        paths.confine(base, name)


def test_subfolder_is_checked_like_the_name(paths, base):
    for subfolder in ("..", "/tmp", "sub/../.."):
        with pytest.raises(paths.PathRefused):
            paths.confine(base, "secret.mp4", subfolder=subfolder)


def test_symlink_out_of_the_folder_is_refused(paths, base, tmp_path):
    os.symlink(tmp_path / "secret.mp4", base / "link.mp4")
    os.symlink(tmp_path, base / "escape")
    with pytest.raises(paths.PathRefused, match="outside"):
        paths.confine_existing(base, "link.mp4")
    with pytest.raises(paths.PathRefused, match="outside"):
        paths.confine_existing(base, "escape/secret.mp4")


def test_symlink_inside_the_folder_is_followed(paths, base):
    os.symlink(base / "clip.mp4", base / "sub" / "alias.mp4")
    assert paths.confine_existing(base, "sub/alias.mp4") == (base / "clip.mp4").resolve()


def test_extension_must_be_allowed(paths, base):
    (base / "notes.txt").write_text("x")
    with pytest.raises(paths.PathRefused, match=r"\.txt"):
        paths.confine_existing(base, "notes.txt", extensions=paths.media_extensions())
    # A media-named link to a non-media file is refused by its real extension too.
    os.symlink(base / "notes.txt", base / "notes.mp4")
    with pytest.raises(paths.PathRefused):
        paths.confine_existing(base, "notes.mp4", extensions=paths.media_extensions())


def test_missing_file_is_not_found(paths, base):
    with pytest.raises(FileNotFoundError):
        paths.confine_existing(base, "nope.mp4")


def test_is_inside(paths, base, tmp_path):
    assert paths.is_inside(base / "clip.mp4", [tmp_path / "other", base])
    assert not paths.is_inside(tmp_path / "secret.mp4", [base])
