from conftest import assistant, chat, found, system, user

LONG = chat(system(), user("word " * 300), assistant())


def test_long_example_is_a_warning_at_its_line_with_count_and_limit():
    findings = found(
        chat(system(), user(), assistant()),
        LONG,
        rule="over_token_limit",
        config={"max_tokens_per_example": 100},
    )
    assert len(findings) == 1
    line, column, path, message = findings[0]
    assert (line, column, path) == (2, 1, "")
    assert message.startswith("example has 3")
    assert "over the limit of 100 for gpt-4o-mini-2024-07-18" in message


def test_limit_comes_from_the_model_unless_overridden():
    assert found(LONG, rule="over_token_limit") == []
    assert found(LONG, rule="over_token_limit", config={"model": "gpt-3.5-turbo"}) == []
    (finding,) = found(
        LONG,
        rule="over_token_limit",
        config={"model": "gpt-3.5-turbo", "max_tokens_per_example": 50},
    )
    assert "limit of 50 for gpt-3.5-turbo-0125" in finding[3]


def test_rule_is_a_warning_by_default_and_can_be_turned_off():
    from conftest import lint

    config = {"max_tokens_per_example": 10}
    (diagnostic,) = [
        d for d in lint(LONG, config=config).diagnostics if d.rule == "over_token_limit"
    ]
    assert str(diagnostic.level) == "warning"
    off = {**config, "rules": {"over_token_limit": "off"}}
    assert found(LONG, rule="over_token_limit", config=off) == []
