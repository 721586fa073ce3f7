"""An example without a message of a given role: assistant (error), system or user (warnings)."""

from collections.abc import Iterator

from tunelint.diagnostics import Level, Problem
from tunelint.rules._chat import conversation, role_of
from tunelint.rules.base import ExampleRule, RuleContext


class _MissingRoleMessage(ExampleRule):
    role: str

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        messages = conversation(example, ctx.spec)
        if messages and self.role not in {role_of(m) for m in messages}:
            yield Problem(ctx.spec.conversation_path, f"example has no {self.role} message")


class ExampleMissingAssistantMessage(_MissingRoleMessage):
    """
    ## What it does
    Reports an example with no assistant message.

    ## Why is this bad?
    Training learns from the assistant's messages only: an example without one teaches
    nothing, and the service refuses it.

    ## Example
    ```json
    {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]}
    ```

    ## Use instead
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ```
    """

    id = "example_missing_assistant_message"
    level = Level.ERROR
    summary = "The example has no assistant message."
    role = "assistant"


class MissingSystemMessage(_MissingRoleMessage):
    """
    ## What it does
    Reports an example with no system message.

    ## Why is this bad?
    Not an error: training works without one. But a model fine-tuned with a system prompt
    should see the same prompt in every example and at inference; an example without it is
    often a conversion slip.

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ```

    ## Use instead
    ```json
    {"messages": [{"role": "system", "content": "You are Marv."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ```
    """

    id = "missing_system_message"
    level = Level.WARNING
    summary = "The example has no system message."
    applies_to = ("chat", "preference")
    role = "system"


class MissingUserMessage(_MissingRoleMessage):
    """
    ## What it does
    Reports an example with no user message.

    ## Why is this bad?
    The assistant answers nothing: the example teaches the model to speak unprompted.

    ## Example
    ```json
    {"messages": [{"role": "system", "content": "Be brief."}, {"role": "assistant", "content": "Hello"}]}
    ```

    ## Use instead
    ```json
    {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ```
    """

    id = "missing_user_message"
    level = Level.WARNING
    summary = "The example has no user message."
    applies_to = ("chat", "preference", "reinforcement")
    role = "user"
