"""MinHash signatures of normalised word shingles, and LSH banding to find near-duplicates.

An example's text (``text.training_text``: its own strings, without system prompts and tool
definitions) is cut into words (``text.words``) and shingles of ``shingle_words`` words.
Each shingle gets a 64-bit hash; the signature is, for each of ``PERMUTATIONS`` universal
hash functions (multiply-shift, ``(a * x + b) >> 32``), the smallest value over the
shingles. The share of equal positions in two signatures estimates the Jaccard similarity
of the two shingle sets (standard error at most 0.045 with 128 functions).

LSH banding: the signature is cut into ``bands`` bands of ``rows`` values, chosen for the
threshold (``band_shape``); two examples are compared only when one band is equal.

Everything is deterministic (no ``hash()``, whose seed differs between processes), so the
signatures of a file checked in parallel parts merge to those of one pass.

Requires numpy (the ``hygiene`` extra; see ``hashing``).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from tunelint.hygiene.hashing import MULTIPLIER, np, polynomial_hash, window_hashes, word_hashes
from tunelint.hygiene.text import training_text, words

PERMUTATIONS = 128
SIGNATURE_BYTES = PERMUTATIONS * 4
_CHUNK = 2048  # shingles hashed at once: bounds the temporary array to 2 MB


@lru_cache(maxsize=1)
def _permutations() -> tuple[Any, Any]:
    """The (a, b) of each hash function: fixed, so every process computes the same ones."""
    generator = np.random.Generator(np.random.PCG64(20260101))
    a = generator.integers(1, 2**63, PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = generator.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)
    return a, b


def shingle_hashes(texts: Iterable[str], shingle_words: int) -> Any:
    """64-bit hashes of the distinct ``shingle_words``-word shingles of ``texts`` (each text
    shingled on its own; a text shorter than a shingle is one shingle). The texts' words are
    hashed as one array and shingled in one pass; shingles across two texts are dropped."""
    long_texts: list[list[str]] = []
    short: list[int] = []
    for text in texts:
        found = words(text)
        if len(found) >= shingle_words:
            long_texts.append(found)
        elif found:
            short.append(polynomial_hash(word_hashes(found).tolist()))
    parts = [np.array(short, np.uint64)]
    if long_texts:
        sizes = np.fromiter(map(len, long_texts), np.int64, len(long_texts))
        hashes = word_hashes([word for found in long_texts for word in found])
        windows = window_hashes(hashes, shingle_words)
        text_end = np.repeat(np.cumsum(sizes), sizes)[: windows.size]
        within_one_text = np.arange(windows.size) + shingle_words <= text_end
        parts.append(windows[within_one_text])
    return np.unique(np.concatenate(parts))


def signature(shingles: Any) -> Any:
    """The MinHash signature (``PERMUTATIONS`` uint32 values) of a non-empty shingle array."""
    a, b = _permutations()
    lowest = np.full(PERMUTATIONS, np.iinfo(np.uint32).max, np.uint32)
    for start in range(0, shingles.size, _CHUNK):
        chunk = shingles[start : start + _CHUNK, None]
        values = ((chunk * a + b) >> np.uint64(32)).astype(np.uint32)
        np.minimum(lowest, values.min(axis=0), out=lowest)
    return lowest


def example_signature(example: Any, shingle_words: int) -> Any | None:
    """The signature of an example's own text, or None when it has no words."""
    shingles = shingle_hashes(training_text(example), shingle_words)
    return signature(shingles) if shingles.size else None


def _collision_probability(similarity: float, bands: int, rows: int) -> float:
    return 1 - (1 - similarity**rows) ** bands


MISSED_PAIR_WEIGHT = 0.9
"""How much a missed near-duplicate counts against a needless comparison when choosing the
bands: candidates are verified on the whole signature, so a false one costs only time."""


