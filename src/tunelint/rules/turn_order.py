"""The order of turns a provider accepts, and how many system messages."""

from __future__ import annotations

from collections.abc import Iterator

from tunelint.diagnostics import Level, Problem, format_path
from tunelint.rules._chat import role_of, value_at
from tunelint.rules.base import ExampleRule, RuleContext

_POLICIES = {
    "system_then_alternate": "after an optional first system message, roles alternate"
    " user, assistant, user, assistant",
    "user_first_assistant_last": "turns alternate user, assistant, starting with user and"
    " ending with assistant",
}


def _first_out_of_turn(roles: list[str | None], policy: str) -> tuple[int, str] | None:
    """(index, what was expected) of the first message out of turn, or None."""
    start = 1 if roles[:1] == ["system"] else 0  # Nova's system blocks come first, too
    for index in range(start, len(roles)):
        expected = "user" if (index - start) % 2 == 0 else "assistant"
        if roles[index] != expected:
            return index, expected
    if policy == "user_first_assistant_last" and roles and roles[-1] != "assistant":
        return len(roles) - 1, "assistant"
    return None


class InvalidTurnOrder(ExampleRule):
    """
    ## What it does
    Reports the first message out of turn under a profile with a turn-order policy (OpenAI
    has none): Together and Fireworks take an optional system message first and then strict
    user/assistant alternation; Bedrock Nova starts with user, alternates, and ends with
    assistant.

    ## Why is this bad?
    The provider's checker refuses the file. Together's SDK: "Invalid role turns on line 3
    of the input file. After the optional system message, conversation roles must alternate
    between user/assistant/user/assistant."

    ## Example
    ```yaml
    # .tunelint.yaml
    profile: together
    ```
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "tool", "content": "{}"}, {"role": "assistant", "content": "Hello"}]}
    ```

    ## Use instead
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ```
    """

    id = "invalid_turn_order"
    level = Level.ERROR
    summary = "Turns break the profile's order (e.g. system first, then user/assistant in turn)."
    applies_to = ("chat", "preference")

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        policy, path = ctx.spec.turn_order, ctx.spec.conversation_path
        listed = value_at(example, path) if path and policy in _POLICIES else None
        if not isinstance(listed, list) or (ctx.spec.kind == "preference" and not listed):
            return
        roles = [role_of(m) if isinstance(m, dict) else None for m in listed]
        if ctx.spec.kind == "preference":  # the input ends before the compared answers
            roles.append("assistant")
        found = _first_out_of_turn(roles, policy)
        if found is not None and found[0] < len(listed):
            index, expected = found
            yield Problem(
                (*path, index, "role"),
                f"{format_path((*path, index))} is {roles[index] or 'a message without a role'}"
                f" where {expected} is expected: {_POLICIES[policy]}",
            )


class MultipleSystemMessages(ExampleRule):
    """
    ## What it does
    Reports a second (third, ...) system message under a profile that allows at most one
    (Mistral; OpenAI allows several).

    ## Why is this bad?
    Mistral's data checker refuses the example: "Multiple messages with role 'system'
    encountered. Only one is allowed."

    ## Example
    ```yaml
    # .tunelint.yaml
    profile: mistral
    ```
    ```json
    {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "system", "content": "Be kind."}, {"role": "assistant", "content": "Hello"}]}
    ```

    ## Use instead
    Merge the instructions into one system message at the start.
    ```json
    {"messages": [{"role": "system", "content": "Be brief and kind."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ```
    """

    id = "multiple_system_messages"
    level = Level.ERROR
    summary = "More system messages than the profile allows (Mistral: one)."
    applies_to = ("chat", "preference")

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        limit, path = ctx.spec.max_system_messages, ctx.spec.conversation_path
        listed = value_at(example, path) if path and limit is not None else None
        seen = 0
        for index, message in enumerate(listed if isinstance(listed, list) else ()):
            if isinstance(message, dict) and role_of(message) == "system":
                seen += 1
                if seen > limit:
                    yield Problem(
                        (*path, index, "role"),
                        f"{format_path((*path, index))} is system message number {seen};"
                        f" at most {limit} allowed",
                    )
