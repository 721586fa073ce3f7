import json

from conftest import assistant, found, user

RULE = "invalid_preference_output"
DPO = json.dumps(
    {
        "input": {"messages": [user()]},
        "preferred_output": [assistant("Hello!")],
        "non_preferred_output": [assistant("What?")],
    }
)


def test_invalid_preference_output_reported_at_line_column_and_path():
    lines = [json.dumps({"input": {"messages": [user()]}, "preferred_output": [assistant()]})]
    assert found(*lines, rule=RULE) == [(1, 1, "", "example has no 'non_preferred_output'")]


def test_invalid_preference_output_good_case_passes():
    lines = [DPO]
    assert found(*lines, rule=RULE) == []
