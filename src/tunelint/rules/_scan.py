"""What the content-scanning rules share: every string of an example, searched by a scanner,
each match a finding at its characters inside the string, its value never in the message."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from tunelint.diagnostics import PathPart, Problem
from tunelint.hygiene.matches import MAX_MATCHES, Match
from tunelint.walk import contents, located_strings


class ClearedStrings:
    """Strings a scanner's prefilter already cleared: a string repeated in every line (a
    system prompt, a tool definition) is tested once. Bounded: emptied when it would hold
    more than ``budget`` characters."""

    def __init__(self, budget: int = 4_000_000) -> None:
        self.budget = budget
        self.strings: set[str] = set()
        self.size = 0

    def __contains__(self, text: str) -> bool:
        return text in self.strings

    def add(self, text: str) -> None:
        if self.size + len(text) > self.budget:
            self.strings.clear()
            self.size = 0
        self.strings.add(text)
        self.size += len(text)


def scan_strings(
    example: Any,
    might_contain: Callable[[str], bool],
    find: Callable[[str, PathPart | None], Iterator[Match]],
    advice: str,
    cleared: ClearedStrings,
    searched_keys: frozenset[str] = frozenset(),
) -> Iterator[Problem]:
    """A problem at each match of ``find`` (given each string and the key it is the value
    of) in any string of ``example``, redacted, with ``advice`` after it; at most
    ``MAX_MATCHES``. ``find`` reads only the strings ``might_contain`` (a cheap superset of
    it) passes, and the values of ``searched_keys`` whatever their text: first for all the
    example's strings joined (and all its keys), then string by string. A string of at least
    16 characters ``might_contain`` refused is kept in ``cleared``, and not asked again."""
    joined = contents(example)
    if not might_contain(joined.text) and searched_keys.isdisjoint(joined.keys):
        return
    reported = 0
    for path, text in located_strings(example):
        key = path[-1] if path else None
        if key not in searched_keys:
            if text in cleared:
                continue
            if not might_contain(text):
                if len(text) >= 16:
                    cleared.add(text)
                continue
        for match in find(text, key):
            yield Problem(path, f"{match.redacted()} {advice}", span=(match.start, match.length))
            reported += 1
            if reported == MAX_MATCHES:
                return
