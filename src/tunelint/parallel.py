"""Check a large file on every core, with exactly the result of one pass.

The file is split into byte ranges on line boundaries, each checked by a forked worker with
the line numbers it would have in one pass; per-line rules are pure, and the dataset rules'
state and the statistics are merged in file order, then finished once. Small files, and files
whose first line decides how the whole file is read (binary data, a pretty-printed JSON
document), stay in one process, where start-up would dominate.
"""

from __future__ import annotations

import itertools
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol, TypeVar

from tunelint.config import Config
from tunelint.engine import CheckedPart, FileChecker, check_file, line_cap
from tunelint.format_detection import FormatDetector
from tunelint.profile import load_profile
from tunelint.progress import NO_PROGRESS, Progress
from tunelint.reader import (
    FileNotText,
    Line,
    LongLine,
    Record,
    looks_like_document_start,
    read_lines,
    read_records,
    skip_line,
    sniff_binary,
)
from tunelint.results import FileResult
from tunelint.sources import is_parquet


class MergeableObserver(Protocol):
    """An engine observer whose ``state`` (picklable, with ``merge(later)``) is all it keeps,
    so the states of a file's parts, observed in workers, merge in file order."""

    state: Any

    def __call__(self, line: int, example: Any, has_error: bool) -> None: ...


Observer = TypeVar("Observer", bound=MergeableObserver)

PARALLEL_MIN_BYTES = 8_000_000
"""Below this, forking workers costs more than it saves (measured by benchmarks/run.py)."""
FORMAT_PROBE_LINES = 1_000
PROGRESS_SECONDS = 0.2
"""How often the parent moves the bar to the bytes its workers have read."""
PART_BYTES = 4_000_000
"""About how large a part a worker checks at a time: a large file is cut into many such parts
(as many for each worker), so the parent merges results as they come, holding one at a time."""
_COUNT_CHUNK = 16 * 1024 * 1024


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass
class _Job:
    """What every worker needs, handed over by fork (nothing here has to be picklable)."""

    path: str
    config: Config
    format: str | None
    make_observer: Callable[[], MergeableObserver] | None
    shared: dict[str, Any]
    read_bytes: Any
    """A shared array: each part's bytes read so far (what the parent's bar shows while it
    waits), or None when no bar is shown."""


_JOB: _Job | None = None


def _worker_signals() -> None:
    """Workers die of SIGTERM (the parent's terminate) and leave Ctrl-C to the parent.

    A worker starts with SIGTERM blocked (``_pool``) and unblocks it only here, once the
    default action is in place: a terminate that comes while it starts then kills it. Were it
    unblocked, the SIGTERM would run the handler inherited from the CLI, whose exception Python
    can swallow (raised in ``threading``'s after-fork hook, say): the worker would live on and
    the parent's terminate wait for it forever."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})


def _pool(context: Any, jobs: int) -> Any:
    """A pool of ``jobs`` workers forked with SIGTERM blocked until ``_worker_signals``; the
    parent's own signal mask is restored at once."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        return context.Pool(jobs, initializer=_worker_signals)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _part_lines(handle: BinaryIO, start: int, end: int, cap: int) -> Iterator[Line]:
    handle.seek(start)
    position = start
    for line in read_lines(handle, cap):
        if position >= end:
            return
        position += len(line)
        yield line


def _check_part(numbered: tuple[int, tuple[int, int, int]]) -> tuple[CheckedPart, Any]:
    """The checked part (its index, its range) and its observer's state (what goes back to
    the parent)."""
    index, (start, end, first_line) = numbered
    job = _JOB
    assert job is not None
    observer = job.make_observer() if job.make_observer else None
    checker = FileChecker(job.path, job.config, observer, job.format, job.shared)
    progress = NO_PROGRESS if job.read_bytes is None else Progress.into_slot(job.read_bytes, index)
    with open(job.path, "rb") as handle:
        lines = progress.lines(_part_lines(handle, start, end, line_cap(job.config)))
        checker.add_all(read_records(lines, first_line))
    return checker.part(), observer.state if observer else None


