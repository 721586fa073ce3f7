from conftest import chat, found, user

RULE = "undeclared_tool"
CALL = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}


def test_undeclared_tool_reported_at_line_column_and_path():
    lines = [
        chat(
            user(),
            {"role": "assistant", "tool_calls": [CALL]},
            tools=[{"type": "function", "function": {"name": "g"}}],
        )
    ]
    assert found(*lines, rule=RULE) == [
        (1, 141, "messages[1].tool_calls[0].function.name", "function 'f' is not declared in tools")
    ]


def test_undeclared_tool_good_case_passes():
    lines = [
        chat(
            user(),
            {"role": "assistant", "tool_calls": [CALL]},
            tools=[{"type": "function", "function": {"name": "f"}}],
        )
    ]
    assert found(*lines, rule=RULE) == []
