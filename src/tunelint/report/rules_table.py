"""``tunelint rules``: every rule in a line (text) or the README's rules table (markdown)."""

from __future__ import annotations

from tunelint.report import output_width, wrap
from tunelint.rules import Rule, all_rules


def _applies_to(rule: type[Rule], separator: str = ", ") -> str:
    return separator.join(rule.applies_to).replace("*", "all")


def text() -> str:
    """One line per rule: id, default level, the line formats it checks, summary; where that
    is wider than the terminal (80 columns unless wider), the summary on the lines below,
    indented and wrapped."""
    rules = all_rules()
    cells = [(rule_id, str(rule.level), _applies_to(rule, ",")) for rule_id, rule in rules.items()]
    widths = [max(len(row[i]) for row in cells) for i in range(3)]
    rows = [
        ("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)), rule.summary)
        for row, rule in zip(cells, rules.values(), strict=True)
    ]
    width = output_width()
    if all(len(f"{head}  {summary}") <= width for head, summary in rows):
        return "".join(f"{head}  {summary}\n" for head, summary in rows)
    return "".join(
        "\n".join([head.rstrip(), *wrap(summary, width, "    ", "    ")]) + "\n"
        for head, summary in rows
    )


def markdown() -> str:
    """The README's rules table, generated from the rules themselves."""
    rows = ["| rule | default | line formats | what it reports |", "| --- | --- | --- | --- |"]
    for rule_id, rule in all_rules().items():
        rows.append(f"| `{rule_id}` | {rule.level} | {_applies_to(rule)} | {rule.summary} |")
    return "\n".join(rows) + "\n"


def documentation(rule: type[Rule]) -> str:
    """``tunelint rules ID``: the rule's summary, docs, line formats and options."""
    parts = [f"# {rule.id} ({rule.level})\n\n{rule.summary}\n\n{rule.documentation()}\n"]
    parts.append(f"\n## Line formats\n{_applies_to(rule).replace('all', 'all formats')}\n")
    if rule.options:
        parts.append("\n## Options\n")
        parts += [
            f"- `{name}` (default {option.default!r}): {option.help}\n"
            for name, option in rule.options.items()
        ]
    return "".join(parts)
