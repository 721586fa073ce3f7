"""Load a provider profile: the data that says which keys, roles and content a format allows."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

DEFAULT_PROFILE = "openai"

JsonPath = tuple[str | int, ...]


def format_size(count: int) -> str:
    """A byte count as the providers write it: "512 MB", "1 GB", "50.1 GB"."""
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20)):
        if count >= factor and count % factor == 0:
            return f"{count // factor:,} {unit}"
    return f"{count / 1e9:g} GB" if count >= 10**9 else f"{count:,} bytes"


@dataclass(frozen=True)
class RoleSpec:
    """What one role may carry in a chat message."""

    keys: frozenset[str]
    required: tuple[str, ...] = ()
    content: str = "required"  # required | required_unless | nullable
    content_unless: tuple[str, ...] = ()
    content_parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormatSpec:
    """One line format: how to recognize it, its keys, and where its messages live."""

    name: str
    title: str
    service_name: str
    top_level_keys: tuple[str, ...]
    roles: dict[str, RoleSpec] = field(default_factory=dict)
    detect_keys: tuple[str, ...] = ()
    detect_roles: tuple[str, ...] = ()
    extra_keys: bool = False
    object_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    message_lists: tuple[JsonPath, ...] = ()
    outputs: tuple[str, ...] = ()
    output_role: str | None = None
    string_keys: tuple[str, ...] = ()
    tools_path: JsonPath | None = None
    functions_path: JsonPath | None = None
    kind: str = "chat"
    """Which rules apply: chat, preference, completion, reinforcement or text."""
    shape: str | None = None
    """The reader that normalizes this line shape into the OpenAI one (``tunelint.shapes``)."""
    turn_order: str = "any"
    """any | system_then_alternate | user_first_assistant_last"""
    max_system_messages: int | None = None

    @property
    def message_keys(self) -> frozenset[str]:
        return frozenset().union(*(spec.keys for spec in self.roles.values()))

    @property
    def conversation_path(self) -> JsonPath | None:
        """Where the conversation's messages are (the first message list), if any."""
        return self.message_lists[0] if self.message_lists else None


@dataclass(frozen=True)
class Limits:
    """Numbers and patterns the service enforces; ``None`` where a provider has no such rule."""

    min_examples: int | None = None
    max_images_per_example: int | None = None
    max_image_bytes: int | None = None
    image_url_schemes: tuple[str, ...] = ()
    image_data_types: tuple[str, ...] = ()
    name_pattern: str | None = None
    max_examples: int | None = None
    max_file_bytes: int | None = None
    requires_bom: bool = False
    reserved_words: tuple[str, ...] = ()
    images_need_zero_weight: bool = False


@dataclass(frozen=True)
class ProfileModel:
    """A model a profile trains, with what its source publishes (None: not published)."""

    name: str
    max_tokens: int | None
    tokenizer: str
    price_per_million: float | None
    source: str


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    checked: str
    formats: dict[str, FormatSpec]
    default_format: str
    limits: Limits
    raw: dict[str, Any]
    models: tuple[ProfileModel, ...] = ()
    notes: dict[str, str] = field(default_factory=dict)
    """Per rule id: the provider's own wording, added to that rule's messages."""

    @property
    def chat(self) -> FormatSpec:
        """The supervised chat format (the core's rules and other callers read it)."""
        return self.formats["chat"]


def available_profiles() -> list[str]:
    folder = resources.files("tunelint.profiles")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def _role_spec(spec: dict[str, Any]) -> RoleSpec:
    return RoleSpec(
        keys=frozenset(spec["keys"]),
        required=tuple(spec.get("required", ())),
        content=spec.get("content", "required"),
        content_unless=tuple(spec.get("content_unless", ())),
        content_parts=tuple(spec.get("content_parts", ())),
    )


def _format_spec(name: str, data: dict[str, Any]) -> FormatSpec:
    tools_path, functions_path = data.get("tools_path"), data.get("functions_path")
    return FormatSpec(
        name=name,
        title=data.get("title", name),
        service_name=data.get("service_name", name),
        top_level_keys=tuple(data["top_level_keys"]),
        roles={role: _role_spec(spec) for role, spec in data.get("roles", {}).items()},
        detect_keys=tuple(data.get("detect_keys", ())),
        detect_roles=tuple(data.get("detect_roles", ())),
        extra_keys=bool(data.get("extra_keys", False)),
        object_keys={key: tuple(keys) for key, keys in data.get("object_keys", {}).items()},
        message_lists=tuple(tuple(path) for path in data.get("message_lists", ())),
        outputs=tuple(data.get("outputs", ())),
        output_role=data.get("output_role"),
        string_keys=tuple(data.get("string_keys", ())),
        tools_path=tuple(tools_path) if tools_path else None,
        functions_path=tuple(functions_path) if functions_path else None,
        kind=data.get("kind", name),
        shape=data.get("shape"),
        turn_order=data.get("turn_order", "any"),
        max_system_messages=data.get("max_system_messages"),
    )


def merged(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """``child`` laid over ``base``: mappings merge key by key, a ``null`` removes a key."""
    result = dict(base)
    for key, value in child.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def _raw_profile(name: str) -> dict[str, Any]:
    text = resources.files("tunelint.profiles").joinpath(f"{name}.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    parent = raw.pop("extends", None)
    return merged(_raw_profile(parent), raw) if parent else raw


def _model(data: dict[str, Any]) -> ProfileModel:
    return ProfileModel(
        name=data["name"],
        max_tokens=data.get("max_tokens"),
        tokenizer=data.get("tokenizer", "none"),
        price_per_million=data.get("price_per_million"),
        source=data["source"],
    )


@functools.cache
def load_profile(name: str = DEFAULT_PROFILE) -> Profile:
    """The named profile; raises KeyError naming the known ones when there is none."""
    if name not in available_profiles():
        raise KeyError(f"unknown profile {name!r}; known: {', '.join(available_profiles())}")
    raw = _raw_profile(name)
    limits = raw.get("limits", {})
    return Profile(
        name=raw["name"],
        title=raw["title"],
        checked=str(raw["checked"]),
        formats={fmt: _format_spec(fmt, data) for fmt, data in raw["formats"].items()},
        default_format=raw.get("default_format", "chat"),
        limits=Limits(
            min_examples=limits.get("min_examples"),
            max_images_per_example=limits.get("max_images_per_example"),
            max_image_bytes=limits.get("max_image_bytes"),
            image_url_schemes=tuple(limits.get("image_url_schemes", ())),
            image_data_types=tuple(limits.get("image_data_types", ())),
            name_pattern=limits.get("name_pattern"),
            max_examples=limits.get("max_examples"),
            max_file_bytes=limits.get("max_file_bytes"),
            requires_bom=bool(limits.get("requires_bom", False)),
            reserved_words=tuple(limits.get("reserved_words", ())),
            images_need_zero_weight=bool(limits.get("images_need_zero_weight", False)),
        ),
        raw=raw,
        models=tuple(_model(model) for model in raw.get("models", ())),
        notes=dict(raw.get("notes", {})),
    )
