"""Assistant-only loss with a chat template that cannot mark assistant tokens (``--tokenizer``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tunelint.diagnostics import Level, Problem
from tunelint.rules.base import DatasetRule, RuleContext


class TemplateWithoutGenerationMarkers(DatasetRule):
    """
    ## What it does
    Reports, once per file, that the trainer is to train on assistant tokens only (the
    profile's `training: {loss: assistant}`, the default) while the model's chat template
    (`--tokenizer DIR`, `--chat-template FILE`) has no `{% generation %}` blocks. Silent when no
    tokenizer is configured.

    ## Why is this bad?
    transformers' `return_assistant_tokens_mask`, which TRL's `assistant_only_loss=True`
    relies on, finds assistant tokens only through those blocks: without them the mask is all
    zeros, so the run fails or trains on nothing. tunelint counts the trained tokens by
    locating each assistant message in the rendered text instead, which is what trainers
    that mask by text (Unsloth's `train_on_responses_only`) do.

    ## Example
    Qwen2.5's template (no `{% generation %}`) with TRL's `assistant_only_loss=True`.

    ## Use instead
    A training template that wraps each assistant turn in `{% generation %}` ...
    `{% endgeneration %}` (TRL ships some), given with `--chat-template FILE`, or a trainer
    option that masks by text.
    """

    id = "template_without_generation_markers"
    level = Level.WARNING
    summary = "Assistant-only loss, but the chat template has no {% generation %} markers."
    applies_to = ("chat", "preference")
    requires_setting = "tokenizer"

    def start(self, ctx: RuleContext) -> int | None:
        return None

    def add(self, state: int | None, example: Any, line: int, ctx: RuleContext) -> int | None:
        from tunelint.chat.training import conversation_of

        if state is None and conversation_of(example) is not None:
            return line
        return state

    def merge(self, first: int | None, second: int | None) -> int | None:
        return first if first is not None else second

    def finish(self, state: int | None, ctx: RuleContext) -> Iterator[Problem]:
        from tunelint.chat.cache import model_for, training_of

        if state is None or training_of(ctx).loss != "assistant":
            return
        model = model_for(ctx)
        if model is None or model.has_generation_markers:
            return
        yield Problem(
            (),
            "assistant-only loss, but the chat template has no {% generation %} markers:"
            " transformers' assistant mask (TRL assistant_only_loss) is all zeros",
            line=state,
        )
