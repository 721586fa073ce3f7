"""Tool-call integrity: calls well formed, answered, declared, and named as the API allows."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from typing import Any

from tunelint.diagnostics import JsonPath, Level, Problem, format_path
from tunelint.rules._chat import format_messages, json_type, message_lists, role_of, value_at
from tunelint.rules._tools import (
    called_functions,
    declared_functions,
    tool_definitions,
    tool_turns,
)
from tunelint.rules.base import ExampleRule, RuleContext

_LINE_FORMATS = ("chat", "preference", "reinforcement")
_CALL = {"id": "call_1", "type": "function", "function": {"name": "get_weather"}}


class InvalidToolCall(ExampleRule):
    """
    ## What it does
    Reports `tool_calls` that is not a non-empty list, and a tool call that is not an object
    with a string `id`, `type` "function" and a `function` object with a string `name`.

    ## Why is this bad?
    The service validates each call against the chat schema and refuses the file; a call
    without an id cannot be answered by a tool message.

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", "tool_calls": [{"function": {"name": "get_weather", "arguments": "{}"}}]}]}
    ```

    ## Use instead
    ```json
    {"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]}]}
    ```
    """

    id = "invalid_tool_call"
    level = Level.ERROR
    summary = "A tool call lacks `id`, `type: function` or `function.name`."
    applies_to = _LINE_FORMATS

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        for path, message in format_messages(example, ctx.spec):
            calls = message.get("tool_calls")
            if "tool_calls" in message and (not isinstance(calls, list) or not calls):
                shown = "an empty list" if calls == [] else json_type(calls)
                yield Problem((*path, "tool_calls"), f"tool_calls is {shown}, not a list of calls")
            for index, call in enumerate(calls if isinstance(calls, list) else ()):
                yield from _check_call((*path, "tool_calls", index), call)


def _check_call(path: JsonPath, call: Any) -> Iterator[Problem]:
    if not isinstance(call, dict):
        yield Problem(path, f"{format_path(path)} is {json_type(call)}, not a tool call object")
        return
    for key, expected in _CALL.items():
        value = call.get(key)
        if key not in call:
            yield Problem(path, f"{format_path(path)} has no '{key}'")
        elif key == "type" and value != expected:
            yield Problem(
                (*path, key), f'{format_path(path)}.type is {json.dumps(value)}, not "function"'
            )
        elif key == "id" and (not isinstance(value, str) or not value):
            yield Problem(
                (*path, key),
                f"{format_path(path)}.id is {json_type(value)}, not a non-empty string",
            )
        elif key == "function" and not isinstance(value, dict):
            yield Problem(
                (*path, key), f"{format_path(path)}.function is {json_type(value)}, not an object"
            )
        elif key == "function" and not isinstance(value.get("name"), str):
            yield Problem((*path, key), f"{format_path(path)}.function has no string 'name'")


class ToolCallArguments(ExampleRule):
    """
    ## What it does
    Reports a tool call's `function.arguments` (or a `function_call`'s `arguments`) that is
    missing, is not a string, or is a string that does not hold a JSON object.

    ## Why is this bad?
    The schema wants a string: arguments written as a JSON object are refused. A string that
    is not a JSON object trains the model to emit arguments no tool can parse.

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]}]}
    ```

    ## Use instead
    ```json
    {"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}]}]}
    ```
    """

    id = "tool_call_arguments"
    level = Level.ERROR
    summary = "Tool-call arguments are not a string holding a JSON object."
    applies_to = _LINE_FORMATS

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        for path, function in called_functions(example, ctx.spec):
            at = (*path, "arguments")
            if "arguments" not in function:
                yield Problem(path, f"{format_path(path)} has no 'arguments'")
                continue
            arguments = function["arguments"]
            if not isinstance(arguments, str):
                hint = " (serialize it with json.dumps)" if isinstance(arguments, dict) else ""
                yield Problem(
                    (*path, "arguments"),
                    f"{format_path(at)} is {json_type(arguments)}, not a string holding JSON{hint}",
                )
                continue
            try:
                parsed = json.loads(arguments)
            except ValueError as error:
                yield Problem((*path, "arguments"), f"{format_path(at)} is not valid JSON: {error}")
                continue
            if not isinstance(parsed, dict):
                yield Problem(
                    (*path, "arguments"),
                    f"{format_path(at)} holds {json_type(parsed)}, not a JSON object",
                )


class UnknownToolCallId(ExampleRule):
    """
    ## What it does
    Reports a tool message whose `tool_call_id` answers no call of an earlier assistant
    message in the same example (the outputs of a preference example may answer calls of
    its input).

    ## Why is this bad?
    A tool result must answer a call: the chat API refuses "messages with role 'tool' must
    be a response to a preceding message with 'tool_calls'", and such an example teaches
    the model that results appear from nowhere. Usually an id was regenerated or mistyped
    during a conversion.

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]}, {"role": "tool", "tool_call_id": "call_2", "content": "18C"}]}
    ```

    ## Use instead
    ```json
    {"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]}, {"role": "tool", "tool_call_id": "call_1", "content": "18C"}]}
    ```
    """

    id = "unknown_tool_call_id"
    level = Level.ERROR
    summary = "A tool message answers no earlier tool call."
    applies_to = _LINE_FORMATS

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        for path, message, seen in tool_turns(example, ctx.spec):
            answered = message.get("tool_call_id")
            if role_of(message) == "tool" and isinstance(answered, str) and answered not in seen:
                yield Problem(
                    (*path, "tool_call_id"),
                    f"tool_call_id '{answered}' answers no earlier tool call in this example",
                )


class UnansweredToolCall(ExampleRule):
    """
    ## What it does
    Reports a tool call that no tool message answers before the next assistant message. A
    conversation may end with a call (the model learns to call); it may not go on as if the
    call had been answered.

    ## Why is this bad?
    The chat API refuses an assistant message with `tool_calls` that is not followed by a tool
    message for each call id; a training example like that teaches the model to go on without
    the result.

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "Weather in Paris and Rome?"}, {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}, {"id": "call_2", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Rome\\"}"}}]}, {"role": "tool", "tool_call_id": "call_1", "content": "18C"}, {"role": "assistant", "content": "It is 18C in Paris and 22C in Rome."}]}
    ```

    ## Use instead
    Answer every call (`call_2` too) before the next assistant message.
    ```json
    {"messages": [{"role": "user", "content": "Weather in Paris and Rome?"}, {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}, {"id": "call_2", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Rome\\"}"}}]}, {"role": "tool", "tool_call_id": "call_1", "content": "18C"}, {"role": "tool", "tool_call_id": "call_2", "content": "22C"}, {"role": "assistant", "content": "It is 18C in Paris and 22C in Rome."}]}
    ```
    """

    id = "unanswered_tool_call"
    level = Level.ERROR
    summary = "A tool call is not answered before the next assistant message."
    applies_to = _LINE_FORMATS

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        for list_path, listed in message_lists(example, ctx.spec):
            pending: dict[str, JsonPath] = {}
            for index, message in enumerate(listed):
                if not isinstance(message, dict):
                    continue
                role = role_of(message)
                if role == "tool" and isinstance(message.get("tool_call_id"), str):
                    pending.pop(message["tool_call_id"], None)
                elif role == "assistant":
                    for call_id, call_path in pending.items():
                        yield Problem(
                            (*call_path, "id"),
                            f"tool call '{call_id}' is not answered before "
                            f"{format_path((*list_path, index))}",
                        )
                    pending = {
                        call["id"]: (*list_path, index, "tool_calls", number)
                        for number, call in enumerate(message.get("tool_calls") or ())
                        if isinstance(call, dict) and isinstance(call.get("id"), str)
                    }


def _declared_names(example: dict, spec: Any) -> set[str] | None:
    """Names of the declared functions, or None when the example declares none."""
    definitions = [declared_functions(item, path) for path, item in tool_definitions(example, spec)]
    if not definitions:
        return None
    return {f["name"] for _, f in filter(None, definitions) if isinstance(f.get("name"), str)}


class UndeclaredTool(ExampleRule):
    """
    ## What it does
    Reports a call to a function that the example's `tools` (or `functions`) do not declare,
    when the example declares any.

    ## Why is this bad?
    At inference the model is given the tools; trained on calls to functions it was not
    given, it learns to call functions that do not exist. Often a renamed tool.

    ## Example
    ```json
    {"tools": [{"type": "function", "function": {"name": "get_weather"}}], "messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "get_forecast", "arguments": "{}"}}]}]}
    ```

    ## Use instead
    Call `get_weather`, or declare `get_forecast` in `tools`.
    ```json
    {"tools": [{"type": "function", "function": {"name": "get_weather"}}], "messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]}]}
    ```
    """

    id = "undeclared_tool"
    level = Level.WARNING
    summary = "A call names a function the example's `tools` do not declare."
    applies_to = _LINE_FORMATS

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        declared = _declared_names(example, ctx.spec)
        if declared is None:
            return
        for path, function in called_functions(example, ctx.spec):
            name = function.get("name")
            if isinstance(name, str) and name not in declared:
                yield Problem((*path, "name"), f"function '{name}' is not declared in tools")


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


class InvalidToolName(ExampleRule):
    """
    ## What it does
    Reports a declared or called function name that does not match the profile's pattern
    (OpenAI: `^[a-zA-Z0-9_-]{1,64}$`, letters, digits, underscores and dashes, at most 64).

    ## Why is this bad?
    The API refuses such names, and a model trained to call them produces calls no API accepts.

    ## Example
    ```json
    {"tools": [{"type": "function", "function": {"name": "get weather.v2"}}], "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ```

    ## Use instead
    ```json
    {"tools": [{"type": "function", "function": {"name": "get_weather_v2"}}], "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ```
    """

    id = "invalid_tool_name"
    level = Level.ERROR
    summary = "A tool or function name breaks the allowed pattern."
    applies_to = _LINE_FORMATS

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        pattern = ctx.profile.limits.name_pattern
        if not pattern:
            return
        functions = [
            declared_functions(item, path) for path, item in tool_definitions(example, ctx.spec)
        ]
        functions += list(called_functions(example, ctx.spec))
        for path, function in filter(None, functions):
            name = function.get("name")
            if isinstance(name, str) and not _compiled(pattern).fullmatch(name):
                yield Problem((*path, "name"), f"function name '{name}' does not match {pattern}")


class InvalidToolDefinition(ExampleRule):
    """
    ## What it does
    Reports `tools` that is not a list, a tool that is not `{"type": "function", "function":
    {...}}` with a string `name`, and `parameters` that is not a JSON Schema object (an object
    whose `type`, when given, is "object").

    ## Why is this bad?
    The service refuses tools that break the schema; parameters that are not an object schema
    cannot describe named arguments.

    ## Example
    ```json
    {"tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "string"}}}], "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ```

    ## Use instead
    ```json
    {"tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}], "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ```
    """

    id = "invalid_tool_definition"
    level = Level.ERROR
    summary = "A tool is not a function definition with a JSON Schema object."
    applies_to = _LINE_FORMATS

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        spec = ctx.spec
        for path in (spec.tools_path, spec.functions_path):
            value = value_at(example, path) if path else None
            if value is not None and not isinstance(value, list):
                yield Problem(path, f"{format_path(path)} is {json_type(value)}, not a list")
        for path, item in tool_definitions(example, spec):
            found = declared_functions(item, path)
            if found is None:
                yield Problem(
                    path,
                    f"{format_path(path)} is not a function tool ({{type: function, function}})",
                )
                continue
            if isinstance(item, dict) and "function" in item and item.get("type") != "function":
                yield Problem(path, f'{format_path(path)}.type is not "function"')
            function_path, function = found
            if not isinstance(function.get("name"), str):
                yield Problem(function_path, f"{format_path(function_path)} has no string 'name'")
            parameters = function.get("parameters")
            if "parameters" in function and not (
                isinstance(parameters, dict) and parameters.get("type", "object") == "object"
            ):
                shown = json_type(parameters)
                if isinstance(parameters, dict):
                    shown = f"a schema of type {json.dumps(parameters.get('type'))}"
                yield Problem(
                    (*function_path, "parameters"),
                    f"parameters is {shown}, not a JSON Schema object",
                )
