"""A small declarative validator: type hints in, checked values out, errors with file and line.

A schema is ordinary Python typing: ``str``, ``int``, ``bool``, ``float``, ``datetime.date``,
``X | None``, ``Literal[...]``, ``list[X]``, ``tuple[X, ...]``, ``frozenset[X]``,
``dict[K, V]``, ``TypedDict`` classes (mappings with known keys) and dataclasses (records;
``field(metadata={"key": "per-file-ignores"})`` names a key that is not an identifier).
``Annotated`` adds what a type cannot say: ``AtLeast(1)``, ``AtMost(1)``,
``OneOf("profile", names)`` and ``Parse(function)`` for a value whose shape depends on other
data (rule options).

``convert(hint, value, where)`` checks ``value`` against ``hint`` and returns it converted
(lists to tuples, mappings to dataclasses). Unknown keys are refused with a did-you-mean;
every error is a ``SchemaError`` naming the file, the line of the offending key where known,
the key path and what is allowed, with the value shown truncated.

Why not a library (measured in fresh processes, best of 10, typing and dataclasses already
loaded, as they are in tunelint): importing pydantic 2 and building a first model costs about
100 ms on every start; cfgv (pre-commit's) 2 ms but reports no line numbers and checks no
nested types; this module, with difflib and reprlib, 5 ms.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import functools
import reprlib
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Union

KeyPath = tuple[str | int, ...]
"""Where a value is in its document: mapping keys as strings, list indices as ints."""

_SHOWN = reprlib.Repr()
_SHOWN.maxstring = _SHOWN.maxother = 40
_SHOWN.maxlist = _SHOWN.maxtuple = _SHOWN.maxdict = _SHOWN.maxset = 4
_SHOWN.maxlevel = 2
SHOWN_CHARS = 60


def shown(value: Any) -> str:
    """A value for an error message: its repr, bounded in size however large the value."""
    text = _SHOWN.repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


def did_you_mean(name: Any, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(name), list(known), n=1) if isinstance(name, str) else []
    return f"; did you mean '{close[0]}'?" if close else ""


def path_label(path: KeyPath) -> str:
    """``rules.over_token_limit``, ``overrides[0].files``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class SchemaError(ValueError):
    """A document that does not fit its schema; the message names the file and, where known,
    the line."""

    def __init__(self, message: str, source: str | None = None, line: int | None = None) -> None:
        self.message, self.source, self.line = message, source, line
        where = source or "<config>"
        super().__init__(
            f"{where}:{line}: {message}" if line is not None else f"{where}: {message}"
        )


@dataclass(frozen=True)
class Where:
    """A value's place: its document (name and key lines) and its key path in it."""

    source: str | None
    lines: Mapping[KeyPath, int] = dataclasses.field(default_factory=dict)
    path: KeyPath = ()
    key_line: int | None = None
    """For a mapping's key checked as a value: the key's line (and no key path: the message
    names what the key is, "unknown rule 'x'")."""

    def __truediv__(self, key: str | int) -> Where:
        return Where(
            self.source, self.lines, (*self.path, key if isinstance(key, int) else str(key))
        )

    @property
    def line(self) -> int | None:
        """The line of this key, else of the nearest enclosing key whose line is known."""
        if self.key_line is not None:
            return self.key_line
        for end in range(len(self.path), -1, -1):
            if self.path[:end] in self.lines:
                return self.lines[self.path[:end]]
        return None

    def error(self, problem: str, key: str | int | None = None) -> SchemaError:
        """An error about this value, or about its ``key`` (at that key's line)."""
        label = path_label(self.path)
        line = self.line if key is None else (self / key).line
        return SchemaError(f"{label}: {problem}" if label else problem, self.source, line)


@dataclass(frozen=True)
class AtLeast:
    """``Annotated[int, AtLeast(1)]``: a number no smaller than ``minimum``."""

    minimum: int


