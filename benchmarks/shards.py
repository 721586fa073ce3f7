"""Benchmark checking a directory of shards in one process, with --jobs, and on Dask.

    python benchmarks/shards.py                      # 8 shards of 50 MB
    python benchmarks/shards.py --shards 4 --size 5  # a quick run
    python benchmarks/shards.py --parquet --engines  # also: Parquet twins; Dask vs Ray start-up

Each command is ``tunelint check DIR --stats``; every figure is measured in this run: wall
time, and the RSS of the run's processes (the process tree is sampled every 50 ms, so a
process that lives less than that may be missed): the main process's peak, the largest peak
of another one, how many there were, and the most they held at one time. The outputs of the
commands on the same files are compared byte for byte. Needs the ``dask`` extra (and ``ray`` for ``--engines``' comparison); nothing is
asserted: the machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

PYTHON = sys.executable
SAMPLE_EVERY_S = 0.05
PARQUET_ROW_GROUP_ROWS = 2_000


@dataclass
class Measurement:
    name: str
    wall_s: float
    main_peak_mb: float
    largest_other_peak_mb: float
    processes: int
    peak_total_mb: float
    """The most memory the run's processes held at one time (sampled)."""
    same_output: bool | None = None


def _sample(peaks: dict[int, float], root: psutil.Process) -> float:
    """Note each process's RSS in ``peaks``; return their total now."""
    try:
        tree = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in tree:
        try:
            rss = process.memory_info().rss / 2**20
        except psutil.NoSuchProcess:
            continue
        peaks[process.pid] = max(peaks.get(process.pid, 0.0), rss)
        total += rss
    return total


def measure(name: str, command: list[str]) -> tuple[Measurement, bytes]:
    """Wall time and per-process peak RSS of ``command``, and its stdout."""
    start = time.perf_counter()
    with (
        open(os.devnull, "wb") as devnull,
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=devnull) as process,
    ):
        assert process.stdout is not None
        os.set_blocking(process.stdout.fileno(), False)
        root, peaks, output, peak_total = psutil.Process(process.pid), {}, [], 0.0
        while process.poll() is None:
            peak_total = max(peak_total, _sample(peaks, root))
            output.append(process.stdout.read() or b"")
            time.sleep(SAMPLE_EVERY_S)
        output.append(process.stdout.read() or b"")
    wall = time.perf_counter() - start
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}")
    main = peaks.pop(process.pid, 0.0)
    others = list(peaks.values())
    row = Measurement(name, wall, main, max(others, default=0.0), 1 + len(others), peak_total)
    return row, b"".join(output)


def make_shards(directory: Path, count: int, size_mb: float) -> Path:
    shards = directory / f"shards-{count}x{size_mb:g}mb"
    shards.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        path = shards / f"train-{number:05}-of-{count:05}.jsonl"
        if not path.exists():
            generate(str(path), int(size_mb * 1e6), seed=number)
    return shards


def parquet_twins(shards: Path, row_group_rows: int) -> Path:
    """The shards as Parquet files of row groups of ``row_group_rows`` (pyarrow)."""
    import pyarrow.json
    import pyarrow.parquet

    twins = shards.with_name(f"{shards.name}-parquet")
    twins.mkdir(exist_ok=True)
    for path in sorted(shards.glob("*.jsonl")):
        twin = twins / f"{path.stem}.parquet"
        if not twin.exists():
            table = pyarrow.json.read_json(path)
            pyarrow.parquet.write_table(table, twin, row_group_size=row_group_rows)
    return twins


def check_runs(shards: Path, workers: int, kind: str) -> list[Measurement]:
    tunelint = [PYTHON, "-m", "tunelint", "check", str(shards), "--stats"]
    runs = {
        f"{kind}: check --jobs 1 (one process)": [*tunelint, "--jobs", "1"],
        f"{kind}: check --jobs {workers}": [*tunelint, "--jobs", str(workers)],
        f"{kind}: check --dask local:{workers}": [*tunelint, "--dask", f"local:{workers}"],
    }
    rows, first = [], None
    for name, command in runs.items():
        row, output = measure(name, command)
        first = output if first is None else first
        row.same_output = output == first
        rows.append(row)
    return rows


ENGINE_START = {
    "Dask LocalCluster": """
import logging
from distributed import Client, LocalCluster
cluster = LocalCluster(n_workers={workers}, threads_per_worker=1, processes=True,
                       dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)
client = Client(cluster)
client.submit(sum, [1, 2]).result()
""",
    "Ray (ray.init)": """
import ray
ray.init(num_cpus={workers}, include_dashboard=False, logging_level="ERROR")
add = ray.remote(lambda numbers: sum(numbers))
ray.get([add.remote([1, 2]) for _ in range({workers})])
""",
}
HOLD = "\nimport time; print('ready', flush=True); time.sleep({hold})\n"


def engine_start(workers: int, hold_s: float = 3.0) -> list[Measurement]:
    """Time until a cluster of ``workers`` ran its first tasks, and its processes' memory
    while idle (held for ``hold_s``; a guard keeps spawned workers from re-running it)."""
    rows = []
    for name, script in ENGINE_START.items():
        body = "\n    ".join((script + HOLD).format(workers=workers, hold=hold_s).splitlines())
        program = f"if __name__ == '__main__':\n    {body}\n"
        start = time.perf_counter()
        row, output = measure(f"start-up: {name}", [PYTHON, "-c", program])
        if b"ready" not in output:
            print(f"{name}: not measured (not installed?)", file=sys.stderr)
            continue
        row.wall_s = time.perf_counter() - start - hold_s
        rows.append(row)
    return rows


def table(rows: list[Measurement]) -> str:
    lines = [
        "| run | wall s | main peak MB | largest other MB | processes | peak total MB"
        " | same output |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        same = "" if r.same_output is None else ("yes" if r.same_output else "NO")
        lines.append(
            f"| {r.name} | {r.wall_s:.1f} | {r.main_peak_mb:.0f} | {r.largest_other_peak_mb:.0f}"
            f" | {r.processes} | {r.peak_total_mb:.0f} | {same} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shards", type=int, default=8, help="number of shards (8)")
    parser.add_argument("--size", type=float, default=50, help="MB per shard (50)")
    parser.add_argument("--workers", type=int, default=2, help="--jobs N and local:N (2)")
    parser.add_argument("--dir", default=os.environ.get("TMPDIR", "/tmp") + "/tunelint-bench")
    parser.add_argument("--parquet", action="store_true", help="also the shards as Parquet")
    parser.add_argument("--engines", action="store_true", help="also measure cluster start-up")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    shards = make_shards(Path(args.dir), args.shards, args.size)
    rows = check_runs(shards, args.workers, "JSONL")
    if args.parquet:
        rows += check_runs(parquet_twins(shards, PARQUET_ROW_GROUP_ROWS), args.workers, "Parquet")
    if args.engines:
        rows += engine_start(args.workers)
    if args.json:
        print(json.dumps([asdict(row) for row in rows], indent=2))
    else:
        print(f"{args.shards} shards of {args.size:g} MB, {os.cpu_count()} cores\n")
        print(table(rows))


if __name__ == "__main__":
    main()
