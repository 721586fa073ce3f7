"""Count the training tokens of one example, offline.

The tokenizers are built from the rank files bundled in ``tunelint/data`` (hash-checked on
load) with the split pattern and special tokens recorded in the model catalog, which are
tiktoken's own: nothing is downloaded. Their ranks are read from a verified cache of a form that
is fast to read when there is one (``tunelint.rank_cache``). With the ``fast`` extra installed,
``TUNELINT_TOKENIZER`` can move counting to quicktok behind a gate that keeps every count
tiktoken's (``tunelint.tokens_fast``; see ``text_counter``).

``count_example`` is a pure function of the example and a text counter, following the cookbook
("Data preparation and analysis for chat model fine-tuning"): 3 tokens per message, 1 more when
the message has a ``name``, 3 per example, plus the tokens of the message's text, which is:

* every string value of the message (``role``, ``content``, ``name``, ``refusal``,
  ``tool_call_id``), as the cookbook encodes every value;
* the ``text`` (and ``refusal``) of each part when ``content`` is a list; image parts count 0
  (images are billed separately);
* for each of ``tool_calls`` and for ``function_call``: the function's ``name`` and
  ``arguments`` (arguments that are not a string are counted as their compact JSON);
* nothing for numbers, booleans and null (``weight``).

Top-level ``tools`` (and legacy ``functions``) add the approximation of the cookbook notebook
"How to count tokens with tiktoken" (``num_tokens_for_tools``, constants per encoding in the
catalog). Trained tokens are the text of assistant messages (content, refusal, tool calls),
without the per-message overhead, as the cookbook counts them; an assistant message with
``weight: 0`` is not trained on and is counted apart. A preference (DPO) record counts its
``input.messages``, ``input.tools`` and both outputs as one conversation.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import math
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from tunelint.models import EncodingSpec, load_catalog

if TYPE_CHECKING:
    import tiktoken

TextCounter = Callable[[str], int]
"""Number of tokens in a string."""

TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
TOKENS_PER_EXAMPLE = 3
_TRAINED_KEYS = frozenset({"content", "refusal", "tool_calls", "function_call"})


class TokenizerDataError(RuntimeError):
    """A bundled rank file is missing or does not match its recorded hash."""


def _read_rank_file(spec: EncodingSpec) -> dict[bytes, int]:
    """The ranks of a bundled rank file, after checking its sha256."""
    import base64
    import gzip

    try:
        packed = resources.files("tunelint.data").joinpath(spec.file).read_bytes()
        data = gzip.decompress(packed)
    except (OSError, EOFError) as error:
        raise TokenizerDataError(f"cannot read the bundled {spec.file}: {error}") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != spec.sha256:
        raise TokenizerDataError(
            f"the bundled {spec.file} is corrupt (sha256 {digest}, expected {spec.sha256});"
            " reinstall tunelint"
        )
    return {
        base64.b64decode(token): int(rank)
        for token, rank in (line.split() for line in data.splitlines() if line)
    }


@functools.cache
def load_encoding(name: str) -> tiktoken.Encoding:
    """The named encoding, built from the bundled rank file (sha256 checked) or its cache."""
    import tiktoken

    from tunelint.rank_cache import load_ranks

    spec = load_catalog().encodings[name]
    ranks = load_ranks(name, functools.partial(_read_rank_file, spec))
    return tiktoken.Encoding(
        name, pat_str=spec.pattern, mergeable_ranks=ranks, special_tokens=spec.special_tokens
    )


class CachedCounter:
    """A text counter that counts each distinct string once while it stays in a bounded cache.

    System prompts and tool definitions repeat across thousands of examples; counting them
    once is the largest saving on real data. The cache holds at most ``budget`` characters
    (plus a per-entry allowance) and is emptied when full, so memory stays flat in file size.
    Counts are exactly those of the wrapped counter.
    """

    ENTRY_OVERHEAD = 64

    def __init__(self, count: TextCounter, budget: int = 16_000_000) -> None:
        self.count = count
        self.budget = budget
        self.cache: dict[str, int] = {}
        self.size = 0

    def __call__(self, text: str) -> int:
        tokens = self.cache.get(text)
        if tokens is None:
            tokens = self.count(text)
            cost = len(text) + self.ENTRY_OVERHEAD
            if self.size + cost > self.budget:
                self.cache.clear()
                self.size = 0
            self.cache[text] = tokens
            self.size += cost
        return tokens


def tiktoken_counter(encoding_name: str) -> TextCounter:
    """Count with tiktoken, the reference."""
    encode = load_encoding(encoding_name).encode_ordinary

    def count(text: str) -> int:
        return len(encode(text))

    return count


@functools.cache
def text_counter(encoding_name: str, cached: bool = True) -> TextCounter:
    """Count tokens with the named encoding; special-token text counts as ordinary text.

    tiktoken, unless ``TUNELINT_TOKENIZER`` asks for the gated counter of
    ``tunelint.tokens_fast`` (the ``fast`` extra): ``auto`` moves to quicktok once enough text
    has been counted, ``fast`` sends strings through the gate from the first one. Not the
    default: measured on 200 MB of benchmark data with two workers, ``auto`` took 26.7 CPU
    seconds and 198 MB against tiktoken's 22.4 and 117 MB (each worker loads quicktok). One
    counter per encoding and process, so the rules and the statistics share its cache.
    """
    choice = os.environ.get("TUNELINT_TOKENIZER", "")
    count: TextCounter
    if choice in ("auto", "fast") and importlib.util.find_spec("quicktok"):
        from tunelint.tokens_fast import FAST_AFTER_CHARACTERS, GatedCounter

        count = GatedCounter(
            encoding_name,
            functools.partial(tiktoken_counter, encoding_name),
            fast_after=0 if choice == "fast" else FAST_AFTER_CHARACTERS,
        )
    else:
        count = tiktoken_counter(encoding_name)
    return CachedCounter(count) if cached else count


def utf8_length(text: str) -> int:
    """An upper bound of any encoding's token count: every token is at least one byte."""
    return len(text.encode("utf-8", "surrogatepass"))


