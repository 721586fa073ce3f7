"""The finding about the config itself: a suppression that no longer silences anything."""

from tunelint.diagnostics import Level
from tunelint.rules.base import Rule


class UnusedSuppression(Rule):
    """
    ## What it does
    Reports an entry of `per-file-ignores` or `ignore-examples` that silenced no finding in a
    run where it applied (its glob matched a checked file), at its line in the config. Entries
    for rules that are off are not reported.

    ## Why is this bad?
    A suppression outlives its cause: once the example is fixed or deleted, it waits to
    silence a new, real problem, and nobody remembers why it is there.

    ## Example
    ```yaml
    # .tunelint.yaml
    ignore-examples:
      missing_content:
        - {line: 2, reason: "empty answer on purpose"}   # line 2 was fixed since
    ```
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye"}]}
    ```

    ## Use instead
    Remove the entry (or name the example by `hash`, which follows it when lines move). Keep
    one only while it silences a finding:
    ```yaml
    # .tunelint.yaml
    ignore-examples:
      missing_content:
        - {line: 2, reason: "empty answer on purpose"}
    ```
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": ""}]}
    ```
    """

    id = "unused_suppression"
    level = Level.WARNING
    summary = "A config suppression that silenced nothing."
    applies_to = ("*",)
