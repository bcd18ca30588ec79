"""Path confinement in the engine: the one check (`confine`), the list of every path a project stores, and
renders that open nothing outside a policy's folders. Parse errors never quote the file they read."""

from __future__ import annotations

import os
import shutil
import typing
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pydantic import BaseModel

from kijkocut import model
from kijkocut.edit import Editor
from kijkocut.edit.commands import AddEffect, AddElement, AddMedia, AddTrack
from kijkocut.effects.catalog import EFFECTS
from kijkocut.effects.lut import parse_cube
from kijkocut.errors import KijkoCutError, PathNotAllowedError
from kijkocut.media.probe import import_media
from kijkocut.model import ClipElement, Project, ProjectSettings, TextElement, TextStyle
from kijkocut.paths import PathPolicy, confine, confined_project, is_font_file, project_paths
from kijkocut.project_io import load_project
from kijkocut.render.frames import iter_frames, render_frame
from kijkocut.render.text import _font_files, resolve_font_path

SECRET = "CANARY-7f3a9c-do-not-leak"


@pytest.fixture
def folders(tmp_path):
    """An allowed folder and, beside it, an outside one holding a secret and a symlink pointing to it."""
    allowed, outside = tmp_path / "allowed", tmp_path / "outside"
    allowed.mkdir()
    outside.mkdir()
    (outside / "secret.cube").write_text(f"TOKEN={SECRET}\n")
    os.symlink(outside / "secret.cube", allowed / "link.cube")
    (allowed / "ok.cube").write_text("LUT_1D_SIZE 2\n0 0 0\n1 1 1\n")
    return allowed, outside


# --- the check ---------------------------------------------------------------------------------------------


def test_paths_inside_resolve_to_their_real_path(folders):
    allowed, _ = folders
    assert confine("ok.cube", [allowed], base=allowed) == (allowed / "ok.cube").resolve()
    assert confine(str(allowed / "ok.cube"), [allowed]) == (allowed / "ok.cube").resolve()
    assert confine("new/file.mp4", [allowed], base=allowed) == allowed.resolve() / "new" / "file.mp4"
    # Encoded and Windows-looking names are plain (odd) file names here, inside the folder.
    assert confine("%2e%2e%2fsecret.cube", [allowed], base=allowed).parent == allowed.resolve()
    assert confine("C:secret.cube", [allowed], base=allowed).parent == allowed.resolve()


@pytest.mark.parametrize(
    "attack",
    [
        "../outside/secret.cube",
        "sub/../../outside/secret.cube",
        "..\\outside\\secret.cube",
        "link.cube",
        "/etc/passwd",
        "/proc/self/environ",
        "~/secret.cube",
        "~root/x",
        "ok.cube\x00.png",
        "",
    ],
)
def test_attacks_are_refused_with_the_path_and_the_folders(folders, attack):
    allowed, outside = folders
    with pytest.raises(PathNotAllowedError) as caught:
        confine(attack, [allowed], base=allowed)
    message = str(caught.value)
    assert SECRET not in message
    if attack and "\x00" not in attack and ".." not in attack:
        assert repr(attack) in message and str(allowed.resolve()) in message


def test_a_relative_path_without_a_base_is_refused(folders):
    allowed, _ = folders
    with pytest.raises(PathNotAllowedError, match="relative"):
        confine("ok.cube", [allowed])


def test_policy_fonts_may_also_come_from_the_system_font_folders(folders):
    allowed, _ = folders
    system_font = next(iter(_font_files().values()), None)
    if system_font is None:
        pytest.skip("no system fonts installed")
    policy = PathPolicy.of([allowed])
    assert policy.confine(str(system_font), "font") == system_font.resolve()
    with pytest.raises(PathNotAllowedError):
        policy.confine(str(system_font), "effect")


# --- every path a project stores ---------------------------------------------------------------------------


def _project(
    tmp_path, *, lut: str | None = None, font: str | None = None, media: Path | None = None
) -> Project:
    still = media or tmp_path / "still.png"
    if media is None:
        Image.fromarray(np.full((32, 32, 3), 120, np.uint8)).save(still)
    project = Project(settings=ProjectSettings(width=32, height=32, frame_rate=10))
    editor = Editor(project)
    editor.apply(AddMedia(media=import_media(still, media_id="img")))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(AddElement(track_id="v1", element=ClipElement(id="c", media_id="img", start=0, duration=1)))
    if lut is not None:
        editor.apply(AddEffect(element_id="c", kind="lut", params={"path": lut}, effect_id="fx_lut"))
    if font is not None:
        editor.apply(AddTrack(kind="text", track_id="t1"))
        editor.apply(
            AddElement(
                track_id="t1",
                element=TextElement(
                    id="title", text="Hi", start=0, duration=1, style=TextStyle(font=font, size=8)
                ),
            )
        )
    return project


def test_project_paths_lists_media_file_params_and_font_files(tmp_path):
    project = _project(tmp_path, lut="grade.cube", font="fonts/Title.ttf")
    found = {(p.kind, p.value) for p in project_paths(project)}
    assert found == {
        ("media", str((tmp_path / "still.png").resolve())),
        ("effect", "grade.cube"),
        ("font", "fonts/Title.ttf"),
    }
    family = _project(tmp_path, font="DejaVu Sans")
    assert [p.kind for p in project_paths(family)] == ["media"]  # a family name is not a path


def test_font_files_and_family_names():
    assert all(is_font_file(f) for f in ("a.ttf", "x/Title", "~/f.otf", "C:\\Fonts\\a", "F.OTF"))
    assert not any(is_font_file(f) for f in (None, "", "DejaVu Sans", "Noto Sans CJK"))