@dataclass(frozen=True)
class ExampleTokens:
    """What one example costs: all tokens, trained (assistant) tokens, weight-0 tokens."""

    total: int
    trained: int
    untrained: int
    messages: int


@dataclass(frozen=True)
class Conversation:
    """The parts of an example that are tokenized, whatever its line format."""

    messages: list[Any]
    tools: list[Any]
    functions: list[Any]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def conversation(example: Any) -> Conversation:
    """The messages and tool definitions of a chat or preference (DPO) example."""
    if not isinstance(example, dict):
        return Conversation([], [], [])
    prompt = example.get("input")
    if "messages" not in example and isinstance(prompt, dict):
        messages = [
            *_list(prompt.get("messages")),
            *_list(example.get("preferred_output")),
            *_list(example.get("non_preferred_output")),
        ]
        return Conversation(messages, _list(prompt.get("tools")), _list(prompt.get("functions")))
    return Conversation(
        _list(example.get("messages")), _list(example.get("tools")), _list(example.get("functions"))
    )


def _call_texts(function: Any) -> Iterator[str]:
    if not isinstance(function, dict):
        return
    if isinstance(function.get("name"), str):
        yield function["name"]
    arguments = function.get("arguments")
    if isinstance(arguments, str):
        yield arguments
    elif arguments is not None:
        yield json.dumps(arguments, ensure_ascii=False, separators=(",", ":"))


def message_texts(message: dict, keys: frozenset[str] | None = None) -> Iterator[str]:
    """The text of a message that is tokenized (of the given keys only, when given)."""
    for key, value in message.items():
        if keys is not None and key not in keys:
            continue
        if isinstance(value, str):
            yield value
        elif key == "content" and isinstance(value, list):
            for part in value:
                if isinstance(part, dict):
                    yield from (
                        part[k] for k in ("text", "refusal") if isinstance(part.get(k), str)
                    )
        elif key == "tool_calls" and isinstance(value, list):
            for call in value:
                if isinstance(call, dict):
                    yield from _call_texts(call.get("function"))
        elif key == "function_call":
            yield from _call_texts(value)


def _without_period(text: Any) -> str:
    text = text if isinstance(text, str) else ""
    return text[:-1] if text.endswith(".") else text


