"""`weight` on assistant messages: which ones train."""

from collections.abc import Iterator

from tunelint.diagnostics import Level, Problem
from tunelint.rules._chat import conversation, format_messages, json_type, role_of
from tunelint.rules.base import ExampleRule, RuleContext


class InvalidWeight(ExampleRule):
    """
    ## What it does
    Reports a `weight` that is not the integer 0 or 1. (A `weight` on a message other than an
    assistant message is `message_unrecognized_key`'s finding.)

    ## Why is this bad?
    The schema allows only 0 (do not train on this message) and 1 (train on it); the
    service refuses other values, and `true` or `0.5` are not partial weights.

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello", "weight": 0.5}]}
    ```

    ## Use instead
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello", "weight": 1}]}
    ```
    """

    id = "invalid_weight"
    level = Level.ERROR
    summary = "A message's `weight` is not 0 or 1."
    applies_to = ("chat", "preference", "reinforcement")

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        for path, message in format_messages(example, ctx.spec):
            if "weight" not in message:
                continue
            weight = message["weight"]
            if isinstance(weight, bool) or weight not in (0, 1):
                shown = (
                    json_type(weight) if isinstance(weight, bool | str | list | dict) else weight
                )
                yield Problem((*path, "weight"), f"weight is {shown}; it must be 0 or 1")


class AllWeightsZero(ExampleRule):
    """
    ## What it does
    Reports an example in which every assistant message has `weight` 0.

    ## Why is this bad?
    Training learns only from assistant messages with weight 1: this example costs tokens
    and teaches nothing.

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello", "weight": 0}]}
    ```

    ## Use instead
    Set `weight` 1 on at least one assistant message, or drop the example.
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello", "weight": 1}]}
    ```
    """

    id = "all_weights_zero"
    level = Level.WARNING
    summary = "Every assistant message has weight 0: the example trains nothing."
    applies_to = ("chat",)

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        assistants = [m for m in conversation(example, ctx.spec) if role_of(m) == "assistant"]
        if assistants and all(m.get("weight", 1) == 0 for m in assistants):
            yield Problem(
                ctx.spec.conversation_path, "every assistant message has weight 0; nothing trains"
            )


class WeightedImageMessage(ExampleRule):
    """
    ## What it does
    Reports a message that holds an image and has a non-zero `weight`, under a profile that
    forbids it (Together; OpenAI has no such rule).

    ## Why is this bad?
    Together's checker refuses the file: "Messages with images cannot have non-zero weights."

    ## Example
    ```yaml
    # .tunelint.yaml
    profile: together
    ```
    ```json
    {"messages": [{"role": "user", "weight": 1, "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]}, {"role": "assistant", "content": "A cat."}]}
    ```

    ## Use instead
    Set `"weight": 0` on the message with the image, or leave `weight` out.
    ```json
    {"messages": [{"role": "user", "weight": 0, "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]}, {"role": "assistant", "content": "A cat."}]}
    ```
    """

    id = "weighted_image_message"
    level = Level.ERROR
    summary = "A message with an image has a non-zero weight (Together)."
    applies_to = ("chat", "preference")

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        if not ctx.profile.limits.images_need_zero_weight:
            return
        for path, message in format_messages(example, ctx.spec):
            content = message.get("content")
            images = (
                [p for p in content if isinstance(p, dict) and p.get("type") == "image_url"]
                if isinstance(content, list)
                else []
            )
            if images and message.get("weight", 0) != 0:
                yield Problem((*path, "weight"), "a message with an image has a non-zero weight")
