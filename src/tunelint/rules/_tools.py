"""Helpers the tool-call rules share: finding calls, declared tools and tool answers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tunelint.diagnostics import JsonPath
from tunelint.rules._chat import format_messages, message_lists, per_example, role_of, value_at


@per_example
def tool_calls(example: dict, spec: Any) -> Iterator[tuple[JsonPath, dict]]:
    """(path, call) of every tool call object in every assistant message of the format."""
    for path, message in format_messages(example, spec):
        calls = message.get("tool_calls")
        if isinstance(calls, list):
            for index, call in enumerate(calls):
                if isinstance(call, dict):
                    yield (*path, "tool_calls", index), call


@per_example
def called_functions(example: dict, spec: Any) -> Iterator[tuple[JsonPath, dict]]:
    """(path, function) of every `tool_calls[].function` and `function_call` object."""
    for path, call in tool_calls(example, spec):
        if isinstance(call.get("function"), dict):
            yield (*path, "function"), call["function"]
    for path, message in format_messages(example, spec):
        if isinstance(message.get("function_call"), dict):
            yield (*path, "function_call"), message["function_call"]


@per_example
def tool_definitions(example: dict, spec: Any) -> Iterator[tuple[JsonPath, Any]]:
    """(path, item) of every entry of the format's `tools` list (and chat's `functions`)."""
    for path in (spec.tools_path, spec.functions_path):
        listed = value_at(example, path) if path else None
        if isinstance(listed, list):
            for index, item in enumerate(listed):
                yield (*path, index), item


def declared_functions(definition: Any, path: JsonPath) -> tuple[JsonPath, dict] | None:
    """The function object of one tool definition (``{type, function}`` or a bare function)."""
    if not isinstance(definition, dict):
        return None
    if isinstance(definition.get("function"), dict):
        return (*path, "function"), definition["function"]
    return (path, definition) if "name" in definition and "type" not in definition else None


def tool_turns(example: dict, spec: Any) -> Iterator[tuple[JsonPath, dict, set[str]]]:
    """Walk each message list in order: (path, message, ids of calls made before it).

    The outputs of a preference example follow its input, so they also see its calls.
    """
    first: set[str] = set()
    for number, (path, listed) in enumerate(message_lists(example, spec)):
        seen = set(first)
        for index, message in enumerate(listed):
            if not isinstance(message, dict):
                continue
            yield (*path, index), message, seen
            if role_of(message) == "assistant":
                seen = seen | {
                    call["id"]
                    for call in message.get("tool_calls") or ()
                    if isinstance(call, dict) and isinstance(call.get("id"), str)
                }
        if number == 0:
            first = seen
