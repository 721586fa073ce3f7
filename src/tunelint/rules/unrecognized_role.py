from collections.abc import Iterator

from tunelint.diagnostics import Level, Problem
from tunelint.rules._chat import format_messages, json_type, quoted_list
from tunelint.rules.base import ExampleRule, RuleContext


class UnrecognizedRole(ExampleRule):
    """
    ## What it does
    Reports a message whose `role` is not one the format allows (OpenAI chat: system, user,
    assistant, tool, function; reinforcement: developer, user, assistant, tool), or is not a
    string.

    ## Why is this bad?
    The service cannot tell who speaks and refuses the file.

    ## Example
    ```json
    {"messages": [{"role": "human", "content": "Hi"}, {"role": "bot", "content": "Hello"}]}
    ```

    ## Use instead
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ```
    """

    id = "unrecognized_role"
    level = Level.ERROR
    summary = "A message's role is not one the format allows."
    in_line_terms = True  # shape readers check it on the line itself
    applies_to = ("chat", "preference", "reinforcement")

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        known = ctx.spec.roles
        for message_path, message in format_messages(example, ctx.spec):
            if "role" not in message:
                continue
            role = message["role"]
            path = (*message_path, "role")
            if not isinstance(role, str):
                yield Problem(path, f"role is {json_type(role)}, not a string")
            elif role not in known:
                yield Problem(path, f"role '{role}' is not one of {quoted_list(known)}")
