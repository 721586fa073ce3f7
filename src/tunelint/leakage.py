"""Train/validation leakage: validation examples that are also training examples.

Training files are fingerprinted while they are checked (through the engine's observer), so
no file is read twice; a validation file is then checked with the index shared with its rules
(``train_validation_overlap`` looks each example up). Memory: 16 bytes and a line number per
distinct training example.
"""

from __future__ import annotations

from typing import Any

from tunelint.fingerprint import example_digest
from tunelint.results import ExampleObserver


class TrainingIndex:
    """Where each distinct training example first appears."""

    def __init__(self) -> None:
        self.first: dict[bytes, tuple[str, int]] = {}

    def observer(self, path: str) -> ExampleObserver:
        """An observer that records the examples of one training file."""

        def observe(line: int, example: Any, has_error: bool) -> None:
            self.first.setdefault(example_digest(example), (path, line))

        return observe
