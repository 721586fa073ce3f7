from collections.abc import Iterator
from typing import Any

from tunelint.diagnostics import Level, Problem
from tunelint.rules._chat import json_type
from tunelint.rules.base import ExampleRule, RuleContext


class DataType(ExampleRule):
    """
    ## What it does
    Reports a line whose JSON value is not an object (a list, a string, a number, null), and
    a message inside `messages` that is not an object.

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
    checks_any_value = True

    def check(self, example: Any, ctx: RuleContext) -> Iterator[Problem]:
        if not isinstance(example, dict):
            hint = "; JSONL wants one example per line" if isinstance(example, list) else ""
            yield Problem((), f"line is {json_type(example)}, not a JSON object{hint}")
            return
        listed = example.get("messages")
        if isinstance(listed, list):
            for index, message in enumerate(listed):
                if not isinstance(message, dict):
                    yield Problem(
                        ("messages", index),
                        f"messages[{index}] is {json_type(message)}, not an object",
                    )
