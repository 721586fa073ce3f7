"""``--format html``: one self-contained page of findings, token lengths and cost.

``render_html(results, stats_report, meta)`` is pure: it reads no environment and no file
(the stylesheet ships beside this module). The page has everything inline (no script, font,
image or network request), draws its charts as inline SVG with ``<title>``s, and stays small
on large inputs: at most ``FINDINGS_PER_RULE`` findings per rule, ``FILES_IN_TABLE`` rows of
files and ``FILES_IN_DETAIL`` per-file sections, each with a count of what was left out.

Everything that comes from data (file names, messages, JSON paths, figures) is shown through
``_text``: control, bidi and surrogate characters made visible, long values cut, then
``html.escape``. Links are built only from ``LineLinks`` fields that passed validation, with
the file's path percent-encoded.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import quote, urlsplit

from tunelint import __version__, report
from tunelint.diagnostics import Diagnostic, Level
from tunelint.report.stats_text import (
    COLUMNS,
    distribution_rows,
    estimate_line,
    figure_rows,
    money,
    no_examples,
)
from tunelint.report.text_format import summary_line
from tunelint.results import FileResult

FINDINGS_PER_RULE = 25
FILES_IN_TABLE = 500
FILES_IN_DETAIL = 50
HISTOGRAM_CAPTION = (
    "Examples per token-length bin. The dashed line is the token limit; red bins lie wholly"
    " past it (truncated in training)."
)
TEXT_LIMIT = 300
"""Characters of one message or path shown; longer values are cut with an ellipsis."""

_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)
_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_SHA = re.compile(r"[0-9a-fA-F]{7,64}")
_PULL_REF = re.compile(r"refs/pull/([0-9]+)/")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _text(value: object, limit: int = TEXT_LIMIT) -> str:
    """``value`` as escaped HTML text (safe in element content and quoted attributes)."""
    text = _INVISIBLE.sub(_visible, str(value))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=True)


@dataclass(frozen=True)
class LineLinks:
    """Where a finding's line is shown on GitHub: the pull request's file view and the blob.

    ``root`` is the repository's top directory on this machine: a file's path is taken
    relative to it (a file outside it gets no link). Build it with ``make`` so every field is
    checked before it can be part of a URL.
    """

    base: str
    """``https://github.com/owner/name``."""
    sha: str
    root: str
    pull_request: int | None = None

    @classmethod
    def make(
        cls,
        server_url: str,
        repository: str,
        sha: str,
        root: str,
        pull_request: int | None = None,
    ) -> LineLinks | None:
        """Links for this repository and commit; None when a field is not what GitHub sets."""
        server = urlsplit(server_url.strip())
        if server.scheme not in ("https", "http") or not server.netloc or server.query:
            return None
        if not _REPOSITORY.fullmatch(repository) or not _SHA.fullmatch(sha):
            return None
        base = f"{server.scheme}://{server.netloc}{server.path.rstrip('/')}/{repository}"
        return cls(base, sha.lower(), os.path.abspath(root), pull_request)

    @classmethod
    def from_github_env(cls, env: Mapping[str, str], root: str) -> LineLinks | None:
        """Links from a GitHub Actions run's variables (the pull request from ``GITHUB_REF``)."""
        pull = _PULL_REF.match(env.get("GITHUB_REF", ""))
        return cls.make(
            env.get("GITHUB_SERVER_URL", ""),
            env.get("GITHUB_REPOSITORY", ""),
            env.get("GITHUB_SHA", ""),
            root,
            int(pull.group(1)) if pull else None,
        )

    def _relative(self, path: str) -> str | None:
        relative = os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")
        return None if relative == ".." or relative.startswith("../") else relative

    def urls(self, path: str, line: int) -> list[tuple[str, str]]:
        """``(label, url)`` for the line: the pull request's file view first, then the blob."""
        relative = self._relative(path)
        if relative is None:
            return []
        links = []
        if self.pull_request is not None:
            anchor = hashlib.sha256(relative.encode("utf-8", "surrogatepass")).hexdigest()
            links.append(
                ("diff", f"{self.base}/pull/{self.pull_request}/files#diff-{anchor}R{line}")
            )
        encoded = quote(relative.encode("utf-8", "surrogatepass"), safe="/")
        links.append(("source", f"{self.base}/blob/{self.sha}/{encoded}#L{line}"))
        return links


