"""The filter that applies the config's suppressions (``tunelint.ignores``) and the baseline.

A suppression that silenced nothing in a run where it applied is reported as
``unused_suppression`` at its line in the config, so suppressions do not outlive their cause.
Each finding is matched in constant time (``ignores.SuppressionIndex``), so a run costs time
linear in findings plus suppressions.
"""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from tunelint.baseline import Baseline, complete_hashes
from tunelint.config import Config
from tunelint.diagnostics import Diagnostic, Level
from tunelint.ignores import Suppression, SuppressionIndex
from tunelint.results import FileResult


class Filter:
    """Takes suppressed findings out of each file's result and remembers what was used."""

    def __init__(self, config: Config, baseline: Baseline | None = None) -> None:
        self.config = config
        self.baseline = baseline
        self.index = SuppressionIndex(config.suppressions)
        self.used: Counter[Suppression] = Counter()
        self.applied: set[Suppression] = set()

    def apply(self, result: FileResult) -> list[tuple[Diagnostic, str]]:
        """Remove suppressed diagnostics from ``result``; return each with what silenced it."""
        applicable = self.index.for_file(self.config.relative(result.path))
        self.applied.update(applicable.applicable)
        hashes = complete_hashes(result) if applicable.needs_hashes else {}
        kept, suppressed = [], []
        for diagnostic in result.diagnostics:
            by = applicable.covering(diagnostic, hashes.get(diagnostic.line))
            if by is None:
                kept.append(diagnostic)
            else:
                self.used[by] += 1
                suppressed.append((diagnostic, by.describe()))
        result.diagnostics = kept
        if self.baseline is not None:
            suppressed += [(d, "baseline") for d in self.baseline.match(result)]
        return suppressed

    def unused(self) -> FileResult | None:
        """The ``unused_suppression`` findings of the run, placed in the config file."""
        setting = self.config.rules.get("unused_suppression")
        if setting is None or setting.level is Level.OFF:
            return None
        source = self.config.source or "<config>"
        result = FileResult(source)
        for suppression in self.config.suppressions:
            rule = self.config.rules.get(suppression.rule)
            if (
                suppression in self.applied
                and not self.used[suppression]
                and rule is not None
                and rule.level is not Level.OFF
            ):
                result.diagnostics.append(
                    Diagnostic(
                        source,
                        suppression.config_line or 1,
                        1,
                        "unused_suppression",
                        setting.level,
                        f"{suppression.describe()} suppressed nothing; remove it",
                    )
                )
        result.diagnostics.sort()
        return result if result.diagnostics else None


def show_suppressed(
    suppressed: list[tuple[Diagnostic, str]], results: list[FileResult], out: TextIO
) -> None:
    """List the silenced findings, each with its example hash and what silenced it."""
    hashes = {r.path: r.example_hashes for r in results}
    out.write(f"Suppressed {len(suppressed):,} findings:\n" if suppressed else "")
    for d, by in sorted(suppressed, key=lambda pair: pair[0]):
        example = hashes.get(d.file, {}).get(d.line)
        path = f" [{d.path}]" if d.path and d.path not in d.message else ""
        name = f"example {example}, " if example else ""
        out.write(
            f"{d.file}:{d.line}:{d.column}: suppressed {d.rule} {d.message}{path} ({name}by {by})\n"
        )
