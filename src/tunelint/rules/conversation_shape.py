"""How a conversation reads: repeated roles, blank or untrimmed text, a dangling user turn."""

from __future__ import annotations

from collections.abc import Iterator

from tunelint.diagnostics import JsonPath, Level, Problem, format_path
from tunelint.rules._chat import conversation_list, format_messages, role_of
from tunelint.rules.base import ExampleRule, RuleContext

_LINE_FORMATS = ("chat", "preference", "reinforcement")


def message_texts(example: dict, spec: object) -> Iterator[tuple[JsonPath, str, str]]:
    """(path, text, role) of every string content and text part of every message."""
    for path, message in format_messages(example, spec):
        role = role_of(message) or "message"
        content = message.get("content")
        if isinstance(content, str):
            yield (*path, "content"), content, role
        elif isinstance(content, list):
            for index, part in enumerate(content):
                if isinstance(part, dict) and isinstance(part.get("text"), str):
                    yield (*path, "content", index, "text"), part["text"], role


class ConsecutiveSameRole(ExampleRule):
    """
    ## What it does
    Reports a message of the conversation (a preference example's input) with the same role
    as the message before it (two user messages in a row). Consecutive tool messages are
    fine: they answer parallel tool calls.

    ## Why is this bad?
    Conversations alternate; two turns of one speaker in a row are usually a merge or
    conversion slip, and teach the model a rhythm it never sees at inference.

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ```

    ## Use instead
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ```
    """

    id = "consecutive_same_role"
    level = Level.WARNING
    summary = "Two messages in a row have the same role (tool messages aside)."
    applies_to = _LINE_FORMATS

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        path, listed = ctx.spec.conversation_path, conversation_list(example, ctx.spec)
        if listed is None:
            return
        roles = [role_of(m) if isinstance(m, dict) else None for m in listed]
        for index in range(1, len(roles)):
            role = roles[index]
            if role is not None and role != "tool" and role == roles[index - 1]:
                yield Problem(
                    (*path, index, "role"),
                    f"{format_path((*path, index))} is a second {role} message in a row",
                )


class WhitespaceOnlyContent(ExampleRule):
    """
    ## What it does
    Reports message content (or a text part) made only of whitespace. (Empty content is
    `missing_content`'s finding.)

    ## Why is this bad?
    The service accepts it, but an assistant message of spaces teaches the model to answer
    with nothing, and a blank user message gives it nothing to answer.

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "\\n "}]}
    ```

    ## Use instead
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ```
    """

    id = "whitespace_only_content"
    level = Level.WARNING
    summary = "A message's content is only whitespace."
    applies_to = _LINE_FORMATS

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        for path, text, role in message_texts(example, ctx.spec):
            if text and text.isspace():
                yield Problem(path, f"{format_path(path)} is only whitespace ({role})")


class UntrimmedContent(ExampleRule):
    """
    ## What it does
    Reports message content (or a text part) with leading or trailing whitespace. Off by
    default: many good datasets keep a trailing newline in system prompts.

    ## Why is this bad?
    The whitespace is trained on: a model fine-tuned on answers ending in "\\n\\n" ends its
    answers that way, and stray spaces waste tokens.

    ## Example
    ```yaml
    # .tunelint.yaml
    rules:
      untrimmed_content: warning
    ```
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!\\n\\n"}]}
    ```

    ## Use instead
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    id = "untrimmed_content"
    level = Level.OFF
    summary = "A message's content has leading or trailing whitespace."
    applies_to = _LINE_FORMATS

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        for path, text, role in message_texts(example, ctx.spec):
            if text.strip() and text != text.strip():
                where = "leading" if text[0].isspace() else "trailing"
                if text[0].isspace() and text[-1].isspace():
                    where = "leading and trailing"
                yield Problem(path, f"{format_path(path)} has {where} whitespace ({role})")


class EndsWithUserMessage(ExampleRule):
    """
    ## What it does
    Reports a chat example whose last message is a user message (when it has an assistant
    message at all: an example without one is `example_missing_assistant_message`).

    ## Why is this bad?
    Training learns from assistant messages: the final user turn has no answer, so nothing is
    learned from it; it only costs tokens. Often the last answer was cut off.

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}, {"role": "user", "content": "Thanks"}]}
    ```

    ## Use instead
    End with the assistant's answer, or drop the trailing user message.
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ```
    """

    id = "ends_with_user_message"
    level = Level.WARNING
    summary = "The conversation ends with a user message."
    applies_to = ("chat",)

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        path, listed = ctx.spec.conversation_path, conversation_list(example, ctx.spec)
        if not listed or not isinstance(listed[-1], dict):
            return
        roles = {role_of(m) for m in listed if isinstance(m, dict)}
        if role_of(listed[-1]) == "user" and "assistant" in roles:
            yield Problem(
                (*path, len(listed) - 1),
                "the conversation ends with a user message; nothing is learned from it",
            )
