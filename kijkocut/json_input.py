"""JSON from outside (project files, timeline files, tool arguments): decoded as UTF-8 with the offset of a bad
byte, and its nesting depth checked before anything recursive meets it. Python's JSON parser raises
RecursionError a thousand levels down and pydantic's serializer gives up at its own depth, neither saying
where; a cheap scan of the brackets finds the depth first."""

from __future__ import annotations

import json
from itertools import accumulate, repeat
from operator import sub
from typing import Any

from kijkocut import limits

_BOM = b"\xef\xbb\xbf"
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')
_STEP = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")  # opening +1, closing -1 (after subtracting 1)


class JsonInputError(ValueError):
    """JSON that is not UTF-8, does not parse, or nests too deeply; the message says which and where."""


def text_depth(data: bytes | str) -> int:
    """How deeply arrays and objects nest in JSON text (0 for a bare value). Works on text that does not
    parse too: the parser then names the problem."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    # Brackets inside strings nest nothing. Backslashes occur only in strings: dropping escaped backslashes
    # first leaves every remaining backslash-quote an escaped quote, so the quotes left delimit the strings.
    # All of it runs at C speed (a regex over the strings took as long as parsing the JSON).
    unescaped = raw.replace(b"\\\\", b"").replace(b'\\"', b"") if b"\\" in raw else raw
    outside_strings = b"".join(unescaped.translate(None, _NOT_STRUCTURE).split(b'"')[::2])
    steps = outside_strings.translate(_STEP)
    return max(accumulate(map(sub, steps, repeat(1))), default=0)


def nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether a parsed value (dicts, lists, tuples) nests more than `limit` levels; stops at the first
    container past the limit, so a cyclic structure counts as too deep instead of looping."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, (list, tuple)) else None
        )
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list, tuple)))
    return False


def too_deep_message(what: str, limit: int = limits.MAX_JSON_DEPTH) -> str:
    return f"{what} is nested too deeply (limit {limit} levels)"


def decode_utf8(data: bytes) -> str:
    """Bytes as UTF-8 text (a leading byte-order mark is allowed)."""
    body = data[len(_BOM) :] if data.startswith(_BOM) else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + len(data) - len(body)
        raise JsonInputError(f"not UTF-8 text: the byte at offset {offset} is not valid UTF-8") from None


def loads(data: bytes | str, *, what: str = "the JSON", limit: int = limits.MAX_JSON_DEPTH) -> Any:
    """Parse untrusted JSON: UTF-8 only, at most `limit` levels deep. Raises JsonInputError."""
    if text_depth(data) > limit:
        raise JsonInputError(too_deep_message(what, limit))
    text = decode_utf8(data) if isinstance(data, bytes) else data
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:  # its message gives line and column, never the text
        raise JsonInputError(f"not valid JSON: {exc}") from None
