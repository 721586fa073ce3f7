"""Load a provider profile: the data that says which keys, roles and content a format allows."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

DEFAULT_PROFILE = "openai"


@dataclass(frozen=True)
class RoleSpec:
    """What one role may carry in a chat message."""

    keys: frozenset[str]
    required: tuple[str, ...] = ()
    content: str = "required"  # required | required_unless | nullable
    content_unless: tuple[str, ...] = ()
    content_parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChatSpec:
    top_level_keys: tuple[str, ...]
    roles: dict[str, RoleSpec] = field(default_factory=dict)

    @property
    def message_keys(self) -> frozenset[str]:
        return frozenset().union(*(spec.keys for spec in self.roles.values()))


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    checked: str
    chat: ChatSpec
    raw: dict[str, Any]


def available_profiles() -> list[str]:
    folder = resources.files("tunelint.profiles")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


@functools.cache
def load_profile(name: str = DEFAULT_PROFILE) -> Profile:
    """The named profile; raises KeyError naming the known ones when there is none."""
    if name not in available_profiles():
        raise KeyError(f"unknown profile {name!r}; known: {', '.join(available_profiles())}")
    text = resources.files("tunelint.profiles").joinpath(f"{name}.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    chat = raw["formats"]["chat"]
    roles = {
        role: RoleSpec(
            keys=frozenset(spec["keys"]),
            required=tuple(spec.get("required", ())),
            content=spec.get("content", "required"),
            content_unless=tuple(spec.get("content_unless", ())),
            content_parts=tuple(spec.get("content_parts", ())),
        )
        for role, spec in chat["roles"].items()
    }
    return Profile(
        name=raw["name"],
        title=raw["title"],
        checked=str(raw["checked"]),
        chat=ChatSpec(tuple(chat["top_level_keys"]), roles),
        raw=raw,
    )