@dataclass(frozen=True)
class AtMost:
    """``Annotated[float, AtLeast(0), AtMost(1)]``: a number no larger than ``maximum``."""

    maximum: int


@dataclass(frozen=True)
class OneOf:
    """``Annotated[str, OneOf("profile", available_profiles)]``: one of the known names
    (``choices`` may be a function, so the names are read only when a value is checked)."""

    what: str
    choices: Iterable[str] | Callable[[], Iterable[str]]

    def known(self) -> list[str]:
        return list(self.choices() if callable(self.choices) else self.choices)


@dataclass(frozen=True)
class Parse:
    """``Annotated[Any, Parse(f, "a mapping")]``: ``f(value, where)`` checks and converts the
    value; ``accepts`` says what it takes, for documentation."""

    function: Callable[[Any, Where], Any]
    accepts: str


_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    datetime.date: "a date (YYYY-MM-DD)",
    type(None): "null",
}


def describe(hint: Any) -> str:
    """What a hint accepts, in words: "an integer >= 1 or null"."""
    base, extras = _unwrap(hint)
    parse = next((extra for extra in extras if isinstance(extra, Parse)), None)
    if parse is not None:
        return parse.accepts
    origin = typing.get_origin(base)
    if origin in (Union, types.UnionType):
        return " or ".join(describe(arg) for arg in typing.get_args(base))
    if origin is Literal:
        return "one of " + ", ".join(map(str, typing.get_args(base)))
    if origin in (list, tuple, frozenset):
        return "a list"
    if origin is dict or typing.is_typeddict(base) or dataclasses.is_dataclass(base):
        return "a mapping"
    text = _NAMES.get(base, getattr(base, "__name__", str(base)))
    bounds = [f">= {extra.minimum}" for extra in extras if isinstance(extra, AtLeast)]
    bounds += [f"<= {extra.maximum}" for extra in extras if isinstance(extra, AtMost)]
    return " ".join([text, " and ".join(bounds)]) if bounds else text


def name_entries(table: Any, where: Where) -> None:
    """Give each mapping in ``table`` (a mapping of mappings) its key as ``name``: in a
    document the key is the name, so writing ``name`` as well is refused."""
    for name, entry in table.items() if isinstance(table, dict) else ():
        if isinstance(entry, dict):
            if "name" in entry:
                raise (where / str(name)).error("the key is the name: remove 'name'", "name")
            entry["name"] = name


def _unwrap(hint: Any) -> tuple[Any, tuple[Any, ...]]:
    if typing.get_origin(hint) is typing.Annotated:
        return typing.get_args(hint)[0], tuple(hint.__metadata__)
    return hint, ()


def _kind_fits(hint: Any, value: Any) -> bool:
    """Whether ``value`` has the outer shape ``hint`` wants (which branch of a union)."""
    base, extras = _unwrap(hint)
    if any(isinstance(extra, Parse) for extra in extras) or base is Any:
        return True
    origin = typing.get_origin(base)
    if origin is Literal:
        return value in typing.get_args(base)
    if origin in (list, tuple, frozenset):
        return isinstance(value, list)
    if origin is dict or typing.is_typeddict(base) or dataclasses.is_dataclass(base):
        return isinstance(value, dict)
    if base is type(None):
        return value is None
    if base is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if base is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if base is datetime.date:
        return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)
    return isinstance(value, base)


