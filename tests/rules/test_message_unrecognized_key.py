from conftest import assistant, chat, found, user

RULE = "message_unrecognized_key"


def test_unknown_key_points_at_the_key():
    line = chat(user(), {"role": "assistant", "content": "x", "timestamp": 5})
    ((_, column, path, message),) = found(line, rule=RULE)
    assert path == "messages[1].timestamp"
    assert line[column - 1 : column + 10] == '"timestamp"'
    assert message.startswith("'timestamp' is not allowed in an assistant message; allowed:")


def test_weight_is_allowed_only_on_assistant():
    line = chat({"role": "user", "content": "Hi", "weight": 0}, {**assistant(), "weight": 1})
    assert [f[2] for f in found(line, rule=RULE)] == ["messages[0].weight"]


def test_assistant_keys_of_the_current_format_pass():
    message = {"role": "assistant", "content": None, "refusal": "no", "name": "bot", "weight": 0}
    assert found(chat(user(), message), rule=RULE) == []
