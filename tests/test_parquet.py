"""Parquet input: a Parquet file gets the findings and statistics of its JSONL twin (the same
rows as lines), at the same row numbers, across row groups; and is found, read and refused
as clearly as JSONL. What the reader reports is in tests/rules/cases/invalid_parquet.yaml."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import assistant, system, user
from shard_data import write_jsonl, write_parquet
from tunelint.config import config_from_dict
from tunelint.paths import expand
from tunelint.run import EXIT_USAGE, RunOptions, run

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def write_twins(rows: list[dict], directory: Path, row_group_size: int = 3) -> tuple[str, str]:
    """``rows`` as a JSONL file and as a Parquet file of row groups of ``row_group_size``."""
    directory.mkdir(parents=True, exist_ok=True)
    jsonl = write_jsonl(directory / "twin.jsonl", rows)
    parquet = write_parquet(directory / "twin.parquet", rows, row_group_size)
    return str(jsonl), str(parquet)


def outcome_of(paths: list[str], settings: dict[str, Any], **options: Any) -> list[Any]:
    """Per file: its findings without the column (a row has none) and with its twin's name
    for its own, its counts and statistics."""
    config = config_from_dict(settings)
    outcome = run(config, RunOptions(paths, **options))
    assert outcome.path_errors == [] and outcome.internal_errors == []
    stats = dict(outcome.stats)
    return [
        (
            sorted(
                (d.line, d.rule, d.level, d.message.replace(".parquet", ".jsonl"), d.path)
                for d in result.diagnostics
            ),
            (result.lines, result.examples, dict(result.skipped)),
            stats.get(result.path),
        )
        for result in outcome.results
    ]


def chat(*messages: dict, **top_level: Any) -> dict:
    return {"messages": list(messages), **top_level}


CHAT = [
    chat(system(), user(), assistant()),
    chat(user(), assistant("")),  # missing_content
    chat(user("Hi"), {"role": "robot", "content": "beep"}),  # unrecognized_role
    chat(system(), user(), assistant()),  # duplicate of row 1, in another row group
    chat(user("a"), {"role": "assistant", "content": "b", "weight": 2}),  # invalid_weight
    chat(user("q"), assistant("a"), metadata="x"),  # example_unrecognized_key
    {"prompt": "p", "completion": " c"},  # another line format
    chat(user("only a user")),  # no assistant message
    chat(system(), system(), user(), assistant()),  # two system messages
    chat(user(" padded "), assistant("ok")),
    chat(system(), user(), assistant()),  # duplicate again
    chat(
        user("call"),
        {
            "role": "assistant",
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{"}}
            ],
        },
    ),
]
PREFERENCE = [
    {
        "input": {"messages": [user(f"q{n}")]},
        "preferred_output": [assistant("good" if n % 3 else "same")],
        "non_preferred_output": [assistant("bad" if n % 3 else "same")],
    }
    for n in range(8)
] + [{"input": {"messages": [user("q"), assistant("a")]}, "preferred_output": []}]
COMPLETION = [{"prompt": f"p{n} ->", "completion": " c" if n % 4 else ""} for n in range(9)]
TRL = [
    {"prompt": [user(f"q{n}")], "chosen": [assistant("a")], "rejected": [assistant("a" * (n % 2))]}
    for n in range(7)
]
VERTEX = [
    {"contents": [{"role": "user", "parts": [{"text": "hi"}]}, {"role": "model", "parts": []}]},
    {"contents": [{"role": "user", "parts": [{"text": "hi"}]}, {"role": "bot", "parts": []}]},
    {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]},
]
TWINS = {
    "openai-chat": ({}, CHAT),
    "openai-preference": ({}, PREFERENCE),
    "openai-completion": ({}, COMPLETION),
    "trl-prompt-chosen-rejected": ({"profile": "trl"}, TRL),
    "vertex-gemini-contents": ({"profile": "vertex-gemini"}, VERTEX),
}


@pytest.mark.parametrize("settings, rows", TWINS.values(), ids=TWINS.keys())
@pytest.mark.parametrize("row_group_size", [1, 4, 100])
def test_a_parquet_file_gets_its_jsonl_twins_findings_and_statistics(
    tmp_path: Path, settings: dict, rows: list[dict], row_group_size: int
) -> None:
    jsonl, parquet = write_twins(rows, tmp_path, row_group_size)
    from_jsonl, from_parquet = outcome_of([jsonl, parquet], settings, stats=True)
    assert from_jsonl[0], "the twin gets findings to compare"
    assert from_parquet == from_jsonl


def test_the_corpus_as_parquet_gets_the_same_findings(corpus: Path, tmp_path: Path) -> None:
    for path in sorted(corpus.glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        jsonl, parquet = write_twins(rows, tmp_path / path.stem, 50)
        from_jsonl, from_parquet = outcome_of([jsonl, parquet], {}, stats=True)
        assert from_parquet == from_jsonl, path.name


def test_validation_and_training_parquet_files_leak_as_jsonl_twins_do(tmp_path: Path) -> None:
    training = [chat(user(f"q{n}"), assistant(f"a{n}")) for n in range(12)]
    validation = [training[7], chat(user("new"), assistant("a")), training[2]]
    train_jsonl, train_parquet = write_twins(training, tmp_path / "train")
    valid_jsonl, valid_parquet = write_twins(validation, tmp_path / "valid")
    as_jsonl = outcome_of([train_jsonl], {}, validation=[valid_jsonl])
    as_parquet = outcome_of([train_parquet], {}, validation=[valid_parquet])
    assert [rule for _, rule, *_ in as_parquet[1][0]].count("train_validation_overlap") == 2
    assert as_parquet == as_jsonl


def test_directories_and_globs_find_parquet_files(tmp_path: Path) -> None:
    write_twins(CHAT, tmp_path / "data" / "deep")
    (tmp_path / "data" / "notes.txt").write_text("not data", "utf-8")
    expected = [str(tmp_path / "data" / "deep" / name) for name in ("twin.jsonl", "twin.parquet")]
    assert expand([str(tmp_path / "data")], lambda path: False).files == expected
    glob = str(tmp_path / "**" / "*.parquet")
    assert expand([glob], lambda path: False).files == expected[1:]


def test_null_fields_are_absent_and_maps_are_objects(tmp_path: Path) -> None:
    """A row is the JSON object it holds: pyarrow's nulls for keys a row lacks are left out,
    and a map column is an object (as its JSONL twin, with no key the row lacks)."""
    parts = pa.array([[("city", "Oslo")], None], pa.map_(pa.string(), pa.string()))
    messages = pa.array([[user(), assistant()], [user(), {"role": "assistant", "content": None}]])
    path = tmp_path / "rows.parquet"
    pq.write_table(pa.table({"messages": messages, "metadata": parts}), path)
    from tunelint.parquet_reader import read_rows

    assert [record.value for record in read_rows(str(path))] == [
        {"messages": [user(), assistant()], "metadata": {"city": "Oslo"}},
        {"messages": [user(), {"role": "assistant"}]},
    ]


def test_without_pyarrow_a_parquet_file_is_a_message_naming_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jsonl, parquet = write_twins(CHAT, tmp_path)
    for name in [name for name in sys.modules if name.startswith("pyarrow")]:
        monkeypatch.setitem(sys.modules, name, None)  # import pyarrow raises ImportError
    outcome = run(config_from_dict({}), RunOptions([jsonl, parquet]))
    assert outcome.path_errors == [
        f"{parquet}: reading Parquet needs pyarrow: pip install 'tunelint[parquet]'"
    ]
    assert [result.path for result in outcome.results] == [jsonl]
    assert outcome.exit_status() == EXIT_USAGE
