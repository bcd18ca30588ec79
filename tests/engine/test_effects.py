"""Every effect renders known input and is checked numerically against its formula."""

from fractions import Fraction

import numpy as np
import pytest
from PIL import Image

from kijkocut.edit import Editor
from kijkocut.edit.commands import AddEffect, AddElement, AddMedia, AddTrack, RemoveEffect, UpdateEffect
from kijkocut.errors import EditError, KijkoCutError
from kijkocut.media.probe import import_media
from kijkocut.model import AdjustmentElement, ClipElement, Project, ProjectSettings, Transform
from kijkocut.render.frames import iter_frames, render_frame

BASE = (100, 150, 200)


def _png(path, pixels):
    Image.fromarray(np.asarray(pixels, np.uint8)).save(path)
    return path


def _solid(path, colour=BASE, size=(64, 64)):
    return _png(path, np.full((size[1], size[0], 3), colour, np.uint8))


def _still_project(path, *, width=64, height=64, background="#000000", transform=None):
    project = Project(
        settings=ProjectSettings(width=width, height=height, frame_rate=30, background=background)
    )
    editor = Editor(project)
    editor.apply(AddMedia(media=import_media(path, media_id="img")))
    editor.apply(AddTrack(kind="video", track_id="v1"))
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(
                id="c", media_id="img", start=0, duration=2, transform=transform or Transform()
            ),
        )
    )
    return project, editor


