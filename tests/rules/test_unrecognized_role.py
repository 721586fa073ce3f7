from conftest import assistant, chat, found


def test_unknown_role_names_the_allowed_ones():
    line = chat({"role": "bot", "content": "Hi"}, assistant())
    ((number, column, path, message),) = found(line, rule="unrecognized_role")
    assert (number, path) == (1, "messages[0].role")
    assert line[column - 1 : column + 4] == '"bot"'
    assert message == "role 'bot' is not one of system, user, assistant, tool, function"


def test_role_of_the_wrong_type():
    line = chat({"role": ["user"], "content": "Hi"}, assistant())
    assert found(line, rule="unrecognized_role")[0][3] == "role is a list, not a string"


def test_every_openai_role_passes():
    line = chat(
        {"role": "system", "content": "s"},
        {"role": "user", "content": "u"},
        {"role": "assistant", "content": "a"},
        {"role": "tool", "content": "t", "tool_call_id": "c"},
        {"role": "function", "name": "f", "content": "r"},
    )
    assert found(line, rule="unrecognized_role") == []
