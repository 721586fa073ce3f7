"""What the content-scanning rules share: every string of an example, searched by a scanner,
each match a finding at its characters inside the string, its value never in the message."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from typing import Any

from tunelint.diagnostics import PathPart, Problem
from tunelint.hygiene.matches import MAX_MATCHES, Match
from tunelint.walk import contents, located_strings


def scan_strings(
    example: Any,
    might_contain: Callable[[str, Collection[str]], bool],
    find: Callable[[str, PathPart | None], Iterator[Match]],
    advice: str,
) -> Iterator[Problem]:
    """A problem at each match of ``find`` (given each string and the key it is the value
    of) in any string of ``example``, redacted, with ``advice`` after it; at most
    ``MAX_MATCHES``. ``might_contain`` (a cheap superset of ``find``, given a text and the
    keys it is the value of) is asked first of all the example's strings joined, with all
    its keys, then of each string with its key: ``find`` reads only the strings it passes."""
    joined = contents(example)
    if not might_contain(joined.text, joined.keys):
        return
    reported = 0
    for path, text in located_strings(example):
        key = path[-1] if path else None
        if not might_contain(text, (key,) if isinstance(key, str) else ()):
            continue
        for match in find(text, key):
            yield Problem(path, f"{match.redacted()} {advice}", span=(match.start, match.length))
            reported += 1
            if reported == MAX_MATCHES:
                return
