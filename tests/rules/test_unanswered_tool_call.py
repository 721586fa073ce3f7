from conftest import assistant, chat, found, user

RULE = "unanswered_tool_call"
CALL = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}


def test_unanswered_tool_call_reported_at_line_column_and_path():
    lines = [chat(user(), {"role": "assistant", "tool_calls": [CALL]}, assistant())]
    assert found(*lines, rule=RULE) == [
        (1, 94, "messages[1].tool_calls[0].id", "tool call 'c1' is not answered before messages[2]")
    ]


def test_unanswered_tool_call_good_case_passes():
    lines = [
        chat(
            user(),
            {"role": "assistant", "tool_calls": [CALL]},
            {"role": "tool", "tool_call_id": "c1", "content": "1"},
            assistant(),
        )
    ]
    assert found(*lines, rule=RULE) == []
