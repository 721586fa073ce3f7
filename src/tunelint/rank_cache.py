"""An encoding's ranks in a form that is fast to read, cached in the user's cache directory.

Parsing a bundled rank file (gzip, then one base64 token a line) is most of an encoding's load
time. The *vocabulary form* holds the same ranks as plain bytes: the number of tokens (uint32,
little-endian), each token's length in rank order (one byte each: no token is longer than 255
bytes), then the tokens' bytes concatenated in rank order. It is built from the hash-checked
rank file on first use and written to ``$XDG_CACHE_HOME/tunelint`` (``~/.cache/tunelint``).

A cache file is trusted only when its sha256 is the one pinned here for the encoding (a test
derives both from the bundled rank files), so a stale, truncated or altered file is never used:
the ranks are then read from the rank file again and the cache rewritten. Nothing is cached
where the directory cannot be written, or for an encoding without a pinned digest.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import struct
import tempfile
from collections.abc import Callable
from itertools import accumulate, pairwise
from pathlib import Path

Ranks = dict[bytes, int]

VOCABULARY_SHA256 = {
    "cl100k_base": "79045c4dbf49c4e3b90893afbcbfd80cf94cf2b99256bd84b19ffcace49d9bd2",
    "o200k_base": "ba55b38e477b631966c2496061ecd7d10108501c7c47358222d9dc27c22f9422",
}
"""sha256 of each bundled encoding's vocabulary form."""

MAX_FORM_BYTES = 16_000_000
"""No cache file larger than this is read (the o200k_base form is 1.6 MB)."""


def cache_directory() -> Path:
    """Where the vocabulary forms are cached: ``$XDG_CACHE_HOME/tunelint`` or ``~/.cache/tunelint``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # unset, empty or relative: the XDG spec says ignore it
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tunelint"


def vocabulary_form(ranks: Ranks) -> bytes | None:
    """The vocabulary form of ranks 0..n-1, or None when they are not (gaps, long tokens)."""
    tokens = sorted(ranks, key=ranks.__getitem__)
    if ranks and (ranks[tokens[-1]] != len(tokens) - 1 or max(map(len, tokens)) > 255):
        return None
    return struct.pack("<I", len(tokens)) + bytes(map(len, tokens)) + b"".join(tokens)


def ranks_from_form(form: bytes) -> Ranks:
    """The ranks a vocabulary form holds."""
    (count,) = struct.unpack_from("<I", form)
    offsets = accumulate(form[4 : 4 + count], initial=4 + count)
    return {form[start:end]: rank for rank, (start, end) in enumerate(pairwise(offsets))}


def _read_verified(path: Path, sha256: str) -> bytes | None:
    try:
        with path.open("rb") as cached:
            form = cached.read(MAX_FORM_BYTES + 1)
    except OSError:
        return None
    return form if hashlib.sha256(form).hexdigest() == sha256 else None


def _write_atomically(path: Path, form: bytes) -> None:
    """Write the cache file whole or not at all (processes may build it at the same time)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(form)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def load_ranks(encoding_name: str, read_rank_file: Callable[[], Ranks]) -> Ranks:
    """The encoding's ranks from its verified cache file, else from ``read_rank_file`` (which
    checks the bundled rank file), caching them for the next run."""
    sha256 = VOCABULARY_SHA256.get(encoding_name)
    if sha256 is None:
        return read_rank_file()
    path = cache_directory() / f"{encoding_name}-{sha256[:16]}.vocabulary"
    form = _read_verified(path, sha256)
    if form is not None:
        return ranks_from_form(form)
    ranks = read_rank_file()
    form = vocabulary_form(ranks)
    if form is not None and hashlib.sha256(form).hexdigest() == sha256:
        _write_atomically(path, form)
    return ranks
