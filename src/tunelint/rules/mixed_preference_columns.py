"""A TRL preference row whose prompt and answers are of different kinds (messages and text)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tunelint.diagnostics import Level, Problem
from tunelint.rules._chat import json_type
from tunelint.rules.base import ExampleRule, RuleContext

SHAPE = "prompt-chosen-rejected"
"""The line shape whose columns TRL joins as given (``tunelint.shapes``)."""


class MixedPreferenceColumns(ExampleRule):
    """
    ## What it does
    Reports a TRL-style preference row (`prompt`, `chosen`, `rejected`) whose `prompt` is a
    conversation (a list of messages) while `chosen` or `rejected` is plain text, or the other
    way round, at the answer that differs.

    ## Why is this bad?
    TRL's preference trainers join the prompt and each answer as they are: a list of messages
    and a string cannot be joined (`list + str`), so the row fails when the trainer reads it,
    after the job has started. Other tools turn the text answer into a message silently, so
    the same file trains differently elsewhere.

    ## Example
    ```yaml
    # .tunelint.yaml
    profile: trl
    ```
    ```json
    {"prompt": [{"role": "user", "content": "Hi"}], "chosen": "Hello", "rejected": "Go away"}
    ```

    ## Use instead
    ```json
    {"prompt": [{"role": "user", "content": "Hi"}], "chosen": [{"role": "assistant", "content": "Hello"}], "rejected": [{"role": "assistant", "content": "Go away"}]}
    ```
    """

    id = "mixed_preference_columns"
    level = Level.ERROR
    summary = "A preference row mixes a conversational prompt with text answers (or the reverse)."
    applies_to = ("preference",)
    reads_line_as_written = True

    def check(self, example: Any, ctx: RuleContext) -> Iterator[Problem]:
        if ctx.spec.shape != SHAPE or not isinstance(example.get("prompt"), (list, str)):
            return
        prompt = example["prompt"]
        for key in ("chosen", "rejected"):
            answer = example.get(key)
            if isinstance(answer, (list, str)) and isinstance(answer, list) != isinstance(
                prompt, list
            ):
                yield Problem(
                    (key,),
                    f"'{key}' is {json_type(answer)} but 'prompt' is {json_type(prompt)}: TRL"
                    " joins them as given, so make both conversational or both text",
                )
