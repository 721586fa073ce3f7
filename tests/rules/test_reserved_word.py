import json

from tests.conftest import found

NOVA = {"profile": "bedrock-nova"}


def nova(text: str) -> str:
    return json.dumps(
        {
            "schemaVersion": "bedrock-conversation-2024",
            "messages": [
                {"role": "user", "content": [{"text": text}]},
                {"role": "assistant", "content": [{"text": "4"}]},
            ],
        }
    )


def test_reserved_word_in_a_user_prompt():
    line = nova("Bot: what is 2+2?")
    ((where, column, path, message),) = found(line, rule="reserved_word", config=NOVA)
    assert (where, path) == (1, "messages[0].content[0].text")
    assert column == line.index('"Bot:') + 1
    assert message.startswith("messages[0].content[0].text (user) contains the reserved word Bot:")


def test_plain_prompt_passes():
    assert found(nova("What is 2+2?"), rule="reserved_word", config=NOVA) == []