@lru_cache(maxsize=16)
def band_shape(threshold: float) -> tuple[int, int]:
    """(bands, rows) with bands x rows <= ``PERMUTATIONS`` that best separate pairs above
    ``threshold`` from pairs below it: the least weighted area of false candidates below
    plus missed pairs above (the probability curves integrated over similarity, as
    datasketch does), missed pairs weighing ``MISSED_PAIR_WEIGHT``."""
    steps = 50

    def area(low: float, high: float, bands: int, rows: int, missed: bool) -> float:
        width = (high - low) / steps
        total = 0.0
        for step in range(steps):
            p = _collision_probability(low + (step + 0.5) * width, bands, rows)
            total += (1 - p if missed else p) * width
        return total * (MISSED_PAIR_WEIGHT if missed else 1 - MISSED_PAIR_WEIGHT)

    best = min(
        (
            area(0.0, threshold, bands, rows, False) + area(threshold, 1.0, bands, rows, True),
            bands,
            rows,
        )
        for bands in range(1, PERMUTATIONS + 1)
        for rows in range(1, PERMUTATIONS // bands + 1)
    )
    return best[1], best[2]


def band_keys(signatures: Any, bands: int, rows: int) -> Any:
    """One uint64 key per band of each signature (rows ``n x bands``)."""
    shaped = signatures[:, : bands * rows].reshape(len(signatures), bands, rows).astype(np.uint64)
    keys = np.zeros((len(signatures), bands), np.uint64)
    for row in range(rows):
        keys = keys * np.uint64(MULTIPLIER) + shaped[:, :, row]
    return keys


def similarity(first: Any, second: Any) -> Any:
    """Estimated Jaccard similarity of signatures, row by row."""
    return (first == second).mean(axis=-1)


@dataclass
class Sketches:
    """Signatures of a file's examples in line order, as flat buffers: mergeable, picklable,
    ``SIGNATURE_BYTES`` + 16 bytes per example."""

    lines: array = field(default_factory=lambda: array("q"))
    digests: array = field(default_factory=lambda: array("Q"))
    signatures: bytearray = field(default_factory=bytearray)

    def add(self, line: int, digest: int, signature_: Any) -> None:
        self.lines.append(line)
        self.digests.append(digest)
        self.signatures += signature_.tobytes()

    def extend(self, other: Sketches) -> None:
        self.lines += other.lines
        self.digests += other.digests
        self.signatures += other.signatures

    def matrix(self) -> Any:
        return np.frombuffer(bytes(self.signatures), np.uint32).reshape(-1, PERMUTATIONS)


def _candidate_pairs(keys: Any) -> Iterator[tuple[Any, Any]]:
    """(later, earlier) row indexes that share a band key: each row with the first row of its
    bucket and with the row before it in the bucket, band by band (linear in the rows)."""
    rows = np.arange(len(keys))
    for band in range(keys.shape[1]):
        order = np.argsort(keys[:, band], kind="stable")
        ordered = keys[order, band]
        same = np.concatenate(([False], ordered[1:] == ordered[:-1]))
        if not same.any():
            continue
        bucket_start = np.maximum.accumulate(np.where(same, 0, rows))
        later = order[same]
        yield later, order[bucket_start[same]]
        yield later, order[rows[same] - 1]


def near_duplicates(sketches: Sketches, threshold: float) -> list[tuple[int, int, float]]:
    """(line, earlier line, estimated similarity) of each example whose estimated Jaccard
    similarity with an earlier one is at least ``threshold``, naming the earliest such line
    among its LSH candidates; exact duplicates (equal digests) are left out."""
    if len(sketches.lines) < 2:
        return []
    matrix = sketches.matrix()
    lines = np.frombuffer(sketches.lines, np.int64)
    digests = np.frombuffer(sketches.digests, np.uint64)
    bands, rows = band_shape(threshold)
    pairs = list(_candidate_pairs(band_keys(matrix, bands, rows)))
    if not pairs:
        return []
    later = np.concatenate([p[0] for p in pairs])
    earlier = np.concatenate([p[1] for p in pairs])
    unique = np.unique(np.stack([later, earlier], axis=1), axis=0)
    later, earlier = unique[:, 0], unique[:, 1]
    estimates = np.concatenate(
        [
            similarity(matrix[later[i : i + 4096]], matrix[earlier[i : i + 4096]])
            for i in range(0, len(later), 4096)
        ]
    )
    _, first_rows = np.unique(digests, return_index=True)
    repeated = np.ones(len(digests), bool)
    repeated[first_rows] = False  # exact duplicates of an earlier example: duplicate_example's
    kept = (estimates >= threshold) & ~repeated[later] & (digests[later] != digests[earlier])
    best: dict[int, tuple[int, float]] = {}
    for row, other, estimate in zip(later[kept], earlier[kept], estimates[kept], strict=True):
        line, other_line = int(lines[row]), int(lines[other])
        if line not in best or other_line < best[line][0]:
            best[line] = (other_line, float(estimate))
    return sorted((line, other, estimate) for line, (other, estimate) in best.items())


class NearDuplicateIndex:
    """Signatures of a set of examples (a training file), queried one example at a time (its
    validation file): ``add`` while the training file is read, then ``nearest``.

    Memory: ``SIGNATURE_BYTES`` + 8 bytes per band (16 to 20 bands) + the ``where`` object per
    example. Queries sort the bands once (on the first query after an ``add``).
    """

    def __init__(self, threshold: float = 0.85, shingle_words: int = 5) -> None:
        self.threshold = threshold
        self.shingle_words = shingle_words
        self.bands, self.rows = band_shape(threshold)
        self._where: list[Any] = []
        self._signatures = bytearray()
        self._sorted: tuple[Any, Any, Any] | None = None

    def add(self, where: Any, example: Any) -> None:
        """Remember ``example`` under ``where`` (e.g. ``(path, line)``)."""
        found = example_signature(example, self.shingle_words)
        if found is not None:
            self._where.append(where)
            self._signatures += found.tobytes()
            self._sorted = None

    def _index(self) -> tuple[Any, Any, Any]:
        if self._sorted is None:
            matrix = np.frombuffer(bytes(self._signatures), np.uint32).reshape(-1, PERMUTATIONS)
            keys = band_keys(matrix, self.bands, self.rows)
            order = np.argsort(keys, axis=0, kind="stable")
            self._sorted = (matrix, np.take_along_axis(keys, order, axis=0), order)
        return self._sorted

    def nearest(self, example: Any) -> tuple[Any, float] | None:
        """(where, estimated similarity) of the first added example at least ``threshold``
        similar to ``example`` among its LSH candidates, or None."""
        query = example_signature(example, self.shingle_words)
        if query is None or not self._where:
            return None
        matrix, keys, order = self._index()
        wanted = band_keys(query[None, :], self.bands, self.rows)[0]
        candidates: set[int] = set()
        for band in range(self.bands):
            column = keys[:, band]
            low = np.searchsorted(column, wanted[band], "left")
            high = np.searchsorted(column, wanted[band], "right")
            candidates.update(int(row) for row in order[low:high, band])
        if not candidates:
            return None
        rows = np.fromiter(sorted(candidates), np.int64)
        estimates = similarity(matrix[rows], query[None, :])
        hits = np.flatnonzero(estimates >= self.threshold)
        if hits.size == 0:
            return None
        first = hits[0]
        return self._where[int(rows[first])], float(estimates[first])
