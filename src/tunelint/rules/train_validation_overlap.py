from tunelint.diagnostics import Level
from tunelint.rules.base import Rule


class TrainValidationOverlap(Rule):
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
    formats = ("*",)
