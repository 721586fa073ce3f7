"""Map a JSON path to the columns of its key or value inside one line of JSON text.

Only lines with findings are scanned, so clean lines stay on the fast path. The scan skips
every subtree off the path and never recurses, so it is linear in the line's length even for
very deep nesting.
"""

from __future__ import annotations

import json
import re

from tunelint.diagnostics import JsonPath

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.S)
_SCALAR = re.compile(r"[^,\]}\s]+")


def _skip_space(text: str, i: int) -> int:
    return _WHITESPACE.match(text, i).end()  # type: ignore[union-attr]


def _value_end(text: str, i: int) -> int:
    """Offset just past the JSON value that starts at ``i``."""
    first = text[i]
    if first == '"':
        match = _STRING.match(text, i)
        return match.end() if match else len(text)
    if first in "{[":
        depth = 0
        for match in _STRING_OR_BRACKET.finditer(text, i):
            token = match.group()
            if token[0] in "{[":
                depth += 1
            elif token[0] in "}]":
                depth -= 1
                if depth == 0:
                    return match.end()
        return len(text)
    match = _SCALAR.match(text, i)
    return match.end() if match else i + 1


def _member(text: str, i: int, name: str) -> tuple[int, int, int] | None:
    """In the object at ``i``: (key start, key end, value start) of the last member ``name``."""
    found = None
    i = _skip_space(text, i + 1)
    while i < len(text) and text[i] != "}":
        key = _STRING.match(text, i)
        if key is None:
            return found
        i = _skip_space(text, key.end())
        if i >= len(text) or text[i] != ":":
            return found
        value_start = _skip_space(text, i + 1)
        if value_start >= len(text):
            return found
        try:
            matches = json.loads(key.group()) == name
        except ValueError:
            matches = False
        if matches:  # json.loads keeps the last of duplicate keys: so do we
            found = (key.start(), key.end(), value_start)
        i = _skip_space(text, _value_end(text, value_start))
        if i < len(text) and text[i] == ",":
            i = _skip_space(text, i + 1)
    return found


def _item(text: str, i: int, index: int) -> int | None:
    """In the array at ``i``: the start of item ``index``."""
    i = _skip_space(text, i + 1)
    for _ in range(index):
        if i >= len(text) or text[i] == "]":
            return None
        i = _skip_space(text, _value_end(text, i))
        if i < len(text) and text[i] == ",":
            i = _skip_space(text, i + 1)
    if i >= len(text) or text[i] == "]":
        return None
    return i


def locate(text: str, path: JsonPath, on_key: bool = False) -> tuple[int, int] | None:
    """1-based (column, end column, inclusive) of the value at ``path``, or of its key.

    Returns None when the path is not found in the text (the caller falls back to column 1).
    """
    i = _skip_space(text, 0)
    for depth, part in enumerate(path):
        if i >= len(text):
            return None
        if isinstance(part, str):
            if text[i] != "{":
                return None
            member = _member(text, i, part)
            if member is None:
                return None
            key_start, key_end, i = member
            if on_key and depth == len(path) - 1:
                return key_start + 1, key_end
        else:
            if text[i] != "[":
                return None
            item = _item(text, i, part)
            if item is None:
                return None
            i = item
    if i >= len(text):
        return None
    return i + 1, _value_end(text, i)
