"""Map a JSON path to the columns of its key or value inside one line of JSON text.

Only lines with findings are scanned, so clean lines stay on the fast path. The scan skips
every subtree off the path and never recurses, so it is linear in the line's length even for
very deep nesting.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from functools import lru_cache

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


def _members(text: str, i: int) -> dict[str, tuple[int, int, int]]:
    """In the object at ``i``: name -> (key start, key end, value start) of every member."""
    found: dict[str, tuple[int, int, int]] = {}
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
            name = json.loads(key.group())
        except ValueError:
            name = None
        if isinstance(name, str):  # json.loads keeps the last of duplicate keys: so do we
            found[name] = (key.start(), key.end(), value_start)
        i = _skip_space(text, _value_end(text, value_start))
        if i < len(text) and text[i] == ",":
            i = _skip_space(text, i + 1)
    return found


class Locator:
    """``locate`` for many paths in one line of JSON text.

    It remembers the members of every object and the item starts of every array it has
    walked, so each part of the line is scanned at most once however many findings the line
    has: a line with a million bad items costs O(length), not O(length x findings).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._objects: dict[int, dict[str, tuple[int, int, int]]] = {}
        self._arrays: dict[int, list[int]] = {}
        self._array_ends: set[int] = set()

    def _member(self, i: int, name: str) -> tuple[int, int, int] | None:
        members = self._objects.get(i)
        if members is None:
            members = self._objects[i] = _members(self.text, i)
        return members.get(name)

    def _item(self, i: int, index: int) -> int | None:
        """In the array at ``i``: the start of item ``index``."""
        text = self.text
        starts = self._arrays.get(i)
        if starts is None:
            starts = self._arrays[i] = []
            j = _skip_space(text, i + 1)
            if j >= len(text) or text[j] == "]":
                self._array_ends.add(i)
            else:
                starts.append(j)
        while len(starts) <= index and i not in self._array_ends:
            j = _skip_space(text, _value_end(text, starts[-1]))
            if j < len(text) and text[j] == ",":
                j = _skip_space(text, j + 1)
            if j >= len(text) or text[j] == "]":
                self._array_ends.add(i)
            else:
                starts.append(j)
        return starts[index] if index < len(starts) else None

    def locate(self, path: JsonPath, on_key: bool = False) -> tuple[int, int] | None:
        """1-based (column, end column, inclusive) of the value at ``path``, or of its key.

        Returns None when the path is not found in the text (the caller falls back to
        column 1).
        """
        text = self.text
        i = _skip_space(text, 0)
        for depth, part in enumerate(path):
            if i >= len(text):
                return None
            if isinstance(part, str):
                if text[i] != "{":
                    return None
                member = self._member(i, part)
                if member is None:
                    return None
                key_start, key_end, i = member
                if on_key and depth == len(path) - 1:
                    return key_start + 1, key_end
            else:
                if text[i] != "[" or part < 0:
                    return None
                item = self._item(i, part)
                if item is None:
                    return None
                i = item
        if i >= len(text):
            return None
        return i + 1, _value_end(text, i)


def locate(text: str, path: JsonPath, on_key: bool = False) -> tuple[int, int] | None:
    """1-based (column, end column, inclusive) of the value at ``path`` in ``text``, or None."""
    return Locator(text).locate(path, on_key)


_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})(?:\\u([dD][c-fC-F][0-9a-fA-F]{2}))?|.)", re.S)


def _code_points(escape: re.Match[str]) -> int:
    """How many code points one escape decodes to: two when a ``\\u`` escape is followed by
    a low surrogate it does not pair with."""
    high, low = escape.group(1), escape.group(2)
    return 2 if low and not 0xD800 <= int(high, 16) <= 0xDBFF else 1


@lru_cache(maxsize=4)
def _escapes(text: str, quote: int) -> tuple[list[int], list[tuple[int, int, int]]]:
    """The escapes of the JSON string at ``quote``: their decoded offsets (sorted, for
    bisection) and (raw index, code points, raw length) of each. Cached, so the findings of
    one line cost one scan of its string however many there are."""
    string = _STRING.match(text, quote)
    end = string.end() - 1 if string else len(text)
    offsets: list[int] = []
    escapes: list[tuple[int, int, int]] = []
    raw, decoded = quote + 1, 0
    for escape in _ESCAPE.finditer(text, raw, end):
        start, stop = escape.span()
        decoded += start - raw
        offsets.append(decoded)
        points = _code_points(escape) if stop - start == 12 else 1  # 12: \\uXXXX\\uDCXX
        escapes.append((start, points, stop - start))
        decoded += points
        raw = stop
    return offsets, escapes


def string_offset_column(text: str, quote: int, offset: int) -> int:
    """0-based index in ``text`` of character ``offset`` of the decoded JSON string whose
    opening quote is at ``quote``; ``offset`` equal to the decoded length gives the closing
    quote.

    Escapes count as what they decode to: ``\\n`` is two raw characters for one, ``\\u00e9``
    six, a surrogate pair ``\\ud83d\\ude00`` twelve for one code point (as ``json.loads``
    decodes it); plain runs between them map one to one.
    """
    offsets, escapes = _escapes(text, quote)
    index = bisect_right(offsets, offset) - 1
    if index < 0:
        return quote + 1 + offset
    decoded = offsets[index]
    raw, points, length = escapes[index]
    if offset < decoded + points:  # inside the escape: its first or (unpaired) second unit
        return raw + 6 * (offset - decoded)
    return raw + length + offset - decoded - points


def string_span_columns(text: str, quote: int, span: tuple[int, int]) -> tuple[int, int] | None:
    """1-based (column, end column, inclusive) in ``text`` of the decoded characters
    ``span = (offset, length)`` of the JSON string whose opening quote is at ``quote``;
    None when no string starts there."""
    if not 0 <= quote < len(text) or text[quote] != '"':
        return None
    offset, length = span
    start = string_offset_column(text, quote, offset)
    last = string_offset_column(text, quote, offset + max(length, 1) - 1)
    escape = _ESCAPE.match(text, last)
    if escape is None:
        return start + 1, last + 1
    return start + 1, last + (6 if _code_points(escape) == 2 else escape.end() - last)
