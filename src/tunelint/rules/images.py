"""Images in user messages: how many, where from, and whether inline data decodes."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

from tunelint.diagnostics import JsonPath, Level, Problem
from tunelint.rules._chat import format_messages, per_example
from tunelint.rules.base import ExampleRule, RuleContext

_LINE_FORMATS = ("chat", "preference", "reinforcement")
_DATA_URL = re.compile(r"data:([^;,]*)((?:;[^;,]*)*),", re.ASCII)


@per_example
def image_urls(example: dict, spec: object) -> Iterator[tuple[JsonPath, object]]:
    """(path of image_url.url, its value) of every image part in every message."""
    for path, message in format_messages(example, spec):
        content = message.get("content")
        for index, part in enumerate(content if isinstance(content, list) else ()):
            if isinstance(part, dict) and part.get("type") == "image_url":
                image = part.get("image_url")
                if isinstance(image, dict):
                    yield (*path, "content", index, "image_url", "url"), image.get("url")


class TooManyImages(ExampleRule):
    """
    ## What it does
    Reports an example with more images than the profile allows (OpenAI: 10 per example).

    ## Why is this bad?
    The service refuses the example; vision fine-tuning counts images across all messages.

    ## Example
    An example whose user messages hold 12 `image_url` parts.

    ## Use instead
    Split the conversation into several examples of at most 10 images each.
    """

    id = "too_many_images"
    level = Level.ERROR
    summary = "More images in one example than the profile allows."
    applies_to = _LINE_FORMATS

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        limit = ctx.profile.limits.max_images_per_example
        urls = list(image_urls(example, ctx.spec))
        if limit is not None and len(urls) > limit:
            yield Problem(
                urls[limit][0][:-2],
                f"example has {len(urls)} images; at most {limit} are allowed (first extra here)",
            )


class InvalidImageUrl(ExampleRule):
    """
    ## What it does
    Reports an `image_url.url` that is neither an `https://` URL nor a base64 data URL of an
    allowed image type (OpenAI: `data:image/jpeg;base64,`, `image/png`, `image/webp`).

    ## Why is this bad?
    The service refuses the file: it fetches only https URLs and decodes only those image
    types (a local path, `http://` or a GIF never reaches training).

    ## Example
    ```json
    {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "file:///home/me/cat.png"}}]}, {"role": "assistant", "content": "A cat."}]}
    ```

    ## Use instead
    An https URL, or the image inline as `data:image/png;base64,...`:
    ```json
    {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]}, {"role": "assistant", "content": "A cat."}]}
    ```
    """

    id = "invalid_image_url"
    level = Level.ERROR
    summary = "An image URL is not https or a base64 data URL of an allowed type."
    applies_to = _LINE_FORMATS

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        limits = ctx.profile.limits
        for path, url in image_urls(example, ctx.spec):
            if not isinstance(url, str):
                continue  # missing_content reports an image part without a url
            data = _DATA_URL.match(url)
            if data:
                if data.group(1) not in limits.image_data_types or ";base64" not in data.group(2):
                    yield Problem(
                        path,
                        f"data URL of type '{data.group(1)}' is not a base64 "
                        f"{' or '.join(limits.image_data_types)} image",
                    )
            elif url.partition(":")[0].lower() not in limits.image_url_schemes:
                shown = url if len(url) <= 40 else url[:37] + "..."
                yield Problem(
                    path,
                    f"image URL '{shown}' is not {' or '.join(limits.image_url_schemes)} "
                    "or a data URL",
                )


class UnreadableImageData(ExampleRule):
    """
    ## What it does
    Reports a base64 image data URL whose payload does not decode, or decodes to more bytes
    than the profile allows (OpenAI: 10 MB).

    ## Why is this bad?
    The service does not refuse the file: it skips such images, so the example trains
    without the picture it was about, silently.

    ## Example
    ```json
    {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,not-base64!"}}]}, {"role": "assistant", "content": "A cat."}]}
    ```

    ## Use instead
    Re-encode the image (`base64 -w0 cat.png`), downscaled below the limit.
    ```json
    {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]}, {"role": "assistant", "content": "A cat."}]}
    ```
    """

    id = "unreadable_image_data"
    level = Level.WARNING
    summary = "An inline image does not decode or is too large."
    applies_to = _LINE_FORMATS

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        limit = ctx.profile.limits.max_image_bytes
        for path, url in image_urls(example, ctx.spec):
            data = _DATA_URL.match(url) if isinstance(url, str) else None
            if not data or ";base64" not in data.group(2):
                continue
            payload = url[data.end() :]
            try:
                size = len(base64.b64decode(payload, validate=True))
            except (binascii.Error, ValueError):
                yield Problem(path, "image data is not valid base64; the image will be skipped")
                continue
            if limit is not None and size > limit:
                yield Problem(
                    path,
                    f"image data is {size:,} bytes, over the {limit:,}-byte limit; "
                    "the image will be skipped",
                )
