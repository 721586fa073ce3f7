"""One walk over a line's parsed value, shared by the rules that read all of it.

The content scanners (secrets, personal data) read every string and key, and the
duplicate-key check how many members its objects have; ``contents`` walks the value once for
all of them, and ``located_strings`` once for the scanners that must point at a string. Each
keeps its result for the last value walked (and the value with it, so its identity stays
unique).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tunelint.diagnostics import JsonPath
from tunelint.hygiene.text import strings


@dataclass(frozen=True)
class Contents:
    """Every string value of a line's value joined by NUL characters, every object key in it
    (what prefilters read to decide, in one C-speed pass, whether a closer look is needed),
    and how many members its objects have, all levels."""

    text: str
    keys: frozenset[str]
    members: int


_last: list[Any] = [None, Contents("", frozenset(), 0)]  # [value, its Contents]


def contents(value: Any) -> Contents:
    """The ``Contents`` of ``value``, walked once for the rules that read the same line.

    Iterative, so nesting depth costs no stack.
    """
    if _last[0] is not value:
        collected: list[str] = []
        keys: set[str] = set()
        members = 0
        stack = [value]
        while stack:
            node = stack.pop()
            if isinstance(node, str):
                collected.append(node)
            elif isinstance(node, dict):
                keys.update(node)
                members += len(node)
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
        _last[:] = [value, Contents("\x00".join(collected), frozenset(keys), members)]
    return _last[1]


_last_located: list[Any] = [None, ()]  # [value, its strings with their paths]


def located_strings(value: Any) -> tuple[tuple[JsonPath, str], ...]:
    """(path, string) of every string value inside ``value``, in document order."""
    if _last_located[0] is not value:
        _last_located[:] = [value, tuple(strings(value))]
    return _last_located[1]
