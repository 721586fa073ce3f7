"""``tunelint stats --format html``: the HTML report's statistics-only page."""

from __future__ import annotations

from typing import Any

from tunelint.report.html_format import render_html


def render(report: dict[str, Any]) -> str:
    return render_html(None, report)
