"""``tunelint stats --format text``: a table per file and a block-character histogram.

File names and the model, tokenizer and note lines are shown through ``escape.terminal``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tunelint.escape import terminal
from tunelint.profile import DEFAULT_PROFILE
from tunelint.report import output_width, wrap

COLUMNS = ("min", "max", "mean", "median", "p5", "p10", "p90", "p95")
DISTRIBUTIONS = (
    ("tokens_per_example", "tokens per example"),
    ("assistant_tokens_per_example", "assistant tokens"),
    ("messages_per_example", "messages per example"),
)
_EIGHTHS = " ▏▎▍▌▋▊▉"
BAR_WIDTH = 30


def number(value: float | int) -> str:
    """1,648.4 for a fraction, 8,032 for a whole number (or one that rounds to it)."""
    if isinstance(value, float) and not round(value, 1).is_integer():
        return f"{value:,.1f}"
    return f"{round(value):,}"


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


def distribution_rows(figures: dict[str, Any], whole: bool = False) -> list[list[str]]:
    """[label, min, max, ...] per distribution of one file's figures; ``whole``: fractions
    rounded to whole numbers (a narrower table)."""
    shown = (lambda value: number(round(value))) if whole else number
    return [
        [label, *(shown(figures[key][c]) for c in COLUMNS)]
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
            f"price checked {model['price_checked']}",
        )
    )
    epochs = "-" if figures["epochs"] is None else number(figures["epochs"])
    return [*_basic_rows(figures, over, capped, epochs, report, cost), *truncation_rows(figures)]


def truncation_rows(figures: dict[str, Any]) -> list[tuple[str, str, str]]:
    """What the trainer's ``max_seq_length`` cuts off, when one is known."""
    cut = figures.get("truncation")
    if not cut:
        return []
    length = f"at max_seq_length {cut['max_seq_length']:,}"
    return [
        ("truncated examples", number(cut["truncated_examples"]), length),
        ("truncated tokens", number(cut["truncated_tokens"]), "cut off the end"),
        ("trained tokens lost", number(cut["lost_trained_tokens"]), "the loss never sees them"),
        (
            "examples losing trained tokens",
            number(cut["examples_losing_trained_tokens"]),
            f"{number(cut['examples_keeping_no_trained_token'])} keep none",
        ),
    ]


