from conftest import chat, found, user

RULE = "invalid_tool_call"
CALL = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}


def test_invalid_tool_call_reported_at_line_column_and_path():
    lines = [
        chat(
            user(),
            {
                "role": "assistant",
                "tool_calls": [{"type": "function", "function": {"name": "f", "arguments": "{}"}}],
            },
        )
    ]
    assert found(*lines, rule=RULE) == [
        (1, 87, "messages[1].tool_calls[0]", "messages[1].tool_calls[0] has no 'id'")
    ]


def test_invalid_tool_call_good_case_passes():
    lines = [chat(user(), {"role": "assistant", "tool_calls": [CALL]})]
    assert found(*lines, rule=RULE) == []
