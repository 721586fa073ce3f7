from conftest import assistant, chat, found, user

RULE = "invalid_weight"


def test_invalid_weight_reported_at_line_column_and_path():
    lines = [chat(user(), {**assistant(), "weight": 2})]
    assert found(*lines, rule=RULE) == [
        (1, 102, "messages[1].weight", "weight is 2; it must be 0 or 1")
    ]


def test_invalid_weight_good_case_passes():
    lines = [chat(user(), {**assistant(), "weight": 1})]
    assert found(*lines, rule=RULE) == []
