"""Exact token counts, faster: quicktok behind a Unicode gate (the ``fast`` extra).

quicktok (MIT, ``quicktok-v1`` on PyPI) counts the same tokens as tiktoken except on code
points the two know differently: its character classes come from Unicode 17.0 (the ``regex``
module's tables), tiktoken 0.14's from Unicode 16.0 (the Rust ``regex`` crate), older tiktoken
builds' from older versions. So a string is counted by quicktok only when every code point in it
is assigned in Unicode 14.0, where both agree (the tests scan every such code point in several
contexts, for each encoding), and by tiktoken otherwise (a lone surrogate goes to tiktoken too).
The gate's table is pinned in ``tunelint/data`` (derived once from the UCD 14.0.0 of CPython
3.11 by ``tools/unicode_assigned_table.py``, hash-checked when read), never the running
Python's ``unicodedata``, whose version changes with the Python.

quicktok is used only with the data files the tests were run with (their sha256 are pinned):
another quicktok build falls back to tiktoken. Its load (building its tries) costs more than
tiktoken's, so under ``TUNELINT_TOKENIZER=auto`` a counter starts with tiktoken and moves to
quicktok once the text it has counted makes that load worth paying
(``FAST_AFTER_CHARACTERS``); ``fast`` uses the gate from the first string. tiktoken alone is
the default (``tunelint.tokens.text_counter`` says why).
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import math
import os
import re
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import quicktok

TextCounter = Callable[[str], int]

UNICODE_VERSION = "14.0.0"
ASSIGNED_TABLE = "unicode-14.0.0-assigned.txt"
ASSIGNED_TABLE_SHA256 = "a120418bde0c56901e6e154867b2fd5cd1eafbf83c6c2d6452f78881898488d9"
MAX_CODE_POINT = 0x10FFFF
SURROGATES = (0xD800, 0xDFFF)

QUICKTOK_DATA_SHA256 = {
    "cl100k_base": {
        "cl100k.vocab": "4a945d497c213acde921bc8d69bc8dad9c603ea97c50c014e04ad0fadc09eecb",
        "cl100k.special": "ea2619b96af0aca009c6e1045b5819448449c5c7779f3d32f98e8f29821a5d19",
        "uniclass.bin": "6039f6f7bd056c0d211d02a907a8ed8f3317bb719fc495b9093f9cccca948809",
    },
    "o200k_base": {
        "o200k.vocab": "6b17521f79788c7ace48fc75f6edde125637a90b0018427e68f28d051b2ac1fe",
        "o200k.special": "95837e70aa1f68042293be2fb62ad5d748e7834940bf041299281ffa3addba3b",
        "uniclass_o200k.bin": "8dd93d0b36e25eecc2ac43f4bc99f56fbd360fb01bb144778152fa75a6518d6d",
    },
}
"""sha256 of the quicktok 0.4.0 data files each encoding is built from (vocabulary, special
tokens, character classes); the tests prove the vocabularies are the bundled rank files'."""

FAST_AFTER_CHARACTERS = 25_000_000
"""Characters a counter counts with tiktoken before it loads quicktok: where quicktok's load
(0.73 s CPU for o200k_base, against 0.32 s for tiktoken from the cached form) is repaid by
counting 29 ns a character faster (0.079 s against 0.239 s for the 5.55 M distinct characters
of the 20 MB benchmark file; benchmarks/tokenizer_speed.py). Switching at the break-even point costs
at most twice the better choice made in hindsight, whatever the amount of text. (Only with
``TUNELINT_TOKENIZER=auto``: measured end to end, with a worker per core each loading
quicktok, the switch cost time and memory; see ``tunelint.tokens.text_counter``.)"""


class GateDataError(RuntimeError):
    """The bundled Unicode table is missing or does not match its recorded hash."""


@functools.cache
def assigned_ranges() -> tuple[tuple[int, int], ...]:
    """Inclusive ranges of the code points assigned in Unicode 14.0, from the pinned table."""
    try:
        data = resources.files("tunelint.data").joinpath(ASSIGNED_TABLE).read_bytes()
    except OSError as error:
        raise GateDataError(f"cannot read the bundled {ASSIGNED_TABLE}: {error}") from None
    if hashlib.sha256(data).hexdigest() != ASSIGNED_TABLE_SHA256:
        raise GateDataError(f"the bundled {ASSIGNED_TABLE} is corrupt; reinstall tunelint")
    lines = [line for line in data.decode("ascii").splitlines() if not line.startswith("#")]
    return tuple((int(start, 16), int(end, 16)) for start, end in map(str.split, lines))


