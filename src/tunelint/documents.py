"""Reading YAML and TOML documents that may be hostile: bounded size, bounded alias expansion.

A document is read only from a regular file of at most ``MAX_DOCUMENT_BYTES`` (opened
without blocking, so a FIFO or a device is refused, never waited on). YAML is composed with
the safe loader, and before any value is constructed the size of the document with every
alias expanded is computed (in time linear in the text) and refused over
``MAX_EXPANDED_VALUES``: nine levels of nine aliases are an error in milliseconds, not
gigabytes. A scalar that cannot be built (a NUL byte, ``2024-99-99``, an integer of thousands
of digits, whose sexagesimal form ``1:1:...`` takes time quadratic in its length) is a
``SchemaError`` at its line too. Each key's line is recorded by key path, for error messages;
TOML gives no lines, so they are found by scanning the text once.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path
from typing import Any

import yaml

from tunelint.schema import KeyPath, SchemaError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

MAX_DOCUMENT_BYTES = 1 << 20
"""A config, extended config or pyproject.toml larger than this is refused (1 MiB)."""
MAX_EXPANDED_VALUES = 250_000
"""Values in a YAML document counting every alias expansion (1 MiB of plain YAML has fewer)."""
MAX_INTEGER_CHARACTERS = 100
"""The longest integer scalar a YAML document may hold (no setting needs a googol)."""


def read_document(path: str | Path, what: str = "config", limit: int = MAX_DOCUMENT_BYTES) -> str:
    """The text of a regular file of at most ``limit`` bytes; raises ``SchemaError``."""
    source = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise SchemaError(f"cannot read this {what}: {error.strerror}", source) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise SchemaError(f"a {what} must be a regular file, not a {_kind(mode)}", source)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(descriptor, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise SchemaError(f"cannot read this {what}: {error.strerror}", source) from None
    finally:
        os.close(descriptor)
    if size > limit:
        raise SchemaError(f"a {what} is at most {limit:,} bytes; this one is larger", source)
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError as error:
        raise SchemaError(f"cannot read: {error}", source) from None


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "directory"), (stat.S_ISFIFO, "FIFO"), (stat.S_ISCHR, "device"))
    return next((name for test, name in kinds if test(mode)), "special file")


# --- YAML ---------------------------------------------------------------------------------


class _BoundedSafeLoader(yaml.SafeLoader):
    """The safe loader, whose values fail only with a ``yaml.YAMLError`` at their node, and
    whose integers are bounded in length (their conversion is quadratic in it)."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, AttributeError) as error:  # e.g. month 99, !!int x
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read this value: {error}", node.start_mark
            ) from None

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        if len(node.value) > MAX_INTEGER_CHARACTERS:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"an integer of {len(node.value):,} characters; at most"
                f" {MAX_INTEGER_CHARACTERS} are read",
                node.start_mark,
            )
        return super().construct_yaml_int(node)


_BoundedSafeLoader.add_constructor("tag:yaml.org,2002:int", _BoundedSafeLoader.construct_yaml_int)


def parse_yaml(text: str, source: str, bundled: bool = False) -> tuple[Any, dict[KeyPath, int]]:
    """The document's value and the line of each key; raises ``SchemaError``.

    ``bundled``: tunelint's own data files, parsed with libyaml where it is installed (15x
    faster). Anything else takes the pure-Python parser, which ends deep nesting with a
    RecursionError where libyaml's composer overflows the C stack (100,000 ``[`` crash it).
    """
    if bundled:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    else:
        try:
            loader = _BoundedSafeLoader(text)
        except yaml.reader.ReaderError as error:  # a character YAML does not allow
            line = text.count("\n", 0, error.position) + 1
            raise SchemaError(
                f"not valid YAML: {str(error).splitlines()[0]}", source, line
            ) from None
    try:
        root = loader.get_single_node()
        if root is None:
            return None, {}
        _check_expansion(root, source)
        lines = _key_lines(root)
        return loader.construct_document(root), lines
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise SchemaError(
            f"not valid YAML: {problem}", source, mark.line + 1 if mark else None
        ) from None
    except RecursionError:
        raise SchemaError("not valid YAML here: nested too deeply", source) from None
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node, source: str) -> None:
    """Refuse a document whose aliases expand past ``MAX_EXPANDED_VALUES`` (or into itself)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise SchemaError("a YAML alias refers to itself", source, node.start_mark.line + 1)
        open_nodes.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        open_nodes.discard(key)
        sizes[key] = min(total, MAX_EXPANDED_VALUES + 1)
        if total > MAX_EXPANDED_VALUES:
            raise SchemaError(
                f"YAML aliases expand to more than {MAX_EXPANDED_VALUES:,} values here;"
                " write the values out instead",
                source,
                node.start_mark.line + 1,
            )
        return total

    size(root)


def _key_lines(root: yaml.Node) -> dict[KeyPath, int]:
    """The line of each key path. A node met again through an alias is not walked again:
    keys inside it take the line where the alias is used."""
    lines: dict[KeyPath, int] = {(): root.start_mark.line + 1}
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, KeyPath]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            children = [((*path, index), item, item) for index, item in enumerate(node.value)]
        elif isinstance(node, yaml.MappingNode):
            children = [
                ((*path, str(key.value)), key, value)
                for key, value in node.value
                if isinstance(key, yaml.ScalarNode)
            ]
        else:
            continue
        for child_path, marker, child in children:
            lines.setdefault(child_path, marker.start_mark.line + 1)
            stack.append((child, child_path))
    return lines


# --- TOML ---------------------------------------------------------------------------------

_TABLE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*'))*)\s*="""
)
_KEY_PART = re.compile(r"""[A-Za-z0-9_-]+|"([^"\n]*)"|'([^'\n]*)'""")


def _dotted(text: str) -> tuple[str, ...]:
    return tuple(
        match.group(1) if match.group(1) is not None else match.group(2) or match.group(0)
        for match in _KEY_PART.finditer(text)
    )


def toml_key_lines(text: str, table: tuple[str, ...]) -> dict[KeyPath, int]:
    """The line of each key under ``table`` (e.g. ``("tool", "tunelint")``), by key path
    relative to it: one pass over the lines, tables, arrays of tables and dotted keys."""
    lines: dict[KeyPath, int] = {}
    current: KeyPath | None = None
    arrays: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(text.split("\n"), 1):
        header = _TABLE.match(line)
        if header:
            name = _dotted(header.group(2))
            current = None
            if name[: len(table)] == table:
                current = name[len(table) :]
                if header.group(1) == "[[":
                    arrays[name] = arrays.get(name, -1) + 1
                    current = (*current, arrays[name])
                for end in range(len(current) + 1):
                    lines.setdefault(current[:end], number)
            continue
        key = _KEY.match(line)
        if key and current is not None:
            lines.setdefault((*current, *_dotted(key.group(1))), number)
    return lines


def read_pyproject_section(path: Path) -> tuple[Any, dict[KeyPath, int]]:
    """``[tool.tunelint]`` of a pyproject.toml and the line of each of its keys."""
    text = read_document(path)
    try:
        data = tomllib.loads(text)
    except ValueError as error:  # a TOMLDecodeError, or an integer of over 4,300 digits
        raise SchemaError(f"not valid TOML: {error}", str(path)) from None
    except RecursionError:
        raise SchemaError("not valid TOML here: nested too deeply", str(path)) from None
    return data.get("tool", {}).get("tunelint", {}), toml_key_lines(text, ("tool", "tunelint"))
