"""Validation examples that are also training examples (``--validation``)."""

from collections.abc import Iterator
from typing import Any

from tunelint.diagnostics import Level, Problem
from tunelint.rules.base import DatasetRule, RuleContext
from tunelint.shapes import normalize

Overlap = tuple[int, str, int, float | None]
"""(validation line, training file, training line, estimated similarity or None if equal)."""

TRAINING_INDEX = "training_index"
"""The key of the run's ``tunelint.leakage.TrainingIndex`` in ``RuleContext.shared``; only a
validation file is checked with one."""


class TrainValidationOverlap(DatasetRule):
    """
    ## What it does
    With `tunelint check train.jsonl --validation valid.jsonl`, reports every validation
    example that also appears in a training file (the same JSON value, key order aside), at
    its validation line, naming the training file and line. Compared by hash: the training
    files are read once, as they are checked. With numpy (`tunelint[hygiene]`) a validation
    example that is a near-duplicate of a training one (MinHash over word shingles, estimated
    Jaccard similarity at least 0.85) is reported too, with its similarity.

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

    def start(self, ctx: RuleContext) -> tuple[Overlap, ...]:
        return ()

    def add(
        self, state: tuple[Overlap, ...], example: Any, line: int, ctx: RuleContext
    ) -> tuple[Overlap, ...]:
        index = ctx.shared.get(TRAINING_INDEX)
        if index is None:
            return state
        if ctx.spec.shape:  # the index holds examples as the other rules read them
            example = normalize(example, ctx.spec, ctx.settings).example
        found = index.find(example)
        return (*state, (line, *found)) if found else state

    def merge(self, first: tuple, second: tuple) -> tuple:
        return first + second

    def finish(self, state: tuple[Overlap, ...], ctx: RuleContext) -> Iterator[Problem]:
        for line, train, train_line, similarity in state:
            how = "also" if similarity is None else f"a near-duplicate (~{similarity:.2f}) of one"
            yield Problem(
                (), f"validation example is {how} in training ({train}:{train_line})", line=line
            )
