from conftest import assistant, chat, found, user

RULE = "message_missing_key"


def test_missing_role_points_at_the_message():
    line = chat({"content": "Hi"}, assistant())
    assert found(line, rule=RULE) == [(1, 15, "messages[0]", "messages[0] has no 'role'")]


def test_missing_content_on_assistant_without_tool_calls():
    ((_, _, path, message),) = found(chat(user(), {"role": "assistant"}), rule=RULE)
    assert path == "messages[1]"
    assert message == (
        "messages[1] has no 'content' (an assistant message needs it unless it has"
        " tool_calls or function_call)"
    )


def test_tool_message_needs_tool_call_id():
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    line = chat(
        user(), {"role": "assistant", "tool_calls": [call]}, {"role": "tool", "content": "1"}
    )
    assert (
        found(line, rule=RULE)[0][3]
        == "messages[2] has no 'tool_call_id' (a tool message needs it)"
    )


def test_assistant_tool_call_without_content_passes():
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    line = chat(
        user(),
        {"role": "assistant", "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "c1", "content": "1"},
        assistant(),
    )
    assert found(line, rule=RULE) == []


def test_missing_content_is_reported_once_not_also_as_missing_content():
    result = [
        d.rule for d in __import__("conftest").lint(chat(user(), {"role": "assistant"})).diagnostics
    ]
    assert RULE in result and "missing_content" not in result
