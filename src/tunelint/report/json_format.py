"""A JSON list of diagnostics, one object each, for machines.

Every object has the same keys; a value that is absent is ``null``, never an empty string:
``end_column`` where the end is not known, ``path`` for a finding about a whole line or file.
"""

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
            entry = diagnostic.to_dict() | {"path": diagnostic.path or None}
            self.out.write(self.separator + json.dumps(entry))
            self.separator = ",\n  "

    def end(self, results: list[FileResult], unused: FileResult | None = None) -> None:
        self.out.write("\n]\n" if self.separator != "\n  " else "]\n")