def _in_order(results: Any, read_bytes: Any, progress: Progress) -> Iterator[Any]:
    """The workers' results in order; while waiting for one, the bar shows the bytes every
    worker has read (``read_bytes``, when there is a bar) every ``PROGRESS_SECONDS``."""
    import multiprocessing

    shown = 0
    while True:
        try:
            result = (
                results.next(timeout=PROGRESS_SECONDS) if read_bytes is not None else next(results)
            )
        except multiprocessing.TimeoutError:
            result = None
        except StopIteration:
            break
        if read_bytes is not None:
            read = sum(read_bytes)
            progress.update(read - shown)
            shown = read
        if result is not None:
            yield result


def decided_format(records: Iterable[Record], config: Config) -> tuple[bool, str | None]:
    """(whether a file whose first records are ``records`` can be split, the format they
    show; None when the config forces one)."""
    detector = FormatDetector(
        load_profile(config.settings["profile"]), config.settings["format"], None, config.settings
    )
    try:
        for record in records:
            if record.parsed:
                detector.observe(record.value)
            if detector.decided:
                return True, None if detector.forced else detector.format
    except FileNotText:
        return False, None
    return False, None


def _decided_format(path: str, config: Config) -> tuple[bool, str | None]:
    """(whether the JSONL file can be split, the format its first lines show)."""
    cap = line_cap(config)
    with open(path, "rb") as handle:
        first = next(read_lines(handle, cap), b"")
        if isinstance(first, LongLine) or sniff_binary(first) is not None:
            return False, None
        if looks_like_document_start(first):
            return False, None
        handle.seek(0)
        probe = list(itertools.islice(read_lines(handle, cap), FORMAT_PROBE_LINES))
    return decided_format(read_records(probe), config)


def _parts(path: str, size: int, count: int) -> list[tuple[int, int, int]]:
    """(start, end, first line number) of ``count`` byte ranges cut at line starts."""
    cuts = [0]
    with open(path, "rb") as handle:
        for index in range(1, count):
            handle.seek(max(size * index // count - 1, cuts[-1]))
            skip_line(handle)
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


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def part_count(size: int, jobs: int) -> int:
    """How many parts a file of ``size`` bytes is cut into for ``jobs`` workers: parts of
    about ``PART_BYTES``, as many for each worker (so none waits)."""
    return jobs * max(1, -(-size // (PART_BYTES * jobs)))


def check_path(
    path: str,
    config: Config,
    jobs: int = 1,
    make_observer: Callable[[], Observer] | None = None,
    progress: Progress = NO_PROGRESS,
    shared: dict[str, Any] | None = None,
) -> tuple[FileResult, Observer | None]:
    """Check one file; with ``make_observer``, also return the observer that saw every
    example (one per part, merged in file order).

    ``jobs`` > 1 splits a file of at least ``PARALLEL_MIN_BYTES`` over that many processes.
    Raises OSError if the file cannot be read.
    """
    size = os.path.getsize(path)
    splittable = (
        jobs > 1
        and size >= PARALLEL_MIN_BYTES
        and not is_parquet(path)  # row groups are split by a Dask run (tunelint.dask_run)
        and _can_fork()
    )
    fmt = None
    if splittable:
        splittable, fmt = _decided_format(path, config)
    if not splittable:
        observer = make_observer() if make_observer else None
        return check_file(path, config, observer, progress.lines, shared), observer
    global _JOB
    try:
        import multiprocessing  # only here: it costs 20 ms to import

        context = multiprocessing.get_context("fork")
        ranges = _parts(path, size, part_count(size, jobs))
        read_bytes = context.RawArray("q", len(ranges)) if progress.shown else None
        _JOB = _Job(path, config, fmt, make_observer, shared or {}, read_bytes)
        checker = FileChecker(path, config, None, fmt, shared)
        merged_state = None
        # Each part is taken in as it arrives (in file order), so the parent never holds
        # more than one part's state. Leaving the block (done, Ctrl-C, or SIGTERM raised as
        # an exception by the CLI) terminates every worker: none is left running.
        with _pool(context, jobs) as pool:
            results = _in_order(pool.imap(_check_part, enumerate(ranges)), read_bytes, progress)
            for part, state in results:
                checker.take(part)
                merged_state = state if merged_state is None else merged_state.merge(state)
    finally:
        _JOB = None
    checker.file_size = size
    observer = make_observer() if make_observer else None
    if observer is not None:
        observer.state = merged_state
    return checker.finish(), observer
