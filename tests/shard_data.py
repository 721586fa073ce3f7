"""Test data for checks in shards: a file whose dataset rules see every shard (examples
repeated far apart, other line formats, errors), as JSONL lines or Parquet rows."""

from __future__ import annotations

import json
import random
from pathlib import Path

from conftest import assistant, system, user


def messy_rows(count: int, seed: int = 7) -> list[dict]:
    """Chat examples, a tenth repeated from anywhere earlier, some with empty answers, some
    in the completion format."""
    rng = random.Random(seed)
    rows: list[dict] = []
    for n in range(count):
        kind = rng.random()
        if kind < 0.1 and rows:
            rows.append(rows[rng.randrange(len(rows))])  # duplicate_example across shards
        elif kind < 0.13:
            rows.append({"prompt": f"p{n}", "completion": " c"})  # mixed_formats
        else:
            answer = "" if kind < 0.17 else f"answer {n % 37}"
            question = f"question {n} " * rng.randint(1, 30)
            rows.append({"messages": [system("Be terse."), user(question), assistant(answer)]})
    return rows


def write_jsonl(path: Path, rows: list[dict], broken_every: int = 0) -> Path:
    """``rows`` as JSONL; with ``broken_every``, every such line is broken JSON instead."""
    lines = [json.dumps(row) for row in rows]
    if broken_every:
        for index in range(broken_every - 1, len(lines), broken_every):
            lines[index] = lines[index][:-3]
    path.write_text("".join(f"{line}\n" for line in lines), "utf-8")
    return path


def write_parquet(path: Path, rows: list[dict], row_group_size: int) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_struct_array(pa.array(rows))  # columns: every row's keys
    pq.write_table(table, path, row_group_size=row_group_size)
    return path
