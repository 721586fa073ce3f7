"""The public API for checking in shards (``tunelint.plan_shards``, ``check_shard``,
``merge``, ``finish``): shards checked apart and merged in order, in any tree, give exactly
the result and statistics of one pass over the file, JSONL and Parquet alike."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

import tunelint
from shard_data import messy_rows, write_jsonl, write_parquet
from tunelint.config import config_from_dict
from tunelint.engine import check_file
from tunelint.shards import StatsCounting

CONFIG = config_from_dict({})


def one_pass(path: Path) -> tuple:
    observer = StatsCounting().observer(CONFIG)
    result = check_file(path, CONFIG, observer)
    return result, observer.file_stats(result)


def tree(partials: list) -> tunelint.Partial:
    """Merge adjacent pairs, level by level (as a cluster does)."""
    while len(partials) > 1:
        pairs = zip(partials[0::2], partials[1::2], strict=False)
        merged = [tunelint.merge(a, b) for a, b in pairs]
        partials = merged + partials[len(merged) * 2 :]
    return partials[0]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("shards")
    rows = messy_rows(600)
    return {
        "jsonl": write_jsonl(directory / "messy.jsonl", rows, broken_every=97),
        "parquet": write_parquet(directory / "messy.parquet", rows, row_group_size=25),
    }


@pytest.mark.parametrize("kind", ["jsonl", "parquet"])
@pytest.mark.parametrize("shard_bytes", [10**9, 40_000, 3_000])
@pytest.mark.parametrize("merging", ["in order", "as a tree"])
def test_shards_merge_to_one_pass(files, kind: str, shard_bytes: int, merging: str) -> None:
    path = files[kind]
    shards = tunelint.plan_shards(path, CONFIG, shard_bytes)
    assert (len(shards) == 1) == (shard_bytes == 10**9)
    partials = [tunelint.check_shard(shard, CONFIG, stats=True) for shard in reversed(shards)]
    partials.reverse()  # checked in any order, merged in file order
    merged = functools.reduce(tunelint.merge, partials) if merging == "in order" else tree(partials)
    result, stats = tunelint.finish(merged)
    expected, expected_stats = one_pass(path)
    assert any(d.rule == "duplicate_example" for d in expected.diagnostics)
    assert (result, stats) == (expected, expected_stats)


def test_a_file_whose_first_lines_show_no_format_is_one_shard(tmp_path: Path) -> None:
    path = tmp_path / "lists.jsonl"
    path.write_text("[1]\n" * 5000, "utf-8")
    assert len(tunelint.plan_shards(path, CONFIG, 100)) == 1


def test_only_consecutive_partials_of_one_file_merge_and_only_whole_ones_finish(files) -> None:
    shards = tunelint.plan_shards(files["jsonl"], CONFIG, 20_000)
    first, second, third = (tunelint.check_shard(shard, CONFIG) for shard in shards[:3])
    with pytest.raises(ValueError, match="not the next shard of the same file"):
        tunelint.merge(first, third)
    with pytest.raises(ValueError, match="covers"):
        tunelint.finish(tunelint.merge(first, second))
    (whole,) = tunelint.plan_shards(files["jsonl"], CONFIG)
    assert tunelint.finish(tunelint.check_shard(whole, CONFIG))[1] is None  # no stats asked
