"""Message text that contains a special token's text."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from tunelint.diagnostics import JsonPath, Level, Problem
from tunelint.rules._chat import format_messages
from tunelint.rules.base import ExampleRule, RuleContext
from tunelint.walk import contents


@functools.cache
def _special_tokens(tokenizer: str | None, template: str | None) -> tuple[re.Pattern[str], str]:
    """A pattern of the special tokens to look for (longest first), and whose they are: the
    configured tokenizer's, else every bundled tiktoken encoding's."""
    if tokenizer:
        from tunelint.chat.model import load_model

        tokens, whose = load_model(tokenizer, template).special_tokens, "the tokenizer's"
    else:
        from tunelint.models import load_catalog

        encodings = load_catalog().encodings.values()
        tokens, whose = tuple({t for e in encodings for t in e.special_tokens}), "a tiktoken"
    ordered = sorted(tokens, key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in ordered) or "(?!)"), whose


def _texts(message: dict, path: JsonPath) -> Iterator[tuple[JsonPath, str]]:
    content = message.get("content")
    if isinstance(content, str):
        yield (*path, "content"), content
    elif isinstance(content, list):
        for index, part in enumerate(content):
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                yield (*path, "content", index, "text"), part["text"]
    for key in ("reasoning_content", "thinking", "reasoning"):
        if isinstance(message.get(key), str):
            yield (*path, key), message[key]


class SpecialTokenInContent(ExampleRule):
    """
    ## What it does
    Reports message text that contains the text of a special token: one of the tokenizer's
    (`--tokenizer DIR`, e.g. Qwen's `<|im_end|>`), or without a tokenizer, one of tiktoken's
    (`<|endoftext|>`, `<|endofprompt|>`, `<|fim_prefix|>`, ...).

    ## Why is this bad?
    `apply_chat_template` tokenizes the rendered text with special tokens enabled: the text
    `<|im_end|>` inside a message becomes the control token itself, so the model learns to end
    its turn, or starts a new one, in the middle of the message.

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "What does <|endoftext|> mean?"}, {"role": "assistant", "content": "It marks the end of a document."}]}
    ```

    ## Use instead
    Describe the token in words, or drop the example.
    ```json
    {"messages": [{"role": "user", "content": "What does the end-of-text token mean?"}, {"role": "assistant", "content": "It marks the end of a document."}]}
    ```
    """

    id = "special_token_in_content"
    level = Level.WARNING
    summary = "Message text contains a special token's text, which tokenizes as the token."
    applies_to = ("chat", "preference")

    def check(self, example: Any, ctx: RuleContext) -> Iterator[Problem]:
        tokenizer, template = ctx.settings.get("tokenizer"), ctx.settings.get("chat_template")
        pattern, whose = _special_tokens(
            str(tokenizer) if tokenizer else None, str(template) if template else None
        )
        if not ctx.spec.shape and pattern.search(contents(example).text) is None:
            return  # no string of the line holds one (a shape reader may join strings)
        for path, message in format_messages(example, ctx.spec):
            for text_path, text in _texts(message, path):
                found = list(dict.fromkeys(pattern.findall(text)))
                if found:
                    shown = ", ".join(found[:3]) + (
                        f" and {len(found) - 3} more" if len(found) > 3 else ""
                    )
                    yield Problem(
                        text_path,
                        f"contains {shown}, {whose} special token text: training reads it as"
                        " the control token, not as text",
                    )
