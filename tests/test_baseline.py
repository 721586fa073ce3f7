"""Baselines: accepted findings stay accepted when lines move, and fixed ones are pruned."""

import json
import os

import pytest

from conftest import assistant, chat, small_file_config, system, user
from tunelint import baseline as baseline_module
from tunelint.baseline import (
    Baseline,
    BaselineError,
    build,
    complete_hashes,
    write_baseline,
)
from tunelint.diagnostics import Diagnostic, Level
from tunelint.engine import check_file
from tunelint.fingerprint import example_digest, example_hash, text_hash
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


def test_hash_values_recorded_in_baselines_stay_the_same():
    assert example_hash({"b": "é", "a": [1, 2.5, None]}) == "41a039b5a690a0e4"


VALUES = [
    {"b": 1, "a": "é"},
    {"a": "é", "b": 1},
    {"a": "\\u00e9", "b": 1},
    {"a": "\ud800"},
    {"a": "\udc00"},
    {"a": 1.0},
    {"a": 1},
    [{"x": []}],
    [{"x": {}}],
]


def test_duplicate_digests_are_equal_exactly_where_baseline_hashes_are():
    for first in VALUES:
        for second in VALUES:
            same_hash = example_hash(first) == example_hash(second)
            assert (example_digest(first) == example_digest(second)) is same_hash


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


ENTRY = '{"file": "d.jsonl", "rule": "missing_content", "path": "", "hash": ""'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not valid JSON"),
        ("[]", "not a tunelint baseline"),
        ('{"version": 1}', "not a"),
        ('{"version": 1, "findings": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
        ('{"version": 1, "findings": [{"file": 1, "rule": "r", "path": "", "hash": ""}]}', "lacks"),
        ('{"version": 1, "findings": [' + ENTRY + ', "count": 1e400}]}', "finding 1 has a count"),
        ('{"version": 1, "findings": [' + ENTRY + ', "count": -5}]}', "finding 1 has a count"),
    ],
    ids=["not-json", "not-a-mapping", "no-findings", "deep", "file-not-a-string", "count-inf", "count-negative"],
)  # fmt: skip
def test_bad_baseline_files_name_themselves(tmp_path, content, message):
    path = tmp_path / "b.json"
    path.write_text(content)
    with pytest.raises(BaselineError, match=message):
        Baseline.load(path)


def test_lone_surrogates_and_bidi_characters_are_written_escaped_and_read_back(tmp_path):
    """Before, a lone surrogate in a message (or a file name's undecodable byte) made
    --write-baseline crash, and a bidi override was written raw into the reviewed file."""
    data = tmp_path / os.fsdecode(b"bad\xffname.jsonl")
    write(data, '{"messages": [{"role": "\\ud800\u202e\u0085"}]}')
    target = tmp_path / "b.json"
    text, _ = build([check_file(str(data), small_file_config())], target)
    assert text.isascii() and "\\udcff" in text and "\\u202e\\u0085" in text
    write_baseline(target, text, [str(data)])
    assert rules_left(str(data), Baseline.load(target)) == []


def test_hashes_of_findings_placed_after_reading_come_from_the_file(tmp_path):
    data = write(tmp_path / "d.jsonl", GOOD, EMPTY)
    result = FileResult(str(data))
    result.diagnostics.append(Diagnostic(str(data), 2, 1, "missing_content", Level.ERROR, "x"))
    assert complete_hashes(result) == {2: example_hash(json.loads(EMPTY))}


@pytest.mark.parametrize("kind", ["fifo", "device", "directory"])
def test_a_baseline_that_is_not_a_regular_file_is_refused_at_once(tmp_path, kind):
    path = tmp_path / "b.json"
    if kind == "fifo":
        os.mkfifo(path)  # opening it for reading would block until a writer came
    elif kind == "directory":
        path.mkdir()
    else:
        path = "/dev/zero"  # reading it would never end
    with pytest.raises(BaselineError, match="is not a regular file"):
        Baseline.load(path)


def test_a_baseline_over_the_size_cap_is_refused_without_reading_it(tmp_path, monkeypatch):
    path = tmp_path / "b.json"
    with open(path, "wb") as handle:
        handle.truncate(1024**3)  # a sparse 1 GB file
    with pytest.raises(BaselineError, match="larger than 64 MiB; not read"):
        Baseline.load(path)
    monkeypatch.setattr(baseline_module, "MAX_BYTES", 10)
    path.write_text('{"version": 1, "findings": []}')
    with pytest.raises(BaselineError, match="larger than"):
        Baseline.load(path)


def baseline_text(tmp_path, target):
    data = write(tmp_path / "d.jsonl", EMPTY)
    return build([check_file(data, small_file_config())], target)[0], data


def test_write_baseline_replaces_a_baseline_atomically_keeping_its_mode(tmp_path):
    target = tmp_path / "tunelint-baseline.json"
    text, data = baseline_text(tmp_path, target)
    assert write_baseline(target, text, [str(data)]) == target
    assert (target.stat().st_mode & 0o777) == 0o666 & ~_umask()
    target.chmod(0o600)
    empty = build([check_file(write(data, GOOD), small_file_config())], target)[0]
    write_baseline(target, empty, [str(data)])
    assert target.read_text() == empty and (target.stat().st_mode & 0o777) == 0o600
    assert sorted(os.listdir(tmp_path)) == ["d.jsonl", "tunelint-baseline.json"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_write_baseline_never_writes_through_a_symlink(tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    link = tmp_path / "tunelint-baseline.json"
    link.symlink_to(precious)
    text, data = baseline_text(tmp_path, link)
    with pytest.raises(BaselineError, match="is a symbolic link"):
        write_baseline(link, text, [str(data)])
    assert precious.read_text() == "keep me" and link.is_symlink()


def test_write_baseline_never_replaces_a_file_being_checked(tmp_path):
    data = write(tmp_path / "b.jsonl", EMPTY)
    text = build([check_file(data, small_file_config())], data)[0]
    with pytest.raises(BaselineError, match=f"it is {data}, one of the files being checked"):
        write_baseline(data, text, [str(data)])
    assert data.read_text() == EMPTY + "\n"


def test_write_baseline_never_replaces_a_file_that_is_not_a_baseline(tmp_path):
    notes = tmp_path / "notes.json"
    notes.write_text('{"keep": "me"}')
    text, data = baseline_text(tmp_path, notes)
    with pytest.raises(BaselineError, match="is not a tunelint baseline"):
        write_baseline(notes, text, [str(data)])
    assert notes.read_text() == '{"keep": "me"}'


def test_a_config_named_baseline_outside_the_config_root_is_refused(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    precious = tmp_path / "precious.txt"
    text, data = baseline_text(root, root / "b.json")
    with pytest.raises(BaselineError, match="the config's baseline must be inside"):
        write_baseline(root / "../precious.txt", text, [str(data)], root)
    assert not precious.exists()
    (root / "out").symlink_to(tmp_path)  # a directory link out of the root is caught too
    with pytest.raises(BaselineError, match="must be inside"):
        write_baseline(root / "out" / "b.json", text, [str(data)], root)
    assert write_baseline(root / "b.json", text, [str(data)], root).read_text() == text