def _basic_rows(figures, over, capped, epochs, report, cost) -> list[tuple[str, str, str]]:
    return [
        ("examples", number(figures["examples"]), lines_skipped(figures["skipped_lines"])),
        ("missing system message", number(figures["missing_system"]), ""),
        ("missing user message", number(figures["missing_user"]), ""),
        ("untrained assistant tokens", number(figures["untrained_assistant_tokens"]), "weight: 0"),
        ("over token limit", over, "truncated in training"),
        ("billing tokens", number(figures["billing_tokens"]), capped),
        ("epochs", epochs, report["epochs_source"] if figures["epochs"] else "per line format"),
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


def model_parts(report: dict[str, Any]) -> list[str]:
    """The model and its tokenizer, its limit, its price; a profile other than OpenAI is
    named first."""
    model = report["model"]
    profile = "" if model["profile"] == DEFAULT_PROFILE else f"profile {model['profile']}: "
    tokenizer = "" if model["tokens_are_estimate"] else f" ({model['tokenizer']})"
    limit = model["token_limit"]
    price = model["price_per_million_usd"]
    return [
        f"{profile}model {model['name']}{tokenizer}",
        "no published token limit" if limit is None else f"token limit {limit:,}",
        "price not published" if price is None else f"${price:,.2f} per 1M training tokens",
    ]


def model_line(report: dict[str, Any]) -> str:
    return ", ".join(model_parts(report))


def _model_lines(report: dict[str, Any], width: int) -> list[str]:
    """``model_line`` in lines of ``width``, broken after a comma."""
    lines = [""]
    for part in model_parts(report):
        if lines[-1] and len(f"{lines[-1]}, {part}") > width:
            lines[-1] += ","
            lines.append(f"  {part}")
        else:
            lines[-1] = f"{lines[-1]}, {part}" if lines[-1] else part
    return lines


def estimate_line(report: dict[str, Any]) -> str | None:
    """The warning that token counts are an estimate, and how it was made; None when exact."""
    model = report["model"]
    if not model["tokens_are_estimate"]:
        return None
    return f"token counts are an {model['tokenizer']}"


def _table(figures: dict[str, Any], width: int) -> list[str]:
    """The distributions, as figured; with whole numbers where that is too wide."""
    for whole in (False, True):
        table = [["", *COLUMNS], *distribution_rows(figures, whole)]
        widths = [max(len(row[i]) for row in table) for i in range(len(COLUMNS) + 1)]
        lines = [
            "  "
            + "  ".join(
                [row[0].ljust(widths[0])]
                + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
            ).rstrip()
            for row in table
        ]
        if max(map(len, lines)) <= width:
            break
    return lines


def _figures(rows: list[tuple[str, str, str]], width: int) -> list[str]:
    """``label  value  (note)`` lines; a note too long for the line wraps under itself."""
    label_width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    lines = []
    for label, value, why in rows:
        start = f"  {label:<{label_width}}  {value:>{value_width}}"
        if not why:
            lines.append(start)
            continue
        hanging = " " * (len(start) + 3)
        lines += wrap(f"({why})", max(width, len(hanging) + 20), f"{start}  ", hanging)
    return lines


def _section(title: str, figures: dict[str, Any], report: dict[str, Any], width: int) -> list[str]:
    lines = [title]
    if not figures["examples"]:
        return [*lines, *wrap(no_examples(figures), width, "  ", "  "), ""]
    lines += [*_table(figures, width), ""]
    lines += [*_figures(figure_rows(figures, report), width), ""]
    lines.append("  tokens per example:")
    lines += [f"  {line}" for line in histogram_lines(figures["histogram"])]
    lines.append("")
    return lines


def file_title(
    figures: dict[str, Any], report: dict[str, Any], shown: Callable[[str], str] = terminal
) -> str:
    """A file's name as ``shown`` escapes it for the output, with its line format when the
    files are of several."""
    name = shown(figures["file"])
    return f"{name} ({figures['line_format']})" if len(report["formats"]) > 1 else name


def totals(report: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(title, figures) of the totals shown after the files: over files of one line format,
    the total; over several, the total of each format that has more than one file (the
    grand total, ``grand_total_rows``, follows them)."""
    files, formats = report["files"], report["formats"]
    if len(formats) == 1:
        return [(f"total ({len(files)} files)", report["total"])] if len(files) > 1 else []
    return [
        (f"total of the {figures['line_format']} files ({figures['files']} files)", figures)
        for figures in formats
        if figures["files"] > 1
    ]


def grand_total_rows(report: dict[str, Any]) -> tuple[str, list[tuple[str, str, str]]] | None:
    """The title and figures of the total over files of several line formats (each its own
    training job), of only what adds up across them; None for files of one format."""
    if len(report["formats"]) == 1:
        return None
    kept = ("examples", "billing tokens", "charged tokens", "estimated cost")
    summed = "the sum of the line formats' totals"
    rows = [
        (label, value, summed if label in kept[2:] else why)
        for label, value, why in figure_rows(report["total"], report)
        if label in kept
    ]
    title = (
        f"total ({len(report['files'])} files in {len(report['formats'])} line formats,"
        " each its own training job)"
    )
    return title, rows


def render(report: dict[str, Any]) -> str:
    width = output_width()
    lines = [terminal(line) for line in _model_lines(report, width)]
    estimate = estimate_line(report)
    if estimate:
        lines += wrap(f"note: {terminal(estimate)}", width, hanging="      ")
    if report["model"]["note"]:
        note = f"note: {terminal(report['model']['note'])}; figures shown for reference"
        lines += wrap(note, width, hanging="      ")
    lines.append("")
    for figures in report["files"]:
        lines += _section(file_title(figures, report), figures, report, width)
    for title, figures in totals(report):
        lines += _section(title, figures, report, width)
    grand_total = grand_total_rows(report)
    if grand_total is not None:
        title, rows = grand_total
        lines += [*wrap(title, width), *_figures(rows, width), ""]
    return "\n".join(lines).rstrip("\n") + "\n"
