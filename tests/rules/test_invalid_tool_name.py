from conftest import assistant, chat, found, user

RULE = "invalid_tool_name"


def test_invalid_tool_name_reported_at_line_column_and_path():
    lines = [
        chat(user(), assistant(), tools=[{"type": "function", "function": {"name": "get weather"}}])
    ]
    assert found(*lines, rule=RULE) == [
        (
            1,
            146,
            "tools[0].function.name",
            "function name 'get weather' does not match ^[a-zA-Z0-9_-]{1,64}$",
        )
    ]


def test_invalid_tool_name_good_case_passes():
    lines = [
        chat(user(), assistant(), tools=[{"type": "function", "function": {"name": "get_weather"}}])
    ]
    assert found(*lines, rule=RULE) == []
