"""The HTML report in headless Chromium: charts and findings in the DOM, hostile data inert,
no console error or request, and a 1280 px screenshot of each colour scheme."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from tests.browser.pages import PAYLOADS, hostile_dataset, run_cli, two_file_check, write_page
from tests.conftest import REPO

pytestmark = pytest.mark.slow

INJECTED = "script, img, iframe, object, embed, #injected, svg:not(.chart)"
EVENT_ATTRIBUTES = """() => [...document.querySelectorAll('*')].flatMap(
    element => [...element.attributes].map(a => a.name).filter(name => name.startsWith('on')))"""
CHART_TITLES = """() => [...document.querySelectorAll('svg.chart')].map(
    svg => svg.querySelector(':scope > title')?.textContent ?? '')"""


def png_width(path: Path) -> int:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">I", header[16:20])[0]


def assert_quiet(seen) -> None:
    """Nothing ran, failed or went to the network while the page loaded."""
    assert seen.dialogs == []
    assert seen.console_errors == [] and seen.page_errors == []
    assert all(url.startswith("file://") for url in seen.requests), seen.requests
    assert len(seen.requests) == 1  # the page itself: nothing else is loaded


def test_hostile_names_and_data_stay_inert_in_the_browser(tmp_path, visit):
    files = hostile_dataset(tmp_path)
    page_path = write_page(
        tmp_path / "hostile.html", "check", "--stats", "--format", "html", *files
    )
    seen = visit(page_path)
    page = seen.page
    assert_quiet(seen)
    assert page.locator(INJECTED).count() == 0
    assert page.evaluate(EVENT_ATTRIBUTES) == []
    text = page.inner_text("body")
    assert PAYLOADS[1] in text  # shown as text: the unrecognized role
    assert '/"><svg onload=alert(5)>/' in text  # a directory of a file name
    assert page.locator("table.findings tbody tr").count() > 0
    page.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)
    assert png_width(tmp_path / "hostile.png") == 1280


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_two_file_report_has_charts_findings_and_a_screenshot(tmp_path, visit, scheme):
    files = [two_file_check(tmp_path)[1], REPO / "examples" / "broken.jsonl"]
    page_path = write_page(tmp_path / "report.html", "check", "--stats", "--format", "html", *files)
    seen = visit(page_path, scheme)
    page = seen.page
    assert_quiet(seen)
    titles = page.evaluate(CHART_TITLES)
    assert all(titles) and "Findings by rule" in titles
    assert sum(title.startswith("Tokens per example: ") for title in titles) == 3  # 2 + total
    assert page.locator("svg.chart rect.bar").count() >= 10
    findings = json.loads(run_cli("check", "--format", "json", *files)[1])
    assert page.locator("table.findings tbody tr").count() == len(findings)
    link = page.locator('a[href="#files"]')
    assert link.is_visible()
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(255, 255, 255)" if scheme == "light" else "rgb(13, 17, 23)")
    shot = tmp_path / f"report-{scheme}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert png_width(shot) == 1280
