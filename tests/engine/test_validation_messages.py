"""Refused values read in the user's terms: the field as the input names it, what it must be, no pydantic
vocabulary, and no quoted strings (they may come from a file that is not ours)."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kijkocut.validation_messages import MAX_REPORTED_ERRORS, describe_validation_error, field_name

PYDANTIC_WORDS = ("Field required", "Input should", "validation error", "function-after", "type=", "[type")


class Style(BaseModel):
    model_config = ConfigDict(extra="forbid")
    font_size: int = Field(48, ge=4, le=512)
    align: Literal["left", "center", "right"] = "center"


class Request(BaseModel):
    text: str = Field(min_length=1)
    start: float | str
    opacity: float = Field(1.0, ge=0, le=1)
    style: Style = Style()
    keyframes: list[float] = []

    @field_validator("keyframes")
    @classmethod
    def _sorted(cls, value: list[float]) -> list[float]:
        if value != sorted(value):
            raise ValueError("keyframes must be in time order")
        return value


def _message(**fields) -> str:
    with pytest.raises(ValidationError) as caught:
        Request.model_validate(fields)
    text = describe_validation_error(caught.value)
    assert not any(word in text for word in PYDANTIC_WORDS), text
    assert "\n" not in text
    return text


def test_missing_fields_are_named():
    assert _message() == "text: missing (required); start: missing (required)"


def test_bounds_and_numbers_say_what_the_value_must_be():
    assert _message(text="a", start=0, opacity=3) == "opacity: must be at most 1, got 3"
    assert _message(text="a", start=0, opacity="opaque") == "opacity: must be a number"
    assert _message(text="", start=0) == "text: must not be empty"


def test_nested_fields_choices_and_unknown_fields():
    text = _message(text="a", start=0, style={"font_size": 2, "align": "middle", "size": 9})
    assert text == (
        "style.font_size: must be at least 4, got 2; style.align: must be one of left, center, right; "
        "style.size: not a known field"
    )


def test_a_union_is_reported_once_under_its_own_name():
    # 'start' is float | str: pydantic reports each member ('start.float', 'start.str')
    assert _message(text="a", start=[1]) == "start: must be a number"


def test_our_own_validators_keep_their_words_and_list_items_their_index():
    assert _message(text="a", start=0, keyframes=[2, 1]) == "keyframes: keyframes must be in time order"
    assert _message(text="a", start=0, keyframes=[1, "x"]) == "keyframes[1]: must be a number"
    assert field_name(("clips", 3, "function-after[check()]", "start")) == "clips[3].start"


def test_strings_are_never_quoted_back():
    secret = "sk-live-0123456789"
    assert secret not in _message(text="a", start=0, opacity=secret)
    assert secret not in _message(text="a", start=0, style={"align": secret})


def test_a_flood_of_errors_is_cut_short():
    class Many(BaseModel):
        values: list[int]

    with pytest.raises(ValidationError) as caught:
        Many.model_validate({"values": ["x"] * 50})
    text = describe_validation_error(caught.value)
    assert text.count("must be a whole number") == MAX_REPORTED_ERRORS
    assert text.endswith(f"and {50 - MAX_REPORTED_ERRORS} more")
