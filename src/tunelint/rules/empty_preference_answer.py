"""An empty ``chosen`` or ``rejected`` string in a TRL preference row (the shape reader reports
it, in the line's own terms)."""

from tunelint.diagnostics import Level
from tunelint.rules.base import ReaderRule


class EmptyPreferenceAnswer(ReaderRule):
    """
    ## What it does
    Reports a TRL-style preference row (`prompt`, `chosen`, `rejected`) whose `chosen` or
    `rejected` answer is an empty string. TRL accepts the row, so this is a warning, not the
    `missing_content` error an empty answer is for OpenAI's format.

    ## Why is this bad?
    The trainer learns to prefer (or avoid) saying nothing at all: an empty chosen answer
    teaches the model to stop at once, an empty rejected one gives the preference loss no
    contrast worth learning. It is almost always a gap in the data, not a choice.

    ## Example
    ```yaml
    # .tunelint.yaml
    profile: trl
    ```
    ```json
    {"prompt": "Hi", "chosen": "", "rejected": "Go away"}
    ```

    ## Use instead
    ```json
    {"prompt": "Hi", "chosen": "Hello!", "rejected": "Go away"}
    ```
    """

    id = "empty_preference_answer"
    level = Level.WARNING
    summary = "A TRL preference row's chosen or rejected answer is an empty string."
    applies_to = ("preference",)
