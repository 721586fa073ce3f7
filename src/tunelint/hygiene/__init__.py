"""Clean-data checks: secrets, personal data, near-duplicates and eval contamination.

The scanners here know nothing of rules or output: ``secrets`` and ``pii`` find ``Match``es
in one string, ``minhash`` estimates word-shingle similarity, ``contamination`` indexes eval
items by long word n-grams. The rules in ``tunelint.rules`` turn them into findings.

``minhash``, ``contamination`` and ``hashing`` need numpy (the ``hygiene`` extra) and are
imported only by the rules that use them, when they run: this package and the scanners
import nothing heavy, so ``check`` starts as fast without them.
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import Any

NUMPY_MISSING = "needs numpy: pip install 'tunelint[hygiene]'"
DEFAULT_NGRAM_WORDS = 13
DEFAULT_MIN_ITEM_WORDS = 8


class HygieneError(Exception):
    """A clean-data check that cannot run (a bad eval file, numpy missing); the message
    names the file and line where there is one."""


def numpy_available() -> bool:
    """Whether numpy can be imported (looked up, not imported)."""
    return find_spec("numpy") is not None


def preload_contamination(paths: list[str], options: dict[str, Any]) -> None:
    """Build (and cache for the run) the eval index of ``--contamination`` files with
    ``eval_contamination``'s options, so a bad file is a usage error before any check.
    Raises HygieneError."""
    if not paths:
        return
    if not numpy_available():
        raise HygieneError(f"--contamination {NUMPY_MISSING}")
    from tunelint.hygiene.contamination import cached_index

    cached_index(
        list(paths),
        int(options.get("ngram_words", DEFAULT_NGRAM_WORDS)),
        int(options.get("min_item_words", DEFAULT_MIN_ITEM_WORDS)),
    )
