"""Reasoning the chat template leaves out of the rendered text (``--tokenizer``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tunelint.diagnostics import Level, Problem
from tunelint.rules._template import ReadsTemplateAnalysis
from tunelint.rules.base import ExampleRule, RuleContext

_THINK = re.compile(r"<think>(.*?)</think>", re.DOTALL)


def _reasoning(message: dict) -> tuple[str, str] | None:
    """(key, text) of an assistant message's reasoning: a reasoning field, or <think> in content."""
    for key in ("reasoning_content", "thinking", "reasoning"):
        if isinstance(message.get(key), str) and message[key].strip():
            return key, message[key].strip()
    content = message.get("content")
    found = _THINK.search(content) if isinstance(content, str) else None
    if found and found.group(1).strip():
        return "content", found.group(1).strip()
    return None


class DroppedReasoning(ExampleRule, ReadsTemplateAnalysis):
    """
    ## What it does
    Renders the example with the model's chat template (`--tokenizer DIR`) and reports an
    assistant message whose reasoning (`reasoning_content`, `thinking`, `reasoning`, or a
    `<think>` block in its content) does not appear in the rendered text. Qwen3's template,
    for one, keeps the reasoning of the turns after the last user message only. Silent when
    no tokenizer is configured.

    ## Why is this bad?
    The reasoning was written to be trained on, and the trainer never sees it: only the turns
    whose reasoning the template keeps teach the model to reason.

    ## Example
    Under Qwen3's template, the first answer's reasoning is dropped:
    ```json
    {"messages": [
      {"role": "user", "content": "2+2?"},
      {"role": "assistant", "content": "4", "reasoning_content": "Add them."},
      {"role": "user", "content": "3+3?"},
      {"role": "assistant", "content": "6", "reasoning_content": "Add again."}]}
    ```

    ## Use instead
    Split the conversation so that each reasoning turn is the last one, or train with a
    template that keeps reasoning in every turn.
    """

    id = "dropped_reasoning"
    level = Level.WARNING
    summary = "The chat template leaves an assistant message's reasoning out of the text."
    applies_to = ("chat", "preference")
    requires_setting = "tokenizer"

    def check(self, example: Any, ctx: RuleContext) -> Iterator[Problem]:
        from tunelint.chat.cache import analysis_for, model_for
        from tunelint.chat.training import conversation_of

        conversation = conversation_of(example)
        if conversation is None or model_for(ctx) is None:
            return
        reasoned = [
            (index, found)
            for index, message in enumerate(conversation.messages)
            if isinstance(message, dict)
            and message.get("role") == "assistant"
            and (found := _reasoning(message))
        ]
        if not reasoned:
            return
        analysis = analysis_for(example, ctx)
        if analysis is None or analysis.text is None:
            return
        for index, (key, text) in reasoned:
            if text not in analysis.text:
                yield Problem(
                    (*conversation.paths[index], key),
                    "the chat template leaves this reasoning out of the rendered text:"
                    " it is not trained on",
                )
