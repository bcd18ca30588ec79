"""Renders from the nodes and the panel's frame route open only files in ComfyUI's input, output and temp
folders: a LUT, font or media path outside them is refused before anything is read, and no error carries the
file's content. Relative LUT names are taken from the input folder, never ComfyUI's working directory."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from kijkocut.errors import PathNotAllowedError

OUTSIDE = ["/etc/passwd", "/proc/self/environ", "../../../../../../etc/passwd"]


@pytest.fixture
def mods(comfy, pack):
    class Modules:
        timeline = pack("nodes.timeline")
        media = pack("nodes.media")
        editing = pack("nodes.editing")
        render = pack("nodes.render")

    return Modules


def _clip_timeline(mods, input_media):
    timeline = mods.timeline.NewTimeline.execute("custom", 160, 90, "30", 48000, "#000000", "t").args[0]
    red = mods.media.LoadMedia.execute(input_media["red"]).args[0]
    return mods.media.AddClip.execute(timeline, red, track="V1", start=0.0, source_out=1.0).args[0]


def _with_lut(mods, timeline, path: str):
    return mods.editing.ApplyEffect.execute(timeline, "lut", json.dumps({"path": path})).args[0]


def _with_font(mods, timeline, font: str):
    return mods.editing.AddText.execute(
        timeline, "Hi", "T1", 0.0, 1.0, 24, "#ffffff", 0.5, 0.5, "center", 0.0, 0.0, font
    ).args[0]


def _loaded_naming(mods, timeline, where: str, path: str):
    """The timeline as a downloaded project file naming a LUT or a font would arrive: through Timeline from
    JSON (the nodes that edit refuse such a path at once)."""
    titled = _with_font(mods, timeline, "")
    doc = json.loads(mods.timeline.TimelineInfo.execute(titled).args[4])
    clip, title = (track["elements"][0] for track in doc["tracks"])
    if where == "lut":
        clip["effects"] = [{"id": "fx", "kind": "lut", "params": {"path": path}}]
    else:
        title["style"]["font"] = path
    return mods.timeline.TimelineFromJSON.execute(json.dumps(doc)).args[0]


@pytest.mark.parametrize("target", OUTSIDE)
@pytest.mark.parametrize("where", ["lut", "font"])
def test_the_editing_nodes_refuse_files_outside_comfyuis_folders(mods, input_media, where, target):
    timeline = _clip_timeline(mods, input_media)
    with pytest.raises(PathNotAllowedError) as caught:
        _with_lut(mods, timeline, target) if where == "lut" else _with_font(mods, timeline, target)
    assert repr(target) in str(caught.value) and "root:" not in str(caught.value)
    assert timeline.project.element("V1_1").effects == [] and len(timeline.project.tracks) == 1


@pytest.mark.parametrize("target", OUTSIDE)
@pytest.mark.parametrize("where", ["lut", "font"])
def test_render_and_export_refuse_files_outside_comfyuis_folders(mods, input_media, comfy, where, target):
    timeline = _loaded_naming(mods, _clip_timeline(mods, input_media), where, target)
    with pytest.raises(PathNotAllowedError) as caught:
        mods.render.RenderTimeline.execute(timeline, 0.0, 0.0, 80, 0, 1, True)
    assert repr(target) in str(caught.value) and "root:" not in str(caught.value)
    before = set(comfy.output.rglob("*"))
    with pytest.raises(PathNotAllowedError):
        mods.render.ExportTimeline.execute(
            timeline,
            "kijkocut/refused",
            "default",
            "preset",
            "preset",
            30,
            "ultrafast",
            0,
            0,
            0.0,
            0.0,
            False,
        )
    assert not {p for p in set(comfy.output.rglob("*")) - before if p.is_file()}


def test_a_lut_named_relative_to_the_input_folder_renders(mods, input_media, comfy, tmp_path, monkeypatch):
    (comfy.input / "invert.cube").write_text("LUT_1D_SIZE 2\n1 1 1\n0 0 0\n")
    monkeypatch.chdir(tmp_path)  # not where ComfyUI's input folder is
    timeline = _with_lut(mods, _clip_timeline(mods, input_media), "invert.cube")
    images = mods.render.RenderTimeline.execute(timeline, 0.0, 0.0, 80, 0, 30, False).args[0]
    assert images.shape[0] == 1


async def test_the_frame_route_refuses_a_lut_outside_the_folders(pack, tmp_path, engine_media):
    from kijkocut.edit import Editor
    from kijkocut.edit.commands import AddEffect, AddElement, AddMedia, AddTrack
    from kijkocut.media.probe import import_media
    from kijkocut.model import ClipElement, Project, ProjectSettings
    from kijkocut.project_io import project_to_dict

    folders = {kind: tmp_path / kind for kind in ("input", "output", "temp")}
    for folder in folders.values():
        folder.mkdir()
    shutil.copy(engine_media.red, folders["input"] / "red.mp4")
    (tmp_path / "secret.cube").write_text("TOKEN=canary-33ad\n")
    os.symlink(tmp_path / "secret.cube", folders["input"] / "link.cube")
    routes = pack("nodes.routes")
    app = web.Application()
    app.add_routes(routes.MediaRoutes(lambda kind: str(folders[kind]) if kind in folders else None).table())
    async with TestClient(TestServer(app)) as client:
        for lut in ("/etc/passwd", str(tmp_path / "secret.cube"), "link.cube", "../secret.cube"):
            project = Project(settings=ProjectSettings(width=160, height=90))
            editor = Editor(project)
            editor.apply(AddMedia(media=import_media(folders["input"] / "red.mp4", media_id="m")))
            editor.apply(AddTrack(kind="video", track_id="V1"))
            editor.apply(
                AddElement(track_id="V1", element=ClipElement(id="c", media_id="m", start=0, duration=1))
            )
            editor.apply(AddEffect(element_id="c", kind="lut", params={"path": lut}))
            response = await client.post(
                "/kijkocut/timeline/frame",
                json={"project": json.loads(json.dumps(project_to_dict(project))), "t": 0},
            )
            text = await response.text()
            assert response.status in (400, 422), text
            assert "outside the allowed folders" in text or "'..'" in text, text
            assert "canary" not in text and "root:" not in text
