import json

from conftest import found

RULE = "prompt_without_separator"


def test_prompt_without_separator_reported_at_line_column_and_path():
    lines = [
        json.dumps({"prompt": "Q?", "completion": " A"}),
        json.dumps({"prompt": "Q:", "completion": " B"}),
    ]
    assert found(*lines, rule=RULE) == [
        (1, 1, "", "the 2 prompts do not end with a common separator (such as '\\n\\n###\\n\\n')")
    ]


def test_prompt_without_separator_good_case_passes():
    lines = [
        json.dumps({"prompt": "Q?\n\n###\n\n", "completion": " A"}),
        json.dumps({"prompt": "R\n\n###\n\n", "completion": " B"}),
    ]
    assert found(*lines, rule=RULE) == []
