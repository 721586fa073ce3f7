"""Tokens per second of exact counting under a real chat template, end to end.

    python benchmarks/chat_template.py                       # 20 MB file, Qwen2.5's template
    python benchmarks/chat_template.py --template tests/data/tokenizers/templates/Qwen-Qwen3-0.6B.jinja

End to end: read and parse each line of the generated file (benchmarks/generate.py), render it
with the template, tokenize in batches, compute trained and truncated tokens and sum them.
Nothing is asserted: the machines are shared and noisy; the figure is what this run measured.
"""

from __future__ import annotations

import argparse
import json
import os
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=20)
    parser.add_argument("--model", default=str(TOKENIZERS / "qwen2"))
    parser.add_argument(
        "--template", default=str(TOKENIZERS / "templates" / "Qwen-Qwen2.5-7B-Instruct.jinja")
    )
    parser.add_argument("--loss", choices=LOSS_MODES, default="assistant")
    parser.add_argument("--max-seq-length", type=int, default=1024)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"chat{args.mb:g}.jsonl"
        generate(str(path), int(args.mb * 1e6))
        started = time.perf_counter()
        model = load_model(args.model, args.template)
        loaded = time.perf_counter()
        cpu_started = time.process_time()
        total = LengthAggregate()
        training = Training(args.loss, args.max_seq_length)
        for record in analyse(model, rows(path), training, args.batch_size):
            total.add(record)
        finished = time.perf_counter()
        cpu_seconds = time.process_time() - cpu_started
    seconds = finished - loaded
    result = {
        "file_mb": args.mb,
        "template": Path(args.template).name,
        "cores": os.cpu_count(),
        "examples": total.examples,
        "unrenderable": total.unrenderable,
        "tokens": total.tokens,
        "trained_tokens": total.trained_tokens,
        "truncated_examples": total.truncated_examples,
        "load_s": round(loaded - started, 2),
        "analyse_s": round(seconds, 2),
        "tokens_per_s": round(total.tokens / seconds),
        "cpu_s": round(cpu_seconds, 2),
        "load_average": round(os.getloadavg()[0], 1),
        "p50": total.percentile(0.5),
        "p95": total.percentile(0.95),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>20}: {value:,}" if isinstance(value, int) else f"{key:>20}: {value}")


if __name__ == "__main__":
    main()
