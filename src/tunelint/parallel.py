"""Check a large file on every core, with exactly the result of one pass.

The file is split into byte ranges on line boundaries, each checked by a forked worker with
the line numbers it would have in one pass; per-line rules are pure, and the dataset rules'
state and the statistics are merged in file order, then finished once. Small files, and files
whose first line decides how the whole file is read (binary data, a pretty-printed JSON
document), stay in one process, where start-up would dominate.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING, BinaryIO

from tunelint.config import Config
from tunelint.engine import FileChecker, FileResult, check_file
from tunelint.formats import FormatDetector
from tunelint.profile import load_profile
from tunelint.progress import NO_PROGRESS, Progress
from tunelint.reader import FileNotText, looks_like_document_start, read_records, sniff_binary

if TYPE_CHECKING:
    from tunelint.stats import Stats, StatsObserver

PARALLEL_MIN_BYTES = 8_000_000
"""Below this, forking workers costs more than it saves (measured by benchmarks/run.py)."""
FORMAT_PROBE_LINES = 1_000
_COUNT_CHUNK = 16 * 1024 * 1024


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass
class _Job:
    """What every worker needs, handed over by fork (nothing here has to be picklable)."""

    path: str
    config: Config
    format: str | None
    make_observer: Callable[[], StatsObserver] | None


_JOB: _Job | None = None


def _part_lines(handle: BinaryIO, start: int, end: int) -> Iterator[bytes]:
    handle.seek(start)
    position = start
    while position < end:
        line = handle.readline()
        if not line:
            return
        position += len(line)
        yield line


def _check_part(part: tuple[int, int, int]) -> tuple[FileResult, list, Stats | None]:
    start, end, first_line = part
    job = _JOB
    assert job is not None
    observer = job.make_observer() if job.make_observer else None
    checker = FileChecker(job.path, job.config, observer, decided_format=job.format)
    with open(job.path, "rb") as handle:
        for record in read_records(_part_lines(handle, start, end), first_line):
            checker.add(record)
    states = [state for _, _, state in checker.states]
    return checker.result, states, observer.stats if observer else None


def _decided_format(path: str, config: Config) -> tuple[bool, str | None]:
    """(whether the file can be split, the format its first lines show)."""
    detector = FormatDetector(load_profile(config.settings["profile"]), config.settings["format"])
    with open(path, "rb") as handle:
        first = handle.readline()
        if sniff_binary(first) is not None or looks_like_document_start(first):
            return False, None
        handle.seek(0)
        probe = [handle.readline() for _ in range(FORMAT_PROBE_LINES)]
    try:
        for record in read_records(line for line in probe if line):
            if record.parsed:
                detector.observe(record.value)
            if detector.decided:
                return True, None if detector.forced else detector.format
    except FileNotText:
        return False, None
    return False, None


def _parts(path: str, size: int, count: int) -> list[tuple[int, int, int]]:
    """(start, end, first line number) of ``count`` byte ranges cut at line starts."""
    cuts = [0]
    with open(path, "rb") as handle:
        for index in range(1, count):
            handle.seek(max(size * index // count - 1, cuts[-1]))
            handle.readline()
            if cuts[-1] < handle.tell() < size:
                cuts.append(handle.tell())
        cuts.append(size)
        first_lines, line, position = [1], 1, 0
        handle.seek(0)
        for cut in cuts[1:-1]:
            while position < cut:
                chunk = handle.read(min(_COUNT_CHUNK, cut - position))
                line += chunk.count(b"\n")
                position += len(chunk)
            first_lines.append(line)
    return list(zip(cuts[:-1], cuts[1:], first_lines, strict=True))


def check_path(
    path: str,
    config: Config,
    jobs: int = 1,
    make_observer: Callable[[], StatsObserver] | None = None,
    progress: Progress = NO_PROGRESS,
) -> tuple[FileResult, Stats | None]:
    """Check one file, and collect its statistics when ``make_observer`` is given (lines with
    errors or that are no example are counted as skipped there).

    ``jobs`` > 1 splits a file of at least ``PARALLEL_MIN_BYTES`` over that many processes.
    Raises OSError if the file cannot be read.
    """
    size = os.path.getsize(path)
    splittable = (
        jobs > 1
        and size >= PARALLEL_MIN_BYTES
        and "fork" in multiprocessing.get_all_start_methods()
    )
    fmt = None
    if splittable:
        splittable, fmt = _decided_format(path, config)
    if splittable:
        result, stats = _check_parallel(path, config, fmt, jobs, size, make_observer, progress)
    else:
        observer = make_observer() if make_observer else None
        result = check_file(path, config, observer, progress.lines)
        stats = observer.stats if observer else None
    if stats is not None:  # lines that are not examples at all are skipped too
        stats.skipped_lines += sum(result.skipped.values())
    return result, stats


def _check_parallel(
    path: str,
    config: Config,
    fmt: str | None,
    jobs: int,
    size: int,
    make_observer: Callable[[], StatsObserver] | None,
    progress: Progress,
) -> tuple[FileResult, Stats | None]:
    global _JOB
    _JOB = _Job(path, config, fmt, make_observer)
    try:
        context = multiprocessing.get_context("fork")
        ranges = _parts(path, size, jobs)
        parts = []
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            for (start, end, _), part in zip(ranges, pool.map(_check_part, ranges), strict=True):
                parts.append(part)
                progress.update(end - start)
    finally:
        _JOB = None
    checker = FileChecker(path, config, decided_format=fmt)
    checker.file_size = size
    merged = checker.result
    for result, _, _ in parts:
        merged.diagnostics += result.diagnostics
        merged.lines += result.lines
        merged.examples += result.examples
        merged.skipped.update(result.skipped)
        merged.internal_errors += result.internal_errors
        merged.example_hashes.update(result.example_hashes)
    checker.states = [
        (rule, ctx, reduce(rule.merge, (states[index] for _, states, _ in parts)))
        for index, (rule, ctx, _) in enumerate(checker.states)
    ]
    stats = None
    if make_observer is not None:
        stats = reduce(lambda a, b: a.merge(b), (part_stats for _, _, part_stats in parts))
    return checker.finish(), stats
