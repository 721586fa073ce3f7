from tests.conftest import assistant, chat, found

IMAGE = {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}
TOGETHER = {"profile": "together"}


def test_weighted_image_message_at_together():
    line = chat({"role": "user", "content": [IMAGE], "weight": 1}, assistant())
    ((where, _, path, message),) = found(line, rule="weighted_image_message", config=TOGETHER)
    assert (where, path) == (1, "messages[0].weight")
    assert message == (
        "a message with an image has a non-zero weight"
        ' (Together AI: "Messages with images cannot have non-zero weights.")'
    )


def test_zero_weight_passes():
    line = chat({"role": "user", "content": [IMAGE], "weight": 0}, assistant())
    assert found(line, rule="weighted_image_message", config=TOGETHER) == []
