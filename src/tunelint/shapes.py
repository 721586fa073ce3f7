"""Readers for line shapes other than OpenAI's: each turns one example into the OpenAI shape.

A profile's format names its reader with ``shape:`` (bedrock, vertex, sharegpt,
prompt-completion, prompt-chosen-rejected). The reader checks the line in its own terms (its
top-level keys, its message list, its role names and message keys) and builds the OpenAI-shape
example the other rules, the token counter and the statistics read. It records where every
node it built came from, so a finding on the built example is reported at the line's own path
(``contents[1].parts[0].text``, not ``messages[1].content[0].text``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from tunelint.diagnostics import JsonPath, Problem, format_path
from tunelint.rules._chat import json_type, quoted_list

_ABSENT = object()


@dataclass
class Normalized:
    """The OpenAI-shape example, where its nodes came from, and the reader's own findings."""

    example: dict[str, Any] = field(default_factory=dict)
    origins: dict[JsonPath, JsonPath] = field(default_factory=dict)
    problems: list[tuple[str, Problem]] = field(default_factory=list)
    replaced: set[tuple[str, JsonPath]] = field(default_factory=set)
    """(rule, built path) of findings the reader reports in the line's own terms instead
    (TRL's empty answer is its own warning, not the generic empty-content error)."""

    def original_message(self, message: str, path: JsonPath) -> str:
        """``message`` with the first built path it names replaced by the line's own path."""
        for end in range(len(path), 0, -1):
            shown = format_path(path[:end])
            if shown in message:
                return message.replace(shown, format_path(self.original(path[:end])), 1)
        return message

    def original(self, path: JsonPath) -> JsonPath:
        """The line's own path for a path in the built example."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.origins:
                return (*self.origins[path[:end]], *path[end:])
        return path

    def report(self, rule: str, path: JsonPath, message: str, on_key: bool = False) -> None:
        self.problems.append((rule, Problem(path, message, on_key=on_key)))


def _check_keys(value: dict, path: JsonPath, allowed: Any, what: str, out: Normalized) -> None:
    for key in value:
        if key not in allowed:
            out.report(
                "example_unrecognized_key" if not path else "message_unrecognized_key",
                (*path, key),
                f"unrecognized {what} '{key}'; allowed: {quoted_list(allowed)}",
                on_key=True,
            )


def _message_list(example: dict, key: str, out: Normalized, required: bool = True) -> list:
    if required:
        out.origins[("messages",)] = (key,)
    listed = example.get(key)
    if listed is None and not required:
        return []
    if not isinstance(listed, list):
        shown = "missing" if key not in example else json_type(listed)
        out.report(
            "missing_messages_list",
            (key,) if key in example else (),
            f"'{key}' is {shown}, not a list",
        )
        return []
    return listed


def _add_message(
    out: Normalized,
    origin: JsonPath,
    role: Any,
    content: Any,
    content_origin: JsonPath,
    extra: dict[str, Any] | None = None,
) -> None:
    """Append one message to the built example and record where its parts came from."""
    messages = out.example.setdefault("messages", [])
    index = len(messages)
    message = {
        "role": role,
        **({} if content is _ABSENT else {"content": content}),
        **(extra or {}),
    }
    messages.append(message)
    out.origins[("messages", index)] = origin
    out.origins[("messages", index, "content")] = content_origin
    for key in extra or {}:
        out.origins[("messages", index, key)] = (*origin, key)


def _role(native: Any, names: dict[str, str], path: JsonPath, out: Normalized) -> Any:
    """The OpenAI role of a native role name; a finding, and the name unchanged, if unknown."""
    if isinstance(native, str) and native in names:
        return names[native]
    if not isinstance(native, str):
        out.report("unrecognized_role", path, f"role is {json_type(native)}, not a string")
    else:
        out.report("unrecognized_role", path, f"role '{native}' is not one of {quoted_list(names)}")
    return None


def _parts(blocks: Any, path: JsonPath, built: JsonPath, convert: Callable, out: Normalized) -> Any:
    """Content parts from a list of native blocks (``convert`` maps one block). A string is
    reported here and read as one text block; other values pass on for the content rules."""
    if isinstance(blocks, str):
        out.report(
            "missing_content", path, f"{format_path(path)} is a string, not a list of blocks"
        )
        blocks = [{"text": blocks}]
    if not isinstance(blocks, list):
        return blocks
    parts = []
    for index, block in enumerate(blocks):
        part = convert(block, (*path, index), out) if isinstance(block, dict) else None
        if part is None:
            where = format_path((*path, index))
            out.report("data_type", (*path, index), f"{where} is not a content block")
            continue
        converted, origins = part
        out.origins[(*built, len(parts))] = (*path, index)
        for inner, native in origins.items():
            out.origins[(*built, len(parts), *inner)] = (*path, index, *native)
        parts.append(converted)
    return parts


def _text(text: Any, origin: JsonPath) -> tuple[dict, dict]:
    return {"type": "text", "text": text}, {("text",): origin}


def _bedrock_block(block: dict, path: JsonPath, out: Normalized) -> tuple[dict, dict] | None:
    if "text" in block:
        return _text(block["text"], ("text",))
    if isinstance(block.get("reasoningContent"), dict):
        reasoning = block["reasoningContent"].get("reasoningText")
        text = reasoning.get("text") if isinstance(reasoning, dict) else None
        return _text(text, ("reasoningContent", "reasoningText", "text"))
    for kind in ("image", "video"):
        media = block.get(kind)
        if isinstance(media, dict):
            source = media.get("source")
            location = source.get("s3Location") if isinstance(source, dict) else None
            uri = location.get("uri") if isinstance(location, dict) else None
            where = (kind, "source", "s3Location", "uri")
            if kind == "image":
                return {"type": "image_url", "image_url": {"url": uri}}, {
                    ("image_url", "url"): where
                }
            return {"type": "file", "file": {"url": uri}}, {("file", "url"): where}
    return None


@dataclass(frozen=True)
class _Turns:
    """Where a block-based shape keeps its turns: Bedrock ``messages[].content``, Vertex
    ``contents[].parts``, and the role names it uses."""

    list_key: str
    content_key: str
    roles: dict[str, str]
    noun: str

    def read(self, example: dict, block_reader: Any, out: Normalized) -> None:
        """Add every turn of ``example`` to ``out`` as an OpenAI-shape message."""
        for index, message in enumerate(_message_list(example, self.list_key, out)):
            path = (self.list_key, index)
            if not isinstance(message, dict):
                out.report(
                    "data_type", path, f"{format_path(path)} is {json_type(message)}, not an object"
                )
                continue
            _check_keys(message, path, ("role", self.content_key), f"key in a {self.noun}", out)
            role = _role(message.get("role"), self.roles, (*path, "role"), out)
            built = ("messages", len(out.example.get("messages", [])), "content")
            where = (*path, self.content_key)
            parts = (
                _parts(message[self.content_key], where, built, block_reader, out)
                if self.content_key in message
                else _ABSENT
            )
            _add_message(out, path, role, parts, where)
            out.origins[(*built[:2], "role")] = (*path, "role")


def bedrock(example: dict, spec: Any, settings: Mapping[str, Any]) -> Normalized:
    """``bedrock-conversation-2024``: ``system`` text blocks, ``messages`` of content blocks."""
    out = Normalized()
    _check_keys(example, (), spec.top_level_keys, "top-level key", out)
    system = _message_list(example, "system", out, required=False)
    if system:
        parts = _parts(system, ("system",), ("messages", 0, "content"), _bedrock_block, out)
        _add_message(out, ("system",), "system", parts, ("system",))
    turns = _Turns("messages", "content", {"user": "user", "assistant": "assistant"}, "message")
    turns.read(example, _bedrock_block, out)
    return out


def _vertex_part(block: dict, path: JsonPath, out: Normalized) -> tuple[dict, dict] | None:
    if "text" in block:
        return _text(block["text"], ("text",))
    data = block.get("fileData")
    if isinstance(data, dict):
        uri, mime = data.get("fileUri"), data.get("mimeType")
        where = ("fileData", "fileUri")
        if isinstance(mime, str) and mime.startswith("image/"):
            return {"type": "image_url", "image_url": {"url": uri}}, {("image_url", "url"): where}
        return {"type": "file", "file": {"url": uri}}, {("file", "url"): where}
    for kind in ("functionCall", "functionResponse"):
        if isinstance(block.get(kind), dict):
            return {"type": "text", "text": _compact(block[kind])}, {("text",): (kind,)}
    return None


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def vertex(example: dict, spec: Any, settings: Mapping[str, Any]) -> Normalized:
    """Gemini tuning: ``systemInstruction`` and ``contents`` of ``parts``, roles user and model."""
    out = Normalized()
    _check_keys(example, (), spec.top_level_keys, "top-level key", out)
    instruction = example.get("systemInstruction")
    if isinstance(instruction, dict):
        where = ("systemInstruction", "parts")
        parts = _parts(
            instruction.get("parts"), where, ("messages", 0, "content"), _vertex_part, out
        )
        _add_message(out, ("systemInstruction",), "system", parts, where)
    turns = _Turns("contents", "parts", {"user": "user", "model": "assistant"}, "content")
    turns.read(example, _vertex_part, out)
    if "tools" in example:
        out.example["tools"] = example["tools"]
        out.origins[("tools",)] = ("tools",)
    return out


SHAREGPT_ROLES = {"system": "system", "human": "user", "user": "user", "gpt": "assistant"}
SHAREGPT_LIST_KEY = "conversations"
SHAREGPT_TURN_KEYS = ("from", "value")


@dataclass(frozen=True)
class TurnFields:
    """Where a ShareGPT-like line keeps its turns, as Axolotl's dataset options name them:
    ``field_messages`` (the list's key), ``message_property_mappings`` (built key -> the
    turn's own key; role and content default to themselves) and ``roles`` (role -> the names
    that mean it; when given it replaces the default names, as in Axolotl's prompter)."""

    list_key: str = "messages"
    mappings: tuple[tuple[str, str], ...] = (("role", "role"), ("content", "content"))
    roles: tuple[tuple[str, str], ...] = ()
    """(name in the line, role) pairs; empty: ShareGPT's and OpenAI's names."""

    @classmethod
    def of(cls, spec: Any, settings: Mapping[str, Any]) -> TurnFields:
        """The config's ``axolotl`` fields for a format that reads them, else the defaults."""
        given = (settings.get("axolotl") or {}) if spec.axolotl_fields else {}
        mapped = {
            "role": "role",
            "content": "content",
            **(given.get("message_property_mappings") or {}),
        }
        roles = given.get("roles") or {}
        return cls(
            given.get("field_messages") or "messages",
            tuple(mapped.items()),
            tuple((name, role) for role, names in roles.items() for name in names),
        )

    @property
    def renamed(self) -> bool:
        """Whether the config names other fields than the OpenAI shape, read without a reader."""
        return self != TurnFields()

    @property
    def list_keys(self) -> tuple[str, ...]:
        """The keys a line may keep its turns in: the configured one, then ShareGPT's."""
        return (self.list_key, SHAREGPT_LIST_KEY) if self.renamed else (SHAREGPT_LIST_KEY,)

    @property
    def role_names(self) -> dict[str, str]:
        """Name in the line -> role. A name Axolotl does not map passes through unchanged, so
        the OpenAI role names keep their meaning beside configured ``roles``."""
        if not self.roles:
            return {**SHAREGPT_ROLES, "assistant": "assistant"}
        return {**{role: role for role in ("system", "user", "assistant")}, **dict(self.roles)}

    def turn_keys(self) -> list[tuple[str, str]]:
        """The (role, content) key pairs a turn may use: the mapped ones, then ShareGPT's."""
        mapped = dict(self.mappings)
        pair = (mapped["role"], mapped["content"])
        return [pair] if pair == SHAREGPT_TURN_KEYS else [pair, SHAREGPT_TURN_KEYS]


def sharegpt(example: dict, spec: Any, settings: Mapping[str, Any]) -> Normalized:
    """ShareGPT ``conversations`` (Axolotl, Unsloth): turns of ``from``/``value`` or
    ``role``/``content``; for Axolotl, the list, keys and role names its options give
    (``TurnFields``): a property mapped to another key is read from that key."""
    out = Normalized()
    if not spec.extra_keys:
        _check_keys(example, (), spec.top_level_keys, "top-level key", out)
    fields = TurnFields.of(spec, settings)
    names = fields.role_names
    pairs = fields.turn_keys()
    others = [(built, own) for built, own in fields.mappings if built not in ("role", "content")]
    key = next((k for k in fields.list_keys if k in example), fields.list_keys[0])
    for index, message in enumerate(_message_list(example, key, out)):
        path = (key, index)
        if not isinstance(message, dict):
            out.report(
                "data_type", path, f"{format_path(path)} is {json_type(message)}, not an object"
            )
            continue
        role_key, content_key = next((p for p in pairs if p[0] in message), pairs[-1])
        read = (role_key, content_key, *(own for _, own in others), "weight")
        _check_keys(message, path, read, "key in a turn", out)
        role = _role(message.get(role_key), names, (*path, role_key), out)
        extra = {
            built: message[own] for built, own in (*others, ("weight", "weight")) if own in message
        }
        content = message.get(content_key, _ABSENT)
        _add_message(out, path, role, content, (*path, content_key), extra)
        built_at = ("messages", len(out.example["messages"]) - 1)
        out.origins[(*built_at, "role")] = (*path, role_key)
        for built, own in others:
            out.origins[(*built_at, built)] = (*path, own)
    return out


def _turns(example: dict, key: str, role: str, out: Normalized) -> Iterator[tuple]:
    """(origin, role, content, content origin) of a TRL column: a string or a message list."""
    value = example.get(key)
    if isinstance(value, str):
        yield (key,), role, value, (key,)
    elif isinstance(value, list):
        for index, message in enumerate(value):
            path = (key, index)
            if isinstance(message, dict):
                content = message.get("content", _ABSENT)
                yield path, message.get("role"), content, (*path, "content")
            else:
                out.report(
                    "data_type", path, f"{format_path(path)} is {json_type(message)}, not an object"
                )
    else:
        shown = "missing" if key not in example else json_type(value)
        out.report(
            "missing_messages_list",
            (key,) if key in example else (),
            f"'{key}' is {shown}, not a string or a message list",
        )


def _conversation(example: dict, columns: tuple[tuple[str, str], ...], out: Normalized) -> None:
    for key, role in columns:
        for origin, speaker, content, content_origin in _turns(example, key, role, out):
            _add_message(out, origin, speaker, content, content_origin)
            out.origins[("messages", len(out.example["messages"]) - 1, "role")] = (
                (*origin, "role") if origin != content_origin else origin
            )


def prompt_completion(example: dict, spec: Any, settings: Mapping[str, Any]) -> Normalized:
    """TRL and Together prompt/completion: strings, or message lists (TRL), as one conversation."""
    out = Normalized()
    if not spec.extra_keys:
        _check_keys(example, (), spec.top_level_keys, "top-level key", out)
    _conversation(example, (("prompt", "user"), ("completion", "assistant")), out)
    out.origins[("messages",)] = ("prompt",)
    return out


def prompt_chosen_rejected(example: dict, spec: Any, settings: Mapping[str, Any]) -> Normalized:
    """TRL preference: ``prompt`` and the ``chosen``/``rejected`` answers, as OpenAI DPO input."""
    out = Normalized()
    if not spec.extra_keys:
        _check_keys(example, (), spec.top_level_keys, "top-level key", out)
    columns = (
        ("prompt", "user", ("input", "messages")),
        ("chosen", "assistant", ("preferred_output",)),
        ("rejected", "assistant", ("non_preferred_output",)),
    )
    for key, role, target in columns:
        if key != "prompt" and example.get(key) == "":
            out.report(
                "empty_preference_answer",
                (key,),
                f"'{key}' is an empty string: TRL trains on it as an empty answer",
            )
            out.replaced.add(("missing_content", (*target, 0, "content")))
        part = Normalized()
        _conversation(example, ((key, role),), part)
        out.problems += part.problems
        holder = out.example.setdefault("input", {}) if target[0] == "input" else out.example
        holder[target[-1]] = part.example.get("messages", [])
        out.origins[target] = (key,)
        for path, origin in part.origins.items():
            out.origins[(*target, *path[1:])] = origin
    return out


READERS: dict[str, Callable[[dict, Any, Mapping[str, Any]], Normalized]] = {
    "bedrock": bedrock,
    "vertex": vertex,
    "sharegpt": sharegpt,
    "prompt-completion": prompt_completion,
    "prompt-chosen-rejected": prompt_chosen_rejected,
}


def normalize(example: dict, spec: Any, settings: Mapping[str, Any] | None = None) -> Normalized:
    """The OpenAI-shape example of a line in the format ``spec`` (its ``shape`` names the
    reader), read with the config's ``settings`` (how Axolotl's fields are named)."""
    return READERS[spec.shape](example, spec, settings or {})
