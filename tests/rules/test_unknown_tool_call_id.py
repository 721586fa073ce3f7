from conftest import chat, found, user

RULE = "unknown_tool_call_id"
CALL = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}


def test_unknown_tool_call_id_reported_at_line_column_and_path():
    lines = [
        chat(
            user(),
            {"role": "assistant", "tool_calls": [CALL]},
            {"role": "tool", "tool_call_id": "c2", "content": "1"},
        )
    ]
    assert found(*lines, rule=RULE) == [
        (
            1,
            202,
            "messages[2].tool_call_id",
            "tool_call_id 'c2' answers no earlier tool call in this example",
        )
    ]


def test_unknown_tool_call_id_good_case_passes():
    lines = [
        chat(
            user(),
            {"role": "assistant", "tool_calls": [CALL]},
            {"role": "tool", "tool_call_id": "c1", "content": "1"},
        )
    ]
    assert found(*lines, rule=RULE) == []
