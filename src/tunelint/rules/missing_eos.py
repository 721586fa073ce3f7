"""Assistant turns not followed by the token the model stops on (``--tokenizer``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tunelint.diagnostics import Level, Problem
from tunelint.rules._template import ReadsTemplateAnalysis
from tunelint.rules.base import DatasetRule, RuleContext


@dataclass(frozen=True)
class _Unstopped:
    """Examples with a trained assistant turn no stop token ends, and the first of them."""

    examples: int = 0
    first_line: int | None = None
    first_path: tuple[str | int, ...] = ()


class MissingEos(DatasetRule, ReadsTemplateAnalysis):
    """
    ## What it does
    Renders each example with the model's chat template (`--tokenizer DIR`) and reports, once
    per file at the first such example, trained assistant turns whose trained text does not
    end in a token the model stops on: the tokenizer's `eos_token`, or an `eos_token_id` of
    the directory's `generation_config.json`. Silent when no tokenizer is configured.

    ## Why is this bad?
    The model learns when to stop from the stop token at the end of each trained turn. A
    template that ends turns with another token (Phi-3.5's `<|end|>` under a tokenizer whose
    EOS is `<|endoftext|>`), or `{% generation %}` blocks that leave the EOS out, train a model
    that never stops generating.

    ## Example
    Phi-3.5's template with a tokenizer whose `eos_token` is `<|im_end|>`: turns end in
    `<|end|>`.

    ## Use instead
    The tokenizer and template of one model, or a `generation_config.json` that lists the
    template's end-of-turn token in `eos_token_id`.
    """

    id = "missing_eos"
    level = Level.WARNING
    summary = "Trained assistant turns do not end in the token the model stops on."
    applies_to = ("chat", "preference")
    requires_setting = "tokenizer"

    def start(self, ctx: RuleContext) -> _Unstopped:
        return _Unstopped()

    def add(self, state: _Unstopped, example: Any, line: int, ctx: RuleContext) -> _Unstopped:
        from tunelint.chat.cache import analysis_for
        from tunelint.chat.training import conversation_of

        conversation = conversation_of(example)
        if conversation is None:
            return state
        analysis = analysis_for(example, ctx)
        if analysis is None or not analysis.unstopped_turns:
            return state
        if state.first_line is None:
            path = conversation.paths[analysis.unstopped_turns[0]]
            return _Unstopped(1, line, path)
        return _Unstopped(state.examples + 1, state.first_line, state.first_path)

    def merge(self, first: _Unstopped, second: _Unstopped) -> _Unstopped:
        if first.first_line is None:
            return second
        return _Unstopped(first.examples + second.examples, first.first_line, first.first_path)

    def finish(self, state: _Unstopped, ctx: RuleContext) -> Iterator[Problem]:
        from tunelint.chat.cache import model_for

        model = model_for(ctx)
        if state.first_line is None or model is None:
            return
        stops = ", ".join(model.stop_tokens) or "none (no eos_token)"
        more = state.examples - 1
        others = (
            f" ({more:,} more {'example' if more == 1 else 'examples'} like it)" if more else ""
        )
        yield Problem(
            state.first_path,
            f"this assistant turn is not followed by a token the model stops on ({stops}):"
            f" the model does not learn to stop{others}",
            line=state.first_line,
        )
