"""Baselines: accepted findings stay accepted when lines move, and fixed ones are pruned."""

import json

import pytest

from conftest import assistant, chat, small_file_config, system, user
from tunelint.baseline import Baseline, BaselineError, build, complete_hashes
from tunelint.diagnostics import Diagnostic, Level
from tunelint.engine import check_file
from tunelint.fingerprint import example_hash, text_hash
from tunelint.results import FileResult

EMPTY = chat(system(), user(), assistant(""))  # missing_content at messages[2].content
HUMAN = chat(system(), user(), {"role": "human", "content": "Hi"}, assistant())  # a bad role
GOOD = chat(system(), user(), assistant())


def write(path, *lines):
    path.write_text("".join(line + "\n" for line in lines))
    return path


def baseline_of(data, tmp_path):
    target = tmp_path / "tunelint-baseline.json"
    text, _ = build([check_file(data, small_file_config())], target)
    target.write_text(text)
    return Baseline.load(target)


def rules_left(data, baseline):
    result = check_file(data, small_file_config())
    baseline.match(result)
    return [(d.line, d.rule) for d in result.diagnostics]


def test_hash_is_canonical_json_and_distinguishes_text():
    assert example_hash({"b": 1, "a": "é"}) == example_hash({"a": "é", "b": 1})
    assert example_hash({"a": 1}) != example_hash({"a": 2})
    assert text_hash('{"a": 1}') != example_hash({"a": 1})
    assert len(example_hash([])) == 16


def test_baseline_survives_inserted_and_reordered_lines(tmp_path):
    data = write(tmp_path / "d.jsonl", GOOD, EMPTY, HUMAN, "{not json")
    baseline = baseline_of(data, tmp_path)
    assert rules_left(data, baseline) == []
    write(data, HUMAN, GOOD, GOOD, "{not json", EMPTY, GOOD)
    baseline = Baseline.load(baseline.path)
    assert rules_left(data, baseline) == []
    assert baseline.stale() == 0


def test_new_finding_and_second_copy_are_reported(tmp_path):
    data = write(tmp_path / "d.jsonl", EMPTY)
    baseline = baseline_of(data, tmp_path)
    write(data, EMPTY, EMPTY, chat(system(), user(""), assistant()))
    assert rules_left(data, baseline) == [(2, "missing_content"), (3, "missing_content")]


def test_fixing_an_example_makes_its_entry_stale(tmp_path):
    data = write(tmp_path / "d.jsonl", EMPTY, HUMAN)
    baseline = baseline_of(data, tmp_path)
    write(data, GOOD, HUMAN)
    assert rules_left(data, baseline) == []
    assert baseline.stale() == 1


def test_file_is_sorted_stable_and_relative(tmp_path):
    (tmp_path / "sub").mkdir()
    data = write(tmp_path / "sub" / "d.jsonl", HUMAN, EMPTY)
    target = tmp_path / "b.json"
    first, count = build([check_file(data, small_file_config())], target)
    assert count == 2
    assert first == build([check_file(data, small_file_config())], target)[0]
    loaded = json.loads(first)
    assert [f["rule"] for f in loaded["findings"]] == ["missing_content", "unrecognized_role"]
    assert {f["file"] for f in loaded["findings"]} == {"sub/d.jsonl"}
    assert len(first.splitlines()) == 6 + 2  # one line per finding


def test_entries_of_files_not_checked_are_kept(tmp_path):
    one, two = write(tmp_path / "1.jsonl", EMPTY), write(tmp_path / "2.jsonl", HUMAN)
    target = tmp_path / "b.json"
    target.write_text(
        build([check_file(one, small_file_config()), check_file(two, small_file_config())], target)[
            0
        ]
    )
    text, count = build(
        [check_file(write(one, GOOD), small_file_config())], target, Baseline.load(target)
    )
    assert count == 1 and "2.jsonl" in text and "1.jsonl" not in text


@pytest.mark.parametrize(
    ("content", "message"),
    [("{", "not valid JSON"), ("[]", "not a tunelint baseline"), ('{"version": 1}', "not a")],
)
def test_bad_baseline_files_name_themselves(tmp_path, content, message):
    path = tmp_path / "b.json"
    path.write_text(content)
    with pytest.raises(BaselineError, match=message):
        Baseline.load(path)


def test_hashes_of_findings_placed_after_reading_come_from_the_file(tmp_path):
    data = write(tmp_path / "d.jsonl", GOOD, EMPTY)
    result = FileResult(str(data))
    result.diagnostics.append(Diagnostic(str(data), 2, 1, "missing_content", Level.ERROR, "x"))
    assert complete_hashes(result) == {2: example_hash(json.loads(EMPTY))}
