"""Train/validation leakage: validation examples that are also training examples.

Training files are fingerprinted while they are checked (through the engine's observer), so
no file is read twice (memory: 16 bytes and a line number per distinct training example, and
with numpy about 528 bytes more for its MinHash signature); a validation file is then checked with the index shared with its rules
(``train_validation_overlap`` looks each example up, exactly and then as a near-duplicate).
"""

from __future__ import annotations

from typing import Any

from tunelint.fingerprint import example_digest
from tunelint.results import ExampleObserver


class TrainingIndex:
    """Where each distinct training example first appears, and (with numpy, the hygiene
    extra) the MinHash signatures that find a validation example's near-duplicate."""

    def __init__(self) -> None:
        from tunelint.hygiene import numpy_available

        self.first: dict[bytes, tuple[str, int]] = {}
        self.near = None
        if numpy_available():
            from tunelint.hygiene.minhash import NearDuplicateIndex

            self.near = NearDuplicateIndex()

    def observer(self, path: str) -> ExampleObserver:
        """An observer that records the examples of one training file."""

        def observe(line: int, example: Any, has_error: bool) -> None:
            self.first.setdefault(example_digest(example), (path, line))
            if self.near is not None:
                self.near.add((path, line), example)

        return observe

    def find(self, example: Any) -> tuple[str, int, float | None] | None:
        """(training file, line, None) of the same example, else (file, line, estimated
        similarity) of a near-duplicate one, else None."""
        found = self.first.get(example_digest(example))
        if found is not None:
            return (*found, None)
        near = self.near.nearest(example) if self.near is not None else None
        if near is None:
            return None
        (path, line), similarity = near
        return path, line, similarity
