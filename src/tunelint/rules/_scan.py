"""What the content-scanning rules share: every string of an example, searched by a scanner,
each match a finding at its characters inside the string, its value never in the message."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from tunelint.diagnostics import Problem
from tunelint.hygiene.matches import Match
from tunelint.hygiene.text import joined_strings, strings

MAX_FINDINGS_PER_EXAMPLE = 50
"""Enough to show a line is full of them; bounds the output for a hostile line."""


def scan_strings(
    example: Any,
    might_contain: Callable[[str], bool],
    find: Callable[[str], Iterator[Match]],
    advice: str,
) -> Iterator[Problem]:
    """A problem at each match of ``find`` in any string of ``example``, redacted, with
    ``advice`` after it; at most ``MAX_FINDINGS_PER_EXAMPLE``. Examples whose strings,
    joined, fail ``might_contain`` (a cheap superset of ``find``) are not searched further."""
    if not might_contain(joined_strings(example)):
        return
    reported = 0
    for path, text in strings(example):
        for match in find(text):
            yield Problem(path, f"{match.redacted()} {advice}", span=(match.start, match.length))
            reported += 1
            if reported == MAX_FINDINGS_PER_EXAMPLE:
                return
