"""Preference (DPO) examples: the two outputs compared after the input conversation."""

from collections.abc import Iterator

from tunelint.diagnostics import Level, Problem
from tunelint.rules._chat import a_role, conversation_list, json_type, role_of
from tunelint.rules.base import ExampleRule, RuleContext


class InvalidPreferenceOutput(ExampleRule):
    """
    ## What it does
    Reports a preference example without `preferred_output` or `non_preferred_output`, or
    one that is not a list of exactly one assistant message. (The message's content, or its
    tool calls, are checked by the message rules: `missing_content`, `message_missing_key`.)

    ## Why is this bad?
    Preference training compares one preferred and one non-preferred next assistant turn;
    the service refuses an example without both ("Example 1 is missing key
    'preferred_output'").

    ## Example
    ```json
    {"input": {"messages": [{"role": "user", "content": "Hi"}]}, "preferred_output": [{"role": "assistant", "content": "Hello!"}]}
    ```

    ## Use instead
    ```json
    {"input": {"messages": [{"role": "user", "content": "Hi"}]}, "preferred_output": [{"role": "assistant", "content": "Hello!"}], "non_preferred_output": [{"role": "assistant", "content": "What?"}]}
    ```
    """

    id = "invalid_preference_output"
    level = Level.ERROR
    summary = "A preference output is missing or not one assistant message."
    applies_to = ("preference",)

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        role = ctx.spec.output_role
        for key in ctx.spec.outputs:
            if key not in example:
                yield Problem((), f"example has no '{key}'")
                continue
            output = example[key]
            if not isinstance(output, list):
                yield Problem((key,), f"{key} is {json_type(output)}, not a list with one message")
            elif len(output) != 1:
                yield Problem((key,), f"{key} has {len(output)} messages; it must hold exactly one")
            elif isinstance(output[0], dict) and role and output[0].get("role") != role:
                shown = role_of(output[0])
                what = a_role(shown) if shown else "a message without a valid role"
                yield Problem((key, 0), f"{key}[0] is {what}; it must be {a_role(role)}")


class PreferenceInputEndsWithAssistant(ExampleRule):
    """
    ## What it does
    Reports a preference example whose `input.messages` ends with an assistant message.

    ## Why is this bad?
    The two outputs are meant to be the next assistant turn after the input. After an
    assistant message they are a second answer in a row, which is rarely what was meant
    (usually the chosen answer was left in the input by a conversion script).

    ## Example
    ```json
    {"input": {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}, "preferred_output": [{"role": "assistant", "content": "How can I help?"}], "non_preferred_output": [{"role": "assistant", "content": "What?"}]}
    ```

    ## Use instead
    ```json
    {"input": {"messages": [{"role": "user", "content": "Hi"}]}, "preferred_output": [{"role": "assistant", "content": "Hello! How can I help?"}], "non_preferred_output": [{"role": "assistant", "content": "What?"}]}
    ```
    """

    id = "preference_input_ends_with_assistant"
    level = Level.WARNING
    summary = "The preference input ends with an assistant message."
    applies_to = ("preference",)

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        path, listed = ctx.spec.conversation_path, conversation_list(example, ctx.spec)
        last = listed[-1] if listed else None
        if isinstance(last, dict) and role_of(last) == "assistant":
            yield Problem(
                (*path, len(listed) - 1),
                "the input ends with an assistant message; the outputs should follow it",
            )


class IdenticalPreferenceOutputs(ExampleRule):
    """
    ## What it does
    Reports a preference example whose preferred and non-preferred outputs are the same.

    ## Why is this bad?
    There is no preference to learn: the pair pushes the model towards and away from the same
    answer at once, and only adds cost.

    ## Example
    ```json
    {"input": {"messages": [{"role": "user", "content": "Is 7 prime?"}]}, "preferred_output": [{"role": "assistant", "content": "Yes"}], "non_preferred_output": [{"role": "assistant", "content": "Yes"}]}
    ```

    ## Use instead
    Drop the example, or give it a genuinely worse non-preferred answer.
    ```json
    {"input": {"messages": [{"role": "user", "content": "Is 7 prime?"}]}, "preferred_output": [{"role": "assistant", "content": "Yes"}], "non_preferred_output": [{"role": "assistant", "content": "No"}]}
    ```
    """

    id = "identical_preference_outputs"
    level = Level.WARNING
    summary = "The preferred and non-preferred outputs are identical."
    applies_to = ("preference",)

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        outputs = [example.get(key) for key in ctx.spec.outputs]
        if len(outputs) == 2 and outputs[0] is not None and outputs[0] == outputs[1]:
            yield Problem(
                (ctx.spec.outputs[1],), "preferred and non-preferred outputs are identical"
            )