@dataclass(frozen=True)
class PageMeta:
    """What the page says about the run besides the results: used where the stats report
    (whose ``model`` section wins) is absent."""

    profile: str | None = None
    model: str | None = None
    max_seq_length: int | None = None
    links: LineLinks | None = None
    title: str = "tunelint report"


def _stylesheet() -> str:
    return resources.files("tunelint.report").joinpath("html_report.css").read_text("utf-8")


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _table(
    caption: str,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: Collection[int] = (),
    css: str = "",
) -> str:
    """An accessible table; cells are HTML already; the first cell of a row is its header."""
    head = "".join(
        f'<th scope="col"{" class=num" if i in numeric else ""}>{cell}</th>'
        for i, cell in enumerate(header)
    )
    body = []
    for row in rows:
        cells = [f'<th scope="row">{row[0]}</th>']
        cells += [
            f"<td{' class=num' if i in numeric else ''}>{cell}</td>"
            for i, cell in enumerate(row[1:], start=1)
        ]
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<div class="scroll"><table class="{css}"><caption>{caption}</caption>'
        f"<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


class _Ids:
    """Element ids made from counters, never from data."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, kind: str) -> str:
        self.count += 1
        return f"{kind}-{self.count}"


def _svg(ids: _Ids, title: str, description: str, width: int, height: int, body: str) -> str:
    title_id, desc_id = ids("title"), ids("desc")
    return (
        f'<svg class="chart" role="img" aria-labelledby="{title_id} {desc_id}"'
        f' viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' xmlns="http://www.w3.org/2000/svg"><title id="{title_id}">{_text(title)}</title>'
        f'<desc id="{desc_id}">{_text(description)}</desc>{body}</svg>'
    )


def _nice_step(most: int) -> int:
    """A step of 1, 2 or 5 times a power of ten giving at most four gridlines up to ``most``."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if most // (factor * magnitude) <= 4:
                return factor * magnitude
        magnitude *= 10


