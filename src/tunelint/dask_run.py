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
from typing import TYPE_CHECKING, Any

from tunelint.config import Config
from tunelint.extras import MissingExtra, require
from tunelint.parallel import default_jobs
from tunelint.results import FileResult
from tunelint.shards import (
    DEFAULT_SHARD_BYTES,
    StatsCounting,
    check_shard,
    finish,
    merge,
    plan_shards,
)

if TYPE_CHECKING:
    from tunelint.run import RunOptions
    from tunelint.stats import Stats

SHARD_BYTES = DEFAULT_SHARD_BYTES
"""Files are cut into shards of at least this many bytes."""
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


class DaskChecks:
    """The files of one run, submitted to a cluster; their results are taken in file order."""

    def __init__(
        self, address: str, config: Config, paths: list[str], counting: StatsCounting | None
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
        self.futures = self._submit(config, paths, counting)

    def _submit(
        self, config: Config, paths: list[str], counting: StatsCounting | None
    ) -> dict[str, Any]:
        """A future of each file's (FileResult, Stats) (or of the error planning it raised)."""
        client = self.client
        plans = client.map(plan_shards, paths, config=config, shard_bytes=SHARD_BYTES, pure=False)
        futures = {}
        for path, plan in zip(paths, plans, strict=True):
            try:
                shards = plan.result()
            except (OSError, MissingExtra):
                futures[path] = plan  # taking its result raises the error again
                continue
            parts = [
                client.submit(check_shard, shard, config, counting or False, pure=False)
                for shard in shards
            ]
            while len(parts) > 1:  # adjacent pairs, so the order is kept
                pairs = zip(parts[0::2], parts[1::2], strict=False)
                merged = [client.submit(merge, a, b, pure=False) for a, b in pairs]
                parts = merged + parts[len(merged) * 2 :]
            futures[path] = client.submit(finish, parts[0], pure=False)
        return futures

    def result(self, path: str) -> tuple[FileResult, Stats | None]:
        """The result of ``path``; raises what checking it raised (OSError: unreadable)."""
        return self.futures.pop(path).result()

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
    if options.stats and options.on_example:
        raise DaskError("--dask statistics count without --per-example")
    counting = StatsCounting(options.model, options.tokenizer) if options.stats else None
    return DaskChecks(options.dask, config, paths, counting)
