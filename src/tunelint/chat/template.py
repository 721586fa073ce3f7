"""Render a chat template exactly as transformers' ``apply_chat_template`` does.

The environment is transformers' (``utils/chat_template_utils.py``): jinja2's
``ImmutableSandboxedEnvironment`` with ``trim_blocks`` and ``lstrip_blocks``, the loop-controls
extension and the ``{% generation %}`` block, its ``tojson`` filter (``ensure_ascii=False``,
``indent``, ``separators``, ``sort_keys``), and the globals ``raise_exception``,
``strftime_now``, ``dict`` and a ``namespace`` that refuses underscore names. The variables are
``messages``, ``tools`` (``None`` when the example has none), ``documents=None``,
``add_generation_prompt=False`` and the tokenizer's named special tokens. Messages are passed
as transformers normalizes them: keys whose value is null dropped, and ``reasoning_content``
(and ``thinking``) filled from ``reasoning_content``, ``thinking`` or ``reasoning``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

MAX_RENDERED_CHARS = 64 * 1024 * 1024
"""A rendering that grows past this is stopped (a template looping on its input)."""
MAX_POWER_BITS = 1 << 16
"""The largest integer ``**`` may make in a template (about 20,000 digits)."""

_GENERATION_TAG = re.compile(r"\{\%-?\s*generation\s*-?\%\}")
_REASONING_FIELDS = ("reasoning_content", "thinking", "reasoning")


class ChatModelError(ValueError):
    """A model directory or template that cannot be used; the message names the file."""


HF_EXTRA_MISSING = (
    "--tokenizer needs the optional packages tokenizers and jinja2: pip install 'tunelint[hf]'"
)


class TemplateRefused(Exception):
    """The template raised while rendering one example; ``str()`` is its message."""


@dataclass(frozen=True)
class Rendered:
    """One rendered conversation and the character spans its ``{% generation %}`` blocks cover."""

    text: str
    generation_spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True, eq=False)
class ChatTemplate:
    """A compiled chat template."""

    source: str
    compiled: Any
    """A ``jinja2.Template`` of the environment below."""
    has_generation_markers: bool


class _Tracker:
    """Where the blocks rendered so far end, and the generation spans found (one render)."""

    def __init__(self) -> None:
        self.length = 0
        self.spans: list[tuple[int, int]] = []


_TRACKER: ContextVar[_Tracker | None] = ContextVar("tunelint_generation_tracker", default=None)


def _environment() -> Any:
    """transformers' chat-template environment, built once per process."""
    import jinja2
    import jinja2.ext
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class GenerationBlock(jinja2.ext.Extension):
        """``{% generation %}...{% endgeneration %}``: records the span its output covers."""

        tags = {"generation"}

        def parse(self, parser: Any) -> Any:
            lineno = next(parser.stream).lineno
            body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
            call = self.call_method("_generation")
            return jinja2.nodes.CallBlock(call, [], [], body).set_lineno(lineno)

        def _generation(self, caller: Any) -> str:
            output = caller()
            tracker = _TRACKER.get()
            if tracker is not None:
                tracker.spans.append((tracker.length, tracker.length + len(output)))
            return output

    def raise_exception(message: Any) -> None:
        raise jinja2.exceptions.TemplateError(message)

    def tojson(
        value: Any,
        ensure_ascii: bool = False,
        indent: Any = None,
        separators: Any = None,
        sort_keys: bool = False,
    ) -> str:
        return json.dumps(
            value,
            ensure_ascii=ensure_ascii,
            indent=indent,
            separators=separators,
            sort_keys=sort_keys,
        )

    def strftime_now(format: str) -> str:
        return datetime.now().strftime(format)

    class TemplateDict:
        def __call__(self, *args: Any, **kwargs: Any) -> dict:
            return dict(*args, **kwargs)

        def fromkeys(self, *args: Any, **kwargs: Any) -> dict:
            return dict.fromkeys(*args, **kwargs)

    class TemplateNamespace(jinja2.utils.Namespace):
        def __init__(*args: Any, **kwargs: Any) -> None:
            self, args = args[0], args[1:]
            attrs = dict(*args, **kwargs)
            for name in attrs:
                TemplateNamespace._check_name(name)
            jinja2.utils.Namespace.__init__(self, attrs)

        def __setitem__(self, name: str, value: Any) -> None:
            TemplateNamespace._check_name(name)
            jinja2.utils.Namespace.__setitem__(self, name, value)

        @staticmethod
        def _check_name(name: Any) -> None:
            if isinstance(name, str) and name.startswith("_"):
                raise jinja2.exceptions.SecurityError(
                    "Chat templates cannot store underscore-prefixed attributes on a namespace,"
                    f" but got {name!r}. Please rename the attribute."
                )

    class BoundedEnvironment(ImmutableSandboxedEnvironment):
        """transformers' sandbox, with ``*`` and ``**`` checked before they run (so jinja no
        longer folds them while compiling either): a repetition longer than a rendering may
        be, or a power of over ``MAX_POWER_BITS`` bits, is refused. Before, a committed
        template holding ``'a' * 3000000000`` took 12 GB to compile."""

        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "*":
                sequence, count = (left, right) if isinstance(right, int) else (right, left)
                if (
                    isinstance(sequence, (str, list, tuple))
                    and isinstance(count, int)
                    and len(sequence) * count > MAX_RENDERED_CHARS
                ):
                    raise jinja2.exceptions.SecurityError(
                        f"a repetition of {len(sequence):,} x {count:,} is longer than a"
                        f" rendering may be ({MAX_RENDERED_CHARS:,})"
                    )
            elif (
                isinstance(left, int)
                and isinstance(right, int)
                and abs(left).bit_length() * right > MAX_POWER_BITS
            ):
                raise jinja2.exceptions.SecurityError(
                    f"a power of more than {MAX_POWER_BITS:,} bits ({left} ** {right})"
                )
            return super().call_binop(context, operator, left, right)

    environment = BoundedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[GenerationBlock, jinja2.ext.loopcontrols]
    )
    environment.filters["tojson"] = tojson
    environment.globals["raise_exception"] = raise_exception
    environment.globals["strftime_now"] = strftime_now
    environment.globals["dict"] = TemplateDict()
    environment.globals["namespace"] = TemplateNamespace
    return environment