def histogram_svg(
    ids: _Ids, histogram: Sequence[Mapping[str, int]], limit: int | None, name: str
) -> str:
    """Tokens per example as bars, with the token limit drawn where it falls."""
    width, height, left, right, top, bottom = 640, 250, 56, 16, 34, 46
    low, high = histogram[0]["from"], histogram[-1]["to"] + 1
    beyond = limit is not None and limit >= high + (high - low) // 2
    if limit is not None and not beyond and limit >= high:
        high = limit + max(1, (limit - low) // 40)  # room to show the limit on the axis
    most = max(b["count"] for b in histogram) or 1
    step = _nice_step(most)
    scale = most + step / 2  # headroom for the count above the tallest bar
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(value: float) -> float:
        return left + (value - low) * plot_w / (high - low)

    def y(count: int) -> float:
        return top + plot_h - count * plot_h / scale

    parts = []
    for tick in range(step, most + 1, step):
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(tick):.1f}"'
            f' y2="{y(tick):.1f}"/><text x="{left - 6}" y="{y(tick) + 4:.1f}"'
            f' text-anchor="end">{tick:,}</text>'
        )
    for b in histogram:
        x0, x1 = x(b["from"]), x(b["to"] + 1)
        over = limit is not None and b["from"] > limit
        span = f"{b['from']:,} to {b['to']:,} tokens: {_plural(b['count'], 'example')}"
        if over:
            span += " (over the limit)"
        parts.append(
            f'<rect class="{"over" if over else "bar"}" x="{x0 + 1:.1f}" y="{y(b["count"]):.1f}"'
            f' width="{max(1.0, x1 - x0 - 2):.1f}" height="{plot_h - y(b["count"]) + top:.1f}">'
            f"<title>{span}</title></rect>"
        )
        if b["count"]:
            parts.append(
                f'<text x="{(x0 + x1) / 2:.1f}" y="{y(b["count"]) - 4:.1f}"'
                f' text-anchor="middle" class="small">{b["count"]:,}</text>'
            )
    ticks = [b["from"] for b in histogram] + [histogram[-1]["to"]]
    step = max(1, len(ticks) // 6)
    for value in ticks[::step]:
        parts.append(
            f'<text x="{x(value):.1f}" y="{height - bottom + 16}" text-anchor="middle"'
            f' class="small">{value:,}</text>'
        )
    parts.append(
        f'<line class="axis" x1="{left}" x2="{width - right}" y1="{top + plot_h}"'
        f' y2="{top + plot_h}"/><text x="{left + plot_w / 2}" y="{height - 8}"'
        f' text-anchor="middle">tokens per example</text>'
    )
    if limit is not None:
        if beyond:
            parts.append(
                f'<text class="limit-label" x="{width - right}" y="{top - 12}"'
                f' text-anchor="end">token limit {limit:,} → (longest example'
                f" {histogram[-1]['to']:,})</text>"
            )
        else:
            at = x(max(low, limit))
            parts.append(
                f'<line class="limit" x1="{at:.1f}" x2="{at:.1f}" y1="{top - 6}"'
                f' y2="{top + plot_h}"/><text class="limit-label" x="{at:.1f}" y="{top - 12}"'
                f' text-anchor="{"end" if at > width / 2 else "start"}">'
                f"token limit {limit:,}</text>"
            )
    limit_words = "no published token limit" if limit is None else f"token limit {limit:,}"
    description = (
        f"{len(histogram)} bins from {histogram[0]['from']:,} to {histogram[-1]['to']:,} tokens;"
        f" most in one bin: {most:,}; {limit_words}"
    )
    return _svg(ids, f"Tokens per example: {name}", description, width, height, "".join(parts))


def token_split_svg(ids: _Ids, figures: Mapping[str, Any], name: str) -> str | None:
    """One bar of all tokens, split into trained, weight-0 and prompt/format tokens, and its
    legend (as HTML, so it wraps)."""
    total = figures["tokens_per_example"]["sum"]
    trained = figures["assistant_tokens_per_example"]["sum"]
    untrained = figures["untrained_assistant_tokens"]
    if not total:
        return None
    segments = [
        ("trained", "trained (assistant)", trained),
        ("untrained", "not trained (weight 0)", untrained),
        ("prompt", "prompt, tools and format", max(0, total - trained - untrained)),
    ]
    width, left = 640, 0.0
    parts, legend = [], []
    for css, label, value in segments:
        share = value / total
        words = f"{label}: {value:,} ({share:.1%})"
        if value:
            parts.append(
                f'<rect class="{css}" x="{left:.1f}" y="0" width="{share * width:.1f}"'
                f' height="20"><title>{words}</title></rect>'
            )
            left += share * width
        legend.append(f'<li><span class="swatch {css}"></span>{words}</li>')
    description = ", ".join(f"{label} {value:,}" for _, label, value in segments)
    chart = _svg(ids, f"Trained and prompt tokens: {name}", description, width, 20, "".join(parts))
    return f'{chart}<ul class="legend">{"".join(legend)}</ul>'


def rules_svg(ids: _Ids, counts: Sequence[tuple[str, Level, int]]) -> str:
    """Findings per rule as horizontal bars, coloured by level."""
    row, left, width = 24, 250, 640
    most = max(count for _, _, count in counts)
    parts = []
    for i, (rule, level, count) in enumerate(counts):
        top = i * row + 4
        length = max(2.0, count * (width - left - 70) / most)
        parts.append(
            f'<text x="{left - 8}" y="{top + 13}" text-anchor="end">{_text(rule, 40)}</text>'
            f'<rect class="{level}" x="{left}" y="{top}" width="{length:.1f}" height="17">'
            f"<title>{_text(rule)}: {_plural(count, str(level))}</title></rect>"
            f'<text x="{left + length + 6:.1f}" y="{top + 13}">{count:,}</text>'
        )
    description = "; ".join(f"{rule} {count:,}" for rule, _, count in counts[:20])
    height = len(counts) * row + 8
    return _svg(ids, "Findings by rule", description, width, height, "".join(parts))


def _rule_counts(results: Sequence[FileResult]) -> list[tuple[str, Level, int]]:
    """(rule, most severe level, findings), most findings first."""
    counts: Counter[str] = Counter()
    levels: dict[str, Level] = {}
    for result in results:
        for d in result.diagnostics:
            counts[d.rule] += 1
            if levels.get(d.rule) is not Level.ERROR:
                levels[d.rule] = d.level
    return [(rule, levels[rule], count) for rule, count in counts.most_common()]


def _level(level: Level) -> str:
    return f'<span class="level-{level}">{level}</span>'


def _where(d: Diagnostic, links: LineLinks | None) -> str:
    location = f"{_text(d.file)}:{d.line}:{d.column}"
    urls = links.urls(d.file, d.line) if links else []
    if not urls:
        return location
    first = f'<a href="{html.escape(urls[0][1])}">{location}</a>'
    rest = "".join(f' <a href="{html.escape(url)}">{label}</a>' for label, url in urls[1:])
    return first + (f' <span class="muted">({rest.strip()})</span>' if rest else "")


def _findings_section(results: Sequence[FileResult], meta: PageMeta, ids: _Ids) -> list[str]:
    counts = _rule_counts(results)
    if not counts:
        return ['<h2 id="findings">Findings</h2>', "<p>No findings.</p>"]
    files_with: dict[str, set[str]] = {}
    first: dict[str, list[Diagnostic]] = {}
    for result in results:
        for d in result.diagnostics:
            files_with.setdefault(d.rule, set()).add(result.path)
            shown = first.setdefault(d.rule, [])
            if len(shown) < FINDINGS_PER_RULE:
                shown.append(d)
    anchors = {rule: ids("rule") for rule, _, _ in counts}
    parts = [
        '<h2 id="findings">Findings by rule</h2>',
        f'<div class="pair"><figure>{rules_svg(ids, counts)}</figure>',
        _table(
            "Findings by rule",
            ["rule", "level", "findings", "files"],
            (
                [
                    f'<a href="#{anchors[rule]}"><code>{_text(rule)}</code></a>',
                    _level(level),
                    f"{count:,}",
                    f"{len(files_with[rule]):,}",
                ]
                for rule, level, count in counts
            ),
            {2, 3},
        ),
        "</div>",
        f"<h2>First findings of each rule (up to {FINDINGS_PER_RULE})</h2>",
    ]
    for rule, level, count in counts:
        rows = [
            [
                _where(d, meta.links),
                f"<code>{_text(d.path)}</code>" if d.path else "",
                _text(d.message),
            ]
            for d in first[rule]
        ]
        more = count - len(first[rule])
        parts += [
            f'<details open id="{anchors[rule]}"><summary><code>{_text(rule)}</code>'
            f" ({_level(level)}, {_plural(count, 'finding')})</summary>",
            _table(
                f"First findings of {_text(rule)}",
                ["where", "path", "message"],
                rows,
                (),
                "findings",
            ),
            f'<p class="more">…and {more:,} more not shown.</p>' if more else "",
            "</details>",
        ]
    return parts


def _statistics(figures: Mapping[str, Any], stats: Mapping[str, Any], name: str, ids: _Ids) -> str:
    """The charts and tables of one file's (or the total's) statistics."""
    if not figures["examples"]:
        return f"<p>{_text(no_examples(figures))}</p>"
    limit = stats["model"]["token_limit"]
    parts = ['<div class="stats"><div>']
    parts.append(f"<figure>{histogram_svg(ids, figures['histogram'], limit, name)}")
    parts.append(f"<figcaption>{HISTOGRAM_CAPTION}</figcaption></figure>")
    split = token_split_svg(ids, figures, name)
    if split:
        parts.append(f"<figure>{split}</figure>")
    parts.append("</div>")
    parts.append(
        _table(
            f"Figures and cost: {_text(name)}",
            ["figure", "value", "note"],
            ([_text(cell) for cell in row] for row in figure_rows(figures, stats)),
            {1},
        )
    )
    parts.append("</div>")
    parts.append(
        _table(
            f"Distributions: {_text(name)}",
            ["", *COLUMNS],
            ([_text(cell) for cell in row] for row in distribution_rows(figures)),
            set(range(1, len(COLUMNS) + 1)),
        )
    )
    return "".join(parts)


def _file_rows(
    results: Sequence[FileResult], stats_files: Mapping[str, Mapping[str, Any]]
) -> tuple[list[str], dict[str, FileResult]]:
    """Every file in order (checked first, then any with statistics only), and its result."""
    by_path = {r.path: r for r in results}
    names = list(by_path) + [name for name in stats_files if name not in by_path]
    return names, by_path


def _files_section(
    names: Sequence[str],
    by_path: Mapping[str, FileResult],
    stats_files: Mapping[str, Mapping[str, Any]],
    anchors: Mapping[str, str],
) -> list[str]:
    header = ["file", "lines", "errors", "warnings", "examples", "tokens", "over limit", "cost"]
    rows = []
    for name in names[:FILES_IN_TABLE]:
        result, figures = by_path.get(name), stats_files.get(name)
        label = _text(name)
        if name in anchors:
            label = f'<a href="#{anchors[name]}">{label}</a>'
        checked = (
            [result.lines, result.count(Level.ERROR), result.count(Level.WARNING)]
            if result
            else [None] * 3
        )
        counted = [None] * 4
        if figures:
            tokens = figures["tokens_per_example"]
            counted = [
                figures["examples"],
                tokens["sum"] if tokens else None,
                figures["over_token_limit"],
                None if figures["cost_usd"] is None else money(figures["cost_usd"]),
            ]
        cells = [
            "-" if v is None else v if isinstance(v, str) else f"{v:,}" for v in checked + counted
        ]
        rows.append([f'<span class="file">{label}</span>', *cells])
    parts = [
        '<h2 id="files">Files</h2>',
        _table(
            "Each file: lines, findings, examples, tokens and cost", header, rows, set(range(1, 8))
        ),
    ]
    if len(names) > FILES_IN_TABLE:
        parts.append(f'<p class="more">…and {len(names) - FILES_IN_TABLE:,} more files.</p>')
    return parts


def _cards(results: Sequence[FileResult] | None, stats: Mapping[str, Any] | None) -> str:
    """The key figures, large: errors, warnings, examples, tokens, over the limit, cost."""
    cards: list[tuple[str, str, str]] = []
    if results is not None:
        errors = sum(r.count(Level.ERROR) for r in results)
        warnings = sum(r.count(Level.WARNING) for r in results)
        cards += [
            ("errors", f"{errors:,}", "level-error" if errors else ""),
            ("warnings", f"{warnings:,}", "level-warning" if warnings else ""),
        ]
    if stats:
        total = stats["total"]
        cost, over = total["cost_usd"], total["over_token_limit"]
        cards += [
            ("examples", f"{total['examples']:,}", ""),
            ("billing tokens", f"{total['billing_tokens']:,}", ""),
            (
                "over the token limit",
                "-" if over is None else f"{over:,}",
                "level-error" if over else "",
            ),
            ("estimated cost", "not published" if cost is None else money(cost), ""),
        ]
    items = "".join(
        f'<li><strong class="{css}">{_text(value)}</strong>{_text(label)}</li>'
        for label, value, css in cards
    )
    return f'<ul class="cards" aria-label="Key figures">{items}</ul>'


def _header(
    results: Sequence[FileResult] | None, stats: Mapping[str, Any] | None, meta: PageMeta
) -> list[str]:
    parts = [f"<h1>{_text(meta.title)}</h1>"]
    if results is not None:
        parts.append(f'<p class="lead">{_text(summary_line(list(results)))}.</p>')
    parts.append(_cards(results, stats))
    facts: list[tuple[str, str]] = []
    if stats:
        model = stats["model"]
        limit, price = model["token_limit"], model["price_per_million_usd"]
        facts += [
            ("profile", model["profile"]),
            ("model", model["name"]),
            ("tokenizer", model["tokenizer"]),
            ("token limit", "no published limit" if limit is None else f"{limit:,} tokens"),
            ("price", "not published" if price is None else f"${price:,.2f} per 1M tokens"),
        ]
        if model["price_source"]:
            facts.append(
                ("price source", f"{model['price_source']}, checked {model['price_checked']}")
            )
        facts.append(("epochs", stats["epochs_source"]))
    else:
        facts += [("profile", meta.profile or "openai (default)")]
        facts += [("model", meta.model or "the profile's default")]
        if meta.max_seq_length:
            facts.append(("token limit", f"{meta.max_seq_length:,}"))
    parts.append(
        '<dl class="facts">'
        + "".join(f"<dt>{_text(k)}</dt><dd>{_text(v)}</dd>" for k, v in facts)
        + "</dl>"
    )
    if stats:
        notes = [estimate_line(stats), stats["model"]["note"]]
        parts += [f'<p class="note">Note: {_text(note)}.</p>' for note in notes if note]
    return parts


def render_html(
    results: Sequence[FileResult] | None,
    stats: Mapping[str, Any] | None,
    meta: PageMeta = PageMeta(),
) -> str:
    """The whole page. ``results`` None: a statistics-only page (``tunelint stats``);
    ``stats`` is ``tunelint.stats.build_report``'s dict, or None without ``--stats``."""
    ids = _Ids()
    title = meta.title
    if results is not None:
        title += f": {_plural(len(results), 'file')}, {_plural(sum(len(r.diagnostics) for r in results), 'finding')}"
    stats_files = {f["file"]: f for f in stats["files"]} if stats else {}
    names, by_path = _file_rows(results or [], stats_files)
    detailed = names[:FILES_IN_DETAIL]
    anchors = {name: ids("file") for name in detailed}
    nav = ['<li><a href="#files">Files</a></li>']
    body = _header(results, stats, meta)
    if results is not None:
        nav.append('<li><a href="#findings">Findings</a></li>')
    if stats and len(stats["files"]) > 1:
        nav.append('<li><a href="#total">Total statistics</a></li>')
    body.append(f'<nav aria-label="Sections"><ul>{"".join(nav)}</ul></nav>')
    body += _files_section(names, by_path, stats_files, anchors)
    if stats and len(stats["files"]) > 1:
        body.append(f'<h2 id="total">Total ({len(stats["files"]):,} files)</h2>')
        body.append(_statistics(stats["total"], stats, "total", ids))
    if results is not None:
        body += _findings_section(results, meta, ids)
    for name in detailed:
        body.append(f'<h2 id="{anchors[name]}" class="file">{_text(name)}</h2>')
        result = by_path.get(name)
        if result is not None:
            by_rule = Counter(d.rule for d in result.diagnostics)
            found = ", ".join(f"{_text(rule)} {n:,}" for rule, n in by_rule.most_common())
            summary = (
                f"{_plural(len(result.diagnostics), 'finding')}: {found}"
                if found
                else "No findings"
            )
            body.append(f"<p>{summary}.</p>")
        if name in stats_files:
            body.append(_statistics(stats_files[name], stats or {}, name, ids))
    if len(names) > FILES_IN_DETAIL:
        body.append(
            f'<p class="more">Sections for {len(names) - FILES_IN_DETAIL:,} more files are left'
            " out; the Files table lists them.</p>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\';'
        " style-src 'unsafe-inline'\">"
        f"<title>{_text(title)}</title><style>{_stylesheet()}</style></head>"
        f"<body><main>{''.join(body)}"
        f"<footer>Made by tunelint {_text(__version__)}.</footer></main></body></html>\n"
    )


class Formatter(report.Formatter):
    """Collects every file's findings and writes the page at the end (``add_stats`` first)."""

    shows_stats = True

    def __init__(self, out: Any, color: bool = False, quiet: bool = False) -> None:
        super().__init__(out, color, quiet)
        self.meta = PageMeta()
        self.stats: Mapping[str, Any] | None = None

    def describe(self, config: Any, env: Mapping[str, str]) -> None:
        """The profile, model and limit from the config; in GitHub Actions, links to lines."""
        from tunelint.gitdiff import GitDiffError, repo_root

        links = None
        if env.get("GITHUB_ACTIONS") == "true":
            try:
                links = LineLinks.from_github_env(env, repo_root())
            except GitDiffError:
                links = None
        settings = config.settings
        self.meta = PageMeta(
            settings["profile"], settings["model"], settings["max_tokens_per_example"], links
        )

    def add(self, result: FileResult) -> None:
        """Nothing to stream: the page is written whole by ``end``."""

    def add_stats(self, stats: Mapping[str, Any]) -> None:
        self.stats = stats

    def end(self, results: list[FileResult], unused: FileResult | None = None) -> None:
        self.out.write(render_html(report.every_result(results, unused), self.stats, self.meta))
