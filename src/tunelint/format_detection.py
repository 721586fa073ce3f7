"""Which line format an example is in (chat, preference, completion, reinforcement).

A file's format is the format of its first example that shows one, unless the config's
``format`` or ``--format-type`` forces it. What marks each format is profile data
(``detect_keys``, ``detect_roles``); this module only applies it.
"""

from __future__ import annotations

from typing import Any

from tunelint.profile import FormatSpec, Profile

OTHER_FORMAT = "mixed_formats"
"""Why a line in another format than its file's is not checked as an example: the id of the
rule that reports it (``tunelint.rules.mixed_formats``)."""


def _has_role(example: dict, path: tuple, roles: tuple[str, ...]) -> bool:
    listed = example.get(path[0]) if len(path) == 1 else None
    return isinstance(listed, list) and any(
        isinstance(message, dict) and message.get("role") in roles for message in listed
    )


def _matches(example: dict, spec: FormatSpec, profile: Profile) -> bool:
    if not any(key in example for key in spec.detect_keys):
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


_classified: tuple[Any, Any, str | None] = (None, None, None)
"""The last example classified, its profile and its format: the detector and the
``mixed_formats`` rule ask about the same example once per line."""


def classify(example: Any, profile: Profile) -> str | None:
    """The format an example shows, or None when it shows none (not an object, no known key)."""
    global _classified
    if not isinstance(example, dict):
        return None
    last_example, last_profile, shown = _classified
    if last_example is example and last_profile is profile:
        return shown
    ordered = sorted(profile.formats.values(), key=lambda spec: not spec.detect_roles)
    shown = next((spec.name for spec in ordered if _matches(example, spec, profile)), None)
    _classified = (example, profile, shown)
    return shown


def check_format_name(name: str, profile: Profile) -> str:
    """``name`` if the profile has that format; raises ValueError naming the known ones."""
    if name not in profile.formats:
        raise ValueError(f"unknown format type {name!r}; choose from {', '.join(profile.formats)}")
    return name


class FormatDetector:
    """Decides a file's format from its first example that shows one, or takes a forced one."""

    def __init__(
        self, profile: Profile, forced: str | None = None, decided: str | None = None
    ) -> None:
        """``decided``: a format already detected from the file's first lines (by the process
        that split the file into parts), kept as if this detector had seen those lines."""
        self.profile = profile
        self.forced = forced is not None
        chosen = forced or decided
        self.format = check_format_name(chosen, profile) if chosen else profile.default_format
        self.decided = chosen is not None

    def observe(self, example: Any) -> str | None:
        """Note one parsed example; return its own format (None if it shows none)."""
        shown = classify(example, self.profile)
        if not self.decided and shown is not None:
            self.format, self.decided = shown, True
        return shown
