"""The model's chat template refuses an example (``--tokenizer``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tunelint.diagnostics import Level, Problem
from tunelint.rules._template import ReadsTemplateAnalysis
from tunelint.rules.base import ExampleRule, RuleContext


class ChatTemplateError(ExampleRule, ReadsTemplateAnalysis):
    """
    ## What it does
    Renders each example with the chat template of the model given with `--tokenizer DIR`
    (or `tokenizer:` in the config; `--chat-template FILE` replaces the template), as
    transformers' `apply_chat_template` does, and reports an example the template raises on,
    with the template's own message. Silent when no tokenizer is configured.

    ## Why is this bad?
    The trainer renders every example with this template before training: an example it
    refuses stops the run (TRL, Axolotl and Unsloth all call `apply_chat_template`). Common
    causes are a system message the model has no role for (Gemma: "System role not
    supported"), turns that do not alternate (Mistral) and tool-call ids of the wrong shape
    (Mistral: "Tool call IDs should be alphanumeric strings with length 9!").

    ## Example
    Under Mistral-Nemo's template, two user messages in a row:
    ```json
    {"messages": [
      {"role": "user", "content": "Hi"},
      {"role": "user", "content": "Are you there?"},
      {"role": "assistant", "content": "Yes."}]}
    ```

    ## Use instead
    ```json
    {"messages": [
      {"role": "user", "content": "Hi. Are you there?"},
      {"role": "assistant", "content": "Yes."}]}
    ```
    """

    id = "chat_template_error"
    level = Level.ERROR
    summary = "The model's chat template raises an error on this example."
    applies_to = ("chat", "preference")
    requires_setting = "tokenizer"

    def check(self, example: Any, ctx: RuleContext) -> Iterator[Problem]:
        from tunelint.chat.cache import analysis_for
        from tunelint.chat.training import conversation_of

        conversation = conversation_of(example)
        if conversation is None or not conversation.messages:
            return
        analysis = analysis_for(example, ctx)
        if analysis is not None and analysis.error is not None:
            yield Problem(
                ctx.spec.conversation_path or (),
                f"the chat template refuses this example: {analysis.error}",
            )
