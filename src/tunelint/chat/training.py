"""What a trainer sees of each example: its tokens under the chat template, the tokens its loss
covers, and what truncation at ``max_seq_length`` cuts off.

Trained tokens, by loss mode (the profile's ``training.loss``):

* ``assistant``: the assistant turns. Where the template has ``{% generation %}`` blocks, the
  tokens overlapping them (transformers' ``return_assistant_tokens_mask``); otherwise the span
  of each assistant message located in the rendered text: from the first of its rendered parts
  (content, reasoning, tool-call arguments or names) to the last, and on to the first stop
  token (EOS) before the next message, the end of turn the model must learn to emit.
  Assistant messages with ``weight: 0`` are not trained.
* ``completion``: for prompt-completion rows, the assistant turns of the completion; a
  ``messages`` row has no completion, and TRL trains all of it.
* ``all``: every token.

Truncation keeps the first ``max_seq_length`` tokens (TRL's ``keep_start``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from tunelint.chat.encode import Tokens
from tunelint.chat.model import ChatModel
from tunelint.chat.template import Rendered, TemplateRefused, render

LOSS_MODES = ("assistant", "completion", "all")
DEFAULT_LOSS = "assistant"
BATCH_SIZE = 256


@dataclass(frozen=True)
class Training:
    """The trainer's settings that decide trained and truncated tokens."""

    loss: str = DEFAULT_LOSS
    max_seq_length: int | None = None


def _setting(container: Any, name: str) -> Any:
    if isinstance(container, Mapping):
        return container.get(name)
    return getattr(container, name, None)


def training_for(profile: Any, settings: Mapping[str, Any]) -> Training:
    """The training settings: the config's ``max_seq_length`` (and ``loss``) over the profile's
    ``training:`` section, else the defaults."""
    recorded = profile.training
    loss = settings.get("loss") or _setting(recorded, "loss") or DEFAULT_LOSS
    length = settings.get("max_seq_length") or _setting(recorded, "max_seq_length")
    return Training(loss if loss in LOSS_MODES else DEFAULT_LOSS, length)


def assistant_loss_asked(profile: Any, settings: Mapping[str, Any]) -> bool:
    """Whether the profile or config asks for assistant-only loss explicitly."""
    return (settings.get("loss") or _setting(profile.training, "loss")) == "assistant"


@dataclass(frozen=True)
class Conversation:
    """What is rendered of one row: its messages, tools, and the messages that train."""

    messages: list[Any]
    tools: Any
    paths: tuple[tuple[str | int, ...], ...]
    """The JSON path of each message in the row."""
    completion_start: int | None = None
    """Index of the first completion message (prompt-completion and preference rows)."""


def _joined(tools: Any, *parts: tuple[tuple[str | int, ...], list[Any]]) -> Conversation:
    """The conversation of the message lists at the given paths, the last the completion."""
    messages = [message for _, listed in parts for message in listed]
    paths = tuple((*path, index) for path, listed in parts for index in range(len(listed)))
    start = len(messages) - len(parts[-1][1]) if len(parts) > 1 else None
    return Conversation(messages, tools, paths, start)


def conversation_of(example: Any) -> Conversation | None:
    """The conversation of a chat row (``messages``, ``tools``), of a conversational
    prompt-completion row (``prompt`` + ``completion`` message lists), or of an OpenAI
    preference row as a DPO trainer renders its chosen side (``input.messages`` +
    ``preferred_output``, ``input.tools``); None otherwise."""
    if not isinstance(example, dict):
        return None
    tools = example.get("tools")
    if isinstance(example.get("messages"), list):
        return _joined(tools, (("messages",), example["messages"]))
    prompt_input, chosen = example.get("input"), example.get("preferred_output")
    if isinstance(prompt_input, dict) and isinstance(prompt_input.get("messages"), list):
        chosen = chosen if isinstance(chosen, list) else []
        return _joined(
            prompt_input.get("tools"),
            (("input", "messages"), prompt_input["messages"]),
            (("preferred_output",), chosen),
        )
    prompt, completion = example.get("prompt"), example.get("completion")
    if isinstance(prompt, list) and isinstance(completion, list):
        return _joined(tools, (("prompt",), prompt), (("completion",), completion))
    return None


