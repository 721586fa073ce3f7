"""Suppression matching: a 20,000-line check with and without 10,000 per-file-ignores globs.

    python benchmarks/suppressions.py                       # the tunelint on sys.path
    PYTHONPATH=/path/to/other/src python benchmarks/suppressions.py   # another checkout

Every line of the generated file has one ``missing_content`` finding; the config has
10,000 distinct globs that all match the file, each silencing a rule that does not fire
(``blank_line``), so every finding is looked up against every applicable suppression. The
figures are the wall time of the filter alone (the check is run once, outside the timing),
then the same for ``load_config`` and for configs that must be refused: nine levels of YAML
aliases under ``model:`` and ``extends: /dev/zero``. Nothing is asserted; run it twice, once
per checkout, to compare (the machines are shared and noisy).
"""

from __future__ import annotations

import argparse
import itertools
import json
import string
import tempfile
import time
from pathlib import Path

import tunelint
from tunelint.config import ConfigError, load_config
from tunelint.engine import check_file
from tunelint.suppress import Filter

LINE = json.dumps(
    {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": ""}]}
)


def distinct_matching_globs(count: int) -> list[str]:
    """``count`` different globs that all match ``data/train.jsonl``."""
    extras = (
        "".join(p)
        for n in itertools.count(1)
        for p in itertools.product(string.ascii_lowercase, repeat=n)
    )
    return [f"data/[t{extra}]rain.jsonl" for extra in itertools.islice(extras, count)]


def timed(function, *args):
    start = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - start, value


def filter_seconds(config, result) -> float:
    suppression_filter = Filter(config)
    result.diagnostics = list(result.diagnostics)
    seconds, _ = timed(suppression_filter.apply, result)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--globs", type=int, default=10_000)
    parser.add_argument(
        "--no-hostile",
        action="store_true",
        help="skip the refused configs (a checkout without"
        " the alias cap takes a minute and gigabytes on the alias bomb)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "data").mkdir()
        data = root / "data" / "train.jsonl"
        data.write_text((LINE + "\n") * args.lines)
        plain = root / "plain.yaml"
        plain.write_text("rules: {too_few_examples: off}\n")
        suppressed = root / "suppressed.yaml"
        entries = "".join(
            f'  "{glob}": [blank_line]\n' for glob in distinct_matching_globs(args.globs)
        )
        suppressed.write_text("rules: {too_few_examples: off}\nper-file-ignores:\n" + entries)

        print(f"tunelint {tunelint.__version__} from {Path(tunelint.__file__).parent}")
        load_plain, plain_config = timed(load_config, plain)
        load_many, many_config = timed(load_config, suppressed)
        print(f"load_config: plain {load_plain:.3f} s, with {args.globs:,} globs {load_many:.3f} s")
        result = check_file(data, plain_config)
        findings = len(result.diagnostics)
        without = filter_seconds(plain_config, check_file(data, plain_config))
        with_globs = filter_seconds(many_config, result)
        print(
            f"filter over {findings:,} findings: no suppressions {without:.3f} s,"
            f" {args.globs:,} globs {with_globs:.3f} s"
        )

        levels = ["  - &l0 [" + ", ".join(["lol"] * 9) + "]"]
        levels += [f"  - &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)]
        bomb = root / "bomb.yaml"
        bomb.write_text("model:\n" + "\n".join(levels) + "\n  - [" + ", ".join(["*l8"] * 9) + "]\n")
        zero = root / "zero.yaml"
        zero.write_text("extends: /dev/zero\n")
        hostile = (
            ()
            if args.no_hostile
            else (("nine levels of aliases", bomb), ("extends: /dev/zero", zero))
        )
        for name, path in hostile:
            start = time.perf_counter()
            try:
                load_config(path)
                outcome = "loaded"
            except ConfigError as error:
                outcome = str(error).split(": ", 1)[1][:70]
            print(f"{name}: {time.perf_counter() - start:.3f} s: {outcome}")


if __name__ == "__main__":
    main()
