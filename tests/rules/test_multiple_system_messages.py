from tests.conftest import assistant, chat, found, system, user


def test_second_system_message_at_mistral():
    line = chat(system(), user(), system("Be kind."), assistant())
    ((where, _, path, message),) = found(
        line, rule="multiple_system_messages", config={"profile": "mistral"}
    )
    assert (where, path) == (1, "messages[2].role")
    assert message.startswith("messages[2] is system message number 2; at most 1 allowed")


def test_one_system_message_passes():
    line = chat(system(), user(), assistant())
    assert found(line, rule="multiple_system_messages", config={"profile": "mistral"}) == []
