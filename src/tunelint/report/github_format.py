"""GitHub Actions workflow commands: ``::error file=...,line=...::message``, one per finding.

GitHub shows only about 10 error and 10 warning annotations per step, so findings on lines the
pull request changed go first, the rest are printed as plain log lines, and a last line says
how many were not annotated. No line of data starts a workflow command: messages and plain
lines go through ``tunelint.escape`` (``workflow_data``, ``terminal``).
"""

from __future__ import annotations

from typing import TextIO

from tunelint import report
from tunelint.diagnostics import Diagnostic, Level
from tunelint.escape import workflow_data, workflow_property
from tunelint.gitdiff import ChangedLines
from tunelint.report.text_format import plain_line, summary_line
from tunelint.results import FileResult

ANNOTATIONS_PER_LEVEL = 10
"""GitHub's per-step cap on annotations of each level (errors, warnings)."""


"""The name github_action.py imports (its own ``::error`` lines)."""


def workflow_command(diagnostic: Diagnostic) -> str:
    """``::error file=F,line=L,endLine=L,col=C,endColumn=E,title=RULE::MESSAGE``."""
    d = diagnostic
    properties = [("file", d.file), ("line", d.line), ("endLine", d.line), ("col", d.column)]
    if d.end_column is not None:
        properties.append(("endColumn", d.end_column))
    properties.append(("title", d.rule))
    rendered = ",".join(f"{name}={workflow_property(str(value))}" for name, value in properties)
    return f"::{d.level} {rendered}::{workflow_data(report.message_with_path(d))}"


class Formatter(report.Formatter):
    """Annotations in ``end``: changed lines first, at most 10 per level, then the rest as text."""

    def __init__(
        self,
        out: TextIO,
        color: bool = False,
        quiet: bool = False,
        changed: ChangedLines | None = None,
    ) -> None:
        super().__init__(out, color=False, quiet=quiet)
        self.changed = changed
        self.diagnostics: list[Diagnostic] = []

    def add(self, result: FileResult) -> None:
        self.diagnostics.extend(result.diagnostics)

    def _priority(self, diagnostic: Diagnostic) -> bool:
        """False (sorts first) for a finding on a changed line."""
        return self.changed is not None and not self.changed.contains(
            diagnostic.file, diagnostic.line
        )

    def end(self, results: list[FileResult], unused: FileResult | None = None) -> None:
        ordered = sorted(self.diagnostics, key=lambda d: (self._priority(d), d))
        shown = {Level.ERROR: 0, Level.WARNING: 0}
        unannotated: list[Diagnostic] = []
        for diagnostic in ordered:
            if shown.get(diagnostic.level, ANNOTATIONS_PER_LEVEL) < ANNOTATIONS_PER_LEVEL:
                shown[diagnostic.level] += 1
                self.out.write(workflow_command(diagnostic) + "\n")
            else:
                unannotated.append(diagnostic)
        for d in unannotated:
            self.out.write(plain_line(d) + "\n")
        self.out.write(summary_line(results, unused) + "\n")
        if unannotated:
            errors = sum(1 for d in unannotated if d.level is Level.ERROR)
            note = (
                f"{len(unannotated):,} findings not annotated ({errors:,} errors, "
                f"{len(unannotated) - errors:,} warnings): GitHub shows "
                f"{ANNOTATIONS_PER_LEVEL} errors and {ANNOTATIONS_PER_LEVEL} warnings per step; "
                "they are listed in the log"
            )
            self.out.write(f"::notice title=tunelint::{workflow_data(note)}\n")
