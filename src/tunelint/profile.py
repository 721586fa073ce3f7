"""Load a provider profile: the data that says which keys, roles and content a format allows.

A profile file is checked against the dataclasses below (``tunelint.schema``) when it is
loaded: an unknown or misspelt key, a wrong type or an unknown value is a ``ProfileError``
naming the file and line. A profile may ``extends:`` another: each file is checked on its
own (keys and types; ``null`` removes an inherited key), then the merged profile as a whole.
"""

from __future__ import annotations

import functools
import typing
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from tunelint.documents import parse_yaml, read_document
from tunelint.models import load_catalog
from tunelint.schema import AtLeast, OneOf, SchemaError, Where, convert, name_entries, shown

DEFAULT_PROFILE = "openai"

JsonPath = tuple[str | int, ...]
PositiveInt = Annotated[int, AtLeast(1)]
Kind = Literal["chat", "preference", "completion", "reinforcement", "text"]
KINDS = typing.get_args(Kind)
Tokenizer = Literal["tiktoken", "hf-tokenizer-json", "estimate"]
"""How a profile's models count tokens: bundled tiktoken encodings, the base model's
Hugging Face tokenizer.json, or no tokenizer that runs offline (an estimate)."""


def available_profiles() -> list[str]:
    folder = resources.files("tunelint.profiles")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def model_tokenizers() -> list[str]:
    """What a profile model's ``tokenizer`` may be: a bundled encoding, or a kind."""
    return [*load_catalog().encodings, "hf-tokenizer-json", "estimate"]


class ProfileError(SchemaError):
    """A profile file that does not fit the schema (a bug in the bundled data, or a user's)."""


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
    content: Literal["required", "required_unless", "nullable"] = "required"
    content_unless: tuple[str, ...] = ()
    content_parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormatSpec:
    """One line format: how to recognize it, its keys, and where its messages live."""

    top_level_keys: tuple[str, ...]
    name: str = ""
    """The format's key in ``formats`` (given by the loader)."""
    title: str = ""
    """Default: the name."""
    service_name: str = ""
    """Default: the name."""
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
    kind: Kind | None = None
    """Which rules apply (default: the format's name, which must then be a kind)."""
    shape: str | None = None
    """The reader that normalizes this line shape into the OpenAI one (``tunelint.shapes``)."""
    axolotl_fields: bool = False
    """The config's ``axolotl`` settings name its message list, turn keys and role names
    (Axolotl's ``field_messages``, ``message_property_mappings``, ``roles``)."""
    turn_order: Literal["any", "system_then_alternate", "user_first_assistant_last"] = "any"
    max_system_messages: PositiveInt | None = None

    def __post_init__(self) -> None:
        for name in ("title", "service_name", "kind"):
            if not getattr(self, name):
                object.__setattr__(self, name, self.name)
        if self.kind not in KINDS:
            raise ValueError(f"format {shown(self.name)} needs a 'kind' ({', '.join(KINDS)})")

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

    min_examples: PositiveInt | None = None
    max_images_per_example: PositiveInt | None = None
    max_image_bytes: PositiveInt | None = None
    image_url_schemes: tuple[str, ...] = ()
    image_data_types: tuple[str, ...] = ()
    name_pattern: str | None = None
    max_examples: PositiveInt | None = None
    max_file_bytes: PositiveInt | None = None
    requires_bom: bool = False
    reserved_words: tuple[str, ...] = ()
    images_need_zero_weight: bool = False


@dataclass(frozen=True)
class ProfileModel:
    """A model a profile trains, with what its source publishes (None: not published)."""

    name: str
    source: str
    tokenizer: Annotated[str, OneOf("tokenizer", model_tokenizers)] = "estimate"
    """A bundled encoding (``o200k_base``), ``hf-tokenizer-json`` or ``estimate``."""
    max_tokens: PositiveInt | None = None
    price_per_million: float | None = None


@dataclass(frozen=True)
class Training:
    """What the trainer does by default with a dataset (open-weight trainers; None: not
    published or not confirmed)."""

    trainer: str
    max_seq_length: PositiveInt | None = None
    """Tokens per example the trainer keeps by default (it truncates or drops the rest)."""
    loss: Literal["assistant", "completion", "all"] | None = None
    """What the loss covers by default on chat data: assistant messages, the completion of a
    prompt-completion pair, or every token."""


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    checked: str
    source: str
    tokenizer: Tokenizer
    formats: dict[str, FormatSpec]
    default_format: str = "chat"
    limits: Limits = field(default_factory=Limits)
    models: tuple[ProfileModel, ...] | None = None
    """The models the profile trains; None: the catalog's (``data/models.yaml``); empty: any
    model name, as a label for the user's base model."""
    notes: dict[str, str] = field(default_factory=dict)
    """Per rule id: the provider's own wording, added to that rule's messages."""
    training: Training | None = None
    extends: Annotated[str, OneOf("profile", available_profiles)] | None = None
    """The profile this one is laid over (resolved when loading)."""

    @property
    def chat(self) -> FormatSpec:
        """The supervised chat format (the core's rules and other callers read it)."""
        return self.formats["chat"]


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


def _layer(text: str, source: str, seen: tuple[str, ...], bundled: bool) -> dict[str, Any]:
    """One profile file checked on its own, laid over the profile it extends."""
    data, lines = parse_yaml(text, source, bundled)
    where = Where(source, lines)
    convert(Profile, data, where, partial=True)
    data = dict(data or {})
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if parent in seen:
        raise where.error(f"'extends' loops back to {parent}", "extends")
    return merged(_bundled_layer(parent, (*seen, parent)), data)


def _bundled_layer(name: str, seen: tuple[str, ...]) -> dict[str, Any]:
    text = resources.files("tunelint.profiles").joinpath(f"{name}.yaml").read_text("utf-8")
    return _layer(text, f"tunelint/profiles/{name}.yaml", seen, bundled=True)


def _profile(data: dict[str, Any], source: str) -> Profile:
    """The merged layers checked as a whole profile."""
    where = Where(source)
    name_entries(data.get("formats"), where / "formats")
    try:
        profile = convert(Profile, data, where)
    except ValueError as error:  # a format's __post_init__
        if isinstance(error, SchemaError):
            raise
        raise (where / "formats").error(str(error)) from None
    if profile.default_format not in profile.formats:
        raise (where / "default_format").error(
            f"{shown(profile.default_format)} is not one of its formats ({', '.join(profile.formats)})"
        )
    return profile


def load_profile_file(path: str | Path) -> Profile:
    """A profile from a file (its ``extends`` names a bundled profile); raises
    ``ProfileError``."""
    source = str(path)
    try:
        return _profile(_layer(read_document(path, "profile"), source, (), False), source)
    except SchemaError as error:
        raise ProfileError(error.message, error.source, error.line) from None


@functools.cache
def load_profile(name: str = DEFAULT_PROFILE) -> Profile:
    """The named bundled profile; raises KeyError naming the known ones when there is none,
    and ``ProfileError`` when its file does not fit the schema."""
    if name not in available_profiles():
        raise KeyError(f"unknown profile {shown(name)}; known: {', '.join(available_profiles())}")
    try:
        return _profile(_bundled_layer(name, (name,)), f"profile {name} (merged)")
    except SchemaError as error:
        raise ProfileError(error.message, error.source, error.line) from None
