"""GitLab Code Quality JSON, so merge requests show the findings inline.

The fingerprint identifies a finding across runs: a hash of the file, rule, JSON path,
message and how many identical findings came before it in the file, but not the line
number, so lines inserted above a finding do not make it look new.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter

from tunelint import report
from tunelint.diagnostics import Diagnostic, Level
from tunelint.report import json_format
from tunelint.results import FileResult

_SEVERITIES = {Level.ERROR: "major", Level.WARNING: "minor"}


def fingerprint(diagnostic: Diagnostic, occurrence: int) -> str:
    d = diagnostic
    key = "\0".join((d.file, d.rule, d.path, d.message, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def code_quality_issues(result: FileResult) -> list[dict]:
    """One Code Quality issue per finding of one file."""
    seen: Counter[tuple[str, str, str]] = Counter()
    issues = []
    for d in result.diagnostics:
        key = (d.rule, d.path, d.message)
        issues.append(
            {
                "description": report.message_with_path(d),
                "check_name": d.rule,
                "fingerprint": fingerprint(d, seen[key]),
                "severity": _SEVERITIES.get(d.level, "info"),
                "location": {"path": d.file, "lines": {"begin": d.line}},
            }
        )
        seen[key] += 1
    return issues


class Formatter(json_format.Formatter):
    """A JSON array of Code Quality issues, streamed file by file like ``--format json``."""

    def add(self, result: FileResult) -> None:
        for issue in code_quality_issues(result):
            self.out.write(self.separator + json.dumps(issue))
            self.separator = ",\n  "
