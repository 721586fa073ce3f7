from conftest import assistant, chat, found, user

TOOLS = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]


def test_extra_top_level_key_points_at_the_key():
    line = chat(user(), assistant(), weight=1)
    ((number, column, path, message),) = found(line, rule="example_unrecognized_key")
    assert (number, path) == (1, "weight")
    assert line[column - 1 : column + 7] == '"weight"'
    assert message.startswith("unrecognized top-level key 'weight'; allowed: messages, tools")


def test_tools_and_parallel_tool_calls_are_allowed():
    line = chat(user(), assistant(), tools=TOOLS, parallel_tool_calls=False)
    assert found(line, rule="example_unrecognized_key") == []