@dataclass
class ExampleAnalysis:
    """One example under the model's template: the per-example record of ``--per-example``."""

    file: str
    line: int
    tokens: int = 0
    trained_tokens: int = 0
    truncated_tokens: int = 0
    lost_trained_tokens: int = 0
    error: str | None = None
    """Why the example could not be rendered (the template's message), if it could not."""
    text: str | None = field(default=None, repr=False)
    """The rendered text (kept for the rules only)."""
    unstopped_turns: tuple[int, ...] = field(default=(), repr=False)
    """Indexes of trained assistant messages whose trained span has no stop token."""

    @property
    def kept_trained_tokens(self) -> int:
        return self.trained_tokens - self.lost_trained_tokens

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "file": self.file,
            "line": self.line,
            "tokens": self.tokens,
            "trained_tokens": self.trained_tokens,
            "truncated_tokens": self.truncated_tokens,
            "lost_trained_tokens": self.lost_trained_tokens,
        }
        if self.error is not None:
            record["error"] = self.error
        return record


def _variants(text: str) -> Iterator[str]:
    """How a template may write a string: as is, JSON-escaped (tojson), or stripped."""
    yield text
    escaped = json.dumps(text, ensure_ascii=False)[1:-1]
    if escaped != text:
        yield escaped
    if text.strip() != text:
        yield text.strip()


def _anchors(message: dict[str, Any]) -> list[str]:
    """The strings of a message the template is expected to write."""
    content = message.get("content")
    texts = [content] if isinstance(content, str) else []
    if isinstance(content, list):
        texts += [
            p["text"] for p in content if isinstance(p, dict) and isinstance(p.get("text"), str)
        ]
    for key in ("reasoning_content", "thinking", "reasoning"):
        if isinstance(message.get(key), str):
            texts.append(message[key])
    calls = message.get("tool_calls")
    for call in calls if isinstance(calls, list) else ():
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict):
            continue
        arguments = function.get("arguments")
        if arguments is not None and not isinstance(arguments, str):
            arguments = json.dumps(arguments, ensure_ascii=False)
        texts += [t for t in (arguments, function.get("name")) if isinstance(t, str)]
    return [text for text in texts if text.strip()]


def locate_messages(text: str, messages: list[Any]) -> list[tuple[int, int] | None]:
    """The character span of each message in the rendered text, found in order (None where
    none of its strings is found after the previous message; system messages, which templates
    move, are not searched)."""
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for message in messages:
        if not isinstance(message, dict) or message.get("role") == "system":
            spans.append(None)
            continue
        found = []
        for anchor in _anchors(message):
            for variant in _variants(anchor):
                start = text.find(variant, cursor)
                if start >= 0:
                    found.append((start, start + len(variant)))
                    break
        if not found:
            spans.append(None)
            continue
        span = (min(s for s, _ in found), max(e for _, e in found))
        spans.append(span)
        cursor = span[1]
    return spans


def _first_stop(text: str, start: int, end: int, stops: tuple[str, ...]) -> int | None:
    """The end of the first stop token written in ``text[start:end]``."""
    best = None
    for stop in stops:
        at = text.find(stop, start, end)
        if at >= 0 and (best is None or at < best[0]):
            best = (at, at + len(stop))
    return best[1] if best else None


def _trained_messages(conversation: Conversation, loss: str) -> list[int]:
    start = conversation.completion_start if loss == "completion" else 0
    return [
        index
        for index, message in enumerate(conversation.messages)
        if index >= (start or 0)
        and isinstance(message, dict)
        and message.get("role") == "assistant"
        and message.get("weight", 1) != 0
    ]


def trained_spans(
    model: ChatModel, conversation: Conversation, rendered: Rendered, loss: str
) -> tuple[list[tuple[int, int]] | None, tuple[int, ...]]:
    """The character spans the loss covers (None: every token) and the trained assistant
    messages whose span holds no stop token."""
    if loss == "all" or (loss == "completion" and conversation.completion_start is None):
        return None, ()
    text, messages = rendered.text, conversation.messages
    located = locate_messages(text, messages)
    trained = _trained_messages(conversation, loss)
    generation = rendered.generation_spans
    marked = bool(generation) or model.template_for(conversation.tools).has_generation_markers
    spans: list[tuple[int, int]] = []
    unstopped: list[int] = []
    for index in trained:
        span = located[index]
        if span is None:
            continue
        if marked:
            covering = [g for g in generation if g[0] < span[1] and g[1] > span[0]]
            spans += covering
            if not any(_first_stop(text, g[0], g[1], model.stop_tokens) for g in covering):
                unstopped.append(index)
            continue
        following = next((s[0] for s in located[index + 1 :] if s is not None), len(text))
        stop = _first_stop(text, span[1], following, model.stop_tokens)
        if stop is None:
            unstopped.append(index)
        spans.append((span[0], stop or span[1]))
    if marked and len(trained) == len(
        [m for m in messages if isinstance(m, dict) and m.get("role") == "assistant"]
    ):
        spans = list(generation)  # every assistant turn trains: exactly the template's marks
    return sorted(set(spans)), tuple(unstopped)


