from conftest import assistant, chat, found, user

RULE = "ends_with_user_message"


def test_ends_with_user_message_reported_at_line_column_and_path():
    lines = [chat(user(), assistant(), user())]
    assert found(*lines, rule=RULE) == [
        (
            1,
            93,
            "messages[2]",
            "the conversation ends with a user message; nothing is learned from it",
        )
    ]


def test_ends_with_user_message_good_case_passes():
    lines = [chat(user(), assistant())]
    assert found(*lines, rule=RULE) == []
