"""``tunelint stats`` under a real chat template, in one process and on ``--dask local:2``.

    python benchmarks/dask_chat_stats.py                    # 20 MB file, Qwen2.5's template
    python benchmarks/dask_chat_stats.py --mb 5 --shard-mb 1

Generates a file (benchmarks/generate.py), then runs ``tunelint stats FILE --tokenizer DIR
--chat-template F --max-seq-length N`` with the text report, with ``--format json`` and with
``--per-example``, each in one process and on a Dask LocalCluster of two workers (the file cut
into shards of ``--shard-mb``), compares the outputs byte for byte and prints the wall time
of each run. Nothing is asserted about time: the machines are shared and noisy.
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

from generate import generate  # noqa: E402

TOKENIZERS = REPO / "tests" / "data" / "tokenizers"
RUN_WITH_SHARD_BYTES = (
    "import sys; from tunelint import dask_run; dask_run.SHARD_BYTES = int(sys.argv.pop(1));"
    " from tunelint.cli import main; sys.exit(main(sys.argv[1:]))"
)
OUTPUTS = {"text": [], "json": ["--format", "json"], "per-example": ["--per-example"]}


def timed(command: list[str]) -> tuple[float, bytes]:
    """Wall seconds and standard output of ``command`` (which must succeed)."""
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=True, env=environment)
    return time.perf_counter() - started, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=20)
    parser.add_argument("--shard-mb", type=float, default=4)
    parser.add_argument("--model", default=str(TOKENIZERS / "qwen2"))
    parser.add_argument(
        "--template", default=str(TOKENIZERS / "templates" / "Qwen-Qwen2.5-7B-Instruct.jinja")
    )
    parser.add_argument("--max-seq-length", default="1024")
    args = parser.parse_args()
    shard_bytes = str(int(args.shard_mb * 1e6))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"chat{args.mb:g}.jsonl"
        examples = generate(str(path), int(args.mb * 1e6))
        model = ["--tokenizer", args.model, "--chat-template", args.template]
        model += ["--max-seq-length", args.max_seq_length]
        for name, output in OUTPUTS.items():
            stats = ["stats", str(path), *model, *output]
            plain_s, plain = timed([sys.executable, "-m", "tunelint", *stats, "--jobs", "1"])
            dask = [sys.executable, "-c", RUN_WITH_SHARD_BYTES, shard_bytes, *stats]
            dask_s, on_dask = timed([*dask, "--dask", "local:2"])
            rows.append(
                {
                    "output": name,
                    "plain_s": round(plain_s, 1),
                    "dask_local2_s": round(dask_s, 1),
                    "identical": plain == on_dask,
                    "bytes": len(plain),
                }
            )
    print(json.dumps({"file_mb": args.mb, "examples": examples, "shard_mb": args.shard_mb}))
    for row in rows:
        print(json.dumps(row))


if __name__ == "__main__":
    main()
