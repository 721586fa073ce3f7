from conftest import assistant, chat, found, user


def test_a_list_line_is_reported_at_column_1():
    assert found('[{"role": "user"}]', rule="data_type") == [
        (1, 1, "", "line is a list, not a JSON object; JSONL wants one example per line")
    ]


def test_scalars_are_reported():
    assert [f[3] for f in found('"text"', "3", "null", rule="data_type")] == [
        "line is a string, not a JSON object",
        "line is a number, not a JSON object",
        "line is null, not a JSON object",
    ]


def test_a_message_that_is_not_an_object():
    line = '{"messages": [{"role": "user", "content": "Hi"}, ["assistant", "Hello"]]}'
    assert found(line, rule="data_type") == [
        (1, 50, "messages[1]", "messages[1] is a list, not an object")
    ]


def test_objects_pass():
    assert found(chat(user(), assistant()), rule="data_type") == []
