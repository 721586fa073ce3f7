"""What the content-scanning rules share: every string of an example, searched by a scanner,
each match a finding at its characters inside the string, its value never in the message."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from tunelint.diagnostics import PathPart, Problem
from tunelint.hygiene.matches import MAX_MATCHES, Match
from tunelint.hygiene.text import strings
from tunelint.walk import Contents, contents


def scan_strings(
    example: Any,
    might_contain: Callable[[Contents], bool],
    find: Callable[[str, PathPart | None], Iterator[Match]],
    advice: str,
) -> Iterator[Problem]:
    """A problem at each match of ``find`` (given each string and the key it is the value
    of) in any string of ``example``, redacted, with ``advice`` after it; at most
    ``MAX_MATCHES``. An example whose ``Contents`` fail ``might_contain`` (a
    cheap superset of ``find``) is not searched further."""
    if not might_contain(contents(example)):
        return
    reported = 0
    for path, text in strings(example):
        for match in find(text, path[-1] if path else None):
            yield Problem(path, f"{match.redacted()} {advice}", span=(match.start, match.length))
            reported += 1
            if reported == MAX_MATCHES:
                return
