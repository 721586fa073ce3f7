"""The strings of an example, and its words.

``strings`` yields every string value with its JSON path (for scanners that must point at
the exact string). ``training_text`` yields the strings that make an example what it is,
without the boilerplate templated datasets repeat in every line (system prompts, tool
definitions, role names), for the similarity checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tunelint.diagnostics import JsonPath

_SHARED_KEYS = frozenset({"system", "systemInstruction", "tools", "functions", "toolConfig"})
"""Keys whose values are the same in most lines of a templated dataset."""
_LABEL_KEYS = frozenset({"role", "from", "type", "id", "tool_call_id", "mimeType", "name"})
"""Keys whose string values are labels, not text."""
_SYSTEM_ROLES = frozenset({"system", "developer"})
_WORD = re.compile(r"\w+")


def strings(value: Any) -> Iterator[tuple[JsonPath, str]]:
    """(path, string) of every string value inside ``value``, in document order.

    Iterative, so nesting depth costs no stack.
    """
    stack: list[tuple[JsonPath, Any]] = [((), value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            yield path, node
        elif isinstance(node, dict):
            stack.extend(((*path, key), item) for key, item in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend(((*path, index), item) for index, item in reversed(list(enumerate(node))))


def _is_system_message(node: dict) -> bool:
    speaker = node.get("role", node.get("from"))
    return isinstance(speaker, str) and speaker in _SYSTEM_ROLES


def training_text(value: Any) -> Iterator[str]:
    """The strings of an example that carry its own content: every string value except
    system and developer messages, tool definitions and label-like keys (role, type, ...)."""
    stack: list[Any] = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            if _is_system_message(node):
                continue
            stack.extend(
                item
                for key, item in reversed(node.items())
                if key not in _SHARED_KEYS and key not in _LABEL_KEYS
            )
        elif isinstance(node, list):
            stack.extend(reversed(node))


def words(text: str) -> list[str]:
    """The normalised words of ``text``: runs of letters and digits, each case-folded, so
    punctuation, spacing and case do not tell two texts apart."""
    folded = text.casefold()
    if len(folded) == len(text):  # the usual case: fold once, words keep their offsets
        return _WORD.findall(folded)
    return [word.casefold() for word in _WORD.findall(text)]


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) in ``text`` of each of its ``words``, in order."""
    return [match.span() for match in _WORD.finditer(text)]
