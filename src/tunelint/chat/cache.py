"""What the chat-template rules share: the loaded model and the current example's analysis.

Several rules read the same example: the model loads once per directory (``load_model`` is
cached) and the example is rendered and tokenized once, for the last example seen (held by
identity, so a new object with the same ``id`` is never mistaken for it).
"""

from __future__ import annotations

from typing import Any

from tunelint.chat.model import ChatModel, load_model
from tunelint.chat.training import ExampleAnalysis, Training, analyse_one, training_for

_last: list[Any] = [None, None, None]
"""[example, key, analysis] of the last analysed example."""


def model_for(ctx: Any) -> ChatModel | None:
    """The model of ``tokenizer:`` (and ``chat_template:``) in the settings; None when no
    tokenizer is configured. Raises ``ChatModelError`` (the CLI loads it first to report it)."""
    directory = ctx.settings.get("tokenizer")
    if not directory:
        return None
    template = ctx.settings.get("chat_template")
    return load_model(str(directory), str(template) if template else None)


def training_of(ctx: Any) -> Training:
    return training_for(ctx.profile, ctx.settings)


def analysis_for(example: Any, ctx: Any) -> ExampleAnalysis | None:
    """The example's analysis under the configured model; None when no tokenizer is set."""
    model = model_for(ctx)
    if model is None:
        return None
    key = (model, training_of(ctx))
    if _last[0] is example and _last[1] == key:
        return _last[2]
    analysis = analyse_one(model, example, key[1])
    _last[:] = [example, key, analysis]
    return analysis
