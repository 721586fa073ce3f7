from tests.conftest import assistant, chat, found, system, user

TOGETHER = {"profile": "together"}


def test_second_user_turn_is_out_of_order_at_together():
    line = chat(system(), user(), user("again"), assistant())
    ((where, column, path, message),) = found(line, rule="invalid_turn_order", config=TOGETHER)
    assert (where, path) == (1, "messages[2].role")
    assert column == line.index('"role": "user", "content": "again"') + 9
    assert message.startswith("messages[2] is user where assistant is expected")


def test_alternating_turns_pass_and_openai_has_no_policy():
    assert (
        found(chat(system(), user(), assistant()), rule="invalid_turn_order", config=TOGETHER) == []
    )
    assert found(chat(user(), user(), assistant()), rule="invalid_turn_order") == []
