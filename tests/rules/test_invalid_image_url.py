from conftest import assistant, chat, found

RULE = "invalid_image_url"
IMAGE = {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}


def test_invalid_image_url_reported_at_line_column_and_path():
    lines = [
        chat(
            {
                "role": "user",
                "content": [{"type": "image_url", "image_url": {"url": "file:///cat.png"}}],
            },
            assistant(),
        )
    ]
    assert found(*lines, rule=RULE) == [
        (
            1,
            87,
            "messages[0].content[0].image_url.url",
            "image URL 'file:///cat.png' is not https or a data URL",
        )
    ]


def test_invalid_image_url_good_case_passes():
    lines = [chat({"role": "user", "content": [IMAGE]}, assistant())]
    assert found(*lines, rule=RULE) == []
