"""``--format gitlab``: Code Quality issues with fingerprints stable across runs."""

import io
import json

from conftest import DATA, small_file_config
from tunelint.diagnostics import Diagnostic, Level
from tunelint.engine import check_file
from tunelint.report.gitlab_format import Formatter, code_quality_issues
from tunelint.results import FileResult


def render(results) -> list[dict]:
    out = io.StringIO()
    formatter = Formatter(out)
    formatter.begin()
    for result in results:
        formatter.add(result)
    formatter.end(results)
    return json.loads(out.getvalue())


def test_issue_fields():
    result = check_file(DATA / "cookbook-toy-chat.jsonl", small_file_config())
    issues = render([result])
    assert issues[0] == {
        "description": "example has no system message [messages]",
        "check_name": "missing_system_message",
        "fingerprint": issues[0]["fingerprint"],
        "severity": "minor",
        "location": {"path": str(DATA / "cookbook-toy-chat.jsonl"), "lines": {"begin": 3}},
    }
    assert render([result]) == issues
    assert render([]) == []


def test_fingerprints_are_unique_and_survive_lines_inserted_above():
    def finding(line: int) -> Diagnostic:
        return Diagnostic("a.jsonl", line, 1, "invalid_json", Level.ERROR, "bad")

    before = code_quality_issues(FileResult("a.jsonl", [finding(3), finding(5)]))
    after = code_quality_issues(FileResult("a.jsonl", [finding(4), finding(6)]))
    fingerprints = [issue["fingerprint"] for issue in before]
    assert len(set(fingerprints)) == 2
    assert [issue["fingerprint"] for issue in after] == fingerprints
