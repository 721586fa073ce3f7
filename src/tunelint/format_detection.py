"""Which line format an example is in (chat, preference, completion, reinforcement).

A file's format is the format of its first example that shows one, unless the config's
``format`` or ``--format-type`` forces it. What marks each format is profile data
(``detect_keys``, ``detect_roles``); this module only applies it. A format that reads the
config's Axolotl fields (``axolotl_fields``) is also marked by the message list the config
names, and comes first when the config renames anything, since the fields it names are
then not the OpenAI shape's even where the key is ``messages``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tunelint.profile import FormatSpec, Profile
from tunelint.shapes import TurnFields

OTHER_FORMAT = "mixed_formats"
"""Why a line in another format than its file's is not checked as an example: the id of the
rule that reports it (``tunelint.rules.mixed_formats``)."""


def _has_role(example: dict, path: tuple, roles: tuple[str, ...]) -> bool:
    listed = example.get(path[0]) if len(path) == 1 else None
    return isinstance(listed, list) and any(
        isinstance(message, dict) and message.get("role") in roles for message in listed
    )


def _matches(
    example: dict, spec: FormatSpec, profile: Profile, detect_keys: tuple[str, ...]
) -> bool:
    if not any(key in example for key in detect_keys):
        return False
    if not spec.detect_roles:
        return True
    # A format told apart from the default one by its roles (reinforcement from chat): a
    # message with such a role, or keys the default format refuses and nothing to learn from.
    path = spec.conversation_path or ()
    if path and _has_role(example, path, spec.detect_roles):
        return True
    default = profile.formats[profile.default_format]
    extra = any(key not in default.top_level_keys for key in example)
    return extra and bool(path) and not _has_role(example, path, ("assistant",))


_classified: tuple[Any, Any, Any, str | None] = (None, None, None, None)
"""The last example classified, its profile, settings and format: the detector and the
``mixed_formats`` rule ask about the same example once per line."""
_orders: tuple[Any, Any, list[tuple[FormatSpec, tuple[str, ...]]]] = (None, None, [])
"""The last profile and Axolotl settings, with the formats in the order they are tried and
the keys that mark each."""


def _order(
    profile: Profile, settings: Mapping[str, Any]
) -> list[tuple[FormatSpec, tuple[str, ...]]]:
    """The formats in the order they are tried, each with its detecting keys: one the config
    renames first, then those told apart by their roles, then the rest in profile order."""
    global _orders
    last_profile, last_fields, order = _orders
    fields = settings.get("axolotl")
    if last_profile is profile and last_fields is fields:
        return order
    marked = []
    for spec in profile.formats.values():
        turns = TurnFields.of(spec, settings)
        renamed = spec.axolotl_fields and turns.renamed
        keys = (turns.list_key, *spec.detect_keys) if renamed else spec.detect_keys
        marked.append((not renamed, not spec.detect_roles, spec, keys))
    order = [(spec, keys) for *_, spec, keys in sorted(marked, key=lambda m: m[:2])]
    _orders = (profile, fields, order)
    return order


def classify(
    example: Any, profile: Profile, settings: Mapping[str, Any] | None = None
) -> str | None:
    """The format an example shows, or None when it shows none (not an object, no known key);
    ``settings``: the config's, whose ``axolotl`` fields may mark a format."""
    global _classified
    if not isinstance(example, dict):
        return None
    last_example, last_profile, last_settings, shown = _classified
    if last_example is example and last_profile is profile and last_settings is settings:
        return shown
    shown = next(
        (
            spec.name
            for spec, keys in _order(profile, settings or {})
            if _matches(example, spec, profile, keys)
        ),
        None,
    )
    _classified = (example, profile, settings, shown)
    return shown


def check_format_name(name: str, profile: Profile) -> str:
    """``name`` if the profile has that format; raises ValueError naming the known ones."""
    if name not in profile.formats:
        raise ValueError(f"unknown format type {name!r}; choose from {', '.join(profile.formats)}")
    return name


class FormatDetector:
    """Decides a file's format from its first example that shows one, or takes a forced one."""

    def __init__(
        self,
        profile: Profile,
        forced: str | None = None,
        decided: str | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> None:
        """``decided``: a format already detected from the file's first lines (by the process
        that split the file into parts), kept as if this detector had seen those lines;
        ``settings``: the config's (its Axolotl fields mark a format)."""
        self.profile = profile
        self.settings = settings
        self.forced = forced is not None
        chosen = forced or decided
        self.format = check_format_name(chosen, profile) if chosen else profile.default_format
        self.decided = chosen is not None

    def observe(self, example: Any) -> str | None:
        """Note one parsed example; return its own format (None if it shows none)."""
        shown = classify(example, self.profile, self.settings)
        if not self.decided and shown is not None:
            self.format, self.decided = shown, True
        return shown
