from collections.abc import Iterator
from typing import Any

from tunelint.diagnostics import JsonPath, Level, Problem, format_path
from tunelint.profile import RoleSpec
from tunelint.rules._chat import a_role, format_messages, json_type, quoted_list
from tunelint.rules.base import ExampleRule, RuleContext

_PART_VALUE_KEY = {"text": "text", "refusal": "refusal", "image_url": "image_url", "file": "file"}


class MissingContent(ExampleRule):
    """
    ## What it does
    Reports a message whose `content` is present but empty, null where the role needs
    content, of the wrong type, or a list of parts with a part the role does not take (an
    image in a system message) or a part without its value. An assistant message with
    `tool_calls` or `function_call` may have null or empty content. A message with no
    `content` key at all is `message_missing_key`'s finding, not this rule's.

    ## Why is this bad?
    An empty assistant message teaches the model to answer with nothing; the wrong type
    makes the service refuse the file.

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": ""}]}
    ```

    ## Use instead
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    id = "missing_content"
    level = Level.ERROR
    summary = "A message's content is empty, null or of the wrong type."
    applies_to = ("chat", "preference", "reinforcement")

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        for message_path, message in format_messages(example, ctx.spec):
            if "content" not in message:
                continue
            role = message.get("role")
            spec = ctx.spec.roles.get(role) if isinstance(role, str) else None
            label = role if spec else "message"
            path: JsonPath = (*message_path, "content")
            content = message["content"]
            may_be_empty = spec is not None and (
                spec.content == "nullable"
                or (
                    spec.content == "required_unless"
                    and any(message.get(key) for key in spec.content_unless)
                )
            )
            if content is None or content == "" or content == []:
                if not may_be_empty:
                    what = "null" if content is None else "empty"
                    yield Problem(path, f"{format_path(path)} is {what} ({label})")
            elif isinstance(content, list):
                yield from _check_parts(content, path, spec, label)
            elif not isinstance(content, str):
                yield Problem(
                    path,
                    f"{format_path(path)} is {json_type(content)}, "
                    "not a string or a list of content parts",
                )


def _check_parts(
    parts: list[Any], path: JsonPath, spec: RoleSpec | None, label: str
) -> Iterator[Problem]:
    allowed = spec.content_parts if spec else tuple(_PART_VALUE_KEY)
    if not allowed:
        yield Problem(path, f"content of {a_role(label)} must be a string, not a list")
        return
    for number, part in enumerate(parts):
        part_path = (*path, number)
        if not isinstance(part, dict):
            yield Problem(part_path, f"content part {number} is {json_type(part)}, not an object")
            continue
        kind = part.get("type")
        if kind not in allowed:
            shown = f"'{kind}'" if isinstance(kind, str) else json_type(kind)
            if "type" not in part:
                shown = "missing"
            yield Problem(
                part_path,
                f"content part type {shown} is not allowed in {a_role(label)} "
                f"(allowed: {quoted_list(allowed)})",
            )
            continue
        value_key = _PART_VALUE_KEY[kind]
        value = part.get(value_key)
        if kind in ("image_url", "file"):
            valid = isinstance(value, dict) and isinstance(value.get("url"), str) and value["url"]
        else:
            valid = isinstance(value, str) and value != ""
        if not valid:
            yield Problem(
                (*part_path, value_key),
                f"content part {number} ({kind}) has no valid '{value_key}' ({label})",
            )
