from collections.abc import Iterator

from tunelint.diagnostics import Level, Problem, format_path
from tunelint.rules.base import ExampleRule, RuleContext
from tunelint.rules.conversation_shape import message_texts


class ReservedWord(ExampleRule):
    """
    ## What it does
    Reports a word the profile reserves (Bedrock Nova: `User:`, `Bot:`, `Assistant:`,
    `System:`, `<image>`, `<video>`, `[EOS]`) in the text of a system or user message.
    OpenAI reserves none.

    ## Why is this bad?
    Amazon's Nova data-preparation guide: these words anywhere in a user or system prompt
    make the customization job fail.

    ## Example
    ```yaml
    # .tunelint.yaml
    profile: bedrock-nova
    ```
    ```json
    {"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": "user", "content": [{"text": "User: what is 2+2?"}]}, {"role": "assistant", "content": [{"text": "4"}]}]}
    ```

    ## Use instead
    ```json
    {"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": "user", "content": [{"text": "What is 2+2?"}]}, {"role": "assistant", "content": [{"text": "4"}]}]}
    ```
    """

    id = "reserved_word"
    level = Level.ERROR
    summary = "A system or user message contains a word the provider reserves (Nova)."
    applies_to = ("chat", "preference")

    def check(self, example: dict, ctx: RuleContext) -> Iterator[Problem]:
        words = ctx.profile.limits.reserved_words
        for path, text, role in message_texts(example, ctx.spec) if words else ():
            used = [word for word in words if role in ("system", "user") and word in text]
            if used:
                yield Problem(
                    path,
                    f"{format_path(path)} ({role}) contains the reserved"
                    f" {'word' if len(used) == 1 else 'words'} {', '.join(used)}",
                )