def _centre(project, t=0):
    frame = render_frame(project, t)
    return frame[frame.shape[0] // 2, frame.shape[1] // 2].astype(float)


def _with_effect(tmp_path, kind, params=None, colour=BASE):
    project, editor = _still_project(_solid(tmp_path / "s.png", colour))
    editor.apply(AddEffect(element_id="c", kind=kind, params=params or {}))
    return project


LUMA = np.array([0.2126, 0.7152, 0.0722])  # BT.709, the canvas's colour space


@pytest.mark.parametrize(
    "kind, params, expected",
    [
        ("brightness", {"amount": 0.2}, np.array(BASE) + 51),
        ("contrast", {"amount": 0.5}, (np.array(BASE) - 127.5) * 1.5 + 127.5),
        ("saturation", {"amount": -1}, np.full(3, np.dot(BASE, LUMA))),
        ("exposure", {"stops": 1}, np.minimum(np.array(BASE) * 2, 255)),
        ("gamma", {"value": 2}, 255 * (np.array(BASE) / 255) ** 0.5),
        ("temperature", {"temperature": 1, "tint": 0}, np.minimum(np.array(BASE) * [1.3, 1.0, 0.7], 255)),
        ("grayscale", {}, np.full(3, np.dot(BASE, LUMA))),
        ("invert", {}, 255 - np.array(BASE)),
        (
            "sepia",
            {},
            np.minimum(
                np.array([[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]]) @ BASE, 255
            ),
        ),
        ("opacity", {"amount": 0.5}, np.array(BASE) * 0.5),
    ],
)
def test_colour_effects_follow_their_formula(tmp_path, kind, params, expected):
    assert np.allclose(_centre(_with_effect(tmp_path, kind, params)), expected, atol=4)


def test_hue_shift_by_120_degrees_rotates_primaries(tmp_path):
    red = _centre(_with_effect(tmp_path, "hue_shift", {"degrees": 120}, colour=(200, 30, 30)))
    assert red[1] > red[0] and red[1] > red[2]  # red turned green
    unchanged = _centre(_with_effect(tmp_path, "hue_shift", {"degrees": 0}, colour=(200, 30, 30)))
    assert np.allclose(unchanged, (200, 30, 30), atol=4)


def test_vignette_darkens_corners_only(tmp_path):
    project = _with_effect(tmp_path, "vignette", {"amount": 1, "radius": 0.5, "softness": 0.3})
    frame = render_frame(project, 0).astype(float)
    assert np.allclose(frame[32, 32], BASE, atol=4)
    assert frame[2, 2].max() < 40


def _edge_image(path):
    pixels = np.zeros((64, 64, 3), np.uint8)
    pixels[:, 32:] = 255
    return _png(path, pixels)


def test_gaussian_blur_softens_an_edge_and_scales_with_output(tmp_path):
    project, editor = _still_project(_edge_image(tmp_path / "edge.png"))
    editor.apply(AddEffect(element_id="c", kind="gaussian_blur", params={"radius": 4}))
    row = render_frame(project, 0)[32, :, 0].astype(float)
    assert row[2] < 20 and row[61] > 235  # far from the edge: unchanged
    assert 60 < row[31] < 200 and 60 < row[32] < 200  # at the edge: mixed
    assert 0 < row[27] < row[31] < row[36]  # a smooth ramp, several pixels wide
    doubled = render_frame(project, 0, width=128)[64, :, 0].astype(float)
    assert 0 < doubled[54] < 128  # twice the output size: the ramp is twice as wide


def test_sharpen_overshoots_at_an_edge(tmp_path):
    pixels = np.full((64, 64, 3), 80, np.uint8)
    pixels[:, 32:] = 170
    project, editor = _still_project(_png(tmp_path / "e.png", pixels))
    editor.apply(AddEffect(element_id="c", kind="sharpen", params={"amount": 2, "radius": 2}))
    row = render_frame(project, 0)[32, :, 0].astype(float)
    assert row[30] < 70 and row[33] > 180 and abs(row[5] - 80) < 4


def test_film_grain_is_noise_that_changes_per_frame(tmp_path):
    project = _with_effect(tmp_path, "film_grain", {"amount": 0.5, "seed": 3})
    first, second = list(iter_frames(project, end=Fraction(2, 30)))
    assert 8 < first[..., 1].std() < 60
    assert not np.array_equal(first, second)
    assert np.array_equal(first, render_frame(project, 0))  # deterministic for a given frame


def test_chroma_key_removes_green_and_keeps_the_rest(tmp_path):
    pixels = np.zeros((64, 64, 3), np.uint8)
    pixels[:, :32] = (0, 255, 0)
    pixels[:, 32:] = (200, 60, 60)
    project, editor = _still_project(_png(tmp_path / "g.png", pixels), background="#0000ff")
    editor.apply(AddEffect(element_id="c", kind="chroma_key", params={"color": "#00ff00", "similarity": 0.3}))
    frame = render_frame(project, 0).astype(float)
    assert np.allclose(frame[32, 10], (0, 0, 255), atol=8)  # keyed: background shows
    assert np.allclose(frame[32, 50], (200, 60, 60), atol=8)


def _write_cube(path, size, function):
    lines = [f"LUT_3D_SIZE {size}"]
    for b in range(size):
        for g in range(size):
            for r in range(size):
                lines.append(" ".join(f"{v:.6f}" for v in function(np.array([r, g, b]) / (size - 1))))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_3d_and_1d_luts(tmp_path):
    cube = _write_cube(tmp_path / "invert.cube", 17, lambda rgb: 1 - rgb)
    assert np.allclose(
        _centre(_with_effect(tmp_path, "lut", {"path": str(cube)})), 255 - np.array(BASE), atol=5
    )
    one_d = tmp_path / "half.cube"
    one_d.write_text('TITLE "half"\nLUT_1D_SIZE 2\n0 0 0\n0.5 0.5 0.5\n')
    assert np.allclose(
        _centre(_with_effect(tmp_path, "lut", {"path": str(one_d)})), np.array(BASE) / 2, atol=4
    )
    half_strength = _centre(_with_effect(tmp_path, "lut", {"path": str(cube), "intensity": 0.5}))
    assert np.allclose(half_strength, (np.array(BASE) + 255 - np.array(BASE)) / 2, atol=5)


def test_broken_lut_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.cube"
    bad.write_text("LUT_3D_SIZE 2\n0 0 0\n")
    project = _with_effect(tmp_path, "lut", {"path": str(bad)})
    with pytest.raises(Exception, match="expected 8 table rows"):
        render_frame(project, 0)


def test_a_lut_domain_needs_three_numbers(tmp_path):
    short = tmp_path / "short.cube"
    short.write_text("LUT_1D_SIZE 2\nDOMAIN_MIN 0 0\n0 0 0\n1 1 1\n")  # was taken as a 2-channel domain
    project = _with_effect(tmp_path, "lut", {"path": str(short)})
    with pytest.raises(KijkoCutError, match="line 2: DOMAIN_MIN needs three numbers"):
        render_frame(project, 0)


def test_crop_and_flip(tmp_path):
    pixels = np.zeros((64, 64, 3), np.uint8)
    pixels[:, :32] = (255, 0, 0)
    pixels[:, 32:] = (0, 0, 255)
    project, editor = _still_project(_png(tmp_path / "rb.png", pixels))
    editor.apply(AddEffect(element_id="c", kind="flip", params={"horizontal": True}, effect_id="f"))
    frame = render_frame(project, 0)
    assert frame[32, 5, 2] > 200 and frame[32, 60, 0] > 200  # blue now left, red right
    editor.apply(RemoveEffect(element_id="c", effect_id="f"))
    editor.apply(AddEffect(element_id="c", kind="crop", params={"left": 0.5}))
    frame = render_frame(project, 0)
    assert frame[32, 5].max() < 10 and frame[32, 60, 2] > 200


@pytest.mark.parametrize(
    "mode, formula",
    [
        ("multiply", lambda b, t: b * t / 255),
        ("screen", lambda b, t: 255 - (255 - b) * (255 - t) / 255),
        ("add", lambda b, t: np.minimum(b + t, 255)),
        ("difference", lambda b, t: np.abs(b - t)),
        ("darken", np.minimum),
        ("lighten", np.maximum),
        ("overlay", lambda b, t: np.where(b < 128, 2 * b * t / 255, 255 - 2 * (255 - b) * (255 - t) / 255)),
    ],
)
def test_blend_modes(tmp_path, mode, formula):
    base, top = np.array([60.0, 140.0, 220.0]), np.array([200.0, 100.0, 50.0])
    project, editor = _still_project(_solid(tmp_path / "base.png", base.astype(int)))
    editor.apply(AddMedia(media=import_media(_solid(tmp_path / "top.png", top.astype(int)), media_id="top")))
    editor.apply(AddTrack(kind="overlay", track_id="o"))
    editor.apply(
        AddElement(
            track_id="o", element=ClipElement(id="t", media_id="top", start=0, duration=1, blend_mode=mode)
        )
    )
    assert np.allclose(_centre(project), formula(base, top), atol=6)


def test_adjustment_layer_affects_everything_beneath(tmp_path):
    project, editor = _still_project(_solid(tmp_path / "s.png"))
    editor.apply(AddTrack(kind="adjustment", track_id="adj"))
    editor.apply(AddElement(track_id="adj", element=AdjustmentElement(id="a", start=0, duration=1)))
    editor.apply(AddEffect(element_id="a", kind="invert"))
    assert np.allclose(_centre(project, 0), 255 - np.array(BASE), atol=4)
    assert np.allclose(_centre(project, Fraction(3, 2)), BASE, atol=4)  # after the adjustment ends


def test_effect_commands_validate_and_undo(tmp_path):
    project, editor = _still_project(_solid(tmp_path / "s.png"))
    with pytest.raises(EditError, match="unknown effect 'glow'"):
        editor.apply(AddEffect(element_id="c", kind="glow"))
    with pytest.raises(EditError, match="amount must be between -1 and 1"):
        editor.apply(AddEffect(element_id="c", kind="brightness", params={"amount": 3}))
    with pytest.raises(EditError, match="has no parameter strength"):
        editor.apply(AddEffect(element_id="c", kind="brightness", params={"strength": 1}))
    editor.apply(AddEffect(element_id="c", kind="brightness", params={"amount": 0.2}, effect_id="b"))
    editor.apply(AddEffect(element_id="c", kind="invert", effect_id="i", index=0))
    assert [e.id for e in project.element("c").effects] == ["i", "b"]  # order matters: invert, then brighten
    assert np.allclose(_centre(project), np.minimum(255 - np.array(BASE) + 51, 255), atol=4)
    editor.apply(UpdateEffect(element_id="c", effect_id="i", enabled=False))
    assert np.allclose(_centre(project), np.array(BASE) + 51, atol=4)
    editor.undo()
    editor.undo()
    editor.undo()
    assert project.element("c").effects == []


POINT_STACKS = [
    [("brightness", {"amount": 0.2})],
    [("contrast", {"amount": 0.6}), ("gamma", {"value": 1.8})],
    [("exposure", {"stops": 1.5}), ("contrast", {"amount": -0.4}), ("brightness", {"amount": -0.1})],
    [
        ("temperature", {"temperature": 0.7, "tint": -0.3}),
        ("invert", {"amount": 0.5}),
        ("opacity", {"amount": 0.6}),
    ],
]


@pytest.mark.parametrize("stack", POINT_STACKS, ids=lambda s: "+".join(k for k, _ in s))
def test_colour_stacks_on_8_bit_pixels_match_the_float_path(stack):
    """A stack of per-channel colour effects runs on 8-bit pixels as one table lookup; it must give exactly
    what the float path gives, including values pushed out of range mid-stack and clipped only at the end."""
    from kijkocut.effects.filters import apply_effects, to_float, to_uint8
    from kijkocut.model import Effect

    effects = [Effect(kind=kind, params=params) for kind, params in stack]
    rgba = np.random.default_rng(7).integers(0, 256, (37, 53, 4), dtype=np.uint8)
    via_table = apply_effects(rgba.copy(), effects)
    via_float = to_uint8(apply_effects(to_float(rgba), effects))
    assert via_table.dtype == np.uint8 and via_table.flags.writeable
    assert np.array_equal(via_table, via_float)
    assert not np.array_equal(via_table, rgba)


def test_colour_stack_followed_by_a_spatial_effect_stays_on_the_float_path():
    from kijkocut.effects.filters import apply_effects, to_float
    from kijkocut.model import Effect

    rgba = np.full((8, 8, 4), 250, np.uint8)
    effects = [
        Effect(kind="brightness", params={"amount": 0.5}),
        Effect(kind="vignette", params={"amount": 0}),
    ]
    out = apply_effects(rgba, effects)  # brightness overshoots 1.0; nothing clips before the end
    assert out.dtype == np.float32 and np.allclose(out, np.clip(to_float(rgba) + [0.5, 0.5, 0.5, 0], 0, 1))
