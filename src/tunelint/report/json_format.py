"""A JSON list of diagnostics, one object each, for machines."""

from __future__ import annotations

import json

from tunelint import report
from tunelint.results import FileResult


class Formatter(report.Formatter):
    def begin(self) -> None:
        self.out.write("[")
        self.separator = "\n  "

    def add(self, result: FileResult) -> None:
        for diagnostic in result.diagnostics:
            self.out.write(self.separator + json.dumps(diagnostic.to_dict()))
            self.separator = ",\n  "

    def end(self, results: list[FileResult]) -> None:
        self.out.write("\n]\n" if self.separator != "\n  " else "]\n")
