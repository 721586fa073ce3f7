import json

from conftest import found

RULE = "completion_missing_key"


def test_completion_missing_key_reported_at_line_column_and_path():
    lines = [json.dumps({"prompt": "Q?\n\n###\n\n", "answer": " A"})]
    assert found(*lines, rule=RULE) == [(1, 1, "", "example has no 'completion'")]


def test_completion_missing_key_good_case_passes():
    lines = [json.dumps({"prompt": "Q?\n\n###\n\n", "completion": " A"})]
    assert found(*lines, rule=RULE) == []
