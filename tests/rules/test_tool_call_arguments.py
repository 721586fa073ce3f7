from conftest import chat, found, user

RULE = "tool_call_arguments"
CALL = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}


def test_tool_call_arguments_reported_at_line_column_and_path():
    lines = [
        chat(
            user(),
            {
                "role": "assistant",
                "tool_calls": [{**CALL, "function": {"name": "f", "arguments": {"x": 1}}}],
            },
        )
    ]
    assert found(*lines, rule=RULE) == [
        (
            1,
            159,
            "messages[1].tool_calls[0].function.arguments",
            "messages[1].tool_calls[0].function.arguments is an object, not a string holding JSON (serialize it with json.dumps)",
        )
    ]


def test_tool_call_arguments_good_case_passes():
    lines = [chat(user(), {"role": "assistant", "tool_calls": [CALL]})]
    assert found(*lines, rule=RULE) == []
