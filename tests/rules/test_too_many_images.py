from conftest import assistant, chat, found

RULE = "too_many_images"
IMAGE = {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}


def test_too_many_images_reported_at_line_column_and_path():
    lines = [chat({"role": "user", "content": [IMAGE] * 11}, assistant())]
    assert found(*lines, rule=RULE) == [
        (
            1,
            804,
            "messages[0].content[10]",
            "example has 11 images; at most 10 are allowed (first extra here)",
        )
    ]


def test_too_many_images_good_case_passes():
    lines = [chat({"role": "user", "content": [IMAGE] * 10}, assistant())]
    assert found(*lines, rule=RULE) == []
