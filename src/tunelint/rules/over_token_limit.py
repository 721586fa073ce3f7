"""An example longer than the model's training token limit (the tokenizer loads on first use)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from tunelint.diagnostics import Level, Problem
from tunelint.rules.base import ExampleRule, Option, RuleContext
from tunelint.schema import AtLeast


def _choice(ctx: RuleContext) -> Any:
    """The model, its limit and its counting (``tunelint.costing.ProfileChoice``)."""
    from tunelint.costing import choose

    return choose(
        ctx.profile.name, ctx.settings.get("model"), ctx.options["max_tokens_per_example"]
    )


class OverTokenLimit(ExampleRule):
    """
    ## What it does
    Counts the tokens of each example the way the cookbook does (see `tunelint stats` in the
    README) with the model's tokenizer, and reports an example longer than the model's
    per-example training limit. The model is `model:` in the config (default: the profile's
    first model, `gpt-4o-mini-2024-07-18` for OpenAI); the option `max_tokens_per_example`
    (`rules: {over_token_limit: {max_tokens_per_example: 4096}}`, or the same key at the top
    level of the config) overrides the limit. Where the profile's model has no offline
    tokenizer (Gemini, Nova, open-weight models) the count is an estimate and says so; where
    it publishes no limit, nothing is reported. An example whose UTF-8 bytes alone prove it
    over the limit (each token is at most 128 bytes) is not tokenized: its message gives that
    lower bound ("at least N tokens").

    ## Why is this bad?
    OpenAI does not reject such an example: it truncates it from the end, so the model trains
    on a conversation cut off mid-way, often before the assistant's answer. You still pay for
    the tokens up to the limit.

    ## Example
    A 70,000-token transcript for `gpt-4o-mini-2024-07-18` (limit 65,536 tokens); or, under a
    limit of 30 tokens, this example of 36:
    ```yaml
    # .tunelint.yaml
    max_tokens_per_example: 30
    ```
    ```json
    {"messages": [{"role": "system", "content": "You answer questions about the weather in one short sentence."}, {"role": "user", "content": "Will it rain in Paris tomorrow?"}, {"role": "assistant", "content": "Probably not."}]}
    ```

    ## Use instead
    Split the conversation into several examples, or shorten the system prompt or the
    retrieved context it carries:
    ```json
    {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Rain in Paris tomorrow?"}, {"role": "assistant", "content": "Probably not."}]}
    ```
    """

    id = "over_token_limit"
    level = Level.WARNING
    summary = "The example has more tokens than the model's training limit."
    applies_to = ("chat", "preference")
    options = {
        "max_tokens_per_example": Option(
            Annotated[int, AtLeast(1)] | None,
            None,
            "token limit per example (default: the model's training limit)",
        )
    }

    def clears_line(self, line: str, ctx: RuleContext) -> bool:
        from tunelint.tokens import line_token_bound

        choice = _choice(ctx)
        if choice.token_limit is None or ctx.spec.shape:  # a shape reader builds the example
            return choice.token_limit is None
        bound = line_token_bound(line, choice.tokens.tool_constants)
        return bound is not None and bound <= choice.token_limit

    def check(self, example: Any, ctx: RuleContext) -> Iterator[Problem]:
        from tunelint.tokens import count_example, utf8_length

        choice = _choice(ctx)
        limit, counting = choice.token_limit, choice.tokens
        if limit is None:
            return
        # Counting UTF-8 bytes instead of tokens gives an upper bound of the same formula:
        # an example under the limit by that bound needs no tokenizer at all.
        if count_example(example, utf8_length, counting.tool_constants).total <= limit:
            return
        # Bytes over the longest token's bound it from below: an example over the limit by
        # that bound is not tokenized (a text of one letter repeated 50 million times is a
        # single piece, which tiktoken takes a minute to split).
        at_least = None
        if counting.max_token_bytes:
            per_token = counting.max_token_bytes
            fewest = count_example(
                example, lambda text: -(-utf8_length(text) // per_token), counting.tool_constants
            ).total
            at_least = fewest if fewest > limit else None
        tokens = at_least or count_example(example, counting.count, counting.tool_constants).total
        if tokens <= limit:
            return
        qualifier = "at least " if at_least else "about " if counting.is_estimate else ""
        label = f" ({counting.label})" if counting.is_estimate else ""
        yield Problem(
            (),
            f"example has {qualifier}{tokens:,} tokens{label}, over the limit of {limit:,} for"
            f" {choice.model.name}: training truncates it",
        )
