"""Tokenizing with tiktoken against the gated fast path, on a generated chat file.

    python benchmarks/tokenizer_speed.py                          # a 20 MB file in the temp directory
    python benchmarks/tokenizer_speed.py --before /tmp/base/src   # also time `stats` on older sources

Prints, for o200k_base: the time to load each tokenizer (tiktoken from the rank file and from
the cached fast-to-read form, quicktok), the time to count the file's distinct strings (tiktoken,
the gate alone, the gated fast path), then the wall time of ``tunelint stats`` on the file and on
its first 10 lines (and of ``check`` on those, for start-up) for each choice of counter: the
minimum of ``--repeat`` runs, so other load on the machine counts least.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE.parent / "src"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(SOURCES))

from generate import generate  # noqa: E402

from tunelint import rank_cache, tokens, tokens_fast  # noqa: E402

ENCODING = "o200k_base"


def strings(value: object) -> Iterator[str]:
    """Every string value of a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)


def distinct_strings(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as lines:
        return list(dict.fromkeys(text for line in lines for text in strings(json.loads(line))))


def best(repeat: int, run: Callable[[], object]) -> float:
    """The least CPU time of ``repeat`` runs in this process, in seconds (CPU time, not wall
    time: the machine is shared, and waiting for a core is not the code's cost)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def load_times(repeat: int, cache: Path) -> dict[str, float]:
    spec = tokens.load_catalog().encodings[ENCODING]

    def from_rank_file() -> None:
        tokens.load_encoding.cache_clear()
        rank_cache.VOCABULARY_SHA256.pop(ENCODING, None)  # no cache: the rank file each time
        tokens.load_encoding(ENCODING)

    def from_cache() -> None:
        tokens.load_encoding.cache_clear()
        tokens.load_encoding(ENCODING)

    figures = {
        "parse the rank file (base64)": best(repeat, lambda: tokens._read_rank_file(spec)),
    }
    pinned = rank_cache.VOCABULARY_SHA256[ENCODING]
    figures["tiktoken from the rank file"] = best(repeat, from_rank_file)
    rank_cache.VOCABULARY_SHA256[ENCODING] = pinned
    os.environ["XDG_CACHE_HOME"] = str(cache)
    from_cache()  # builds the cache file
    figures["read the cached form (verified)"] = best(
        repeat, lambda: rank_cache.load_ranks(ENCODING, lambda: {})
    )
    figures["tiktoken from the cached form"] = best(repeat, from_cache)
    figures["quicktok (its own data)"] = best(
        repeat, lambda: tokens_fast.quicktok_tokenizer(ENCODING)
    )
    return figures


def count_times(texts: list[str], repeat: int) -> dict[str, float]:
    encode = tokens.load_encoding(ENCODING).encode_ordinary
    quick = tokens_fast.quicktok_tokenizer(ENCODING)
    gated = tokens_fast.GatedCounter(
        ENCODING, lambda: tokens.tiktoken_counter(ENCODING), fast_after=0
    )
    gated("warm up")
    reference = [len(encode(text)) for text in texts]
    assert [gated(text) for text in texts] == reference, "the fast path must count as tiktoken"
    return {
        "tiktoken": best(repeat, lambda: [len(encode(text)) for text in texts]),
        "gate alone": best(repeat, lambda: [tokens_fast.passes_gate(text) for text in texts]),
        "quicktok alone": best(repeat, lambda: [quick.count(text) for text in texts]),
        "gated fast path": best(repeat, lambda: [gated(text) for text in texts]),
    }


def wall_and_cpu(command: list[str], env: dict[str, str], repeat: int) -> tuple[float, float]:
    """The least wall time and the least CPU time (user + system) of ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return min(walls), min(cpus)


def command_times(
    big: Path, small: Path, before: Path | None, cache: Path, repeat: int
) -> list[tuple[str, float, ...]]:
    """Per variant: wall and CPU seconds of stats on the big file, stats and check on the small."""
    variants = [("before (" + str(before) + ")", before, "tiktoken")] if before else []
    variants += [
        ("tiktoken, cached form", SOURCES, "tiktoken"),
        (f"default (quicktok after {tokens_fast.FAST_AFTER_CHARACTERS:,} chars)", SOURCES, ""),
        ("fast path from the first string", SOURCES, "fast"),
    ]
    rows = []
    for name, sources, choice in variants:
        env = {
            **os.environ,
            "PYTHONPATH": str(sources),
            "TUNELINT_TOKENIZER": choice,
            "XDG_CACHE_HOME": str(cache),
        }
        tunelint = [sys.executable, "-m", "tunelint"]
        rows.append(
            (
                name,
                *wall_and_cpu([*tunelint, "stats", str(big)], env, repeat),
                *wall_and_cpu([*tunelint, "stats", str(small)], env, repeat),
                *wall_and_cpu([*tunelint, "check", str(small)], env, repeat),
            )
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", type=Path, help="sources (a src/ directory) to compare with")
    args = parser.parse_args()
    work = Path(tempfile.gettempdir()) / "tunelint-benchmarks"
    work.mkdir(exist_ok=True)
    big = work / f"chat-{args.mb:g}mb.jsonl"
    if not big.exists():
        generate(str(big), int(args.mb * 1e6))
    small = work / "chat-10-lines.jsonl"
    with big.open(encoding="utf-8") as lines:
        small.write_text("".join(next(lines) for _ in range(10)), encoding="utf-8")
    texts = distinct_strings(big)
    with tempfile.TemporaryDirectory() as cache:
        print(f"{ENCODING}, loading (CPU seconds, best of {args.repeat}):")
        for name, seconds in load_times(args.repeat, Path(cache)).items():
            print(f"  {name:<34} {seconds:7.3f} s", flush=True)
        characters = sum(map(len, texts))
        print(f"counting the {len(texts):,} distinct strings ({characters:,} characters), CPU s:")
        for name, seconds in count_times(texts, args.repeat).items():
            print(f"  {name:<34} {seconds:7.3f} s", flush=True)
        print(
            f"wall / CPU seconds, best of {args.repeat}:"
            f"  stats {args.mb:g} MB | stats 10 lines | check 10 lines"
        )
        for name, *seconds in command_times(big, small, args.before, Path(cache), args.repeat):
            pairs = [
                f"{w:6.3f} / {c:6.3f}" for w, c in zip(seconds[::2], seconds[1::2], strict=True)
            ]
            print(f"  {name:<42} " + " | ".join(pairs), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
