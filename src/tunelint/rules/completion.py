"""Legacy prompt/completion examples (babbage-002, davinci-002)."""

from collections.abc import Iterator
from dataclasses import dataclass

from tunelint.diagnostics import Level, Problem
from tunelint.rules._chat import json_type
from tunelint.rules.base import DatasetRule, ExampleRule, RuleContext


class CompletionMissingKey(ExampleRule):
    """
    ## What it does
    Reports a completion example without `prompt` or `completion`, or where one of them is
    not a string.

    ## Why is this bad?
    The service refuses the file: "Unexpected file format, expected either prompt/completion
    pairs or chat messages."

    ## Example
    ```json
    {"prompt": "Capital of France?", "answer": "Paris"}
    ```

    ## Use instead
    ```json
    {"prompt": "Capital of France?\\n\\n###\\n\\n", "completion": " Paris"}
    ```
    """

    id = "completion_missing_key"
    level = Level.ERROR
    summary = "`prompt` or `completion` (`text`) is missing or not a string."
    applies_to = ("completion", "text")

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        for key in ctx.spec.string_keys:
            if key not in example:
                yield Problem((), f"example has no '{key}'")
            elif not isinstance(example[key], str):
                yield Problem((key,), f"{key} is {json_type(example[key])}, not a string")


class EmptyCompletion(ExampleRule):
    """
    ## What it does
    Reports a completion example whose `completion` is an empty string.

    ## Why is this bad?
    The model is trained to produce the completion: an empty one teaches it to stop at once.

    ## Example
    ```json
    {"prompt": "Capital of France?\\n\\n###\\n\\n", "completion": ""}
    ```

    ## Use instead
    ```json
    {"prompt": "Capital of France?\\n\\n###\\n\\n", "completion": " Paris"}
    ```
    """

    id = "empty_completion"
    level = Level.ERROR
    summary = "The completion is an empty string."
    applies_to = ("completion",)

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        if example.get("completion") == "":
            yield Problem(("completion",), "completion is empty")


class CompletionWithoutLeadingSpace(ExampleRule):
    """
    ## What it does
    Reports a completion that does not start with whitespace (OpenAI's old `prepare_data`
    advice, which still holds for the legacy completion models).

    ## Why is this bad?
    The tokenizers join a leading space to the word after it (" Paris" is one token): a
    completion without it is tokenized unlike the same words in running text, and tends to
    train worse.

    ## Example
    ```json
    {"prompt": "Capital of France?\\n\\n###\\n\\n", "completion": "Paris"}
    ```

    ## Use instead
    ```json
    {"prompt": "Capital of France?\\n\\n###\\n\\n", "completion": " Paris"}
    ```
    """

    id = "completion_without_leading_space"
    level = Level.WARNING
    summary = "The completion does not start with whitespace."
    applies_to = ("completion",)

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        completion = example.get("completion")
        if isinstance(completion, str) and completion and not completion[0].isspace():
            yield Problem(("completion",), "completion does not start with a space")


@dataclass(frozen=True)
class _Suffix:
    common: str | None = None  # the longest ending all prompts so far share
    count: int = 0


def _common_ending(first: str, second: str) -> str:
    size = 0
    while size < min(len(first), len(second)) and first[-1 - size] == second[-1 - size]:
        size += 1
    return first[len(first) - size :]


class PromptWithoutSeparator(DatasetRule):
    """
    ## What it does
    Reports, once per file, prompts that do not all end with a common separator (such as
    `\\n\\n###\\n\\n`), as OpenAI's old `prepare_data` tool did. Reported at line 1.

    ## Why is this bad?
    A completion model learns where the prompt stops and the answer starts from a fixed
    separator; without one it may continue the prompt instead of answering.

    ## Example
    ```json
    {"prompt": "Capital of France?", "completion": " Paris"}
    {"prompt": "Capital of Spain:", "completion": " Madrid"}
    ```

    ## Use instead
    ```json
    {"prompt": "Capital of France?\\n\\n###\\n\\n", "completion": " Paris"}
    {"prompt": "Capital of Spain?\\n\\n###\\n\\n", "completion": " Madrid"}
    ```
    """

    id = "prompt_without_separator"
    level = Level.WARNING
    summary = "The prompts do not end with a common separator."
    about_file = True
    applies_to = ("completion",)

    def start(self, ctx: RuleContext) -> _Suffix:
        return _Suffix()

    def add(self, state: _Suffix, example: object, line: int, ctx: RuleContext) -> _Suffix:
        prompt = example.get("prompt") if isinstance(example, dict) else None
        if not isinstance(prompt, str):
            return state
        return self.merge(state, _Suffix(prompt, 1))

    def merge(self, first: _Suffix, second: _Suffix) -> _Suffix:
        if first.common is None or second.common is None:
            return first if second.common is None else second
        return _Suffix(_common_ending(first.common, second.common), first.count + second.count)

    def finish(self, state: _Suffix, ctx: RuleContext) -> Iterator[Problem]:
        if state.count > 1 and not state.common:
            yield Problem(
                (),
                f"the {state.count} prompts do not end with a common separator "
                "(such as '\\n\\n###\\n\\n')",
                line=1,
            )
