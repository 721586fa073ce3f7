from conftest import assistant, chat, found, user

RULE = "all_weights_zero"


def test_all_weights_zero_reported_at_line_column_and_path():
    lines = [chat(user(), {**assistant(), "weight": 0})]
    assert found(*lines, rule=RULE) == [
        (1, 14, "messages", "every assistant message has weight 0; nothing trains")
    ]


def test_all_weights_zero_good_case_passes():
    lines = [chat(user(), {**assistant(), "weight": 0}, user(), assistant())]
    assert found(*lines, rule=RULE) == []
