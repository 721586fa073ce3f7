"""Check JSONL or Parquet files on a Dask cluster with tunelint's public API, as a Spark or
Ray job would: plan each file's shards, map the checker over them, merge in file order.

    python examples/dask_map.py [--scheduler ADDRESS] FILE...

Prints each file's findings, then the examples and tokens of all files (starting a local
cluster of two worker processes when no scheduler is given).
"""

from __future__ import annotations

import argparse

from dask.distributed import Client, LocalCluster

import tunelint
from tunelint.config import load_config
from tunelint.stats import Stats


def check_on(client: Client, paths: list[str]) -> tuple[list[tunelint.FileResult], Stats]:
    config = load_config(discover=False)
    results, total = [], Stats()
    plans = client.gather(client.map(tunelint.plan_shards, paths, config=config))
    for shards in plans:
        partials = client.map(tunelint.check_shard, shards, config=config, stats=True)
        merged = client.submit(_merge_in_order, *partials)
        result, stats = client.submit(tunelint.finish, merged).result()
        results.append(result)
        total = total.merge(stats)
    return results, total


def _merge_in_order(*partials: tunelint.Partial) -> tunelint.Partial:
    merged = partials[0]
    for later in partials[1:]:
        merged = tunelint.merge(merged, later)
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="+", metavar="FILE")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="default: a local cluster")
    args = parser.parse_args()
    cluster = None if args.scheduler else LocalCluster(n_workers=2, threads_per_worker=1)
    with Client(args.scheduler or cluster) as client:
        results, total = check_on(client, args.paths)
    for result in results:
        for finding in result.diagnostics:
            print(f"{finding.file}:{finding.line}: {finding.rule} {finding.message}")
    print(f"{total.examples} examples, {total.tokens.total} tokens")
    if cluster is not None:
        cluster.close()


if __name__ == "__main__":
    main()
