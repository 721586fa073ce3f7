"""SARIF 2.1.0, for GitHub code scanning (``github/codeql-action/upload-sarif``) and others.

Every rule is described in ``tool.driver.rules`` (id, summary, documentation as help), and
each finding points at its file, line and columns. Columns count Unicode code points.
Messages escape their brackets (``escape.sarif_text``): data is never an embedded link.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from tunelint import __version__, report
from tunelint.diagnostics import Diagnostic, Level
from tunelint.escape import sarif_text
from tunelint.results import FileResult
from tunelint.rules import all_rules

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Level.ERROR: "error", Level.WARNING: "warning", Level.OFF: "none"}


def artifact_uri(path: str) -> str:
    """A relative path as a URI reference with ``/`` separators; an absolute one as file://.
    A name's bytes are percent-encoded, undecodable ones (``\\udcff``) as the byte they stand for."""
    if os.path.isabs(path):
        return Path(path).as_uri()
    return quote(os.fsencode(Path(path).as_posix()))


def driver_rules() -> list[dict]:
    """``tool.driver.rules``: every rule with its summary and its documentation as help."""
    return [
        {
            "id": rule_id,
            "name": rule_id,
            "shortDescription": {"text": rule.summary},
            "help": {"text": rule.documentation(), "markdown": rule.documentation()},
            "defaultConfiguration": {"level": _LEVELS[rule.level]},
            "properties": {"line_formats": list(rule.applies_to)},
        }
        for rule_id, rule in all_rules().items()
    ]


def _result(diagnostic: Diagnostic, rule_index: dict[str, int]) -> dict:
    d = diagnostic
    region: dict = {"startLine": d.line, "startColumn": d.column}
    if d.end_column is not None:
        region["endColumn"] = d.end_column + 1  # SARIF's end column is exclusive
    result = {
        "ruleId": d.rule,
        "level": _LEVELS[d.level],
        "message": {"text": sarif_text(d.message)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(d.file)},
                    "region": region,
                }
            }
        ],
    }
    if d.rule in rule_index:
        result["ruleIndex"] = rule_index[d.rule]
    if d.path:
        result["properties"] = {"jsonPath": d.path}
    return result


class Formatter(report.Formatter):
    """One SARIF log with one run, written in ``end``."""

    def add(self, result: FileResult) -> None:
        """Nothing to stream: SARIF is one JSON document."""

    def end(self, results: list[FileResult], unused: FileResult | None = None) -> None:
        results = report.every_result(results, unused)
        rules = driver_rules()
        rule_index = {rule["id"]: index for index, rule in enumerate(rules)}
        log = {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "tunelint",
                            "version": __version__,
                            "rules": rules,
                        }
                    },
                    "columnKind": "unicodeCodePoints",
                    "results": [
                        _result(d, rule_index) for result in results for d in result.diagnostics
                    ],
                }
            ],
        }
        json.dump(log, self.out, indent=2)
        self.out.write("\n")
