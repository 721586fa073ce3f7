"""``--format html``: escaping of everything from data, bounded size, links, charts, wiring."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from tests.browser.pages import PAYLOADS, hostile_dataset, run_cli, two_file_check

from tunelint.diagnostics import Diagnostic, Level
from tunelint.report import html_format
from tunelint.report.html_format import LineLinks, PageMeta, histogram_svg, render_html
from tunelint.report.stats_text import money
from tunelint.results import FileResult

ALLOWED_TAGS = {
    *[
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "main",
        "h1",
        "h2",
        "p",
        "dl",
        "dt",
        "dd",
        "nav",
        "ul",
        "li",
        "a",
        "div",
        "table",
    ],
    *[
        "caption",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "figure",
        "figcaption",
        "svg",
        "desc",
        "line",
        "text",
        "rect",
        "span",
    ],
    *["details", "summary", "code", "footer", "strong"],
}


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of <style> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        if self.tags and self.tags[-1][0] == "style" and self.get_starttag_text() == "<style>":
            self.styles.append(data)


def elements(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    parser.close()
    return parser


def assert_inert(page: str) -> None:
    """No element, attribute or URL came from data: only the page's own markup is there."""
    parsed = elements(page)
    assert {tag for tag, _ in parsed.tags} <= ALLOWED_TAGS
    for tag, attributes in parsed.tags:
        assert not [name for name in attributes if name.startswith("on")], tag
        href = attributes.get("href")
        assert href is None or href.startswith(("#", "https://github.com/")), href
        assert re.fullmatch(r"files|findings|total|[a-z]+-[0-9]+", attributes.get("id", "files"))
    assert len([tag for tag, _ in parsed.tags if tag == "style"]) == 1
    assert "".join(parsed.styles) == html_format._stylesheet()
    assert not any(ord(c) < 32 and c not in "\n" for c in page)
    assert not any("\u202a" <= c <= "\u202e" or "\ud800" <= c <= "\udfff" for c in page)


def test_names_keys_values_and_messages_with_markup_are_text(tmp_path):
    files = hostile_dataset(tmp_path)
    code, page = run_cli("check", "--stats", "--format", "html", *files)
    assert code == 1
    assert_inert(page)
    for payload in PAYLOADS[:4]:  # the markup ones; javascript: is checked in every href
        assert payload not in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page  # a role, in a message
    assert "&lt;/style&gt;&lt;b id=injected&gt;" in page  # a key, in a message
    assert "/&lt;/style&gt;/&quot;&gt;&lt;svg onload=alert(5)&gt;/" in page  # directories
    assert "javascript:alert(7)\\x07\\x1b[31m\\u202e.jsonl" in page  # control chars shown
    assert "\\x00\\x07\\x1b[31m\\u202e\\ud800" in page  # NUL and a lone surrogate in a key
    assert "not-utf8-\\udcff.jsonl" in page  # an undecodable byte of a file name
    page.encode("utf-8")  # nothing that cannot be written


def test_links_percent_encode_the_path_and_point_at_the_pull_request(tmp_path):
    name = tmp_path / 'data dir/"><svg onload=x>#?.jsonl'
    links = LineLinks.make("https://github.com", "octo/repo", "a" * 40, str(tmp_path), 12)
    diagnostic = Diagnostic(str(name), 3, 1, "invalid_json", Level.ERROR, "bad")
    page = render_html([FileResult(str(name), [diagnostic], 3)], None, PageMeta(links=links))
    assert_inert(page)
    relative = 'data dir/"><svg onload=x>#?.jsonl'
    anchor = hashlib.sha256(relative.encode()).hexdigest()
    hrefs = [a.get("href") for tag, a in elements(page).tags if tag == "a"]
    assert f"https://github.com/octo/repo/pull/12/files#diff-{anchor}R3" in hrefs
    blob = "https://github.com/octo/repo/blob/" + "a" * 40
    assert f"{blob}/data%20dir/%22%3E%3Csvg%20onload%3Dx%3E%23%3F.jsonl#L3" in hrefs


@pytest.mark.parametrize(
    ("server", "repository", "sha"),
    [
        ("javascript:alert(1)", "octo/repo", "a" * 40),
        ("https://github.com", 'octo/repo"><b>', "a" * 40),
        ("https://github.com", "octo/repo", "HEAD?x=1"),
        ("https://github.com?x=1", "octo/repo", "a" * 40),
    ],
)
def test_links_are_not_built_from_values_github_would_not_set(server, repository, sha):
    assert LineLinks.make(server, repository, sha, "/") is None


