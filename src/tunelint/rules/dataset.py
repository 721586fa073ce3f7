"""Rules over a whole file: how many examples, and which repeat an earlier one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tunelint.diagnostics import Level, Problem
from tunelint.fingerprint import example_digest
from tunelint.rules.base import DatasetRule, RuleContext


class _ExampleCount(DatasetRule):
    """State: how many examples the file has."""

    about_file = True

    def start(self, ctx: RuleContext) -> int:
        return 0

    def add(self, state: int, example: Any, line: int, ctx: RuleContext) -> int:
        return state + 1

    def merge(self, first: int, second: int) -> int:
        return first + second


class TooFewExamples(_ExampleCount):
    """
    ## What it does
    Reports, at line 1, a file with fewer examples than the profile's minimum (OpenAI: 10),
    in OpenAI's words. Not applied to the `--validation` file.

    ## Why is this bad?
    The service refuses the job: "Training file has 7 example(s), but must have at least 10
    examples" (`invalid_n_examples`). OpenAI recommends 50 to 100 good examples to start.

    ## Example
    A `train.jsonl` with 7 lines.

    ## Use instead
    At least 10 examples (better: 50 or more).
    """

    id = "too_few_examples"
    level = Level.ERROR
    summary = "The file has fewer examples than the service's minimum (OpenAI: 10)."
    applies_to = ("*",)

    def finish(self, state: int, ctx: RuleContext) -> Iterator[Problem]:
        minimum = ctx.profile.limits.min_examples
        if minimum is not None and state < minimum:
            yield Problem(
                (),
                f"Training file has {state} example(s), but must have at least {minimum} examples",
                line=1,
            )


class TooManyExamples(_ExampleCount):
    """
    ## What it does
    Reports, at line 1, a file with more examples than the profile's maximum (Fireworks: 3
    million; Vertex Gemini: 1 million text-only). OpenAI publishes none.

    ## Why is this bad?
    The provider refuses the dataset or the tuning job.

    ## Example
    A Fireworks dataset of 3,000,001 lines.

    ## Use instead
    Sample the dataset down, or split it across jobs.
    """

    id = "too_many_examples"
    level = Level.ERROR
    summary = "The file has more examples than the profile's maximum."
    applies_to = ("*",)

    def finish(self, state: int, ctx: RuleContext) -> Iterator[Problem]:
        maximum = ctx.profile.limits.max_examples
        if maximum is not None and state > maximum:
            yield Problem((), f"file has {state:,} examples; at most {maximum:,} allowed", line=1)


@dataclass
class _Seen:
    first_line: dict[bytes, int] = field(default_factory=dict)
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (line, first line)


class DuplicateExample(DatasetRule):
    """
    ## What it does
    Reports an example identical to an earlier one in the same file (the same JSON value,
    key order aside), at the later line, naming the first. Examples are compared by a 16-byte
    hash, so memory stays small on large files.

    ## Why is this bad?
    A repeated example is trained on twice per epoch: it weighs more than the others, costs
    tokens, and is often a sign of a concatenation or sampling bug.

    ## Example
    Line 3 is a copy of line 1:
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye"}]}
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ```

    ## Use instead
    Drop the copies (`sort -u` keeps one of each identical line).
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye"}]}
    ```
    """

    id = "duplicate_example"
    level = Level.WARNING
    summary = "An example is an exact duplicate of an earlier one."
    applies_to = ("*",)

    def start(self, ctx: RuleContext) -> _Seen:
        return _Seen()

    def add(self, state: _Seen, example: Any, line: int, ctx: RuleContext) -> _Seen:
        digest = example_digest(example)
        first = state.first_line.setdefault(digest, line)
        if first != line:
            state.duplicates.append((line, first))
        return state

    def merge(self, first: _Seen, second: _Seen) -> _Seen:
        merged = _Seen(dict(first.first_line), list(first.duplicates))
        moved: dict[int, int] = {}  # a first line of `second` that repeats one of `first`
        for digest, line in second.first_line.items():
            earlier = merged.first_line.setdefault(digest, line)
            if earlier != line:
                moved[line] = earlier
                merged.duplicates.append((line, earlier))
        merged.duplicates += [(line, moved.get(orig, orig)) for line, orig in second.duplicates]
        return merged

    def finish(self, state: _Seen, ctx: RuleContext) -> Iterator[Problem]:
        for line, first in sorted(state.duplicates):
            yield Problem((), f"duplicate of line {first}", line=line)
