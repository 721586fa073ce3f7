"""Tokens per second of exact counting under a real chat template, end to end.

    python benchmarks/chat_template.py                       # 20 MB file, Qwen2.5's template
    python benchmarks/chat_template.py --template tests/data/tokenizers/templates/Qwen-Qwen3-0.6B.jinja
    python benchmarks/chat_template.py --repeat 3 --jobs 1 2 # best of 3 CLI runs per job count

Two figures, on the generated file (benchmarks/generate.py):

* ``analyse``: the library's batched analysis alone: read and parse each line, render it with
  the template, tokenize in batches, compute trained and truncated tokens and sum them.
* ``cli``: ``tunelint stats FILE --tokenizer DIR --chat-template FILE --format json`` as a user
  runs it, for each ``--jobs`` (the default: the run's own default, every core): the wall time
  of the whole process (start-up, model load, every rule, the report), the tokens it reports,
  tokens per second and the CPU seconds it used. With ``--repeat``, the fastest run is kept.

Nothing is asserted: the machines are shared and noisy (the load average is printed with each
figure); the figure is what this run measured.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "src"))

from generate import generate  # noqa: E402

from tunelint.chat.model import load_model  # noqa: E402
from tunelint.chat.training import (  # noqa: E402
    BATCH_SIZE,
    LOSS_MODES,
    LengthAggregate,
    Training,
    analyse,
)

TOKENIZERS = REPO / "tests" / "data" / "tokenizers"


def rows(path: Path):
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            yield path.name, number, json.loads(line)


def measure_analysis(path: Path, args: argparse.Namespace) -> dict:
    """The batched analysis of every line, in this process."""
    started = time.perf_counter()
    model = load_model(args.model, args.template)
    loaded = time.perf_counter()
    cpu_started = time.process_time()
    total = LengthAggregate()
    training = Training(args.loss, args.max_seq_length)
    for record in analyse(model, rows(path), training, args.batch_size):
        total.add(record)
    seconds = time.perf_counter() - loaded
    return {
        "examples": total.examples,
        "unrenderable": total.unrenderable,
        "tokens": total.tokens,
        "trained_tokens": total.trained_tokens,
        "truncated_examples": total.truncated_examples,
        "load_s": round(loaded - started, 2),
        "analyse_s": round(seconds, 2),
        "tokens_per_s": round(total.tokens / seconds),
        "cpu_s": round(time.process_time() - cpu_started, 2),
        "load_average": round(os.getloadavg()[0], 1),
        "p50": total.percentile(0.5),
        "p95": total.percentile(0.95),
    }


def run_cli(path: Path, args: argparse.Namespace, jobs: str) -> dict:
    """One ``tunelint stats`` process: wall and CPU seconds, and the tokens it reports."""
    command = [sys.executable, "-m", "tunelint", "stats", str(path), "--format", "json"]
    command += ["--tokenizer", args.model, "--chat-template", args.template]
    if jobs != "default":
        command += ["--jobs", jobs]
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env=environment)
    output, _ = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}")
    tokens = sum(f["tokens_per_example"]["sum"] for f in json.loads(output)["files"])
    return {"wall_s": wall, "tokens": tokens, "load_average": load_before}


def measure_cli(path: Path, args: argparse.Namespace, jobs: str) -> dict:
    """The fastest of ``--repeat`` CLI runs with ``--jobs jobs``, and its CPU seconds."""
    best: dict | None = None
    for _ in range(args.repeat):
        children = os.times()
        run = run_cli(path, args, jobs)
        after = os.times()
        run["cpu_s"] = (after.children_user - children.children_user) + (
            after.children_system - children.children_system
        )
        if best is None or run["wall_s"] < best["wall_s"]:
            best = run
    assert best is not None
    return {
        "jobs": jobs,
        "tokens": best["tokens"],
        "wall_s": round(best["wall_s"], 2),
        "tokens_per_s": round(best["tokens"] / best["wall_s"]),
        "cpu_s": round(best["cpu_s"], 2),
        "load_average": round(best["load_average"], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=20)
    parser.add_argument("--file", help="a JSONL file to measure instead of a generated one")
    parser.add_argument("--model", default=str(TOKENIZERS / "qwen2"))
    parser.add_argument(
        "--template", default=str(TOKENIZERS / "templates" / "Qwen-Qwen2.5-7B-Instruct.jinja")
    )
    parser.add_argument("--loss", choices=LOSS_MODES, default="assistant")
    parser.add_argument("--max-seq-length", type=int, default=1024)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument(
        "--jobs", nargs="*", default=["1", "default"], help="CLI --jobs values to run"
    )
    parser.add_argument("--repeat", type=int, default=1, help="CLI runs per --jobs value")
    parser.add_argument("--skip-analyse", action="store_true", help="CLI figures only")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(args.file) if args.file else Path(folder) / f"chat{args.mb:g}.jsonl"
        if not args.file:
            generate(str(path), int(args.mb * 1e6))
        result = {
            "file_mb": round(path.stat().st_size / 1e6, 1),
            "template": Path(args.template).name,
            "cores": os.cpu_count(),
        }
        if not args.skip_analyse:
            result["analyse"] = measure_analysis(path, args)
        result["cli"] = [measure_cli(path, args, jobs) for jobs in args.jobs]
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        rows_of = value if isinstance(value, list) else [value]
        for row in rows_of:
            if not isinstance(row, dict):
                print(f"{key:>20}: {row}")
                continue
            print(f"{key}:")
            for name, figure in row.items():
                shown = f"{figure:,}" if isinstance(figure, int) else figure
                print(f"{name:>20}: {shown}")


if __name__ == "__main__":
    main()
