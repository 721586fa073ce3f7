"""Peak memory of tunelint on inputs built to exhaust it (issue 13, case 12).

Builds, in a temporary directory, a sparse file of NUL bytes (one "line", made with
``truncate``: no disk used) and a file whose first line is ``--line-mb`` MB of JSON string,
then runs ``python -m tunelint`` on each and prints the exit code, the output and the
child's peak resident memory (``wait4``). Run with the sources to measure first on the path:

    PYTHONPATH=src python benchmarks/hostile_memory.py --sparse-gb 1 2 --line-mb 500
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOOD = b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}\n'


def measure(args: list[str]) -> tuple[int, str, float, float]:
    """(exit code, stdout, peak RSS in MB, seconds) of ``python -m tunelint ARGS``."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "tunelint", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert process.stdout is not None
    output = process.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, output, usage.ru_maxrss / 1024, time.monotonic() - started


def long_line_file(path: Path, megabytes: int) -> Path:
    with open(path, "wb") as handle:
        handle.write(b'{"messages": [{"role": "user", "content": "')
        chunk = b"x" * (1 << 20)
        for _ in range(megabytes):
            handle.write(chunk)
        handle.write(b'"}]}\n' + GOOD)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sparse-gb", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--line-mb", type=int, nargs="*", default=[500])
    parser.add_argument("--commands", nargs="*", default=["check", "stats"])
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        files = []
        for size in options.sparse_gb:
            path = Path(directory) / f"sparse-{size}g.jsonl"
            subprocess.run(["truncate", "-s", f"{size}G", str(path)], check=True)
            files.append((f"{size} GB sparse file of NULs", path))
        for size in options.line_mb:
            files.append(
                (f"{size} MB line", long_line_file(Path(directory) / f"line-{size}m.jsonl", size))
            )
        for label, path in files:
            for command in options.commands:
                code, output, peak, seconds = measure([command, str(path)])
                print(
                    f"== {label}: tunelint {command}: exit {code}, peak RSS {peak:,.0f} MB, {seconds:.1f} s"
                )
                print(output.replace(directory, "$TMP").rstrip())


if __name__ == "__main__":
    main()
