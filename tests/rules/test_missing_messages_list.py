from conftest import found


def test_no_messages_key():
    assert found('{"conversation": []}', rule="missing_messages_list") == [
        (1, 1, "", "example has no 'messages' list")
    ]


def test_messages_not_a_list_points_at_the_value():
    assert found('{"messages": "hello"}', rule="missing_messages_list") == [
        (1, 14, "messages", "messages is a string, not a list of messages")
    ]


def test_empty_messages():
    assert found('{"messages": []}', rule="missing_messages_list")[0][3] == (
        "messages is an empty list"
    )


def test_a_list_passes():
    line = '{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}'
    assert found(line, rule="missing_messages_list") == []
