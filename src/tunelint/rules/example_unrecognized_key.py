from collections.abc import Iterator

from tunelint.diagnostics import Level, Problem
from tunelint.rules._chat import quoted_list
from tunelint.rules.base import ExampleRule, RuleContext


class ExampleUnrecognizedKey(ExampleRule):
    """
    ## What it does
    Reports a top-level key the format does not allow, and a key the format does not allow
    inside an object it defines (a preference example's `input`). For OpenAI chat examples
    the allowed keys are `messages`, `tools`, `parallel_tool_calls` and `functions`; for
    preference examples `input`, `preferred_output` and `non_preferred_output`; for legacy
    completion examples `prompt` and `completion` (all from the active profile). Reinforcement
    examples may carry any other key (graders read them).

    ## Why is this bad?
    The API rejects the file: `Invalid file format. Example 1 contains an extra "weight".`

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}], "weight": 1, "id": "abc"}
    ```

    ## Use instead
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello", "weight": 1}]}
    ```
    Keep ids and metadata in a separate file keyed by line number, or put `weight` on the
    assistant message it applies to.
    """

    id = "example_unrecognized_key"
    level = Level.ERROR
    summary = "A top-level key the format does not allow."
    in_line_terms = True  # shape readers check it on the line itself
    applies_to = ("chat", "preference", "completion", "text")

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        spec = ctx.spec
        if spec.extra_keys:  # the trainer ignores, or passes on, other columns (TRL)
            return
        yield from _unrecognized(example, (), spec.top_level_keys, "top-level key")
        for name, allowed in spec.object_keys.items():
            inner = example.get(name)
            if isinstance(inner, dict):
                yield from _unrecognized(inner, (name,), allowed, f"key in '{name}'")


def _unrecognized(
    value: dict, path: tuple[str, ...], allowed: tuple[str, ...], what: str
) -> Iterator[Problem]:
    for key in value:
        if key not in allowed:
            yield Problem(
                (*path, key),
                f"unrecognized {what} '{key}'; allowed: {quoted_list(allowed)}",
                on_key=True,
            )