def _token_ranges(tokens: Tokens, spans: list[tuple[int, int]]) -> list[range]:
    """The token index ranges overlapping each character span, merged (transformers' mask)."""
    merged: list[list[int]] = []
    for start, end in spans:
        first, stop = tokens.token_range(start, end)
        if first >= stop:
            continue
        if merged and first <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], stop)
        else:
            merged.append([first, stop])
    return [range(a, b) for a, b in merged]


def assistant_mask(tokens: Tokens, spans: list[tuple[int, int]]) -> list[int]:
    """A 0/1 mask over the tokens: 1 where the token overlaps a span."""
    mask = [0] * tokens.count
    for trained in _token_ranges(tokens, spans):
        mask[trained.start : trained.stop] = [1] * len(trained)
    return mask


@dataclass
class _Pending:
    record: ExampleAnalysis
    spans: list[tuple[int, int]] | None = None
    text: str | None = None


def _prepare(
    model: ChatModel, file: str, line: int, example: Any, training: Training, keep_text: bool
) -> _Pending:
    pending = _Pending(ExampleAnalysis(file, line))
    conversation = conversation_of(example)
    if conversation is None:
        pending.record.error = "not a conversation (no messages list)"
        return pending
    try:
        rendered = render(
            model.template_for(conversation.tools),
            conversation.messages,
            conversation.tools,
            model.variables,
        )
    except TemplateRefused as error:
        pending.record.error = str(error)
        return pending
    pending.text = rendered.text
    pending.spans, pending.record.unstopped_turns = trained_spans(
        model, conversation, rendered, training.loss
    )
    if keep_text:
        pending.record.text = rendered.text
    return pending


def _finish(pending: _Pending, tokens: Tokens, training: Training) -> ExampleAnalysis:
    record = pending.record
    count = tokens.count
    limit = training.max_seq_length
    record.tokens = count
    ranges = [range(count)] if pending.spans is None else _token_ranges(tokens, pending.spans)
    record.trained_tokens = sum(len(r) for r in ranges)
    if limit is not None and count > limit:
        record.truncated_tokens = count - limit
        record.lost_trained_tokens = sum(max(0, r.stop - max(r.start, limit)) for r in ranges)
    return record


def _prepare_batch(
    model: ChatModel, batch: list[tuple[str, int, Any]], training: Training, keep_text: bool
) -> list[_Pending]:
    return [_prepare(model, f, n, ex, training, keep_text) for f, n, ex in batch]


def _encode(model: ChatModel, prepared: list[_Pending]) -> list[Tokens]:
    """The tokens of every rendered example. Where the tokenizer raises on the batch, each
    example is encoded alone, and one it raises on is refused with its message (the others
    keep their counts): one bad example never fails its whole window."""
    renderable = [p for p in prepared if p.text is not None]
    try:
        return model.encoder.encode([p.text for p in renderable], _boundaries(renderable))
    except Exception:
        pass
    encoded = []
    for pending in renderable:
        try:
            encoded += model.encoder.encode([pending.text], _boundaries([pending]))
        except Exception as error:
            pending.text = pending.record.text = None
            pending.record.error = f"its rendered text cannot be tokenized: {error}"
    return encoded


def _boundaries(prepared: list[_Pending]) -> list[tuple[int, ...]]:
    return [tuple(at for span in p.spans or () for at in span) for p in prepared]


def _finish_batch(
    prepared: list[_Pending], encoded: list[Tokens], training: Training
) -> list[ExampleAnalysis]:
    renderable = [p for p in prepared if p.text is not None]
    for pending, tokens in zip(renderable, encoded, strict=True):
        _finish(pending, tokens, training)
    return [p.record for p in prepared]


