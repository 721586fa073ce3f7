"""Where a file's records come from, by the file's kind: the lines of a JSONL file, or the
rows of a Parquet file (``*.parquet``). The engine takes records and never needs to know."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from tunelint.paths import PARQUET_SUFFIX
from tunelint.reader import DEFAULT_LINE_CAP, Record, read_lines, read_records


def is_parquet(path: str | os.PathLike[str]) -> bool:
    return os.fspath(path).endswith(PARQUET_SUFFIX)


@contextmanager
def open_records(
    path: str | os.PathLike[str],
    through: Callable[[Iterable[bytes]], Iterable[bytes]] | None = None,
    cap: int = DEFAULT_LINE_CAP,
) -> Iterator[tuple[Iterable[Record], int | None]]:
    """The file's records, and its size in bytes for the file rules.

    A Parquet file's size is None: an upload cap applies to the JSONL it becomes, not to the
    compressed columns. ``through`` sees a JSONL file's raw lines. Raises OSError if the file
    cannot be opened, ``MissingExtra`` for Parquet without pyarrow. A JSONL line over ``cap``
    bytes is skipped unread (``line_too_long``).
    """
    if is_parquet(path):
        from tunelint.parquet_reader import read_rows

        yield read_rows(os.fspath(path)), None
        return
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        lines = read_lines(handle, cap)
        yield read_records(through(lines) if through else lines), size