def test_every_text_effect_param_is_marked_as_a_file_or_known_not_to_be():
    """A new text parameter in the catalogue must say whether it names a file (then it is confined)."""
    not_files = {("chroma_key", "color")}
    for spec in EFFECTS.values():
        for name, param in spec.params.items():
            if isinstance(param.default, str) and not param.file:
                assert (spec.kind, name) in not_files, (
                    f"{spec.kind}.{name}: mark it file=True or list it here"
                )


def _string_fields(cls: type[BaseModel], prefix: str = "", seen: set | None = None) -> set[str]:
    """Dotted names of every str field reachable from a model class (through lists, dicts, unions)."""
    seen = set() if seen is None else seen
    if cls in seen:
        return set()
    seen.add(cls)
    names: set[str] = set()
    for field_name, info in cls.model_fields.items():
        stack = [info.annotation]
        while stack:
            annotation = stack.pop()
            if annotation is str:
                names.add(prefix + field_name)
            elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
                names |= _string_fields(annotation, f"{prefix}{field_name}.", seen)
            else:
                stack += [a for a in typing.get_args(annotation) if a is not None]
    return names


def test_every_path_like_field_of_the_model_is_enumerated():
    """A new model field whose name says path, file, font, dir or lut must be added to `project_paths`."""
    fields = _string_fields(model.Project)
    path_like = {
        f for f in fields if any(w in f.rsplit(".", 1)[-1] for w in ("path", "file", "font", "dir", "lut"))
    }
    assert path_like == {"media.path", "tracks.elements.style.font"}, path_like


def test_confined_project_rewrites_to_real_paths_and_leaves_a_clean_project_alone(tmp_path, folders):
    allowed, _ = folders
    shutil.copy(allowed / "ok.cube", tmp_path / "ok.cube")
    policy = PathPolicy.of([tmp_path])
    clean = _project(tmp_path, lut=str((tmp_path / "ok.cube").resolve()))
    assert confined_project(clean, policy) is clean
    relative = _project(tmp_path, lut="ok.cube")
    confined = confined_project(relative, policy, tmp_path)
    assert confined is not relative and relative.element("c").effects[0].params["path"] == "ok.cube"
    assert confined.element("c").effects[0].params["path"] == str((tmp_path / "ok.cube").resolve())


# --- renders under a policy --------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["lut", "font", "media"])
@pytest.mark.parametrize("target", ["/etc/passwd", "outside/secret.cube", "allowed/link.cube"])
def test_renders_refuse_files_outside_the_policy(tmp_path, folders, where, target):
    allowed, _ = folders
    path = target if target.startswith("/") else str(tmp_path / target)
    if where == "media":
        project = _project(tmp_path)
        project.media["img"].path = path
    else:
        project = _project(tmp_path, **{where: path})
    policy = PathPolicy.of([allowed, tmp_path / "still.png"])
    with pytest.raises(PathNotAllowedError) as caught:
        render_frame(project, 0, path_policy=policy)
    assert repr(path) in str(caught.value) and SECRET not in str(caught.value)
    with pytest.raises(PathNotAllowedError):
        next(iter_frames(project, path_policy=policy))


def test_without_a_policy_library_renders_are_unchanged(tmp_path, folders):
    allowed, _ = folders
    project = _project(tmp_path, lut=str(allowed / "ok.cube"))
    assert render_frame(project, 0).shape == (32, 32, 3)


def test_a_relative_lut_is_opened_where_it_was_checked_not_in_the_working_directory(
    tmp_path, folders, monkeypatch
):
    allowed, outside = folders
    (outside / "grade.cube").write_text("LUT_1D_SIZE 2\n1 1 1\n1 1 1\n")  # all white
    monkeypatch.chdir(outside)
    project = _project(tmp_path, lut="grade.cube")
    project_dir = tmp_path / "project"
    project_dir.mkdir()
    (project_dir / "grade.cube").write_text("LUT_1D_SIZE 2\n0 0 0\n0 0 0\n")  # all black
    policy = PathPolicy.of([project_dir, tmp_path / "still.png"])
    assert render_frame(project, 0, project_dir=project_dir, path_policy=policy).max() == 0


# --- parse errors and font names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"{SECRET}\n",
        f"LUT_3D_SIZE {SECRET}\n",
        f"DOMAIN_MIN {SECRET}\n",
        f"LUT_1D_SIZE 2\n0 0 0\n{SECRET} 1 1\n",
    ],
)
def test_lut_parse_errors_name_the_line_but_never_quote_it(text):
    with pytest.raises(KijkoCutError, match=r"secret\.cube: line \d+: ") as caught:
        parse_cube(text, "secret.cube")
    assert SECRET not in str(caught.value)


def test_a_font_family_name_never_opens_a_file_in_the_working_directory(tmp_path, monkeypatch):
    system_font = next(iter(_font_files().values()), None)
    if system_font is None:
        pytest.skip("no system fonts installed")
    shutil.copy(system_font, tmp_path / "Private Family")  # a file named like a family, no font suffix
    monkeypatch.chdir(tmp_path)
    assert resolve_font_path("Private Family") != Path("Private Family")
    shutil.copy(system_font, tmp_path / "private.ttf")
    assert resolve_font_path("private.ttf") == Path("private.ttf")  # a font file name is still a file


@pytest.mark.parametrize("text", [SECRET, f'{{"name": {SECRET}}}', f'{{"{SECRET}": 1,', f'["{SECRET}\x01"]'])
def test_project_json_errors_never_quote_the_file(tmp_path, text):
    path = tmp_path / "secret.json"
    path.write_text(text)
    with pytest.raises(KijkoCutError, match="not valid JSON") as caught:
        load_project(path)
    assert SECRET not in str(caught.value)
