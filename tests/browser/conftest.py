"""A real headless Chromium for the HTML report tests: Debian's ``chromium`` driven by
Playwright's Python package through ``executable_path`` (nothing downloaded; ``.ci/run``
installs the package with apt-get when it is missing).

The tests are skipped, with the reason, only where no browser or no Playwright can be had.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTH = 1280


def chromium_path() -> str | None:
    """``$CHROMIUM``, else Debian's /usr/bin/chromium, else ``chromium`` on the PATH."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One headless Chromium with a fresh profile directory, 1280 px wide."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed (pip install -e '.[test]')")
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium: install Debian's chromium package (.ci/run does)")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": WIDTH, "height": 900},
            offline=True,
        )
        yield context
        context.close()


@dataclass
class Visit:
    """An open page and what happened while it loaded."""

    page: Any
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def visit(browser_context: Any) -> Iterator[Any]:
    """``visit(path, scheme)``: open a file in a new tab in the light or dark scheme."""
    pages = []

    def open_page(path: Path, scheme: str = "light") -> Visit:
        page = browser_context.new_page()
        pages.append(page)
        seen = Visit(page)
        page.on("dialog", lambda dialog: (seen.dialogs.append(dialog.message), dialog.dismiss()))
        page.on(
            "console",
            lambda message: (
                seen.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: seen.page_errors.append(str(error)))
        page.on("request", lambda request: seen.requests.append(request.url))
        page.emulate_media(color_scheme=scheme)
        page.goto(path.resolve().as_uri(), wait_until="load")
        return seen

    yield open_page
    for page in pages:
        page.close()
