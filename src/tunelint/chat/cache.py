"""What the chat-template rules share: the loaded model and each example's analysis.

Several rules read the same example: the model loads once per directory (``load_model`` is
cached) and each example is rendered and tokenized once. The engine hands the rules a window
of examples before checking them (``prepare``, one window ahead): the window is rendered at
once and tokenized in a worker thread while the previous window is checked. An example
nobody prepared (a shape reader's example, a rule called directly) is analysed on its own,
with the same result. Examples are held by identity, so a new object with the same ``id`` is
never mistaken for one; only the last ``KEPT_WINDOWS`` windows are kept.
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tunelint.chat.model import ChatModel, load_model
from tunelint.chat.training import BatchAnalysis, ExampleAnalysis, Training, training_for

KEPT_WINDOWS = 2
"""The window being checked and the one prepared ahead of it."""

_last: list[Any] = [None, None, None]
"""[example, key, analysis] of the last example analysed on its own."""


class _Window:
    """The analyses of one window of examples under one (model, training)."""

    def __init__(self, examples: list[Any], key: tuple[ChatModel, Training]) -> None:
        self.examples = examples
        self.key = key
        self._index = {id(example): index for index, example in enumerate(examples)}
        batch = [("", 0, example) for example in examples]
        self._batch = BatchAnalysis(key[0], batch, key[1], _worker(), keep_text=True)

    def get(self, example: Any) -> ExampleAnalysis | None:
        """The example's analysis (waiting for its batch's tokens), None if it is not here."""
        index = self._index.get(id(example))
        if index is None or self.examples[index] is not example:
            return None
        return self._batch.result()[index]


_windows: list[_Window] = []
_recent: deque[list[Any]] = deque(maxlen=KEPT_WINDOWS)
"""The example lists of the last windows prepared (under any settings)."""
_executor: list[ThreadPoolExecutor] = []


def _worker() -> ThreadPoolExecutor:
    """The thread windows are tokenized in (one per process)."""
    if not _executor:
        _executor.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="tunelint-chat"))
    return _executor[0]


def _settle_before_fork() -> None:
    """Fork only once the worker is idle: a child must not inherit the encoder's lock held
    (the worker takes tasks in order, so a no-op done means every batch before it is)."""
    if _executor:
        _executor[0].submit(int).result()


def _forget_after_fork() -> None:
    """A forked worker has none of its parent's threads: it starts its own."""
    _executor.clear()
    _windows.clear()
    _recent.clear()


os.register_at_fork(before=_settle_before_fork, after_in_child=_forget_after_fork)


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


def _key(ctx: Any) -> tuple[ChatModel, Training] | None:
    model = model_for(ctx)
    return None if model is None else (model, training_of(ctx))


def prepare(examples: list[Any], ctx: Any) -> None:
    """Start analysing ``examples`` (the parsed values of the next lines) as one batch; a
    list already prepared under the same settings is not prepared again."""
    key = _key(ctx)
    if key is None or any(w.examples is examples and w.key == key for w in _windows):
        return
    if not any(listed is examples for listed in _recent):
        _recent.append(examples)
        _windows[:] = [w for w in _windows if any(w.examples is r for r in _recent)]
    _windows.append(_Window(examples, key))


def analysis_for(example: Any, ctx: Any) -> ExampleAnalysis | None:
    """The example's analysis under the configured model; None when no tokenizer is set."""
    key = _key(ctx)
    if key is None:
        return None
    for window in _windows:
        if window.key == key and (found := window.get(example)) is not None:
            return found
    if _last[0] is example and _last[1] == key:
        return _last[2]
    alone = BatchAnalysis(key[0], [("", 0, example)], key[1], _worker(), keep_text=True)
    analysis = alone.result()[0]
    _last[:] = [example, key, analysis]
    return analysis
