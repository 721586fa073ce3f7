"""Small helpers the chat rules share: walking messages and naming JSON types."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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


def messages(example: dict) -> Iterator[tuple[int, dict]]:
    """(index, message) for every message that is an object; nothing if messages is no list."""
    listed = example.get("messages")
    if isinstance(listed, list):
        for index, message in enumerate(listed):
            if isinstance(message, dict):
                yield index, message


def roles(example: dict) -> set[str]:
    """The string roles present in an example's messages."""
    return {m["role"] for _, m in messages(example) if isinstance(m.get("role"), str)}


def quoted_list(names: Any) -> str:
    return ", ".join(str(name) for name in names)


def a_role(role: str) -> str:
    """'a user message' / 'an assistant message'."""
    return f"{'an' if role[:1] in 'aeiou' else 'a'} {role} message"
