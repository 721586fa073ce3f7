"""Train/validation leakage: validation examples that are also training examples.

Training files are fingerprinted while they are checked (through the engine's observer), so
no file is read twice; the validation file is then checked with an observer that looks each
example up. Memory: 16 bytes and a line number per distinct training example.
"""

from __future__ import annotations

import os
from typing import Any

from tunelint.config import Config
from tunelint.diagnostics import Diagnostic, Level
from tunelint.engine import ExampleObserver, FileResult, check_file
from tunelint.fingerprint import example_digest
from tunelint.rules.dataset import TooFewExamples
from tunelint.rules.train_validation_overlap import TrainValidationOverlap


class TrainingIndex:
    """Where each distinct training example first appears."""

    def __init__(self) -> None:
        self.first: dict[bytes, tuple[str, int]] = {}

    def observer(self, path: str) -> ExampleObserver:
        """An observer that records the examples of one training file."""

        def observe(line: int, example: Any, has_error: bool) -> None:
            self.first.setdefault(example_digest(example), (path, line))

        return observe

    def check_validation(self, path: str | os.PathLike[str], config: Config) -> FileResult:
        """Check a validation file as usual (no minimum size) and report its leaked examples."""
        overlaps: list[tuple[int, str, int]] = []

        def observe(line: int, example: Any, has_error: bool) -> None:
            found = self.first.get(example_digest(example))
            if found:
                overlaps.append((line, *found))

        config = config.with_rule_levels([f"{TooFewExamples.id}=off"])
        result = check_file(path, config, observe)
        level = config.rules_for(path)[TrainValidationOverlap.id].level
        if level is not Level.OFF:
            result.diagnostics += [
                Diagnostic(
                    result.path,
                    line,
                    1,
                    TrainValidationOverlap.id,
                    level,
                    f"validation example is also in training ({train}:{train_line})",
                )
                for line, train, train_line in overlaps
            ]
            result.diagnostics.sort()
        return result