class BatchAnalysis:
    """The analyses of a batch of ``(file, line, example)``: rendered when it is made, then
    tokenized in ``worker`` (``encode_batch`` releases the GIL and runs on all cores) while
    the caller goes on; ``result`` waits for the tokens and finishes the records."""

    def __init__(
        self,
        model: ChatModel,
        batch: list[tuple[str, int, Any]],
        training: Training,
        worker: Executor,
        keep_text: bool = False,
    ) -> None:
        self.training = training
        self._prepared = _prepare_batch(model, batch, training, keep_text)
        self._encoded: Future[list[Tokens]] | None = worker.submit(_encode, model, self._prepared)
        self._records: list[ExampleAnalysis] | None = None

    def result(self) -> list[ExampleAnalysis]:
        """One record per example of the batch, in order."""
        if self._records is None:
            assert self._encoded is not None
            self._records = _finish_batch(self._prepared, self._encoded.result(), self.training)
            self._encoded = None
        return self._records


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def analyse(
    model: ChatModel,
    examples: Iterable[tuple[str, int, Any]],
    training: Training,
    batch_size: int = BATCH_SIZE,
    keep_text: bool = False,
) -> Iterator[ExampleAnalysis]:
    """One ``ExampleAnalysis`` per ``(file, line, example)``, in order. Examples are rendered
    in batches; a batch is tokenized while the next one is rendered (``BatchAnalysis``)."""
    with ThreadPoolExecutor(max_workers=1) as worker:
        waiting: BatchAnalysis | None = None
        for batch in _batches(examples, batch_size):
            submitted = BatchAnalysis(model, batch, training, worker, keep_text)
            if waiting is not None:
                yield from waiting.result()
            waiting = submitted
        if waiting is not None:
            yield from waiting.result()


@dataclass
class LengthAggregate:
    """Mergeable totals over examples: tokens, trained tokens, truncation, exact lengths."""

    examples: int = 0
    unrenderable: int = 0
    tokens: int = 0
    trained_tokens: int = 0
    truncated_examples: int = 0
    truncated_tokens: int = 0
    lost_trained_tokens: int = 0
    examples_losing_trained_tokens: int = 0
    examples_keeping_no_trained_token: int = 0
    lengths: Counter[int] = field(default_factory=Counter)
    """Rendered length -> number of examples (the exact histogram percentiles come from)."""

    def add(self, record: ExampleAnalysis) -> None:
        if record.error is not None:
            self.unrenderable += 1
            return
        self.examples += 1
        self.tokens += record.tokens
        self.trained_tokens += record.trained_tokens
        self.lengths[record.tokens] += 1
        if record.truncated_tokens:
            self.truncated_examples += 1
            self.truncated_tokens += record.truncated_tokens
        if record.lost_trained_tokens:
            self.lost_trained_tokens += record.lost_trained_tokens
            self.examples_losing_trained_tokens += 1
            if record.kept_trained_tokens == 0:
                self.examples_keeping_no_trained_token += 1

    def merge(self, other: LengthAggregate) -> LengthAggregate:
        """The aggregate of both parts (in any order: every field is a sum)."""
        merged = LengthAggregate(lengths=self.lengths + other.lengths)
        for name in (
            "examples",
            "unrenderable",
            "tokens",
            "trained_tokens",
            "truncated_examples",
            "truncated_tokens",
            "lost_trained_tokens",
            "examples_losing_trained_tokens",
            "examples_keeping_no_trained_token",
        ):
            setattr(merged, name, getattr(self, name) + getattr(other, name))
        return merged

    def percentile(self, fraction: float) -> float | None:
        """The rendered length at ``fraction`` (0..1), linearly interpolated as numpy's default."""
        if not self.examples:
            return None
        position = fraction * (self.examples - 1)
        low, high = int(position), min(int(position) + 1, self.examples - 1)
        values = self._values_at(low, high)
        return values[0] + (values[1] - values[0]) * (position - low)

    def _values_at(self, *ranks: int) -> list[int]:
        values, seen = [], 0
        wanted = iter(ranks)
        rank = next(wanted)
        for length in sorted(self.lengths):
            seen += self.lengths[length]
            while rank is not None and rank < seen:
                values.append(length)
                rank = next(wanted, None)
            if rank is None:
                break
        return values
