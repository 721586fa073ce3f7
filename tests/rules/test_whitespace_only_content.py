from conftest import assistant, chat, found, user

RULE = "whitespace_only_content"


def test_whitespace_only_content_reported_at_line_column_and_path():
    lines = [chat(user(), assistant("  "))]
    assert found(*lines, rule=RULE) == [
        (1, 83, "messages[1].content", "messages[1].content is only whitespace (assistant)")
    ]


def test_whitespace_only_content_good_case_passes():
    lines = [chat(user(), assistant())]
    assert found(*lines, rule=RULE) == []