def test_links_come_from_the_workflow_variables_and_skip_files_outside_the_repository():
    env = {
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "octo/repo",
        "GITHUB_SHA": "b" * 40,
        "GITHUB_REF": "refs/pull/7/merge",
    }
    links = LineLinks.from_github_env(env, "/work/repo")
    assert links is not None and links.pull_request == 7
    assert links.urls("/elsewhere/a.jsonl", 1) == []
    assert [label for label, _ in links.urls("/work/repo/a.jsonl", 1)] == ["diff", "source"]
    push = LineLinks.from_github_env({**env, "GITHUB_REF": "refs/heads/main"}, "/work/repo")
    assert push is not None and [label for label, _ in push.urls("/work/repo/a.jsonl", 1)] == [
        "source"
    ]


def test_many_findings_stay_a_small_page():
    findings = [
        Diagnostic("big.jsonl", line, 1, "missing_content", Level.ERROR, "empty " * 20)
        for line in range(1, 100_001)
    ]
    page = render_html([FileResult("big.jsonl", findings, 100_000)], None)
    assert len(page.encode()) < 60_000
    rows = page.count('<th scope="row">big.jsonl:')
    assert rows == html_format.FINDINGS_PER_RULE
    assert f"…and {100_000 - html_format.FINDINGS_PER_RULE:,} more not shown." in page


def test_many_files_are_listed_up_to_a_bound():
    results = [FileResult(f"f{i}.jsonl", [], 1) for i in range(html_format.FILES_IN_TABLE + 3)]
    page = render_html(results, None)
    assert "…and 3 more files." in page
    sections = page.count('<h2 id="file-')
    assert sections == html_format.FILES_IN_DETAIL


BINS = [{"from": 100 * i, "to": 100 * i + 99, "count": 10 - i} for i in range(10)]


def test_histogram_marks_the_limit_and_the_bins_past_it():
    svg = histogram_svg(html_format._Ids(), BINS, 450, "a.jsonl")
    assert svg.count('class="over"') == 5  # bins from 500 on
    assert '<line class="limit"' in svg and "token limit 450" in svg
    assert "<title" in svg and "Tokens per example: a.jsonl" in svg


def test_histogram_names_a_limit_far_past_the_longest_example_without_squashing_bars():
    svg = histogram_svg(html_format._Ids(), BINS, 65_536, "a.jsonl")
    assert '<line class="limit"' not in svg and 'class="over"' not in svg
    assert "token limit 65,536 → (longest example 999)" in svg


def test_histogram_without_a_published_limit_draws_none():
    svg = histogram_svg(html_format._Ids(), BINS, None, "a.jsonl")
    assert "limit" not in svg.replace("no published token limit", "")


def test_two_file_check_has_charts_findings_and_the_cost(tmp_path):
    files = [*two_file_check(tmp_path), Path("examples/broken.jsonl")]
    code, page = run_cli("check", "--stats", "--format", "html", *files)
    assert code == 1
    assert_inert(page)
    titles = page.count('<svg class="chart"')
    # per file: histogram and token split (broken.jsonl's one valid example too), total: both,
    # and the findings-by-rule chart
    assert titles == 2 * 3 + 2 + 1
    assert "Findings by rule" in page and "examples/broken.jsonl:2:176" in page
    cost = json.loads(run_cli("stats", "--format", "json", *files)[1])["total"]["cost_usd"]
    assert f'<strong class="">{money(cost)}</strong>estimated cost' in page
    assert "gpt-4o-mini-2024-07-18" in page and "<dd>openai</dd>" in page


def test_stats_page_and_check_page_without_stats(tmp_path):
    code, page = run_cli("stats", "--format", "html", "examples/clean.jsonl")
    assert code == 0 and "Tokens per example: examples/clean.jsonl" in page
    assert 'id="findings"' not in page
    code, page = run_cli("check", "--format", "html", "--profile", "together", "examples/")
    assert code == 1 and "<dd>together</dd>" in page and "<svg" in page
    assert "Tokens per example" not in page
    assert_inert(page)


def test_stats_with_another_machine_format_is_still_a_usage_error():
    code, _ = run_cli("check", "--stats", "--format", "json", "examples/clean.jsonl")
    assert code == 2


def test_check_in_github_actions_links_lines_to_the_pull_request(monkeypatch):
    workflow = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "octo/repo",
        "GITHUB_SHA": "c" * 40,
        "GITHUB_REF": "refs/pull/5/merge",
    }
    for name, value in workflow.items():
        monkeypatch.setenv(name, value)
    _, page = run_cli("check", "--format", "html", "examples/broken.jsonl")
    anchor = hashlib.sha256(b"examples/broken.jsonl").hexdigest()
    hrefs = {a.get("href") for tag, a in elements(page).tags if tag == "a"}
    assert f"https://github.com/octo/repo/pull/5/files#diff-{anchor}R2" in hrefs
    assert f"https://github.com/octo/repo/blob/{'c' * 40}/examples/broken.jsonl#L2" in hrefs
