import json

from conftest import assistant, found, user

RULE = "identical_preference_outputs"
DPO = json.dumps(
    {
        "input": {"messages": [user()]},
        "preferred_output": [assistant("Hello!")],
        "non_preferred_output": [assistant("What?")],
    }
)


def test_identical_preference_outputs_reported_at_line_column_and_path():
    lines = [
        json.dumps(
            {
                "input": {"messages": [user()]},
                "preferred_output": [assistant()],
                "non_preferred_output": [assistant()],
            }
        )
    ]
    assert found(*lines, rule=RULE) == [
        (1, 151, "non_preferred_output", "preferred and non-preferred outputs are identical")
    ]


def test_identical_preference_outputs_good_case_passes():
    lines = [DPO]
    assert found(*lines, rule=RULE) == []
