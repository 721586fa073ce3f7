"""What checking gives: the findings and counts of one file, mergeable in file order.

Formatters, baselines, suppressions and the diff filter read these; none of them needs the
engine that produced them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tunelint.diagnostics import Diagnostic, Level

ExampleObserver = Callable[[int, Any, bool], None]
"""Called with (line, parsed example, whether it had an error) for every parsed line."""


@dataclass
class FileResult:
    """What checking one file (or one part of it) gave: its findings and what was read."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    lines: int = 0
    examples: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    """Lines not checked as examples, by the rule that says why."""
    internal_errors: list[str] = field(default_factory=list)
    example_hashes: dict[int, str] = field(default_factory=dict)
    """Line -> hash of its example (``tunelint.fingerprint``), only for lines with findings."""
    line_format: str | None = None
    """The line format the file was checked as (detected or forced), once it is checked."""

    def count(self, level: Level) -> int:
        return sum(1 for d in self.diagnostics if d.level is level)

    def merge(self, later: FileResult) -> FileResult:
        """This part followed by ``later``, the next part of the same file."""
        return FileResult(
            self.path,
            self.diagnostics + later.diagnostics,
            self.lines + later.lines,
            self.examples + later.examples,
            self.skipped + later.skipped,
            self.internal_errors + later.internal_errors,
            self.example_hashes | later.example_hashes,
            self.line_format or later.line_format,
        )
