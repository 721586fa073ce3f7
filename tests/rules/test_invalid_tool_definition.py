from conftest import assistant, chat, found, user

RULE = "invalid_tool_definition"


def test_invalid_tool_definition_reported_at_line_column_and_path():
    lines = [
        chat(
            user(),
            assistant(),
            tools=[
                {"type": "function", "function": {"name": "f", "parameters": {"type": "string"}}}
            ],
        )
    ]
    assert found(*lines, rule=RULE) == [
        (
            1,
            165,
            "tools[0].function.parameters",
            'parameters is a schema of type "string", not a JSON Schema object',
        )
    ]


def test_invalid_tool_definition_good_case_passes():
    lines = [
        chat(
            user(),
            assistant(),
            tools=[
                {
                    "type": "function",
                    "function": {"name": "f", "parameters": {"type": "object", "properties": {}}},
                }
            ],
        )
    ]
    assert found(*lines, rule=RULE) == []