def _function_tokens(function: dict, count: TextCounter, k: Mapping[str, int]) -> int:
    """One function definition, as the cookbook's ``num_tokens_for_tools`` counts it."""
    name = function.get("name") if isinstance(function.get("name"), str) else ""
    tokens = k["function"] + count(f"{name}:{_without_period(function.get('description'))}")
    parameters = function.get("parameters")
    properties = parameters.get("properties") if isinstance(parameters, dict) else None
    if not isinstance(properties, dict) or not properties:
        return tokens
    tokens += k["properties"]
    for key, prop in properties.items():
        prop = prop if isinstance(prop, dict) else {}
        tokens += k["property"]
        enum = prop.get("enum")
        if isinstance(enum, list):
            tokens += k["enum"] + sum(k["enum_item"] + count(str(item)) for item in enum)
        kind = prop.get("type") if isinstance(prop.get("type"), str) else ""
        tokens += count(f"{key}:{kind}:{_without_period(prop.get('description'))}")
    return tokens


def tool_definition_tokens(
    tools: list[Any], functions: list[Any], count: TextCounter, k: Mapping[str, int]
) -> int:
    """Tokens of the tool (or legacy function) definitions of one example."""
    definitions = [t.get("function") for t in tools if isinstance(t, dict)] + functions
    definitions = [d for d in definitions if isinstance(d, dict)]
    if not definitions:
        return 0
    return sum(_function_tokens(d, count, k) for d in definitions) + k["end"]


_NESTED_ENUM_ITEM = re.compile(r'"enum"\s*:\s*\[(?:"(?:[^"\\]|\\.)*"|[^\]\["{])*[\[{]')
"""An ``enum`` list that holds a list or an object (its strings are skipped whole)."""


def line_token_bound(line: str, tool_constants: Mapping[str, int]) -> int | None:
    """An upper bound, from its length alone, of ``count_example(example, utf8_length, ...)``
    for the chat or preference example a JSON line holds; None where its length bounds
    nothing.

    Every counted text is a string of the line (at most 4 UTF-8 bytes per character of it),
    a tool call's object arguments serialized again (at most 4.5 characters per character
    written: ``1e15`` becomes ``1000000000000000.0``), or a function's ``name:description``
    and a property's ``key:type:description`` (a ``:`` more per key written). The constants
    each need characters of their own: a message (3 tokens) at least ``{},``, a function
    definition ``{},``, its properties ``"properties":{}``, a property ``"":0,``, an enum
    ``"enum":[]`` and each of its items ``0,``. Enum items are written with ``str()``: a
    scalar's is no longer than its serialized form, but a list or an object in an enum shows
    its strings with ``repr``, which no factor bounds; such lines get no bound, nor lines with
    a ``\\u`` escape (it could spell the key ``enum``).
    """
    if "\\u" in line or ("enum" in line and _NESTED_ENUM_ITEM.search(line)):
        return None
    k = tool_constants
    per_character = max(
        4.5,
        (k["function"] + 1) / 3,
        k["properties"] / 15,
        (k["property"] + 2) / 5,
        k["enum"] / 9,
        (k["enum_item"] + 4.5) / 2,
    )
    return math.ceil(per_character * len(line)) + TOKENS_PER_EXAMPLE + k["end"]


def count_example(
    example: Any, count: TextCounter, tool_constants: Mapping[str, int]
) -> ExampleTokens:
    """The tokens of one example (see the module docstring for exactly what counts)."""
    parts = conversation(example)
    total = trained = untrained = 0
    for message in parts.messages:
        if not isinstance(message, dict):
            continue
        total += TOKENS_PER_MESSAGE + sum(count(text) for text in message_texts(message))
        if "name" in message:
            total += TOKENS_PER_NAME
        if message.get("role") == "assistant":
            tokens = sum(count(text) for text in message_texts(message, _TRAINED_KEYS))
            if message.get("weight") == 0:
                untrained += tokens
            else:
                trained += tokens
    total += TOKENS_PER_EXAMPLE
    total += tool_definition_tokens(parts.tools, parts.functions, count, tool_constants)
    return ExampleTokens(total, trained, untrained, len(parts.messages))