def outside_ranges() -> list[tuple[int, int]]:
    """Inclusive ranges of the code points that fail the gate: unassigned ones and surrogates."""
    gaps, next_start = [SURROGATES], 0
    for start, end in assigned_ranges():
        if start > next_start:
            gaps.append((next_start, start - 1))
        next_start = end + 1
    if next_start <= MAX_CODE_POINT:
        gaps.append((next_start, MAX_CODE_POINT))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(gaps):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@functools.cache
def _first_pass() -> re.Pattern[str]:
    """The code points the gate looks at: the failing BMP ones and every astral one.

    Python's ``re`` tests a BMP class with one table look-up but astral ranges one by one, so an
    astral code point is looked up in the table instead (they are rare in text, emoji aside).
    """
    bmp = [(start, min(end, 0xFFFF)) for start, end in outside_ranges() if start <= 0xFFFF]
    ranges = [*bmp, (0x10000, MAX_CODE_POINT)]
    return re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges) + "]")


def is_assigned(code_point: int) -> bool:
    """Whether a code point is assigned in Unicode 14.0."""
    ranges = assigned_ranges()
    index = bisect.bisect_right(ranges, (code_point, MAX_CODE_POINT)) - 1
    return index >= 0 and ranges[index][0] <= code_point <= ranges[index][1]


def passes_gate(text: str) -> bool:
    """Whether every code point of ``text`` is assigned in Unicode 14.0 and none is a surrogate."""
    if text.isascii():  # every ASCII code point is assigned; CPython knows this without a scan
        return True
    first_pass = _first_pass()
    first = first_pass.search(text)
    if first is None:
        return True
    for hit in first_pass.finditer(text, first.start()):
        code_point = ord(hit.group())
        if code_point <= 0xFFFF or not is_assigned(code_point):
            return False
    return True


def _file_sha256(path: str) -> str | None:
    try:
        with open(path, "rb") as data:
            return hashlib.sha256(data.read()).hexdigest()
    except OSError:
        return None


def quicktok_tokenizer(encoding_name: str) -> quicktok.Tokenizer | None:
    """quicktok's tokenizer for the encoding, or None when quicktok is not installed, has no
    pinned data for the encoding, or its data files are not the tested ones."""
    expected = QUICKTOK_DATA_SHA256.get(encoding_name)
    if expected is None:
        return None
    try:
        import quicktok
    except ImportError:
        return None
    data_dir = os.path.join(os.path.dirname(quicktok.__file__), "data")
    for name, sha256 in expected.items():
        if _file_sha256(os.path.join(data_dir, name)) != sha256:
            return None
    try:
        return quicktok.Tokenizer(encoding_name, data_dir)
    except (RuntimeError, OSError):
        return None


class GatedCounter:
    """Counts like the reference counter, with quicktok for the strings that pass the gate.

    The reference (tiktoken) counts everything until ``fast_after`` characters have been
    counted; then quicktok is loaded and counts every string that passes the gate. The tokenizer
    that counts first is loaded when the counter is made (so forked workers share it), the other
    when first needed; when quicktok cannot be used, the reference counts everything.
    """

    def __init__(
        self,
        encoding_name: str,
        reference: Callable[[], TextCounter],
        fast_after: int = FAST_AFTER_CHARACTERS,
    ) -> None:
        self.encoding_name = encoding_name
        self.reference_factory = reference
        self.reference: TextCounter | None = None
        self.fast: TextCounter | None = None
        self.until_fast: float = fast_after
        if fast_after > 0 or not self._load_fast():
            self.reference = reference()

    def _count_with_reference(self, text: str) -> int:
        if self.reference is None:
            self.reference = self.reference_factory()
        return self.reference(text)

    def _load_fast(self) -> bool:
        """Load the gate and quicktok; False when either cannot be used (a damaged table too:
        tiktoken's counts are exact without it)."""
        try:
            _first_pass()
        except GateDataError:
            tokenizer = None
        else:
            tokenizer = quicktok_tokenizer(self.encoding_name)
        if tokenizer is None:
            self.until_fast = math.inf  # the reference counts everything
            return False
        self.fast = tokenizer.count
        return True

    def __call__(self, text: str) -> int:
        if self.fast is None:
            self.until_fast -= len(text)
            if self.until_fast >= 0 or not self._load_fast():
                return self._count_with_reference(text)
        if passes_gate(text):
            return self.fast(text)
        return self._count_with_reference(text)
