"""Benchmark tunelint against the notebook's approach, in one run, on generated chat files.

    python benchmarks/run.py                 # 20 MB and 200 MB files
    python benchmarks/run.py --sizes 20 --json
    python benchmarks/run.py --sizes 1000    # 1 GB, on request

Every figure is measured in this run on this machine: wall time, peak RSS of the process
(``wait4``), throughput, and the ratio of each wall time to the baseline's; each measurement
is the fastest of ``--repeat`` runs (3), the baseline's too. Nothing here is asserted: the
machines are shared and noisy, so only ratios from one run mean anything.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

PYTHON = sys.executable


@dataclass
class Measurement:
    name: str
    size_mb: float
    wall_s: float
    peak_rss_mb: float
    mb_per_s: float
    ratio_to_baseline: float | None = None


def measure(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB, and stdout of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    output = process.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}")
    return wall, usage.ru_maxrss / 1024, output


FLOOR = r"""
import json, sys, time
from tunelint.tokens import load_encoding
start = time.perf_counter()
texts = []
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        example = json.loads(line)
        for m in example["messages"]:
            if isinstance(m.get("content"), str):
                texts.append(m["content"])
parse = time.perf_counter() - start
encoding = load_encoding("o200k_base")
encoding.encode_ordinary("warm up")
start = time.perf_counter()
for text in texts:
    encoding.encode_ordinary(text)
print(json.dumps({"parse_s": parse, "tokenize_s": time.perf_counter() - start}))
"""


def commands(path: str) -> dict[str, list[list[str]]]:
    tunelint = [PYTHON, "-m", "tunelint"]
    return {
        "baseline (notebook approach)": [[PYTHON, str(HERE / "notebook_baseline.py"), path]],
        "tunelint check": [[*tunelint, "check", path]],
        "tunelint check --jobs 1": [[*tunelint, "check", "--jobs", "1", path]],
        "tunelint stats": [[*tunelint, "stats", path]],
        "tunelint stats --jobs 1": [[*tunelint, "stats", "--jobs", "1", path]],
        "tunelint check + tunelint stats": [[*tunelint, "check", path], [*tunelint, "stats", path]],
        "tunelint check --stats (one pass)": [[*tunelint, "check", "--stats", path]],
        # What the ratios cannot go below: the engine with every rule off (start-up, read,
        # parse, classify), and with only the two scanners that must read every string.
        "floor: tunelint check --ignore ALL": [[*tunelint, "check", "--ignore", "ALL", path]],
        "floor: check, only the content scanners": [
            [*tunelint, "check", "--select", "secret_in_content,personal_data", path]
        ],
    }


def run_size(size_mb: float, directory: Path, repeat: int) -> list[Measurement]:
    path = directory / f"chat-{size_mb:g}mb.jsonl"
    if not path.exists():
        generate(str(path), int(size_mb * 1e6))
    actual_mb = path.stat().st_size / 1e6
    rows: list[Measurement] = []
    for name, steps in commands(str(path)).items():
        best_wall, rss = float("inf"), 0.0
        for _ in range(repeat):
            wall = 0.0
            for step in steps:
                step_wall, step_rss, _ = measure(step)
                wall += step_wall
                rss = max(rss, step_rss)
            best_wall = min(best_wall, wall)
        rows.append(Measurement(name, actual_mb, best_wall, rss, actual_mb / best_wall))
    _, rss, output = measure([PYTHON, "-c", FLOOR, str(path)])
    floor = json.loads(output)
    rows.append(
        Measurement(
            "floor: read + parse only",
            actual_mb,
            floor["parse_s"],
            rss,
            actual_mb / floor["parse_s"],
        )
    )
    rows.append(
        Measurement(
            "floor: tokenize text only",
            actual_mb,
            floor["tokenize_s"],
            rss,
            actual_mb / floor["tokenize_s"],
        )
    )
    baseline = rows[0].wall_s
    for row in rows:
        row.ratio_to_baseline = row.wall_s / baseline
    return rows


def compile_package() -> None:
    """Compile tunelint's bytecode first, as ``pip install`` does: where
    PYTHONDONTWRITEBYTECODE is set, every start-up would otherwise compile every module."""
    import tunelint

    compileall.compile_dir(str(Path(tunelint.__file__).parent), quiet=1)


def startup() -> list[Measurement]:
    small = HERE.parent / "examples" / "clean.jsonl"
    rows = []
    for name, command in (
        ("start-up: python itself (floor)", [PYTHON, "-c", "pass"]),
        ("start-up: tunelint --version", [PYTHON, "-m", "tunelint", "--version"]),
        ("start-up: check on a 13-line file", [PYTHON, "-m", "tunelint", "check", str(small)]),
    ):
        best = min(measure(command)[:2] for _ in range(5))
        rows.append(Measurement(name, 0.0, best[0], best[1], 0.0))
    return rows


def table(rows: list[Measurement]) -> str:
    lines = [
        "| measurement | file MB | wall s | peak RSS MB | MB/s | ratio to baseline |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        ratio = f"{r.ratio_to_baseline:.3f}" if r.ratio_to_baseline is not None else ""
        throughput = f"{r.mb_per_s:.1f}" if r.mb_per_s else ""
        size = f"{r.size_mb:.0f}" if r.size_mb else ""
        lines.append(
            f"| {r.name} | {size} | {r.wall_s:.3f} | {r.peak_rss_mb:.0f} | {throughput} | {ratio} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="20,200", help="file sizes in MB, comma-separated")
    parser.add_argument("--dir", default=os.environ.get("TMPDIR", "/tmp") + "/tunelint-bench")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each measurement; the fastest counts"
    )
    args = parser.parse_args()
    directory = Path(args.dir)
    directory.mkdir(parents=True, exist_ok=True)
    compile_package()
    rows = startup()
    for size in (float(s) for s in args.sizes.split(",")):
        rows += run_size(size, directory, args.repeat)
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2))
    else:
        print(
            f"tunelint benchmark, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Python {sys.version.split()[0]}"
        )
        print(table(rows))


if __name__ == "__main__":
    main()
