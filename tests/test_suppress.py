"""Suppressions in the config: per-file-ignores, ignore-examples, unused ones reported."""

import pytest

from conftest import assistant, chat, small_file_config, user
from tunelint.config import ConfigError, load_config
from tunelint.diagnostics import Diagnostic, Level
from tunelint.engine import check_file
from tunelint.fingerprint import example_hash
from tunelint.ignores import Suppression, SuppressionIndex
from tunelint.suppress import Filter

EMPTY = chat(user(), assistant(""))
NO_SYSTEM = chat(user("x"), assistant())


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "legacy").mkdir()
    path = tmp_path / "legacy" / "d.jsonl"
    path.write_text(f"{EMPTY}\n{NO_SYSTEM}\n")
    return path


def run(path, config):
    suppression_filter = Filter(config)
    result = check_file(path, config)
    suppressed = suppression_filter.apply(result)
    unused = suppression_filter.unused()
    return (
        [(d.line, d.rule) for d in result.diagnostics],
        [(d.line, by) for d, by in suppressed],
        [(d.line, d.message) for d in unused.diagnostics] if unused else [],
    )


def test_per_file_ignores_silences_rules_in_matching_files(data):
    config = small_file_config(
        {"per-file-ignores": {"legacy/*.jsonl": ["missing_system_message", "blank_line"]}}
    )
    kept, suppressed, unused = run(data, config)
    assert ("missing_system_message" not in {rule for _, rule in kept}) and kept
    assert suppressed[0][1] == "per-file-ignores 'legacy/*.jsonl': missing_system_message"
    assert unused == [
        (1, "per-file-ignores 'legacy/*.jsonl': blank_line suppressed nothing; remove it")
    ]


def test_ignore_examples_by_hash_and_by_line(data):
    import json

    config = small_file_config(
        {
            "ignore-examples": {
                "missing_content": [
                    {"hash": example_hash(json.loads(EMPTY)), "reason": "empty on purpose"}
                ],
                "missing_system_message": [
                    {"line": 2, "file": "legacy/*", "reason": "legacy"},
                    {"line": 1, "reason": "line 1 has one"},
                ],
            }
        }
    )
    kept, suppressed, unused = run(data, config)
    assert kept == []
    assert [line for line, _ in suppressed] == [1, 1, 2]
    assert any("(empty on purpose)" in by for _, by in suppressed)
    assert unused == []


def test_unused_suppression_can_be_turned_off(data):
    config = small_file_config(
        {
            "per-file-ignores": {"legacy/*": ["invalid_json"]},
            "rules": {"unused_suppression": "off"},
        }
    )
    assert run(data, config)[2] == []


def test_suppressions_for_files_not_checked_are_not_unused(data):
    config = small_file_config({"per-file-ignores": {"other/*.jsonl": ["invalid_json"]}})
    assert run(data, config)[2] == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "per-file-ignores:\n  'a/*': [missing_contnet]\n",
            "2: unknown rule 'missing_contnet'; did you mean 'missing_content'?",
        ),
        ("per-file-ignores: [a]\n", "1: per-file-ignores: must be a mapping, not ['a']"),
        (
            "ignore-examples:\n  blank_line:\n    - {line: 3}\n",
            "3: ignore-examples.blank_line[0]: every entry needs a 'reason'",
        ),
        (
            "ignore-examples:\n  blank_line:\n    - {line: 3, reason: x}\n    - {lien: 3, reason: x}\n",
            "4: ignore-examples.blank_line[1]: unknown key 'lien'; did you mean 'line'?",
        ),
        (
            "ignore-examples:\n  blank_line:\n    - {line: 0, reason: x}\n",
            "3: ignore-examples.blank_line[0].line: must be an integer >= 1, not 0",
        ),
        (
            "ignore-examples:\n  blank_line:\n    - {line: 1, hash: ab, reason: x}\n",
            "by 'hash' or by 'line'",
        ),
        (
            "ignore-examples:\n  blank_line: {line: 1}\n",
            "2: ignore-examples.blank_line: must be a list, not {'line': 1}",
        ),
        (
            "ignore-exampels: {}\n",
            "1: unknown key 'ignore-exampels'; did you mean 'ignore-examples'?",
        ),
    ],
)
def test_config_errors_name_line_and_suggest(tmp_path, text, message):
    path = tmp_path / ".tunelint.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert message in str(caught.value)


def test_effective_config_lists_suppressions_and_baseline(tmp_path):
    path = tmp_path / ".tunelint.yaml"
    path.write_text("baseline: b.json\nper-file-ignores: {'x/*': blank_line}\n")
    shown = load_config(path).as_dict()
    assert shown["baseline"] == "b.json"
    assert shown["suppressions"] == ["per-file-ignores 'x/*': blank_line"]


def test_the_first_covering_suppression_in_config_order_wins_whatever_its_kind():
    by_line = Suppression("missing_content", line=1, reason="first")
    whole_file = Suppression("missing_content", ("legacy/*",))
    by_hash = Suppression("missing_content", hash="abc", reason="third")
    finding = Diagnostic("legacy/d.jsonl", 1, 1, "missing_content", Level.ERROR, "empty")
    for order in (
        [by_line, whole_file, by_hash],
        [whole_file, by_hash, by_line],
        [by_hash, by_line],
    ):
        index = SuppressionIndex(order).for_file("legacy/d.jsonl")
        assert index.covering(finding, "abc") is order[0]
    assert SuppressionIndex([by_line]).for_file("x.jsonl").covering(finding, None) is by_line
    assert SuppressionIndex([whole_file]).for_file("new/d.jsonl").covering(finding, None) is None


def test_suppression_globs_are_compiled_once_however_often_they_are_named():
    entries = [Suppression(rule, ("legacy/*",)) for rule in ("blank_line", "invalid_json")] * 500
    index = SuppressionIndex(entries)
    assert [glob.pattern for glob in index.globs.globs] == ["legacy/*"]
    assert len(index.for_file("legacy/a.jsonl").applicable) == 1000
