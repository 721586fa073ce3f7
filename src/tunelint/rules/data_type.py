from collections.abc import Iterator
from typing import Any

from tunelint.diagnostics import Level, Problem, format_path
from tunelint.rules._chat import json_type, message_lists
from tunelint.rules.base import ExampleRule, RuleContext


class DataType(ExampleRule):
    """
    ## What it does
    Reports a line whose JSON value is not an object (a list, a string, a number, null), and
    a message inside `messages` (or another message list of the format, such as a preference
    example's `input.messages`) that is not an object.

    ## Why is this bad?
    Every line must be one example, a JSON object: "Expected file to have JSONL format, where
    every line is a JSON dictionary. Line 1 is not a dictionary".

    ## Example
    ```json
    [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]
    ```

    ## Use instead
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ```
    """

    id = "data_type"
    level = Level.ERROR
    summary = "The line, or a message, is not a JSON object."
    applies_to = ("*",)
    checks_any_value = True

    def check(self, example: Any, ctx: RuleContext) -> Iterator[Problem]:
        if not isinstance(example, dict):
            hint = "; JSONL wants one example per line" if isinstance(example, list) else ""
            yield Problem((), f"line is {json_type(example)}, not a JSON object{hint}")
            return
        for path, listed in message_lists(example, ctx.spec):
            for index, message in enumerate(listed):
                if not isinstance(message, dict):
                    where = format_path((*path, index))
                    yield Problem((*path, index), f"{where} is {json_type(message)}, not an object")
