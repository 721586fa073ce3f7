"""An example longer than the model's training token limit (the tokenizer loads on first use)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tunelint.diagnostics import Level, Problem
from tunelint.rules.base import ExampleRule, RuleContext


class OverTokenLimit(ExampleRule):
    """
    ## What it does
    Counts the tokens of each example the way the cookbook does (see `tunelint stats` in the
    README) with the model's tokenizer, and reports an example longer than the model's
    per-example training limit. The model is `model:` in the config (default
    `gpt-4o-mini-2024-07-18`); `max_tokens_per_example:` at the top level of the config
    overrides the limit.

    ## Why is this bad?
    OpenAI does not reject such an example: it truncates it from the end, so the model trains
    on a conversation cut off mid-way, often before the assistant's answer. You still pay for
    the tokens up to the limit.

    ## Example
    A 70,000-token transcript for `gpt-4o-mini-2024-07-18` (limit 65,536 tokens).

    ## Use instead
    Split the conversation into several examples, or shorten the system prompt or the
    retrieved context it carries.
    """

    id = "over_token_limit"
    level = Level.WARNING
    summary = "The example has more tokens than the model's training limit."
    formats = ("chat", "preference")

    def check(self, example: Any, ctx: RuleContext) -> Iterator[Problem]:
        from tunelint.models import load_catalog, resolve_model
        from tunelint.tokens import count_example, text_counter, utf8_length

        model = resolve_model(ctx.settings.get("model"))
        limit = ctx.settings.get("max_tokens_per_example") or int(model.token_limit.value)
        constants = load_catalog().encodings[model.encoding].tool_constants
        # Counting UTF-8 bytes instead of tokens gives an upper bound of the same formula:
        # an example under the limit by that bound needs no tokenizer at all.
        if count_example(example, utf8_length, constants).total <= limit:
            return
        tokens = count_example(example, text_counter(model.encoding), constants).total
        if tokens > limit:
            yield Problem(
                (),
                f"example has {tokens:,} tokens, over the limit of {limit:,} for {model.name}:"
                " training truncates it",
            )
