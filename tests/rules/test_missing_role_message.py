from conftest import assistant, chat, found, system, user


def test_missing_assistant_is_an_error_at_messages():
    (finding,) = found(chat(system(), user()), rule="example_missing_assistant_message")
    assert finding[:3] == (1, 14, "messages")


def test_missing_system_and_user_are_warnings():
    from conftest import lint

    levels = {d.rule: str(d.level) for d in lint(chat(assistant())).diagnostics}
    assert levels == {"missing_system_message": "warning", "missing_user_message": "warning"}


def test_complete_example_passes():
    line = chat(system(), user(), assistant())
    for rule in (
        "example_missing_assistant_message",
        "missing_system_message",
        "missing_user_message",
    ):
        assert found(line, rule=rule) == []
