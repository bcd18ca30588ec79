import pytest

from workflows_library.errors import InputError
from workflows_library.inputs import bind_inputs, parse_assignments


def test_bind_coerces_cli_strings_and_writes_every_target(library):
    card = library.card("solid_color_plate")
    bound = bind_inputs(card, library.workflow(card.id), {"width": "64", "color": "255"})
    assert bound["1"]["inputs"]["width"] == 64
    assert bound["1"]["inputs"]["color"] == 255
    assert library.workflow(card.id)["1"]["inputs"]["width"] == 1920  # the library copy is untouched


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"widht": "5"}, "has no input\\(s\\) widht"),
        ({"width": "abc"}, "expects int"),
        ({"width": "0"}, "below the minimum"),
        ({"color": str(0x1000000)}, "above the maximum"),
        ({"width": "1.5"}, "expects int"),
    ],
)
def test_bad_inputs_get_specific_errors(library, values, message):
    card = library.card("solid_color_plate")
    with pytest.raises(InputError, match=message):
        bind_inputs(card, library.workflow(card.id), values)


def test_required_and_media_inputs_must_be_given(library):
    card = library.card("wan22_5b_image_to_video")
    with pytest.raises(InputError, match="needs input\\(s\\): image, prompt"):
        bind_inputs(card, library.workflow(card.id), {})


def test_enum_and_bool_inputs(library):
    card = library.card("video_resize_lanczos")
    with pytest.raises(InputError, match="not one of"):
        bind_inputs(card, library.workflow(card.id), {"video": "a.mp4", "method": "cubic"})
    bound = bind_inputs(card, library.workflow(card.id), {"video": "a.mp4", "method": "bicubic"})
    assert bound["3"]["inputs"]["upscale_method"] == "bicubic"


def test_parse_assignments_keeps_equals_in_values():
    assert parse_assignments(["prompt=a=b", "w=3"]) == {"prompt": "a=b", "w": "3"}
    with pytest.raises(InputError, match="NAME=VALUE"):
        parse_assignments(["oops"])