_ENVIRONMENT: list[Any] = []


def compile_template(source: str, origin: str) -> ChatTemplate:
    """Compile a template; a syntax error is a ``ChatModelError`` at its line in ``origin``."""
    try:
        import jinja2
    except ImportError:
        raise ChatModelError(HF_EXTRA_MISSING) from None
    if not _ENVIRONMENT:
        _ENVIRONMENT.append(_environment())
    try:
        compiled = _ENVIRONMENT[0].from_string(source)
    except jinja2.TemplateSyntaxError as error:
        raise ChatModelError(
            f"{origin}:{error.lineno}: chat template syntax: {error.message}"
        ) from None
    except (SyntaxError, RecursionError) as error:  # past what Python compiles: nested deep
        raise ChatModelError(f"{origin}: chat template too deeply nested ({error})") from None
    return ChatTemplate(source, compiled, bool(_GENERATION_TAG.search(source)))


def prepare_messages(messages: list[Any]) -> list[dict[str, Any]]:
    """The messages as transformers hands them to the template (see the module docstring);
    raises ``TemplateRefused`` for a message that is not an object, as transformers does."""
    prepared = []
    for message in messages:
        if not isinstance(message, dict):
            raise TemplateRefused(f"a message is {type(message).__name__}, not an object")
        message = {key: value for key, value in message.items() if value is not None}
        reasoning = next(
            (message[k] for k in _REASONING_FIELDS if message.get(k) is not None), None
        )
        if reasoning is not None:
            message = {"thinking": reasoning, **message, "reasoning_content": reasoning}
        prepared.append(message)
    return prepared


def render(
    template: ChatTemplate,
    messages: list[Any],
    tools: Any,
    special_tokens: Mapping[str, str],
) -> Rendered:
    """Render one conversation (``add_generation_prompt=False``); raises ``TemplateRefused``
    with the template's message when it raises, or when it fails on the example's data."""
    import jinja2

    if not messages:
        raise TemplateRefused("the conversation is empty")
    if tools is not None and not (
        isinstance(tools, list) and all(isinstance(tool, dict) for tool in tools)
    ):
        raise TemplateRefused("tools must be a list of JSON schema objects")
    tracker = _Tracker()
    variables = {
        **special_tokens,
        "messages": prepare_messages(messages),
        "tools": tools,
        "documents": None,
        "add_generation_prompt": False,
    }
    parts: list[str] = []
    token = _TRACKER.set(tracker)
    try:
        for block in template.compiled.generate(**variables):
            parts.append(block)
            tracker.length += len(block)
            if tracker.length > MAX_RENDERED_CHARS:
                raise TemplateRefused(
                    f"the rendered text grows past {MAX_RENDERED_CHARS:,} characters"
                )
    except jinja2.TemplateError as error:
        raise TemplateRefused(str(error)) from None
    except TemplateRefused:
        raise
    except Exception as error:  # the template's own code failing on this data
        raise TemplateRefused(f"{type(error).__name__}: {error}") from None
    finally:
        _TRACKER.reset(token)
    text = "".join(parts)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:  # a JSON escape such as "\ud800" in the data
        raise TemplateRefused(
            f"the rendered text holds a lone surrogate (U+{ord(text[error.start]):04X}),"
            " which the tokenizer cannot encode"
        ) from None
    return Rendered(text, tracker.spans)
