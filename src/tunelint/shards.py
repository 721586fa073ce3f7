"""Check files in shards, anywhere, and merge the parts into exactly one pass's result.

This is the public API for running tunelint on a distributed engine (Dask, Spark, Ray)::

    shards = plan_shards(path, config)                     # cut points and line numbers
    partials = [check_shard(s, config, stats=True) for s in shards]   # anywhere, any order
    result, stats = finish(functools.reduce(merge, partials))         # merged in file order

A shard is a byte range of a JSONL file, cut at a line start, or a run of row groups of a
Parquet file, with the line (row) number it starts at and the line format decided from the
file's first lines, so that it can be checked on its own. A file that cannot be cut (small,
not JSONL text, or whose format its first lines do not show) is one shard. ``merge`` takes
two consecutive partials of one file; it is associative, so partials may be merged in a tree.
Shards, partials and what ``finish`` returns are picklable; every process that checks a
shard must see the file at the same path.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tunelint.config import Config, load_config
from tunelint.engine import CheckedPart, FileChecker, line_cap
from tunelint.parallel import (
    FORMAT_PROBE_LINES,
    _decided_format,
    _part_lines,
    _parts,
    decided_format,
)
from tunelint.reader import FileNotText, Record, read_records
from tunelint.results import FileResult
from tunelint.sources import is_parquet, open_records

if TYPE_CHECKING:
    from tunelint.chat.training import ExampleAnalysis
    from tunelint.stats import Stats, StatsObserver
    from tunelint.tokens import TextCounter

DEFAULT_SHARD_BYTES = 64 * 1024 * 1024
"""A file is cut into shards of at least this many bytes (uncompressed, for Parquet)."""


@dataclass(frozen=True)
class Shard:
    """A part of one file that can be checked on its own."""

    path: str
    start: int
    """The first byte (JSONL) or row group (Parquet, 0-based) of the shard."""
    end: int
    """One past the shard's last byte or row group."""
    total: int
    """Where the file ends: its size (JSONL) or its number of row groups (Parquet)."""
    first_line: int = 1
    """The line (row) number of the shard's first line (row), 1-based over the whole file."""
    format: str | None = None
    """The line format the file's first lines show; None: detected from the shard's own
    lines (only for a shard that is the whole file) or forced by the config."""
    whole: bool = False
    """The shard is the whole file, read as ``tunelint check`` reads it."""
    file_size: int | None = None
    """Bytes in the file, for the file rules (None for Parquet)."""


@dataclass(frozen=True)
class StatsCounting:
    """How statistics are counted: the model and tokenizer, the rest from the config (the
    trainer's settings, the chat model of ``tokenizer:``), as a run in one process counts
    them. Each process builds its token counter once (``counter``)."""

    model: str | None = None
    tokenizer: str | None = None
    records: bool = False
    """Keep each example's record (``--per-example``) in the partial of its shard."""

    def observer(
        self,
        config: Config,
        path: str = "",
        on_example: Callable[[ExampleAnalysis], None] | None = None,
    ) -> StatsObserver:
        from tunelint.stats import stats_observer

        return stats_observer(config, *self.counter(config), on_example, path)

    def counter(self, config: Config) -> tuple[TextCounter, dict[str, int]]:
        from tunelint.stats import counted_estimate

        settings = config.settings
        key = (settings["profile"], self.model or settings["model"])
        key += (settings["max_tokens_per_example"], self.tokenizer, settings.get("tokenizer"))
        if key not in _COUNTERS:
            estimate, count = counted_estimate(config, self.model, None, self.tokenizer)
            _COUNTERS[key] = (count, dict(estimate.tokens.tool_constants))
        return _COUNTERS[key]


_COUNTERS: dict[tuple, tuple[TextCounter, dict[str, int]]] = {}


@dataclass(frozen=True)
class Partial:
    """What checking one shard, or consecutive shards of one file, gave."""

    shard: Shard
    """The span checked: from the first shard's start to the last one's end."""
    format: str
    """The line format the span was checked in."""
    part: CheckedPart
    stats: Stats | None
    config: Config
    counting: StatsCounting | None
    records: tuple[ExampleAnalysis, ...] = ()
    """Each example's record, in line order, when ``counting.records`` asks (one shard's:
    a merged partial keeps none, since they are taken from each shard in file order)."""


