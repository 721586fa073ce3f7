from collections.abc import Iterator

from tunelint.diagnostics import Level, Problem, format_path
from tunelint.rules._chat import json_type
from tunelint.rules.base import ExampleRule, RuleContext


class MissingMessagesList(ExampleRule):
    """
    ## What it does
    Reports an example with no `messages` key, or whose `messages` is not a non-empty list.
    In a preference (DPO) example the conversation is `input.messages`: it reports a missing
    `input`, an `input` that is not an object, and an `input.messages` that is missing or
    not a non-empty list.

    ## Why is this bad?
    A chat example is its list of messages; the service refuses the file: "Example 3 is
    missing key 'messages'" (preference files: "Example 1 is missing key 'input'").

    ## Example
    ```json
    {"conversation": [{"role": "user", "content": "Hi"}]}
    ```

    ## Use instead
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ```
    """

    id = "missing_messages_list"
    level = Level.ERROR
    summary = "No `messages` (DPO: `input.messages`), or it is not a non-empty list."
    in_line_terms = True  # shape readers check it on the line itself
    applies_to = ("chat", "preference", "reinforcement")

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        path = ctx.spec.conversation_path
        value = example
        for depth, key in enumerate(path):
            where = path[:depth]
            if not isinstance(value, dict):
                name = format_path(where)
                yield Problem(where, f"{name} is {json_type(value)}, not an object")
                return
            if key not in value:
                kind = "list" if depth == len(path) - 1 else "object"
                owner = f"{format_path(where)} has" if where else "example has"
                yield Problem(where, f"{owner} no '{key}' {kind}")
                return
            value = value[key]
        name = format_path(path)
        if not isinstance(value, list):
            yield Problem(path, f"{name} is {json_type(value)}, not a list of messages")
        elif not value:
            yield Problem(path, f"{name} is an empty list")
