"""Tokenize rendered chats in batches, each distinct piece of text once.

``tokenizers`` first splits a text at its added tokens (``<|im_start|>``, ``<|im_end|>``, ...)
and then normalizes, pre-tokenizes and encodes each piece between them on its own: so the
tokens of a chat are the tokens of its pieces, in order. The pieces that repeat across a
dataset (system prompts, tool definitions, the template's own headers) are encoded once and
kept in a bounded cache; the others are encoded in one ``encode_batch`` call per batch (on all
cores). This holds only when every added token is matched on the raw text as is (not
normalized, no ``lstrip``/``rstrip``/``single_word``) and special tokens are not split; for
other tokenizers each chat is encoded whole, as transformers does. Only the pieces around the
positions the caller will look up (``boundaries``) are encoded with their offsets; the others
with ``encode_batch_fast``, which skips them.
"""

from __future__ import annotations

import bisect
import re
import threading
from dataclasses import dataclass
from typing import Any

CACHE_BUDGET = 32_000_000
"""Characters of cached pieces kept before the cache is emptied."""


class _Piece:
    """The tokens of one piece of text: their number, and their offsets when asked for (from
    the piece's encoding, or by encoding its text again once the encoding was dropped)."""

    __slots__ = ("_ends", "_source", "_starts", "count")

    def __init__(self, count: int, source: Any) -> None:
        self.count = count
        self._source = source
        """A ``tokenizers.Encoding``, or (tokenizer, text), or the offsets themselves."""
        self._starts: list[int] | None = None
        self._ends: list[int] | None = None

    def _offsets(self) -> None:
        source = self._source
        if isinstance(source, tuple) and isinstance(source[1], str):
            source = source[0].encode(source[1], add_special_tokens=False)
        offsets = source if isinstance(source, list) else source.offsets
        self._starts, self._ends = [o[0] for o in offsets], [o[1] for o in offsets]
        self._source = None

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            self._offsets()
        return self._starts  # type: ignore[return-value]

    @property
    def ends(self) -> list[int]:
        if self._ends is None:
            self._offsets()
        return self._ends  # type: ignore[return-value]


@dataclass(frozen=True)
class Tokens:
    """The tokens of one chat: their number, and where each piece's tokens and text start."""

    count: int
    char_starts: list[int]
    token_starts: list[int]
    pieces: list[_Piece]

    @classmethod
    def of_encoding(cls, encoding: Any) -> Tokens:
        """The tokens of one ``tokenizers.Encoding``."""
        return cls(len(encoding), [0], [0], [_Piece(len(encoding), encoding)])

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """[first, stop) of the tokens overlapping characters [start, end) (a token whose
        offsets end after ``start`` and begin before ``end``, as transformers' mask)."""
        return self._first_ending_after(start), self._first_starting_at(end)

    def _first_ending_after(self, position: int) -> int:
        index = max(bisect.bisect_right(self.char_starts, position) - 1, 0)
        for k in range(index, len(self.pieces)):
            piece, base = self.pieces[k], self.char_starts[k]
            local = bisect.bisect_right(piece.ends, position - base)
            if local < piece.count:
                return self.token_starts[k] + local
        return self.count

    def _first_starting_at(self, position: int) -> int:
        index = bisect.bisect_left(self.char_starts, position) - 1
        if index < 0:
            return 0
        piece, base = self.pieces[index], self.char_starts[index]
        return self.token_starts[index] + bisect.bisect_left(piece.starts, position - base)


class ChatEncoder:
    """Encodes batches of rendered chats with one tokenizer (see the module docstring)."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        added = list(tokenizer.get_added_tokens_decoder().values())
        self.by_pieces = not tokenizer.encode_special_tokens and all(
            not (t.normalized or t.lstrip or t.rstrip or t.single_word) for t in added
        )
        contents = sorted({t.content for t in added if t.content}, key=len, reverse=True)
        self.split = (
            re.compile("(" + "|".join(map(re.escape, contents)) + ")") if contents else None
        )
        self.added = frozenset(contents)
        self.cache: dict[str, _Piece] = {}
        self.cached_chars = 0
        self._lock = threading.Lock()
        """Held while encoding: batches may come from more than one thread (the chat cache's
        worker, ``analyse``'s), and each reads and empties the cache."""

    def _split(self, text: str) -> list[str]:
        return [p for p in self.split.split(text) if p] if self.split else [text] if text else []

    def _remember(self, text: str, piece: _Piece) -> None:
        if self.cached_chars + len(text) > CACHE_BUDGET:
            self.cache.clear()
            self.cached_chars = 0
        self.cache[text] = piece
        self.cached_chars += len(text)

    def encode(
        self, texts: list[str], boundaries: list[tuple[int, ...]] | None = None
    ) -> list[Tokens]:
        """The tokens of each text (``add_special_tokens=False``); safe from any thread.

        ``boundaries``: for each text, the character positions ``Tokens.token_range`` will
        be asked about; the offsets of other pieces are computed only if asked for after all
        (by encoding the piece again), so any position may be asked about."""
        with self._lock:
            return self._encode(texts, boundaries or [()] * len(texts))

    def _encode(self, texts: list[str], boundaries: list[tuple[int, ...]]) -> list[Tokens]:
        if not self.by_pieces:
            encodings = self.tokenizer.encode_batch(texts, add_special_tokens=False)
            return [Tokens.of_encoding(e) for e in encodings]
        split = [self._split(text) for text in texts]
        known: dict[str, _Piece] = {}
        missing: dict[str, bool] = {}
        """Pieces to encode -> whether their offsets are wanted."""
        for parts, wanted in zip(split, boundaries, strict=True):
            start = 0
            for part in parts:
                end = start + len(part)
                if part in self.added:
                    known[part] = _Piece(1, [(0, len(part))])
                elif part in self.cache:
                    known[part] = self.cache[part]
                else:
                    near = any(start <= position <= end for position in wanted)
                    missing[part] = missing.get(part, False) or near
                start = end
        with_offsets = [text for text, wanted in missing.items() if wanted]
        encodings = _encoded(self.tokenizer.encode_batch, with_offsets)
        for text, encoding in zip(with_offsets, encodings, strict=True):
            known[text] = _Piece(len(encoding), encoding)
            self._remember(text, _Piece(len(encoding), (self.tokenizer, text)))
        counted = [text for text, wanted in missing.items() if not wanted]
        fast = getattr(self.tokenizer, "encode_batch_fast", self.tokenizer.encode_batch)
        for text, encoding in zip(counted, _encoded(fast, counted), strict=True):
            known[text] = _Piece(len(encoding), (self.tokenizer, text))
            self._remember(text, known[text])
        return [self._join(parts, known) for parts in split]

    @staticmethod
    def _join(parts: list[str], known: dict[str, _Piece]) -> Tokens:
        char_starts, token_starts, pieces = [], [], []
        chars = tokens = 0
        for part in parts:
            piece = known[part]
            char_starts.append(chars)
            token_starts.append(tokens)
            pieces.append(piece)
            chars += len(part)
            tokens += piece.count
        return Tokens(tokens, char_starts, token_starts, pieces)


def _encoded(encode_batch: Any, texts: list[str]) -> list[Any]:
    return encode_batch(texts, add_special_tokens=False) if texts else []
