"""Validation examples that are also training examples (``--validation``)."""

from collections.abc import Iterator
from typing import Any

from tunelint.diagnostics import Level, Problem
from tunelint.fingerprint import example_digest
from tunelint.rules.base import DatasetRule, RuleContext
from tunelint.shapes import normalize

TRAINING_INDEX = "training_index"
"""The key of the run's ``tunelint.leakage.TrainingIndex`` in ``RuleContext.shared``; only a
validation file is checked with one."""


class TrainValidationOverlap(DatasetRule):
    """
    ## What it does
    With `tunelint check train.jsonl --validation valid.jsonl`, reports every validation
    example that also appears in a training file (the same JSON value, key order aside), at
    its validation line, naming the training file and line. Compared by hash: the training
    files are read once, as they are checked.

    ## Why is this bad?
    The validation loss is meant to show how the model does on examples it did not train on;
    leaked examples make it look better than it is and hide overfitting.

    ## Example
    Line 3 of `valid.jsonl` is line 120 of `train.jsonl`.

    ## Use instead
    Split the data once, then deduplicate across the split (drop the example from one side).
    """

    id = "train_validation_overlap"
    level = Level.WARNING
    summary = "A validation example also appears in the training data (--validation)."
    applies_to = ("*",)

    def start(self, ctx: RuleContext) -> tuple[tuple[int, str, int], ...]:
        return ()

    def add(
        self, state: tuple[tuple[int, str, int], ...], example: Any, line: int, ctx: RuleContext
    ) -> tuple[tuple[int, str, int], ...]:
        index = ctx.shared.get(TRAINING_INDEX)
        if index is None:
            return state
        if ctx.spec.shape:  # the index holds examples as the other rules read them
            example = normalize(example, ctx.spec).example
        found = index.first.get(example_digest(example))
        return (*state, (line, *found)) if found else state

    def merge(self, first: tuple, second: tuple) -> tuple:
        return first + second

    def finish(
        self, state: tuple[tuple[int, str, int], ...], ctx: RuleContext
    ) -> Iterator[Problem]:
        for line, train, train_line in state:
            yield Problem(
                (), f"validation example is also in training ({train}:{train_line})", line=line
            )
