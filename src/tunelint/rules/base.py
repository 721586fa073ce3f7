"""What a rule is: an id, a default level, typed options, its documentation and a check.

Rule kinds, by what they look at:

* ``ReaderRule``: reported by the reader (encoding, JSON syntax, blank lines); no check here.
* ``TextRule``: a function of one line's JSON text and its parsed value (what parsing loses,
  such as a repeated key), yielding ``Problem``s with their column.
* ``ExampleRule``: a pure function of one parsed example (a JSON object, or any value when
  ``checks_any_value``), yielding ``Problem``s with JSON paths.
* ``DatasetRule``: sees every example of one file through small, mergeable state (counts,
  hashes), so a file split into byte ranges and checked in parallel merges to the same result.
* ``FileRule``: a function of the file as a whole (``FileFacts``: its size, its first bytes),
  reported at line 1 once the file was read.

A rule of any kind may also be ``PreparesBatches``: the engine hands it the parsed values of a
window of lines before it checks them (to render and tokenize them as one batch, say); its
checks must give the same result whether or not a window was prepared.

The class docstring is the rule's documentation, in ruff's sections: ``## What it does``,
``## Why is this bad?``, ``## Example``, ``## Use instead``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from tunelint.diagnostics import Level, Problem

REGISTRY: dict[str, type[Rule]] = {}


@dataclass(frozen=True)
class Option:
    """One configurable option of a rule: ``type`` is a type hint the config is checked
    against (``tunelint.schema``: e.g. ``Annotated[int, AtLeast(1)] | None``)."""

    type: Any
    default: Any
    help: str


@dataclass(frozen=True)
class RuleContext:
    """What a rule may read besides the example: its options, the active profile, the
    config's top-level settings (``model``, ``profile``, ...) and what the run
    shares between files (``shared``: e.g. the training index ``--validation`` compares with)."""

    options: Mapping[str, Any]
    profile: Any  # tunelint.profile.Profile; typed loosely to keep rules import-light
    format: str = "chat"  # the line format the file is checked as
    settings: Mapping[str, Any] = field(default_factory=dict)
    shared: Mapping[str, Any] = field(default_factory=dict)

    @property
    def spec(self) -> Any:
        """The active format's spec (a tunelint.profile.FormatSpec)."""
        return self.profile.formats[self.format]


class Rule:
    """Base class: subclasses register themselves by ``id``."""

    id: ClassVar[str]
    level: ClassVar[Level]
    summary: ClassVar[str]
    applies_to: ClassVar[tuple[str, ...]] = ("chat",)
    """The line-format kinds the rule checks (``*``: all)."""
    options: ClassVar[dict[str, Option]] = {}
    in_line_terms: ClassVar[bool] = False
    """True for the key and role rules that a shape reader (Bedrock, Vertex, ...) applies in
    the line's own terms; the engine then leaves them out for that format."""
    whole_file: ClassVar[bool] = False
    """Whether the rule's findings are about the file as a whole (counts, duplicates, its
    first bytes), not the line they are placed on: diff mode reports them for every file
    that changed, wherever they sit."""
    about_file: ClassVar[bool] = False
    """True for a rule whose finding is about the file as a whole (its size, how many
    examples it has), not about one example: a baseline matches it by file, rule and path."""
    requires_setting: ClassVar[str | None] = None
    """The config setting (e.g. ``tokenizer``) without which the rule finds nothing: where it
    is not set, the engine does not run the rule at all."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "id" in cls.__dict__:
            if cls.id in REGISTRY:
                raise RuntimeError(f"rule id {cls.id!r} is defined twice")
            REGISTRY[cls.id] = cls

    @classmethod
    def documentation(cls) -> str:
        return textwrap.dedent(cls.__doc__ or "").strip()

    @classmethod
    def default_options(cls) -> dict[str, Any]:
        return {name: option.default for name, option in cls.options.items()}


class PreparesBatches:
    """A rule that works on a window of examples before they are checked one by one."""

    id: ClassVar[str]

    def prepare(self, examples: list[Any], ctx: RuleContext) -> None:
        """Start work on ``examples``, the parsed values of the next lines, in order."""
        raise NotImplementedError


class ReaderRule(Rule):
    """A rule whose findings come from the reader; declared here for its id, level and docs."""

    applies_to = ("*",)


class TextRule(Rule):
    """A per-line rule on the JSON text itself; problems carry their ``column``."""

    applies_to = ("*",)

    def check_text(self, text: str, value: Any, ctx: RuleContext) -> Iterator[Problem]:
        raise NotImplementedError


@dataclass(frozen=True)
class FileFacts:
    """What is known of a file as a whole once it was read."""

    size: int | None
    """Bytes in the whole file, where known (None for lines given directly)."""
    starts_with_bom: bool


class FileRule(Rule):
    """A rule on the file as a whole, checked once after its last line."""

    applies_to = ("*",)
    whole_file = True
    about_file = True

    def check_file(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Problem]:
        raise NotImplementedError


class ExampleRule(Rule):
    """A per-line rule: a pure function of one example."""

    checks_any_value: ClassVar[bool] = False
    reads_line_as_written: ClassVar[bool] = False
    """Check the line's own value, not the OpenAI-shape example a shape reader builds from
    it (rules that look at every string, wherever the line's shape keeps it)."""

    def check(self, example: Any, ctx: RuleContext) -> Iterator[Problem]:
        raise NotImplementedError

    def clears_line(self, line: str, ctx: RuleContext) -> bool:
        """True when the JSON text of the line alone shows ``check`` finds nothing (then it
        is not called). A rule overrides this where such a test is cheaper than ``check``."""
        return False


class DatasetRule(Rule):
    """A per-file rule with mergeable state; ``finish`` yields problems with ``line`` set."""

    whole_file = True

    def start(self, ctx: RuleContext) -> Any:
        raise NotImplementedError

    def add(self, state: Any, example: Any, line: int, ctx: RuleContext) -> Any:
        """Fold one example into ``state``; return the new state."""
        raise NotImplementedError

    def merge(self, first: Any, second: Any) -> Any:
        """Combine the states of two consecutive parts of one file, in order."""
        raise NotImplementedError

    def finish(self, state: Any, ctx: RuleContext) -> Iterator[Problem]:
        raise NotImplementedError
