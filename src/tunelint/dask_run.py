"""Check a run's files on a Dask cluster (``--dask ADDRESS``), with one process's result.

Each file is planned into shards on a worker (``tunelint.shards``: whole small files, byte
ranges of large JSONL files, runs of row groups of large Parquet files); the shards are
checked on the workers, merged pairwise in file order there, and finished once per file, so
only each file's findings and statistics come back. The files must be readable at the same
paths on every worker (a LocalCluster's are; on a cluster, a shared filesystem).

``ADDRESS`` is a scheduler's address (``tcp://host:8786``), or ``local`` / ``local:N`` for a
LocalCluster of N worker processes (default: one per core) started for the run.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tunelint.config import Config
from tunelint.extras import MissingExtra, require
from tunelint.parallel import default_jobs
from tunelint.results import FileResult
from tunelint.shards import (
    DEFAULT_SHARD_BYTES,
    Shard,
    StatsCounting,
    check_shard,
    finish,
    merge,
    plan_shards,
    records_of,
)

if TYPE_CHECKING:
    from tunelint.run import RunOptions
    from tunelint.stats import Stats

SHARD_BYTES = DEFAULT_SHARD_BYTES
"""Files are cut into shards of at least this many bytes."""
RECORD_WINDOW = 2
"""With per-example records: shards checked ahead of the one read next, per worker thread."""
CONNECT_TIMEOUT = "10s"
LOCAL = "local"
LOOPBACK_ANY_PORT = "127.0.0.1:0"


class DaskError(Exception):
    """The cluster cannot be used: a bad address, no scheduler there, no dask installed."""


def local_workers(address: str) -> int | None:
    """The worker count of ``local`` / ``local:N``, None for a scheduler's address."""
    name, colon, count = address.partition(":")
    if name != LOCAL:
        return None
    if not colon:
        return default_jobs()
    if not count.isdigit() or int(count) < 1:
        raise DaskError(f"--dask {address}: want local, local:N (N at least 1) or an address")
    return int(count)


def _local_cluster(distributed: Any, workers: int) -> Any:
    """A LocalCluster of ``workers`` processes of one thread, quiet, and without the
    statistical profiler, which samples every worker's stack every 10 ms (measured here: a
    tenth or more of the time of pure-Python checks)."""
    import dask

    with dask.config.set({"distributed.worker.profile.enabled": False}):
        return distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=LOOPBACK_ANY_PORT,  # never a port in use (8787)
            silence_logs=logging.CRITICAL,  # what fails reaches the client as an exception
        )


class _Merger:
    """Futures of a file's consecutive partials, merged on the cluster as they are added: two
    spans of the same number of shards merge (a binary counter), so the tree is balanced and
    the file order kept whatever the number of shards."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.spans: list[tuple[int, Any]] = []
        """(shards in the span, its future), in file order."""

    def add(self, part: Any) -> None:
        size = 1
        while self.spans and self.spans[-1][0] == size:
            _, earlier = self.spans.pop()
            part = self.client.submit(merge, earlier, part, pure=False)
            size *= 2
        self.spans.append((size, part))

    def whole(self) -> Any:
        """The future of the whole file's partial (every shard added)."""
        _, part = self.spans.pop()
        while self.spans:
            part = self.client.submit(merge, self.spans.pop()[1], part, pure=False)
        return part


class _File:
    """One file of the run: its plan, then the shards still to submit and their merge."""

    def __init__(self, plan: Any, merger: _Merger) -> None:
        self.plan = plan
        self.shards: deque[Shard] | None = None
        """The shards not yet submitted; None until the plan is taken."""
        self.merger = merger
        self.done: Any = None
        """The future of the file's (FileResult, Stats), or of the error planning it raised."""


class DaskChecks:
    """The files of one run, submitted to a cluster; their results are taken in file order.

    Without per-example records every shard is submitted at once. With them
    (``on_example``), each shard's records are taken in file order and passed on, and at
    most ``RECORD_WINDOW`` shards per worker thread are checked ahead of the one whose
    records are taken next, so the records waiting on the cluster stay bounded."""

    def __init__(
        self,
        address: str,
        config: Config,
        paths: list[str],
        counting: StatsCounting | None,
        on_example: Callable[[Any], None] | None = None,
    ) -> None:
        try:
            distributed = require("distributed", "--dask", "dask")
        except MissingExtra as missing:
            raise DaskError(str(missing)) from None
        workers = local_workers(address)
        self.cluster: Any = None
        self.client: Any = None
        try:
            if workers is not None:
                self.cluster = _local_cluster(distributed, workers)
            self.client = distributed.Client(self.cluster or address, timeout=CONNECT_TIMEOUT)
        except (OSError, ValueError) as error:  # no scheduler there, or not an address
            self.close()
            raise DaskError(f"--dask {address}: cannot connect: {error}") from None
        self.config = config
        self.counting = counting
        self.on_example = on_example
        self.window = None
        if on_example is not None:
            threads = sum(self.client.nthreads().values())
            self.window = RECORD_WINDOW * max(threads, 1)
        plans = self.client.map(
            plan_shards, paths, config=config, shard_bytes=SHARD_BYTES, pure=False
        )
        self.files = {
            path: _File(plan, _Merger(self.client)) for path, plan in zip(paths, plans, strict=True)
        }
        self.unsubmitted = deque(paths)
        self.unread: deque[tuple[str, Any]] = deque()
        """(path, future of a shard's partial) whose records are not taken yet, in order."""
        self._submit()

    def _submit(self) -> None:
        """Submit the next shards, in file order, while the window has room."""
        while self.unsubmitted and (self.window is None or len(self.unread) < self.window):
            path = self.unsubmitted[0]
            file = self.files[path]
            if file.shards is None:
                try:
                    file.shards = deque(file.plan.result())
                except (OSError, MissingExtra):
                    file.done = file.plan  # taking its result raises the error again
                    self.unsubmitted.popleft()
                    continue
            if not file.shards:
                file.done = self.client.submit(finish, file.merger.whole(), pure=False)
                self.unsubmitted.popleft()
                continue
            shard = file.shards.popleft()
            part = self.client.submit(
                check_shard, shard, self.config, self.counting or False, pure=False
            )
            file.merger.add(part)
            if self.on_example is not None:
                self.unread.append((path, part))

    def result(self, path: str) -> tuple[FileResult, Stats | None]:
        """The result of ``path`` (the files' results are taken in the run's order), its
        records passed to ``on_example`` first; raises what checking it raised (OSError:
        unreadable), and then the file's other shards are dropped."""
        file = self.files[path]
        try:
            while file.done is None or (self.unread and self.unread[0][0] == path):
                if self.unread and self.on_example is not None:  # its records, in order
                    shown, part = self.unread.popleft()
                    assert shown == path, f"{path} taken before {shown}"
                    for record in self.client.submit(records_of, part, pure=False).result():
                        self.on_example(record)
                self._submit()
            return file.done.result()
        finally:
            del self.files[path]
            while self.unread and self.unread[0][0] == path:
                self.unread.popleft()
            if self.unsubmitted and self.unsubmitted[0] == path:
                self.unsubmitted.popleft()

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def start(config: Config, options: RunOptions, paths: list[str]) -> DaskChecks:
    """The run's training files submitted to ``options.dask``; raises DaskError."""
    assert options.dask is not None
    if options.validation:
        raise DaskError("--dask works without --validation (the training index is one process's)")
    counting = None
    if options.stats:
        counting = StatsCounting(options.model, options.tokenizer, options.on_example is not None)
    return DaskChecks(options.dask, config, paths, counting, options.on_example)
