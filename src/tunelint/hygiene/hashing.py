"""Deterministic 64-bit hashes of words and of word windows, shared by the similarity checks.

No ``hash()``: its seed differs between processes, and a file checked in parallel parts must
hash as in one pass. Requires numpy (the ``hygiene`` extra).
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np

MULTIPLIER = 0x9E3779B97F4A7C15
_WORD_CACHE_LIMIT = 200_000
_MASK64 = (1 << 64) - 1
_word_cache: dict[str, int] = {}


def _word_hash(word: str) -> int:
    encoded = word.encode("utf-8", "surrogatepass")
    return (zlib.crc32(encoded) << 32) | zlib.crc32(encoded, 0x5BD1E995)


def word_hashes(words: list[str]) -> Any:
    """One uint64 per word (two CRC-32s side by side). Known words come from a bounded cache
    through C-level lookups; only new words are hashed in Python."""
    cache = _word_cache
    new = set(words).difference(cache)
    if new:
        if len(cache) + len(new) > _WORD_CACHE_LIMIT:
            cache.clear()
            new = set(words)
        cache.update((word, _word_hash(word)) for word in new)
    return np.fromiter(map(cache.__getitem__, words), np.uint64, len(words))


def polynomial_hash(hashes: list[int]) -> int:
    """``window_hashes`` of one short run of word hashes, in plain Python."""
    combined = 0
    for value in hashes:
        combined = (combined * MULTIPLIER + value) & _MASK64
    return combined


def window_hashes(hashes: Any, width: int) -> Any:
    """The hash of every run of ``width`` consecutive words (a polynomial in the word
    hashes, wrapping at 2**64); empty when there are fewer words."""
    count = hashes.size - width + 1
    if count <= 0 or width <= 0:
        return np.empty(0, np.uint64)
    combined = hashes[:count].copy()
    for offset in range(1, width):
        combined = combined * np.uint64(MULTIPLIER) + hashes[offset : offset + count]
    return combined
