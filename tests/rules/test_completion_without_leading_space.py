import json

from conftest import found

RULE = "completion_without_leading_space"


def test_completion_without_leading_space_reported_at_line_column_and_path():
    lines = [json.dumps({"prompt": "Q?\n\n###\n\n", "completion": "A"})]
    assert found(*lines, rule=RULE) == [
        (1, 43, "completion", "completion does not start with a space")
    ]


def test_completion_without_leading_space_good_case_passes():
    lines = [json.dumps({"prompt": "Q?\n\n###\n\n", "completion": " A"})]
    assert found(*lines, rule=RULE) == []
