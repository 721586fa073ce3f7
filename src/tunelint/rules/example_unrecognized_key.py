from collections.abc import Iterator

from tunelint.diagnostics import Level, Problem
from tunelint.rules._chat import quoted_list
from tunelint.rules.base import ExampleRule, RuleContext


class ExampleUnrecognizedKey(ExampleRule):
    """
    ## What it does
    Reports a top-level key the format does not allow. For OpenAI chat examples the allowed
    keys are `messages`, `tools`, `parallel_tool_calls` and `functions` (from the active
    profile).

    ## Why is this bad?
    The API rejects the file: `Invalid file format. Example 1 contains an extra "weight".`

    ## Example
    ```json
    {"messages": [...], "weight": 1, "id": "abc"}
    ```

    ## Use instead
    ```json
    {"messages": [...]}
    ```
    Keep ids and metadata in a separate file keyed by line number, or put `weight` on the
    assistant message it applies to.
    """

    id = "example_unrecognized_key"
    level = Level.ERROR
    summary = "A top-level key the format does not allow."

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        allowed = ctx.profile.chat.top_level_keys
        for key in example:
            if key not in allowed:
                yield Problem(
                    (key,),
                    f"unrecognized top-level key '{key}'; allowed: {quoted_list(allowed)}",
                    on_key=True,
                )
