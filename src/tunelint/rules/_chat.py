"""Small helpers the chat rules share: walking messages and naming JSON types."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from tunelint.diagnostics import JsonPath

_TYPE_NAMES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}


def json_type(value: Any) -> str:
    """How a JSON value's type reads in a message: 'a list', 'null', ..."""
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def quoted_list(names: Any) -> str:
    return ", ".join(str(name) for name in names)


def a_role(role: str) -> str:
    """'a user message' / 'an assistant message'."""
    return f"{'an' if role[:1] in 'aeiou' else 'a'} {role} message"


def value_at(example: Any, path: JsonPath) -> Any:
    """The value at ``path`` inside ``example``, or None when any step is missing."""
    for part in path:
        if isinstance(part, int):
            if not isinstance(example, list) or part >= len(example):
                return None
        elif not isinstance(example, dict):
            return None
        example = example[part] if isinstance(part, int) else example.get(part)
    return example


def message_lists(example: dict, spec: Any) -> Iterator[tuple[JsonPath, list]]:
    """(path, list) of every message list the format has that is a list in this example."""
    for path in spec.message_lists:
        listed = value_at(example, path)
        if isinstance(listed, list):
            yield path, listed


_Walk = TypeVar("_Walk")


def per_example(
    walk: Callable[[dict, Any], Iterable[_Walk]],
) -> Callable[[dict, Any], tuple[_Walk, ...]]:
    """``walk`` run once per example however many rules ask: its items are kept for the last
    example and format spec it was asked about (the example is held with them, so its id
    cannot be reused while they are kept)."""
    last: list[Any] = [None, None, ()]

    @functools.wraps(walk)
    def remembered(example: dict, spec: Any) -> tuple[_Walk, ...]:
        if last[0] is not example or last[1] is not spec:
            last[:] = [example, spec, tuple(walk(example, spec))]
        return last[2]

    return remembered


@per_example
def format_messages(example: dict, spec: Any) -> Iterator[tuple[JsonPath, dict]]:
    """(path, message) of every message object in every message list of the format."""
    for path, listed in message_lists(example, spec):
        for index, message in enumerate(listed):
            if isinstance(message, dict):
                yield (*path, index), message


def conversation_list(example: dict, spec: Any) -> list | None:
    """The format's conversation list as it stands (chat: messages; DPO: input.messages), its
    items unfiltered so indexes match the line; None when the example has no such list."""
    path = spec.conversation_path
    listed = value_at(example, path) if path else None
    return listed if isinstance(listed, list) else None


def conversation(example: dict, spec: Any) -> list[dict]:
    """The message objects of the format's conversation."""
    return [m for m in conversation_list(example, spec) or () if isinstance(m, dict)]


def role_of(message: dict) -> str | None:
    role = message.get("role")
    return role if isinstance(role, str) else None
