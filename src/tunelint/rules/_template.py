"""What the chat-template rules share: their examples are analysed a window at a time."""

from __future__ import annotations

from typing import Any

from tunelint.rules.base import PreparesBatches, RuleContext


class ReadsTemplateAnalysis(PreparesBatches):
    """A rule that reads examples' analyses under the chat template
    (``tunelint.chat.cache.analysis_for``): it has each window rendered and tokenized in one
    batch before its examples are checked."""

    def prepare(self, examples: list[Any], ctx: RuleContext) -> None:
        from tunelint.chat.cache import prepare

        prepare(examples, ctx)
