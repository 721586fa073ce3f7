"""Message text that contains a special token's text."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from tunelint.diagnostics import JsonPath, Level, Problem
from tunelint.rules._chat import format_messages
from tunelint.rules.base import ExampleRule, RuleContext


@functools.lru_cache(maxsize=8)
def _pattern(tokens: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True)))


def _special_tokens(ctx: RuleContext) -> tuple[tuple[str, ...], str]:
    """The special tokens to look for and whose they are."""
    from tunelint.chat.cache import model_for

    model = model_for(ctx)
    if model is not None:
        return model.special_tokens, "the tokenizer's"
    from tunelint.models import load_catalog

    specials = {t for e in load_catalog().encodings.values() for t in e.special_tokens}
    return tuple(sorted(specials)), "a tiktoken"


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
        tokens, whose = _special_tokens(ctx)
        if not tokens:
            return
        pattern = _pattern(tokens)
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
