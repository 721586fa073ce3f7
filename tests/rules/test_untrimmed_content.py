from conftest import assistant, chat, found, user

RULE = "untrimmed_content"
CONFIG = {"rules": {"untrimmed_content": "warning"}}


def test_untrimmed_content_reported_at_line_column_and_path():
    lines = [chat(user(), assistant("Hello "))]
    assert found(*lines, rule=RULE, config=CONFIG) == [
        (1, 83, "messages[1].content", "messages[1].content has trailing whitespace (assistant)")
    ]


def test_untrimmed_content_good_case_passes():
    lines = [chat(user(), assistant())]
    assert found(*lines, rule=RULE, config=CONFIG) == []
