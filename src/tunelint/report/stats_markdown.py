"""``tunelint stats --format markdown``: GitHub-flavoured Markdown for a job summary.

File names are literal text (``escape.markdown``); the model, tokenizer and notes come from
tunelint's own data and the command line.
"""

from __future__ import annotations

from typing import Any

from tunelint.escape import markdown
from tunelint.report.stats_text import (
    COLUMNS,
    distribution_rows,
    estimate_line,
    figure_rows,
    file_title,
    grand_total_rows,
    histogram_lines,
    model_line,
    no_examples,
    totals,
)


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    """A GFM table; the columns whose index is in ``right`` are right-aligned (numbers)."""
    align = ["---:" if i in right else "---" for i in range(len(header))]
    return [f"| {' | '.join(row)} |" for row in (header, align, *rows)]


def _section(title: str, figures: dict[str, Any], report: dict[str, Any]) -> list[str]:
    lines = [f"#### {title}", ""]
    if not figures["examples"]:
        return [*lines, no_examples(figures), ""]
    lines += _table(["", *COLUMNS], distribution_rows(figures), set(range(1, len(COLUMNS) + 1)))
    lines.append("")
    rows = [[label, value, why] for label, value, why in figure_rows(figures, report)]
    lines += _table(["figure", "value", "note"], rows, {1})
    lines += ["", "Tokens per example:", "", "```text", *histogram_lines(figures["histogram"])]
    lines += ["```", ""]
    return lines


def render(report: dict[str, Any]) -> str:
    """The stats report as Markdown (a heading, tables and a histogram per file, a total)."""
    lines = ["### Training data statistics (tunelint)", "", model_line(report) + "."]
    estimate = estimate_line(report)
    if estimate:
        lines += ["", f"> **Estimate:** {estimate}."]
    if report["model"]["note"]:
        lines += ["", f"> **Note:** {report['model']['note']}; figures shown for reference."]
    lines.append("")
    for figures in report["files"]:
        lines += _section(file_title(figures, report, markdown), figures, report)
    for title, figures in totals(report):
        lines += _section(title.capitalize(), figures, report)
    grand_total = grand_total_rows(report)
    if grand_total is not None:
        title, rows = grand_total
        lines += [f"#### {title.capitalize()}", ""]
        lines += _table(["figure", "value", "note"], [list(row) for row in rows], {1})
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
