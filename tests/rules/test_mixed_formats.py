import json

from conftest import assistant, chat, found, user

RULE = "mixed_formats"
DPO = json.dumps(
    {
        "input": {"messages": [user()]},
        "preferred_output": [assistant("Hello!")],
        "non_preferred_output": [assistant("What?")],
    }
)


def test_mixed_formats_reported_at_line_column_and_path():
    lines = [chat(user(), assistant()), DPO]
    assert found(*lines, rule=RULE) == [
        (
            2,
            1,
            "",
            "line 2 is a preference example in a file of chat examples: it is in the fine-tune-preference format, not fine-tune-chat",
        )
    ]


def test_mixed_formats_good_case_passes():
    lines = [DPO, DPO]
    assert found(*lines, rule=RULE) == []


def test_forced_preference_on_a_chat_file_names_the_chat_format():
    lines = [chat(user(), assistant())] * 3
    assert found(*lines, rule=RULE, config={"format": "preference"}) == [
        (
            1,
            1,
            "",
            "line 1 is a chat example in a file of preference examples: it is in the"
            " fine-tune-chat format, not fine-tune-preference (and 2 more such lines)",
        )
    ]
