"""Name an example by its content, not its line number: what baselines and suppressions match.

An example's hash is the SHA-256 of its canonical JSON (``json.dumps`` with ``sort_keys=True``,
``separators=(",", ":")``, ``ensure_ascii=False``, encoded as UTF-8), cut to 16 hex digits.
Key order and whitespace do not change it; any change to a value does. A line that does not
parse is named by the hash of its text instead (prefixed ``text:`` so the two never collide).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

HASH_DIGITS = 16


def canonical_json(value: Any) -> str:
    """The one text of a JSON value: sorted keys, no spaces, unicode kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_DIGEST_FORM = json.JSONEncoder(sort_keys=True, separators=(",", ":"), check_circular=False)
"""Canonical JSON again, but ASCII (``\\u`` escapes): a third cheaper to make and to hash
than the UTF-8 form baselines record. Equal for exactly the values the hash form is equal
for, so duplicates found by digest are the same; parsed JSON has no cycles to check."""


def example_digest(value: Any) -> bytes:
    """16 bytes naming a parsed example's value (duplicates compare these); not the hash
    baselines record, and never stored."""
    try:
        data = _DIGEST_FORM.encode(value).encode("ascii")
    except RecursionError:  # parsed by json.loads, but too deep to serialize again
        data = ("text:" + repr(value)[:1_000_000]).encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).digest()[:16]


def example_hash(value: Any) -> str:
    """The hash of a parsed example's canonical JSON, as baselines record it."""
    try:
        data = canonical_json(value)
    except RecursionError:
        data = "text:" + repr(value)[:1_000_000]
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_DIGITS]


def text_hash(text: str) -> str:
    """The hash of a line that is not an example (invalid JSON, blank)."""
    return hashlib.sha256(("text:" + text).encode("utf-8", "surrogatepass")).hexdigest()[
        :HASH_DIGITS
    ]