def convert(hint: Any, value: Any, where: Where, partial: bool = False) -> Any:
    """``value`` checked against ``hint`` and converted; raises ``SchemaError``.

    ``partial``: a layer that will be merged over another (a profile that extends one), so
    required keys may be missing and ``null`` removes a key: only what is there is checked.
    """
    base, extras = _unwrap(hint)
    for extra in extras:
        if isinstance(extra, Parse):
            return extra.function(value, where)
    if partial and value is None:
        return None
    origin = typing.get_origin(base)
    if origin in (Union, types.UnionType):
        for arg in typing.get_args(base):
            if _kind_fits(arg, value):
                return convert(arg, value, where, partial)
        raise where.error(f"must be {describe(hint)}, not {shown(value)}")
    if origin is Literal:
        choices = typing.get_args(base)
        if value not in choices:
            raise where.error(
                f"must be one of {', '.join(map(str, choices))}, not {shown(value)}"
                f"{did_you_mean(value, [str(c) for c in choices])}"
            )
        return value
    if origin in (list, tuple, frozenset):
        return _sequence(origin, typing.get_args(base)[0], value, where, partial, hint)
    if origin is dict:
        return _mapping(*typing.get_args(base), value, where, partial, hint)
    if typing.is_typeddict(base) or dataclasses.is_dataclass(base):
        return _record(base, value, where, partial)
    if not _kind_fits(base, value) and base is not Any:
        raise where.error(f"must be {describe(hint)}, not {shown(value)}")
    for extra in extras:
        _check_extra(extra, value, where, hint)
    return float(value) if base is float else value


def _check_extra(extra: Any, value: Any, where: Where, hint: Any) -> None:
    out_of_range = (isinstance(extra, AtLeast) and not value >= extra.minimum) or (
        isinstance(extra, AtMost) and not value <= extra.maximum
    )  # written so that NaN is out of every range
    if out_of_range:
        raise where.error(f"must be {describe(hint)}, not {shown(value)}")
    if isinstance(extra, OneOf):
        known = extra.known()
        if value not in known:  # "unknown rule 'x'" says what it is: no key path needed
            listed = f" (known: {', '.join(known)})" if len(known) <= 16 else ""
            raise SchemaError(
                f"unknown {extra.what} {shown(value)}{did_you_mean(value, known)}{listed}",
                where.source,
                where.line,
            )


def _sequence(origin: Any, item: Any, value: Any, where: Where, partial: bool, hint: Any) -> Any:
    if not isinstance(value, list):
        raise where.error(f"must be {describe(hint)}, not {shown(value)}")
    items = [convert(item, element, where / index, partial) for index, element in enumerate(value)]
    return items if origin is list else origin(items)


def _mapping(
    key_hint: Any, value_hint: Any, value: Any, where: Where, partial: bool, hint: Any
) -> dict:
    if not isinstance(value, dict):
        raise where.error(f"must be {describe(hint)}, not {shown(value)}")
    return {
        convert(
            key_hint, key, Where(where.source, where.lines, (), (where / str(key)).line)
        ): convert(value_hint, item, where / str(key), partial)
        for key, item in value.items()
    }


@dataclass(frozen=True)
class _Field:
    name: str
    hint: Any
    required: bool


@functools.cache
def fields_of(record: type) -> dict[str, _Field]:
    """A TypedDict's or dataclass's keys as the document spells them."""
    hints = typing.get_type_hints(record, include_extras=True)
    if typing.is_typeddict(record):
        required = record.__required_keys__  # type: ignore[attr-defined]
        return {name: _Field(name, hints[name], name in required) for name in hints}
    declared = {}
    for item in dataclasses.fields(record):
        missing = (
            item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING
        )
        key = item.metadata.get("key", item.name)
        declared[key] = _Field(item.name, hints[item.name], missing and item.init)
    return declared


def _record(record: type, value: Any, where: Where, partial: bool) -> Any:
    if not isinstance(value, dict):
        raise where.error(f"must be a mapping, not {shown(value)}")
    declared = fields_of(record)
    for key in value:
        if key not in declared:
            raise where.error(
                f"unknown key {shown(key)}{did_you_mean(key, declared)}"
                f" (known: {', '.join(declared)})",
                str(key),
            )
    if not partial:
        for key, item in declared.items():
            if item.required and key not in value:
                raise where.error(f"missing key '{key}'")
    converted = {
        declared[key].name: convert(declared[key].hint, item, where / key, partial)
        for key, item in value.items()
    }
    if partial or typing.is_typeddict(record):
        return converted
    return record(**converted)
