import json

from conftest import found

RULE = "empty_completion"


def test_empty_completion_reported_at_line_column_and_path():
    lines = [json.dumps({"prompt": "Q?\n\n###\n\n", "completion": ""})]
    assert found(*lines, rule=RULE) == [(1, 43, "completion", "completion is empty")]


def test_empty_completion_good_case_passes():
    lines = [json.dumps({"prompt": "Q?\n\n###\n\n", "completion": " A"})]
    assert found(*lines, rule=RULE) == []
