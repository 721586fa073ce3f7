"""``file:line:col: level rule message [path]`` lines, then a one-line summary.

File names, messages and JSON paths are shown through ``tunelint.escape.terminal``: control
and invisible characters visibly escaped, and no line that a CI runner reads as a command.
"""

from __future__ import annotations

from collections import Counter

from tunelint import report
from tunelint.diagnostics import Diagnostic, Level
from tunelint.escape import terminal
from tunelint.results import FileResult

_COLORS = {Level.ERROR: "\033[31m", Level.WARNING: "\033[33m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def summary_line(results: list[FileResult], unused: FileResult | None = None) -> str:
    """``Checked 2 files, 120 lines: 3 errors, 1 warning (2 lines not checked ...)``: the
    files and lines of ``results``; the findings of those and of ``unused`` (the unused
    suppressions, in the config file, which is not counted as a checked file)."""
    findings = report.every_result(results, unused)
    errors = sum(r.count(Level.ERROR) for r in findings)
    warnings = sum(r.count(Level.WARNING) for r in findings)
    lines = sum(r.lines for r in results)
    skipped: Counter[str] = Counter()
    for result in results:
        skipped.update(result.skipped)
    text = (
        f"Checked {_plural(len(results), 'file')}, {_plural(lines, 'line')}: "
        f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    )
    if skipped:
        reasons = ", ".join(f"{count:,} {reason}" for reason, count in sorted(skipped.items()))
        text += f" ({_plural(sum(skipped.values()), 'line')} not checked as examples: {reasons})"
    return text


def plain_line(diagnostic: Diagnostic) -> str:
    """``file:line:col: level rule message [path]``, every part from data escaped."""
    d = diagnostic
    message = terminal(report.message_with_path(d))
    return f"{terminal(d.file)}:{d.line}:{d.column}: {d.level} {d.rule} {message}"


def _colored_line(diagnostic: Diagnostic) -> str:
    """``plain_line`` with a bold location, the level in its color and a dim JSON path."""
    d = diagnostic
    location = f"{_BOLD}{terminal(d.file)}:{d.line}:{d.column}:{_RESET}"
    level = f"{_COLORS.get(d.level, '')}{d.level}{_RESET}"
    path = f" {_DIM}[{terminal(d.path)}]{_RESET}" if d.path and d.path not in d.message else ""
    return f"{location} {level} {d.rule} {terminal(d.message)}{path}"


class Formatter(report.Formatter):
    def add(self, result: FileResult) -> None:
        line = _colored_line if self.color else plain_line
        for d in result.diagnostics:
            self.out.write(line(d) + "\n")

    def end(self, results: list[FileResult], unused: FileResult | None = None) -> None:
        if not self.quiet:
            self.out.write(summary_line(results, unused) + "\n")
