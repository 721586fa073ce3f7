from collections.abc import Iterator

from tunelint.diagnostics import Level, Problem, format_path
from tunelint.rules._chat import a_role, format_messages
from tunelint.rules.base import ExampleRule, RuleContext


class MessageMissingKey(ExampleRule):
    """
    ## What it does
    Reports a message without `role`, without `content` where its role needs it (an
    assistant message may leave it out when it has `tool_calls` or `function_call`), or
    without a key its role requires (`tool_call_id` on a tool message, `name` on a function
    message).

    ## Why is this bad?
    The service refuses the file: "Example 100, message 2 Discriminator 'role' is missing in
    value".

    ## Example
    ```json
    {"messages": [{"content": "Hi"}, {"role": "assistant"}]}
    ```

    ## Use instead
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ```
    """

    id = "message_missing_key"
    level = Level.ERROR
    summary = "A message lacks `role`, or a key its role requires."
    applies_to = ("chat", "preference", "reinforcement")

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        for path, message in format_messages(example, ctx.spec):
            if "role" not in message:
                yield Problem(path, f"{format_path(path)} has no 'role'")
                continue
            role = message["role"]
            spec = ctx.spec.roles.get(role) if isinstance(role, str) else None
            if spec is None:
                continue
            needs_content = spec.content in ("required", "nullable") or (
                spec.content == "required_unless"
                and not any(key in message for key in spec.content_unless)
            )
            if needs_content and "content" not in message:
                unless = (
                    f" unless it has {' or '.join(spec.content_unless)}"
                    if spec.content == "required_unless"
                    else ""
                )
                yield Problem(
                    path, f"{format_path(path)} has no 'content' ({a_role(role)} needs it{unless})"
                )
            for key in spec.required:
                if key not in message:
                    yield Problem(
                        path, f"{format_path(path)} has no '{key}' ({a_role(role)} needs it)"
                    )