def plan_shards(
    path: str | os.PathLike[str],
    config: Config | None = None,
    shard_bytes: int = DEFAULT_SHARD_BYTES,
) -> list[Shard]:
    """The shards of one file, of at least ``shard_bytes`` each, in file order. Reads a JSONL
    file once to number the lines at the cuts. Raises OSError if the file cannot be read."""
    config = config or load_config(discover=False)
    path = os.fspath(path)
    if is_parquet(path):
        return _parquet_shards(path, config, shard_bytes)
    size = os.path.getsize(path)
    whole = [Shard(path, 0, size, size, whole=True, file_size=size)]
    if size < 2 * shard_bytes:
        return whole
    splittable, fmt = _decided_format(path, config)
    if not splittable:
        return whole
    return [
        Shard(path, start, end, size, first_line, fmt, file_size=size)
        for start, end, first_line in _parts(path, size, size // shard_bytes)
    ]


def _parquet_shards(path: str, config: Config, shard_bytes: int) -> list[Shard]:
    from tunelint.parquet_reader import (
        example_columns,
        first_rows,
        open_parquet,
        read_rows,
        schema_finding,
    )

    try:
        parquet = open_parquet(path)
    except FileNotText:
        return [Shard(path, 0, 0, 0, whole=True)]
    groups = parquet.metadata.num_row_groups
    whole = [Shard(path, 0, groups, groups, whole=True)]
    if schema_finding(parquet, example_columns(parquet)) is not None:
        return whole
    cuts, pending = [0], 0
    for index in range(groups - 1):
        pending += parquet.metadata.row_group(index).total_byte_size
        if pending >= shard_bytes:
            cuts.append(index + 1)
            pending = 0
    if len(cuts) == 1:
        return whole
    splittable, fmt = decided_format(itertools.islice(read_rows(path), FORMAT_PROBE_LINES), config)
    if not splittable:
        return whole
    rows = first_rows(parquet)
    ends = [*cuts[1:], groups]
    return [
        Shard(path, start, end, groups, rows[start], fmt)
        for start, end in zip(cuts, ends, strict=True)
    ]


@contextmanager
def _records(shard: Shard, config: Config) -> Iterator[Iterable[Record]]:
    cap = line_cap(config)
    if shard.whole:
        with open_records(shard.path, cap=cap) as (records, _):
            yield records
    elif is_parquet(shard.path):
        from tunelint.parquet_reader import read_rows

        yield read_rows(shard.path, range(shard.start, shard.end))
    else:
        with open(shard.path, "rb") as handle:
            lines = _part_lines(handle, shard.start, shard.end, cap)
            yield read_records(lines, shard.first_line)


def check_shard(
    shard: Shard, config: Config | None = None, stats: bool | StatsCounting = False
) -> Partial:
    """Check one shard; with ``stats`` (True: the config's model), count its statistics too.
    Raises OSError if the file cannot be read."""
    config = config or load_config(discover=False)
    counting = StatsCounting() if stats is True else stats or None
    kept: list[ExampleAnalysis] = []
    keep = kept.append if counting and counting.records else None
    observer = counting.observer(config, shard.path, keep) if counting else None
    checker = FileChecker(shard.path, config, observer, shard.format)
    with _records(shard, config) as records:
        checker.read(records)
    state = observer.state if observer else None
    part = checker.part()
    return Partial(shard, checker.active.format, part, state, config, counting, tuple(kept))


def records_of(partial: Partial) -> tuple[ExampleAnalysis, ...]:
    """The per-example records a shard's partial kept (what a client takes of it)."""
    return partial.records


def merge(first: Partial, later: Partial) -> Partial:
    """``first`` followed by ``later``, the partial that starts where it ends in the same
    file. Raises ValueError for partials that do not follow each other."""
    one, two = first.shard, later.shard
    if one.path != two.path or one.whole or two.whole or one.end != two.start:
        raise ValueError(
            f"cannot merge {two.path} [{two.start}, {two.end}) after"
            f" {one.path} [{one.start}, {one.end}): not the next shard of the same file"
        )
    checker = FileChecker(one.path, first.config, None, first.format)
    checker.take(first.part)
    checker.take(later.part)
    both = first.stats is not None and later.stats is not None
    stats = first.stats.merge(later.stats) if both else None
    span = dataclasses.replace(one, end=two.end)
    return Partial(span, first.format, checker.part(), stats, first.config, first.counting)


def finish(partial: Partial) -> tuple[FileResult, Stats | None]:
    """The file's result (dataset and file rules run once) and its statistics, if counted.
    Raises ValueError for a partial that does not cover the whole file."""
    shard = partial.shard
    if shard.start != 0 or shard.end != shard.total:
        raise ValueError(
            f"{shard.path}: the partial covers [{shard.start}, {shard.end}) of [0, {shard.total})"
        )
    checker = FileChecker(shard.path, partial.config, None, partial.format)
    checker.take(partial.part)
    checker.file_size = shard.file_size
    result = checker.finish()
    if partial.stats is None or partial.counting is None:
        return result, None
    observer = partial.counting.observer(partial.config)
    observer.state = partial.stats
    return result, observer.file_stats(result)
