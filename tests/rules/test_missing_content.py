from conftest import chat, found, user

RULE = "missing_content"


def test_empty_assistant_content_points_at_the_value():
    line = chat(user(), {"role": "assistant", "content": ""})
    ((number, column, path, message),) = found(line, rule=RULE)
    assert (number, path, message) == (
        1,
        "messages[1].content",
        "messages[1].content is empty (assistant)",
    )
    assert line[column - 1 : column + 1] == '""'


def test_null_and_wrong_types():
    messages = [
        found(chat(user(), {"role": "assistant", "content": None}), rule=RULE)[0][3],
        found(chat({"role": "user", "content": {"text": "x"}}), rule=RULE)[0][3],
        found(chat({"role": "user", "content": 5}), rule=RULE)[0][3],
    ]
    assert messages == [
        "messages[1].content is null (assistant)",
        "messages[0].content is an object, not a string or a list of content parts",
        "messages[0].content is a number, not a string or a list of content parts",
    ]


def test_content_parts_by_role():
    image = {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}
    assert (
        found(
            chat({"role": "user", "content": [{"type": "text", "text": "What?"}, image]}), rule=RULE
        )
        == []
    )
    ((_, _, path, message),) = found(chat({"role": "system", "content": [image]}), rule=RULE)
    assert path == "messages[0].content[0]"
    assert (
        message
        == "content part type 'image_url' is not allowed in a system message (allowed: text)"
    )


def test_text_part_without_text():
    ((_, _, path, message),) = found(
        chat({"role": "user", "content": [{"type": "text"}]}), rule=RULE
    )
    assert path == "messages[0].content[0].text"
    assert message == "content part 0 (text) has no valid 'text' (user)"


def test_tool_call_message_may_have_null_content():
    call = {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    assert (
        found(chat(user(), {"role": "assistant", "content": None, "tool_calls": [call]}), rule=RULE)
        == []
    )
