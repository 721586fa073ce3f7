from collections.abc import Iterator

from tunelint.diagnostics import Level, Problem
from tunelint.rules._chat import a_role, format_messages, quoted_list
from tunelint.rules.base import ExampleRule, RuleContext


class MessageUnrecognizedKey(ExampleRule):
    """
    ## What it does
    Reports a key a message of its role may not carry (OpenAI: `weight` only on assistant
    messages, `tool_call_id` only on tool messages, ...). A message with an unknown role is
    checked against the keys any role allows.

    ## Why is this bad?
    The API rejects unknown keys; misplaced ones are usually a conversion bug (a `weight` on
    a user message trains nothing, a `name` on a tool message is ignored).

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "Hi", "timestamp": 1718000000}, {"role": "assistant", "content": "Hello"}]}
    ```

    ## Use instead
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ```
    """

    id = "message_unrecognized_key"
    level = Level.ERROR
    summary = "A message carries a key its role does not allow."
    in_line_terms = True  # shape readers check it on the line itself
    applies_to = ("chat", "preference", "reinforcement")

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        fmt = ctx.spec
        for path, message in format_messages(example, fmt):
            role = message.get("role")
            spec = fmt.roles.get(role) if isinstance(role, str) else None
            allowed = spec.keys if spec else fmt.message_keys
            for key in message:
                if key not in allowed:
                    whose = a_role(role) if spec else "a message"
                    yield Problem(
                        (*path, key),
                        f"'{key}' is not allowed in {whose}; allowed: {quoted_list(sorted(allowed))}",
                        on_key=True,
                    )
