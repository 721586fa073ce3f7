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
    ignore-examples:
      missing_content:
        - {line: 12, reason: "empty answer on purpose"}   # line 12 was fixed since
    ```

    ## Use instead
    Remove the entry (or name the example by `hash`, which follows it when lines move).
    """

    id = "unused_suppression"
    level = Level.WARNING
    summary = "A config suppression that silenced nothing."
    applies_to = ("*",)
