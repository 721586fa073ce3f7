from conftest import assistant, chat, found, user

RULE = "too_few_examples"
CONFIG = {"rules": {"too_few_examples": "error"}}


def test_too_few_examples_reported_at_line_column_and_path():
    lines = [chat(user(str(n)), assistant()) for n in range(7)]
    assert found(*lines, rule=RULE, config=CONFIG) == [
        (1, 1, "", "Training file has 7 example(s), but must have at least 10 examples")
    ]


def test_too_few_examples_good_case_passes():
    lines = [chat(user(str(n)), assistant()) for n in range(10)]
    assert found(*lines, rule=RULE, config=CONFIG) == []
