"""The eval index and eval_contamination."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from conftest import assistant, chat, small_file_config, user
from tunelint import hygiene
from tunelint.engine import check_lines
from tunelint.hygiene import HygieneError, preload_contamination
from tunelint.hygiene.contamination import EvalFileError, EvalIndex, cached_index

QUESTION = (
    "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips"
    " in May. How many clips did Natalia sell altogether in April and May?"
)
SHORT = "Which planet in our solar system has the most moons?"  # 10 words: indexed whole


@pytest.fixture
def eval_files(tmp_path: Path) -> list[str]:
    text = tmp_path / "gsm8k.txt"
    text.write_text(f"{SHORT}\ntoo short to count\n", encoding="utf-8")
    jsonl = tmp_path / "eval.jsonl"
    lines = [
        json.dumps({"messages": [user("unrelated first item of the eval set here")]}),
        json.dumps({"messages": [{"role": "system", "content": "x"}, user(QUESTION)]}),
    ]
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [str(text), str(jsonl)]


def _findings(lines: list[str], paths: list[str]) -> list[tuple[int, int, str, str]]:
    config = small_file_config()
    config.settings["contamination"] = paths
    return [
        (d.line, d.column, d.path, d.message)
        for d in check_lines(lines, config).diagnostics
        if d.rule == "eval_contamination"
    ]


def test_a_training_example_quoting_an_eval_item_is_reported_at_the_passage(eval_files):
    quoted = "Solve this: natalia SOLD clips to 48 of her friends in April, and then she sold"
    lines = [chat(user("hello"), assistant("hi")), chat(user(quoted), assistant("72"))]
    [(line, column, path, message)] = _findings(lines, eval_files)
    assert (line, path) == (2, "messages[0].content")
    assert lines[1][column - 1 :].startswith("natalia SOLD")
    assert message == f"shares a passage with eval item {eval_files[1]}:2"


def test_a_short_eval_item_counts_whole_and_a_very_short_one_not_at_all(eval_files):
    lines = [
        chat(user(f"Quiz. {SHORT.upper()} Think."), assistant("Saturn")),
        chat(user("Is it too short to count?"), assistant("yes")),
        chat(user("Which planet in our solar system"), assistant("has the most moons?")),
    ]
    assert [f[0] for f in _findings(lines, eval_files)] == [1]


def test_without_eval_files_the_rule_is_silent():
    lines = [chat(user(QUESTION), assistant("72"))]
    assert _findings(lines, []) == []


def test_more_eval_items_sharing_the_passage_are_counted(tmp_path):
    path = tmp_path / "eval.txt"
    path.write_text(f"{QUESTION}\nRestated: {QUESTION} Again.\n", encoding="utf-8")
    [finding] = _findings([chat(user(QUESTION), assistant("72"))], [str(path)])
    assert finding[3] == f"shares a passage with eval item {path}:1 and 1 more eval item(s)"


def test_a_passage_in_more_than_ten_eval_items_is_boilerplate(tmp_path):
    path = tmp_path / "eval.txt"
    instruction = "Answer the following question with a single number and show no working at all"
    path.write_text("".join(f"{instruction} item {i}\n" for i in range(11)), encoding="utf-8")
    assert _findings([chat(user(instruction), assistant("ok"))], [str(path)]) == []


def test_a_bad_eval_file_is_a_message_with_its_file_and_line(tmp_path):
    path = tmp_path / "eval.jsonl"
    path.write_text('{"text": "fine"}\n{not json\n', encoding="utf-8")
    with pytest.raises(EvalFileError, match=r"eval\.jsonl:2: not valid JSON"):
        EvalIndex.build([str(path)])
    with pytest.raises(EvalFileError, match="cannot read eval file"):
        cached_index([str(tmp_path / "missing.txt")])
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9\n")
    with pytest.raises(EvalFileError, match=r"latin1\.txt:1: not UTF-8"):
        EvalIndex.build([str(tmp_path / "latin1.txt")])


def test_an_eval_file_that_would_block_never_end_or_overflow_the_parser_is_refused(tmp_path):
    """Before, ``contamination: [/dev/zero]`` in a config read one endless line into memory,
    a FIFO blocked forever, and 100,000 nested brackets were a RecursionError."""
    os.mkfifo(tmp_path / "pipe.jsonl")
    with open(tmp_path / "long.txt", "wb") as sparse:  # one 65 MiB line, no disk used
        sparse.truncate(65 << 20)
    (tmp_path / "deep.jsonl").write_text("[" * 100_000 + "]" * 100_000 + "\n")
    for name, message in (
        (str(tmp_path / "pipe.jsonl"), "pipe.jsonl: cannot read eval file (not a regular file)"),
        ("/dev/zero", "/dev/zero: cannot read eval file (not a regular file)"),
        (str(tmp_path), f"{tmp_path}: cannot read eval file (not a regular file)"),
        (str(tmp_path / "long.txt"), "long.txt:1: a line over 67,108,864 bytes"),
        (str(tmp_path / "deep.jsonl"), "deep.jsonl:1: not valid JSON (nested too deeply)"),
    ):
        with pytest.raises(EvalFileError, match=re.escape(message)):
            EvalIndex.build([name])


def test_the_index_is_built_once_per_set_of_unchanged_files(eval_files):
    first = cached_index(eval_files)
    assert cached_index(eval_files) is first
    assert len(first) == 3
    Path(eval_files[0]).write_text(f"{SHORT}\n{QUESTION}\n", encoding="utf-8")
    os.utime(eval_files[0], ns=(0, 10**18))
    assert cached_index(eval_files) is not first


def test_ngram_size_is_an_option(eval_files):
    config = small_file_config({"rules": {"eval_contamination": {"ngram_words": 30}}})
    config.settings["contamination"] = eval_files
    lines = [chat(user(QUESTION[:60]), assistant("72"))]  # 12 words of the question
    assert [
        d for d in check_lines(lines, config).diagnostics if d.rule == "eval_contamination"
    ] == []


def test_preloading_for_the_command_line_reports_bad_files_and_missing_numpy(tmp_path, monkeypatch):
    path = tmp_path / "eval.jsonl"
    path.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(HygieneError, match=r"eval\.jsonl:1: not valid JSON"):
        preload_contamination([str(path)], {"ngram_words": 13})
    preload_contamination([], {})  # no eval files: nothing to load
    monkeypatch.setattr(hygiene, "numpy_available", lambda: False)
    with pytest.raises(HygieneError, match=r"--contamination needs numpy: pip install"):
        preload_contamination([str(path)], {})
