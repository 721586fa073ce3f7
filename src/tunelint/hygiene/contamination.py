"""An index of eval items by long word n-grams, to find eval text inside training examples.

``EvalIndex.build(paths)`` reads eval files: JSON Lines (a ``.jsonl``/``.json`` name; any
line format or shape, the item's text being ``text.training_text`` of the line) or plain
text, one item per line. Each item's strings are cut into normalised words (``text.words``)
and every run of ``ngram_words`` words (13 by default, as in the GPT-3 contamination study)
is hashed to 64 bits; a string shorter than that but of at least ``min_item_words`` words is
indexed whole, so short questions count too. N-grams shared by more than
``COMMON_NGRAM_ITEMS`` eval items are dropped: they are the benchmark's boilerplate
("Answer the following question ..."), not its content.

``EvalIndex.find(example)`` gives the first eval item that shares a passage with a training
example, and where in the example's strings it starts. The index is two sorted numpy arrays
(16 bytes per distinct n-gram): looking an example up is one ``searchsorted`` per window size.

``cached_index(paths, ...)`` loads each set of files once per process (keyed by path, size
and modification time); a bad eval file raises ``EvalFileError`` naming the file and line.
Only a regular file is read (opened without blocking: a FIFO or ``/dev/zero`` named in a
config is refused, not waited on or read forever), in lines of at most the reader's cap.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tunelint.diagnostics import JsonPath
from tunelint.hygiene import DEFAULT_MIN_ITEM_WORDS, DEFAULT_NGRAM_WORDS, HygieneError
from tunelint.hygiene.hashing import np, window_hashes, word_hashes
from tunelint.hygiene.text import strings, training_text, word_spans, words
from tunelint.reader import LongLine, read_lines

COMMON_NGRAM_ITEMS = 10
JSON_SUFFIXES = (".jsonl", ".json")


class EvalFileError(HygieneError):
    """An eval file that cannot be indexed; the message names the file and line."""


@dataclass(frozen=True)
class Contamination:
    """Where a training example shares a passage with an eval item."""

    path: JsonPath
    """The training string holding the passage."""
    start: int
    length: int
    """Characters of that string the passage covers (first to last shared word)."""
    eval_file: str
    eval_line: int
    other_items: int
    """How many more eval items the example shares a passage with."""


def _item_texts(path: Path, text: str, line: int) -> list[str]:
    if path.suffix.lower() not in JSON_SUFFIXES:
        return [text]
    if not text.strip():
        return []
    try:
        value = json.loads(text)
    except ValueError as error:
        raise EvalFileError(f"{path}:{line}: not valid JSON ({error.args[0][:80]})") from None
    except RecursionError:
        raise EvalFileError(f"{path}:{line}: not valid JSON (nested too deeply)") from None
    return list(training_text(value))


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise EvalFileError(f"{path}: cannot read eval file ({error.strerror})") from None
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise EvalFileError(f"{path}: cannot read eval file (not a regular file)")
    with os.fdopen(descriptor, "rb") as handle:
        try:
            for number, raw in enumerate(read_lines(handle), 1):
                if isinstance(raw, LongLine):
                    raise EvalFileError(f"{path}:{number}: a line over {raw.cap:,} bytes")
                try:
                    yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r\n")
                except UnicodeDecodeError:
                    raise EvalFileError(f"{path}:{number}: not UTF-8 text") from None
        except OSError as error:
            raise EvalFileError(f"{path}: cannot read eval file ({error.strerror})") from None


class EvalIndex:
    """The n-gram hashes of a set of eval items, sorted, with the item each came from."""

    def __init__(self, ngram_words: int, min_item_words: int) -> None:
        self.ngram_words = ngram_words
        self.min_item_words = min(min_item_words, ngram_words)
        self.items: list[tuple[str, int]] = []
        """(eval file, line) of each item, by item number."""
        self.hashes = np.empty(0, np.uint64)
        self.owners = np.empty(0, np.int64)
        self.widths: tuple[int, ...] = ()
        """Window sizes present in the index: ``ngram_words`` and shorter whole items."""

    def _item_hashes(self, texts: list[str]) -> tuple[Any, set[int]]:
        """The distinct window hashes of one item's strings, and the window sizes used."""
        parts, widths = [], set()
        for text in texts:
            hashes = word_hashes(words(text))
            width = min(self.ngram_words, hashes.size)
            if width >= self.min_item_words:
                parts.append(window_hashes(hashes, width))
                widths.add(width)
        return (np.unique(np.concatenate(parts)) if parts else np.empty(0, np.uint64)), widths

    @classmethod
    def build(
        cls,
        paths: list[str],
        ngram_words: int = DEFAULT_NGRAM_WORDS,
        min_item_words: int = DEFAULT_MIN_ITEM_WORDS,
    ) -> EvalIndex:
        """Index every item of the eval files ``paths``; raises EvalFileError."""
        index = cls(max(1, ngram_words), max(1, min_item_words))
        hashes: list[Any] = []
        owners: list[Any] = []
        widths: set[int] = set()
        for name in paths:
            path = Path(name)
            for line, text in _lines(path):
                found, used = index._item_hashes(_item_texts(path, text, line))
                if found.size:
                    hashes.append(found)
                    owners.append(np.full(found.size, len(index.items), np.int64))
                    index.items.append((name, line))
                    widths |= used
        if hashes:
            all_hashes, all_owners = np.concatenate(hashes), np.concatenate(owners)
            order = np.argsort(all_hashes, kind="stable")
            index.hashes, index.owners = all_hashes[order], all_owners[order]
            index._drop_common()
        index.widths = tuple(sorted(widths, reverse=True))
        return index

    def _drop_common(self) -> None:
        """Drop the n-grams of more than ``COMMON_NGRAM_ITEMS`` items (each item's hashes are
        distinct, so a hash's count in the sorted array is its number of items)."""
        _, counts = np.unique(self.hashes, return_counts=True)
        common = np.repeat(counts > COMMON_NGRAM_ITEMS, counts)
        self.hashes, self.owners = self.hashes[~common], self.owners[~common]

    def __len__(self) -> int:
        return len(self.items)

    def _owners(self, windows: Any) -> tuple[Any, list[int]]:
        """(indexes of the windows that are in the index, the item of every entry they hit, in
        window order)."""
        low = np.searchsorted(self.hashes, windows, "left")
        high = np.searchsorted(self.hashes, windows, "right")
        found = np.flatnonzero(high > low)
        items = [int(item) for i in found for item in self.owners[low[i] : high[i]]]
        return found, items

    def find(self, example: Any) -> Contamination | None:
        """The first passage of ``example`` (in string order) found in an eval item, or None."""
        if not self.hashes.size:
            return None
        first: Contamination | None = None
        matched: set[int] = set()
        for path, text in strings(example):
            hashes = word_hashes(words(text))
            for width in self.widths:
                found, items = self._owners(window_hashes(hashes, width))
                if not found.size:
                    continue
                matched.update(items)
                if first is None:
                    spans = word_spans(text)
                    start, end = spans[found[0]][0], spans[found[0] + width - 1][1]
                    first = Contamination(path, start, end - start, *self.items[items[0]], 0)
        if first is None:
            return None
        return Contamination(
            first.path, first.start, first.length, first.eval_file, first.eval_line,
            len(matched) - 1,
        )  # fmt: skip


_cache: dict[tuple, EvalIndex] = {}


def _identity(name: str) -> tuple[str, int, int]:
    try:
        status = os.stat(name)
    except OSError as error:
        raise EvalFileError(f"{name}: cannot read eval file ({error.strerror})") from None
    return name, status.st_size, status.st_mtime_ns


def cached_index(
    paths: list[str],
    ngram_words: int = DEFAULT_NGRAM_WORDS,
    min_item_words: int = DEFAULT_MIN_ITEM_WORDS,
) -> EvalIndex:
    """``EvalIndex.build``, once per process for the same files (unchanged) and sizes.
    Raises EvalFileError for a bad eval file."""
    key = (tuple(_identity(name) for name in paths), ngram_words, min_item_words)
    if key not in _cache:
        _cache.clear()  # one run checks against one eval set: keep one index
        _cache[key] = EvalIndex.build(paths, ngram_words, min_item_words)
    return _cache[key]
