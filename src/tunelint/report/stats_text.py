"""``tunelint stats --format text``: a table per file and a block-character histogram.

File names and the model, tokenizer and note lines are shown through ``escape.terminal``.
"""

from __future__ import annotations

from typing import Any

from tunelint.escape import terminal
from tunelint.profile import DEFAULT_PROFILE

COLUMNS = ("min", "max", "mean", "median", "p5", "p10", "p90", "p95")
DISTRIBUTIONS = (
    ("tokens_per_example", "tokens per example"),
    ("assistant_tokens_per_example", "assistant tokens"),
    ("messages_per_example", "messages per example"),
)
_EIGHTHS = " ▏▎▍▌▋▊▉"
BAR_WIDTH = 30


def number(value: float | int) -> str:
    """1,648.4 for a fraction, 8,032 for a whole number."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def lines_skipped(count: int) -> str:
    return f"{count:,} line{'' if count == 1 else 's'} skipped"


def money(value: float) -> str:
    return f"${value:,.2f}" if value >= 0.01 or value == 0 else f"${value:.4f}"


def bar(count: int, most: int, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of Unicode blocks, ``count / most`` of ``width`` cells long."""
    eighths = round(count * width * 8 / most) if most else 0
    if count and not eighths:
        eighths = 1
    return "█" * (eighths // 8) + (_EIGHTHS[eighths % 8] if eighths % 8 else "")


def histogram_lines(histogram: list[dict[str, int]]) -> list[str]:
    """One line per bin: ``  26 -   827 │████████ 4``."""
    if not histogram:
        return []
    most = max(b["count"] for b in histogram)
    low = max(len(f"{b['from']:,}") for b in histogram)
    high = max(len(f"{b['to']:,}") for b in histogram)
    return [
        f"{b['from']:>{low},} - {b['to']:>{high},} │{bar(b['count'], most):<{BAR_WIDTH}} {b['count']:,}"
        for b in histogram
    ]


def distribution_rows(figures: dict[str, Any]) -> list[list[str]]:
    """[label, min, max, ...] per distribution of one file's figures."""
    return [
        [label, *(number(figures[key][c]) for c in COLUMNS)]
        for key, label in DISTRIBUTIONS
        if figures[key] is not None
    ]


def figure_rows(figures: dict[str, Any], report: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(label, value, explanation) for the scalar figures of one file or the total."""
    model = report["model"]
    limit = model["token_limit"]
    over, capped = (
        ("-", "no published limit")
        if limit is None
        else (
            number(figures["over_token_limit"]),
            f"each example capped at {limit:,}",
        )
    )
    cost = (
        ("price not published", "no price recorded for this model")
        if figures["cost_usd"] is None
        else (
            money(figures["cost_usd"]),
            f"at ${model['price_per_million_usd']:,.2f} per 1M training tokens,"
            f" price checked {model['price_checked']}",
        )
    )
    return [
        ("examples", number(figures["examples"]), lines_skipped(figures["skipped_lines"])),
        ("missing system message", number(figures["missing_system"]), ""),
        ("missing user message", number(figures["missing_user"]), ""),
        ("untrained assistant tokens", number(figures["untrained_assistant_tokens"]), "weight: 0"),
        ("over token limit", over, "truncated in training"),
        ("billing tokens", number(figures["billing_tokens"]), capped),
        ("epochs", number(figures["epochs"]), report["epochs_source"]),
        ("charged tokens", number(figures["charged_tokens"]), "billing tokens x epochs"),
        ("estimated cost", *cost),
    ]


def no_examples(figures: dict[str, Any]) -> str:
    if not figures["skipped_lines"]:
        return "no examples: the file is empty"
    return (
        f"no valid examples ({lines_skipped(figures['skipped_lines'])} for errors):"
        " run `tunelint check` to see why"
    )


def model_line(report: dict[str, Any]) -> str:
    """The model, its tokenizer, limit and price; a profile other than OpenAI is named first."""
    model = report["model"]
    profile = "" if model["profile"] == DEFAULT_PROFILE else f"profile {model['profile']}: "
    tokenizer = "" if model["tokens_are_estimate"] else f" ({model['tokenizer']})"
    limit = model["token_limit"]
    price = model["price_per_million_usd"]
    return (
        f"{profile}model {model['name']}{tokenizer},"
        f" {'no published token limit' if limit is None else f'token limit {limit:,}'},"
        f" {'price not published' if price is None else f'${price:,.2f} per 1M training tokens'}"
    )


def estimate_line(report: dict[str, Any]) -> str | None:
    """The warning that token counts are an estimate, and how it was made; None when exact."""
    model = report["model"]
    if not model["tokens_are_estimate"]:
        return None
    return f"token counts are an {model['tokenizer']}"


def _section(title: str, figures: dict[str, Any], report: dict[str, Any]) -> list[str]:
    lines = [title]
    if not figures["examples"]:
        return [*lines, f"  {no_examples(figures)}", ""]
    table = [["", *COLUMNS], *distribution_rows(figures)]
    widths = [max(len(row[i]) for row in table) for i in range(len(COLUMNS) + 1)]
    for row in table:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    lines.append("")
    rows = figure_rows(figures, report)
    label_width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    for label, value, why in rows:
        note = f"  ({why})" if why else ""
        lines.append(f"  {label:<{label_width}}  {value:>{value_width}}{note}")
    lines.append("")
    lines.append("  tokens per example:")
    lines += [f"  {line}" for line in histogram_lines(figures["histogram"])]
    lines.append("")
    return lines


def render(report: dict[str, Any]) -> str:
    lines = [terminal(model_line(report))]
    estimate = estimate_line(report)
    if estimate:
        lines.append(f"note: {terminal(estimate)}")
    if report["model"]["note"]:
        lines.append(f"note: {terminal(report['model']['note'])}; figures shown for reference")
    lines.append("")
    for figures in report["files"]:
        lines += _section(terminal(figures["file"]), figures, report)
    if len(report["files"]) > 1:
        lines += _section(f"total ({len(report['files'])} files)", report["total"], report)
    return "\n".join(lines).rstrip("\n") + "\n"
