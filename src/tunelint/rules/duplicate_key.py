"""The duplicate-key rule, on the line's text (the scan is in tunelint.duplicate_keys)."""

from collections.abc import Iterator
from typing import Any

from tunelint.diagnostics import Level, Problem
from tunelint.duplicate_keys import duplicate_key
from tunelint.rules.base import RuleContext, TextRule


class DuplicateKey(TextRule):
    """
    ## What it does
    Reports a key that appears twice in one JSON object, at the second occurrence. Every
    line that parses is checked; lines without a duplicate pay only a count and a walk of the
    parsed value, and `duplicate_key: off` skips even that. (One blind spot: a duplicate
    whose key ends in a backslash can go unnoticed.)

    ## Why is this bad?
    JSON parsers keep one of the values, usually the last, without a word: the other is
    lost, and which one survives depends on the parser that reads the file.

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "Hi", "content": "Hello?"}]}
    ```

    ## Use instead
    ```json
    {"messages": [{"role": "user", "content": "Hello?"}]}
    ```
    """

    id = "duplicate_key"
    level = Level.WARNING
    summary = "A key appears twice in one JSON object."

    def check_text(self, text: str, value: Any, ctx: RuleContext) -> Iterator[Problem]:
        duplicate = duplicate_key(text, value)
        if duplicate is not None:
            key, column = duplicate
            message = f"duplicate key '{key}' in one object; parsers keep only one value"
            yield Problem((), message, column=column)
