"""``tunelint compare --format text``: per file, one row per profile, then a note per
profile with its errors by rule.

Estimated token figures carry a ``~`` and a footnote saying how they were estimated; a cost
without a recorded price reads ``-``. File, model and tokenizer names are shown through
``escape.terminal``. The table fits in 80 columns (the terminal's width when
wider): the model column is kept only where it fits, else each profile's model is in its note.
"""

from __future__ import annotations

from typing import Any

from tunelint.escape import terminal
from tunelint.report import output_width, wrap
from tunelint.report.stats_text import money, number

HEADER = (
    "profile",
    "result",
    "errors",
    "warnings",
    "examples",
    "tokens",
    "charged",
    "cost",
    "model",
)
RIGHT_ALIGNED = {2, 3, 4, 5, 6, 7}
LEGEND = (
    "examples: lines the profile accepts (tokens and cost count only these);"
    " charged: billing tokens x epochs; cost -: price not published"
)


def _tokens(value: int, row: dict[str, Any]) -> str:
    return f"~{number(value)}" if row["tokens_are_estimate"] and value else number(value)


def _cells(row: dict[str, Any]) -> list[str]:
    return [
        row["profile"],
        "pass" if row["passed"] else "FAIL",
        number(row["errors"]),
        number(row["warnings"]),
        number(row["examples"]),
        _tokens(row["tokens"], row),
        _tokens(row["charged_tokens"], row),
        "-" if row["cost_usd"] is None else money(row["cost_usd"]),
        terminal(row["model"]["name"]),
    ]


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.rjust(width) if i in RIGHT_ALIGNED else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def _note(row: dict[str, Any], with_model: bool) -> str | None:
    """What the table does not show of a profile: its model (when not in the table), its
    errors by rule, how its tokens were estimated; None when there is nothing."""
    parts = [f"model {terminal(row['model']['name'])}"] if with_model else []
    if not row["passed"]:
        counts = ", ".join(f"{rule} {n:,}" for rule, n in row["errors_by_rule"].items())
        parts.append(f"errors {counts}")
    if row["tokens_are_estimate"]:
        parts.append(f"~ {terminal(row['tokenizer'])}")
    return f"{row['profile']}: {'; '.join(parts)}" if parts else None


def render_file(report: dict[str, Any], width: int) -> list[str]:
    """One file's table, then a note per profile."""
    profiles = report["profiles"]
    rows = [list(HEADER), *(_cells(row) for row in profiles)]
    table = _table(rows)
    models_apart = max(map(len, table)) > width
    if models_apart:
        table = _table([row[:-1] for row in rows])
    count = f"{len(profiles)} profile{'' if len(profiles) == 1 else 's'}"
    lines = [f"{terminal(report['file'])}: {count}", "", *table, ""]
    for row in profiles:
        note = _note(row, models_apart)
        if note is not None:
            lines += wrap(note, width, "", "    ")
    return lines


def render(report: dict[str, Any]) -> str:
    """Every file's table, then the legend."""
    width = output_width()
    lines = []
    for file_report in report["files"]:
        lines += [*render_file(file_report, width), ""]
    lines += wrap(LEGEND, width)
    return "\n".join(lines) + "\n"
