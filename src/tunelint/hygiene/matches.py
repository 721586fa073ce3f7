"""What a scanner found in one string, and how a finding may name it without showing it."""

from __future__ import annotations

import math
from collections import Counter
from typing import NamedTuple

MAX_MATCHES = 50
"""Matches a scanner reports per kind and string, and a rule per example: enough to show a
line is full of them, and a bound on time and output for a hostile line."""
SHOWN_CHARACTERS = 4
"""How much of a found value a message may show: enough to find it, too little to use it."""


class Match(NamedTuple):
    """A sensitive value at ``start`` (``length`` characters) of a decoded string."""

    kind: str
    start: int
    length: int
    value: str

    def redacted(self) -> str:
        """The kind and the first characters only: ``AWS access key id (AKIA...)``."""
        return f"{self.kind} ({self.value[:SHOWN_CHARACTERS]}...)"


def shannon_entropy(text: str) -> float:
    """Bits per character of ``text``'s character distribution (0 for an empty string)."""
    if not text:
        return 0.0
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in Counter(text).values())
