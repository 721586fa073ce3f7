from collections.abc import Iterator

from tunelint.diagnostics import Level, Problem
from tunelint.rules._chat import json_type
from tunelint.rules.base import ExampleRule, RuleContext


class MissingMessagesList(ExampleRule):
    """
    ## What it does
    Reports an example with no `messages` key, or whose `messages` is not a non-empty list.

    ## Why is this bad?
    A chat example is its list of messages; the service refuses the file: "Example 3 is
    missing key 'messages'".

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
    summary = "No `messages`, or `messages` is not a non-empty list."

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        if "messages" not in example:
            yield Problem((), "example has no 'messages' list")
        elif not isinstance(example["messages"], list):
            kind = json_type(example["messages"])
            yield Problem(("messages",), f"messages is {kind}, not a list of messages")
        elif not example["messages"]:
            yield Problem(("messages",), "messages is an empty list")
