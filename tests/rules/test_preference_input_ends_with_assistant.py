import json

from conftest import assistant, found, user

RULE = "preference_input_ends_with_assistant"
DPO = json.dumps(
    {
        "input": {"messages": [user()]},
        "preferred_output": [assistant("Hello!")],
        "non_preferred_output": [assistant("What?")],
    }
)


def test_preference_input_ends_with_assistant_reported_at_line_column_and_path():
    lines = [
        json.dumps(
            {
                "input": {"messages": [user(), assistant()]},
                "preferred_output": [assistant("a")],
                "non_preferred_output": [assistant("b")],
            }
        )
    ]
    assert found(*lines, rule=RULE) == [
        (
            1,
            60,
            "input.messages[1]",
            "the input ends with an assistant message; the outputs should follow it",
        )
    ]


def test_preference_input_ends_with_assistant_good_case_passes():
    lines = [DPO]
    assert found(*lines, rule=RULE) == []
