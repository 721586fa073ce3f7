from conftest import assistant, chat, found

RULE = "unreadable_image_data"
IMAGE = {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}


def test_unreadable_image_data_reported_at_line_column_and_path():
    lines = [
        chat(
            {
                "role": "user",
                "content": [
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,@@"}}
                ],
            },
            assistant(),
        )
    ]
    assert found(*lines, rule=RULE) == [
        (
            1,
            87,
            "messages[0].content[0].image_url.url",
            "image data is not valid base64; the image will be skipped",
        )
    ]


def test_unreadable_image_data_good_case_passes():
    lines = [chat({"role": "user", "content": [IMAGE]}, assistant())]
    assert found(*lines, rule=RULE) == []
