"""Truncation at ``max_seq_length`` cuts trained tokens off (``--tokenizer``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tunelint.diagnostics import Level, Problem
from tunelint.rules._template import ReadsTemplateAnalysis
from tunelint.rules.base import ExampleRule, RuleContext


def _truncation(example: Any, ctx: RuleContext) -> tuple[Any, int] | None:
    """The example's analysis and the length it is truncated at, when it loses trained tokens."""
    from tunelint.chat.cache import analysis_for, training_of

    limit = training_of(ctx).max_seq_length
    if limit is None:
        return None
    analysis = analysis_for(example, ctx)
    if analysis is None or not analysis.lost_trained_tokens:
        return None
    return analysis, limit


def _message(analysis: Any, limit: int, what: str) -> str:
    return (
        f"the example has {analysis.tokens:,} tokens; truncated at max_seq_length {limit:,} it"
        f" {what} of its {analysis.trained_tokens:,} trained tokens"
    )


class TruncatedAssistantTurn(ExampleRule, ReadsTemplateAnalysis):
    """
    ## What it does
    Counts the example's tokens under the model's chat template (`--tokenizer DIR`) and
    reports an example that, cut at `max_seq_length` (`--max-seq-length N`, the config's
    `max_seq_length:` or the profile trainer's default, e.g. TRL's 1024), keeps none of the
    tokens the loss trains on. (`partly_truncated_assistant_turn` reports one that keeps
    some.) Silent without a tokenizer or a `max_seq_length`.

    ## Why is this bad?
    Trainers truncate silently: the example trains on nothing, or only on the prompt when the
    loss covers all tokens, and the answer it was written for is never seen.

    ## Example
    A 3,000-token retrieved context before a short answer, at `max_seq_length: 1024`.

    ## Use instead
    Raise `max_seq_length` to the length percentile `tunelint stats` shows, shorten the
    context, or split the conversation.
    """

    id = "truncated_assistant_turn"
    level = Level.ERROR
    summary = "Truncation at max_seq_length leaves the example no trained token."
    applies_to = ("chat", "preference")
    requires_setting = "tokenizer"

    def check(self, example: Any, ctx: RuleContext) -> Iterator[Problem]:
        found = _truncation(example, ctx)
        if found and found[0].kept_trained_tokens == 0:
            yield Problem(
                ctx.spec.conversation_path or (), _message(found[0], found[1], "keeps none")
            )


class PartlyTruncatedAssistantTurn(ExampleRule, ReadsTemplateAnalysis):
    """
    ## What it does
    Like `truncated_assistant_turn`, for an example that keeps some of its trained tokens at
    `max_seq_length` and loses the rest.

    ## Why is this bad?
    The answer is cut mid-way: the model learns to stop where the cut falls, and never sees
    the end of turn (EOS) it must learn to emit.

    ## Example
    A 900-token answer after a 500-token prompt, at `max_seq_length: 1024`.

    ## Use instead
    Raise `max_seq_length`, or shorten the example.
    """

    id = "partly_truncated_assistant_turn"
    level = Level.WARNING
    summary = "Truncation at max_seq_length cuts off part of the trained tokens."
    applies_to = ("chat", "preference")
    requires_setting = "tokenizer"

    def check(self, example: Any, ctx: RuleContext) -> Iterator[Problem]:
        found = _truncation(example, ctx)
        if found and found[0].kept_trained_tokens:
            analysis, limit = found
            yield Problem(
                ctx.spec.conversation_path or (),
                _message(analysis, limit, f"loses {analysis.lost_trained_tokens:,}"),
            )
