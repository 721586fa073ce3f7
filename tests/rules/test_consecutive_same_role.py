from conftest import assistant, chat, found, user

RULE = "consecutive_same_role"


def test_consecutive_same_role_reported_at_line_column_and_path():
    lines = [chat(user(), user(), assistant())]
    assert found(*lines, rule=RULE) == [
        (1, 59, "messages[1].role", "messages[1] is a second user message in a row")
    ]


def test_consecutive_same_role_good_case_passes():
    lines = [chat(user(), assistant(), user(), assistant())]
    assert found(*lines, rule=RULE) == []
