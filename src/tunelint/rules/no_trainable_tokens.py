"""Nothing of an example is in the trainer's loss (``--tokenizer``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tunelint.diagnostics import Level, Problem
from tunelint.rules._template import ReadsTemplateAnalysis
from tunelint.rules.base import ExampleRule, RuleContext


class NoTrainableTokens(ExampleRule, ReadsTemplateAnalysis):
    """
    ## What it does
    Under the model's chat template (`--tokenizer DIR`), reports an example none of whose
    tokens the trainer's loss covers: with assistant-only loss, no assistant turn is found in
    the rendered text, or the template's `{% generation %}` blocks mark none of it, or every
    assistant message has `weight: 0`. Silent when no tokenizer is configured.

    ## Why is this bad?
    The example costs a forward pass and teaches nothing; a whole file of them trains on an
    all-zero loss mask, which trainers do not always report.

    ## Example
    An example without an assistant turn, trained with assistant-only loss:
    ```json
    {"messages": [
      {"role": "system", "content": "Be brief."},
      {"role": "user", "content": "Hi"}]}
    ```

    ## Use instead
    ```json
    {"messages": [
      {"role": "system", "content": "Be brief."},
      {"role": "user", "content": "Hi"},
      {"role": "assistant", "content": "Hello."}]}
    ```
    """

    id = "no_trainable_tokens"
    level = Level.ERROR
    summary = "No token of the example is in the trainer's loss."
    applies_to = ("chat", "preference")
    requires_setting = "tokenizer"

    def check(self, example: Any, ctx: RuleContext) -> Iterator[Problem]:
        from tunelint.chat.cache import analysis_for, training_of

        analysis = analysis_for(example, ctx)
        if analysis is None or analysis.error is not None or analysis.trained_tokens:
            return
        yield Problem(
            ctx.spec.conversation_path or (),
            f"none of the example's {analysis.tokens:,} tokens is trained"
            f" (loss: {training_of(ctx).loss})",
        )
