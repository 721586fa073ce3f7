"""Config globs (``ignore``, ``overrides``, ``per-file-ignores``), compiled once.

A pattern matches a path relative to the config's directory when it matches the whole path
(``*`` crossing ``/``, as ``fnmatch`` does), or its last components one by one (as
``PurePosixPath.match`` does: ``legacy/*.jsonl`` matches ``data/legacy/a.jsonl``, ``*.jsonl``
any file name). Matching is case-sensitive on every system.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Glob:
    pattern: str
    whole: re.Pattern[str]
    parts: tuple[re.Pattern[str], ...]
    anchored: bool

    @classmethod
    def compile(cls, pattern: str) -> Glob:
        pieces = [piece for piece in pattern.split("/") if piece]
        return cls(
            pattern,
            re.compile(fnmatch.translate(pattern)),
            tuple(re.compile(fnmatch.translate(piece)) for piece in pieces),
            pattern.startswith("/"),
        )

    def matches(self, relative: str, parts: tuple[str, ...]) -> bool:
        """``relative`` is the path, ``parts`` its components (split once by the caller)."""
        if self.whole.match(relative):
            return True
        if not self.parts or len(self.parts) > len(parts):
            return False
        if self.anchored and len(self.parts) != len(parts):
            return False
        tail = parts[len(parts) - len(self.parts) :]
        return all(piece.match(name) for piece, name in zip(self.parts, tail, strict=True))


class GlobSet:
    """Patterns compiled once; which of them a path matches."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.globs = tuple(Glob.compile(pattern) for pattern in dict.fromkeys(patterns))

    def __bool__(self) -> bool:
        return bool(self.globs)

    def matching(self, relative: str) -> set[str]:
        """The patterns ``relative`` matches."""
        parts = tuple(part for part in relative.split("/") if part)
        return {glob.pattern for glob in self.globs if glob.matches(relative, parts)}

    def matches(self, relative: str) -> bool:
        parts = tuple(part for part in relative.split("/") if part)
        return any(glob.matches(relative, parts) for glob in self.globs)
