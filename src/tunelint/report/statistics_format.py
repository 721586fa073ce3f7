"""``tunelint check --statistics``: how many findings each rule has, most first."""

from __future__ import annotations

from collections import Counter

from tunelint import report
from tunelint.results import FileResult


class Formatter(report.Formatter):
    """One line per rule with findings, after the last file: count, rule id and level."""

    def add(self, result: FileResult) -> None:
        """Counted in ``end``, from every result."""

    def end(self, results: list[FileResult], unused: FileResult | None = None) -> None:
        findings = report.every_result(results, unused)
        counts = Counter((d.rule, str(d.level)) for r in findings for d in r.diagnostics)
        if not counts:
            return
        width = max(len(rule) for rule, _ in counts)
        for (rule, level), count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            self.out.write(f"{count:>7,}  {rule:<{width}}  {level}\n")
