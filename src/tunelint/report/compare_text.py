"""``tunelint compare --format text``: one row per profile, then the errors by rule.

Estimated token figures carry a ``~`` and a footnote saying how they were estimated; a cost
without a recorded price reads "price not published". The file and model names are shown
through ``escape.terminal``.
"""

from __future__ import annotations

from typing import Any

from tunelint.escape import terminal
from tunelint.report.stats_text import money, number

HEADER = (
    "profile",
    "result",
    "errors",
    "warnings",
    "examples",
    "tokens",
    "charged tokens",
    "cost",
    "model",
)
RIGHT_ALIGNED = {2, 3, 4, 5, 6}


def _tokens(value: int, row: dict[str, Any]) -> str:
    return f"~{number(value)}" if row["tokens_are_estimate"] and value else number(value)


def _cells(row: dict[str, Any]) -> list[str]:
    cost = "price not published" if row["cost_usd"] is None else money(row["cost_usd"])
    return [
        row["profile"],
        "pass" if row["passed"] else "FAIL",
        number(row["errors"]),
        number(row["warnings"]),
        number(row["examples"]),
        _tokens(row["tokens"], row),
        _tokens(row["charged_tokens"], row),
        cost,
        terminal(row["model"]["name"]),
    ]


def render(report: dict[str, Any]) -> str:
    rows = [list(HEADER), *(_cells(row) for row in report["profiles"])]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = [f"{terminal(report['file'])}: {len(report['profiles'])} profiles", ""]
    for row in rows:
        cells = [
            cell.rjust(width) if i in RIGHT_ALIGNED else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    failed = [row for row in report["profiles"] if not row["passed"]]
    if failed:
        lines.append("")
    for row in failed:
        counts = ", ".join(f"{rule} {n:,}" for rule, n in row["errors_by_rule"].items())
        lines.append(f"{row['profile']}: {counts}")
    estimated = [row for row in report["profiles"] if row["tokens_are_estimate"]]
    if estimated:
        lines.append("")
    for row in estimated:
        lines.append(f"~ {row['profile']}: {terminal(row['tokenizer'])}")
    lines += [
        "",
        "examples: lines the profile accepts (tokens and cost count only these);"
        " charged tokens: billing tokens x epochs",
    ]
    return "\n".join(lines) + "\n"
