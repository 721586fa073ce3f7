from collections.abc import Iterator
from dataclasses import dataclass

from tunelint.diagnostics import Level, Problem
from tunelint.format_detection import OTHER_FORMAT, classify
from tunelint.rules.base import DatasetRule, RuleContext


@dataclass(frozen=True)
class _State:
    first_line: int | None = None
    first_format: str | None = None
    count: int = 0


class MixedFormats(DatasetRule):
    """
    ## What it does
    Reports, once per file, the first line whose example is in another format than the file
    (a preference example in a file of chat examples), with how many such lines follow. The
    file's format is the format of its first example, or the one forced with `format:` in the
    config or `--line-format`. Lines of another format are not checked by the other rules.

    ## Why is this bad?
    A file has one format, chosen by the fine-tuning method: the service refuses a file whose
    lines disagree, and a supervised file sent to preference training is refused as being "in
    the fine-tune-chat format".

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    {"input": {"messages": [{"role": "user", "content": "Hi"}]}, "preferred_output": [{"role": "assistant", "content": "Hello!"}], "non_preferred_output": [{"role": "assistant", "content": "What?"}]}
    ```

    ## Use instead
    One format per file: convert the odd lines, or move them to a file of their own.
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    id = OTHER_FORMAT
    level = Level.ERROR
    summary = "A line in another format than the file's (chat, preference, ...)."
    applies_to = ("*",)

    def start(self, ctx: RuleContext) -> _State:
        return _State()

    def add(self, state: _State, example: object, line: int, ctx: RuleContext) -> _State:
        shown = classify(example, ctx.profile, ctx.settings)
        if shown is None or shown == ctx.format:
            return state
        if state.first_line is None:
            return _State(line, shown, 1)
        return _State(state.first_line, state.first_format, state.count + 1)

    def merge(self, first: _State, second: _State) -> _State:
        if first.first_line is None:
            return second
        return _State(first.first_line, first.first_format, first.count + second.count)

    def finish(self, state: _State, ctx: RuleContext) -> Iterator[Problem]:
        if state.first_line is None or state.first_format is None:
            return
        shown = ctx.profile.formats[state.first_format]
        expected = ctx.spec
        more = state.count - 1
        also = f" (and {more} more such line{'s' if more != 1 else ''})" if more else ""
        yield Problem(
            (),
            f"line {state.first_line} is {_a(shown.title)} example in a file of "
            f"{expected.title} examples: it is in the {shown.service_name} format, not "
            f"{expected.service_name}{also}",
            line=state.first_line,
        )


def _a(word: str) -> str:
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"
