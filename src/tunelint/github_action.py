"""The GitHub Action's logic (``action.yml`` only installs tunelint and runs this module).

``python -m tunelint.github_action`` reads its inputs from ``TUNELINT_*`` environment
variables (set through ``env:`` in action.yml, never inlined into shell text), checks the
files, prints one workflow command per finding (findings on changed lines first), appends a
job summary to ``$GITHUB_STEP_SUMMARY`` and writes ``errors``, ``warnings`` and ``cost-usd``
to ``$GITHUB_OUTPUT``. Exit status follows ``fail-on``: 1 when it is reached, 2 for a usage
problem (bad input, config, path or base revision).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from typing import TextIO
from urllib.parse import quote

from tunelint import report
from tunelint.action_inputs import ActionInputs, InputError
from tunelint.config import Config
from tunelint.diagnostics import Diagnostic, Level
from tunelint.escape import markdown, workflow_data
from tunelint.gitdiff import GitDiffError, repo_root
from tunelint.parallel import default_jobs
from tunelint.report import stats_markdown
from tunelint.report.github_format import Formatter as GithubFormatter
from tunelint.report.stats_text import money
from tunelint.report.text_format import summary_line
from tunelint.results import FileResult
from tunelint.run import RunError, RunResult
from tunelint.run import run as run_checks
from tunelint.stats import build_report

SUMMARY_LIMIT = 1024 * 1024
"""GitHub's limit on one step's job summary, in bytes."""
FINDINGS_IN_SUMMARY = 50
FILES_IN_SUMMARY = 200


def tracked_jsonl_files() -> list[str]:
    """Every ``*.jsonl`` file git tracks below the current directory."""
    done = subprocess.run(
        ["git", "ls-files", "-z", "--", "*.jsonl"], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise InputError("no paths given and this is not a git repository")
    return [name for name in done.stdout.split("\0") if name]


def stats_report(outcome: RunResult) -> dict:
    """The ``tunelint stats`` report over the whole files (built once: the summary and the
    HTML page both read it)."""
    assert outcome.estimate is not None
    return build_report(outcome.stats, outcome.estimate)


def statistics(stats: dict) -> tuple[str, float | None]:
    """The stats report's markdown, and the estimated cost in USD (None where the profile's
    price is not published)."""
    return stats_markdown.render(stats), stats["total"]["cost_usd"]


REPORT_FILE = "tunelint-report.html"


def write_html_report(
    outcome: RunResult, stats: dict, config: Config, env: Mapping[str, str]
) -> str:
    """The HTML page (``--format html`` of ``check --stats``) in the runner's temp folder,
    for the upload-artifact step; its path."""
    from tunelint.report.html_format import Formatter as HtmlFormatter

    path = os.path.join(env.get("RUNNER_TEMP") or ".", REPORT_FILE)
    with open(path, "w", encoding="utf-8") as handle:
        page = HtmlFormatter(handle)
        page.describe(config, env)
        page.add_stats(stats)
        page.end(outcome.results, outcome.unused_suppressions)
    return path


def report_link(env: Mapping[str, str]) -> str:
    """The job summary's pointer to the uploaded page (the run's artifacts)."""
    server, repository, run_id = (
        env.get("GITHUB_SERVER_URL"),
        env.get("GITHUB_REPOSITORY"),
        env.get("GITHUB_RUN_ID"),
    )
    if server and repository and run_id and run_id.isdigit():
        where = f"[artifact tunelint-report]({server}/{quote(repository)}/actions/runs/{run_id}#artifacts)"
    else:
        where = "the artifact tunelint-report"
    return f"**HTML report** (token histograms, findings by rule, cost): {where}\n\n"


def _cell(text: str, limit: int = 200) -> str:
    """Data made inert Markdown (no link, image, HTML or table syntax of its own),
    shortened to ``limit`` characters first."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return markdown(text)


class Links:
    """Links to a line of a file at the commit being checked, when the workflow says where."""

    def __init__(self, env: Mapping[str, str]) -> None:
        server, repository = env.get("GITHUB_SERVER_URL"), env.get("GITHUB_REPOSITORY")
        sha = env.get("GITHUB_SHA")
        self.base = f"{server}/{repository}/blob/{sha}/" if server and repository and sha else None
        try:
            self.root: str | None = repo_root()
        except GitDiffError:
            self.root = None

    def where(self, d: Diagnostic) -> str:
        text = f"{d.file}:{d.line}:{d.column}"
        if self.base is None or self.root is None:
            return _cell(text)
        relative = os.path.relpath(os.path.realpath(d.file), self.root).replace(os.sep, "/")
        return f"[{_cell(text)}]({self.base}{quote(relative)}#L{d.line})"


def summary_parts(
    results: list[FileResult],
    scope: str,
    links: Links,
    statistics_text: str,
    cost: float | None,
    unused: FileResult | None = None,
) -> list[str]:
    """The job summary's sections, most important first (``unused``: the findings about
    the config's unused suppressions, listed with the files' but not counted as one)."""
    parts = [f"## tunelint\n\n{summary_line(results, unused)}{scope}.\n\n"]
    results = [*results, *([unused] if unused else [])]
    shown = money(cost) if cost is not None else "price not published"
    parts.append(f"**Estimated training cost: {shown}**\n\n")
    with_findings = [r for r in results if r.diagnostics]
    if with_findings:
        rows = ["| file | errors | warnings | findings by rule |", "| --- | ---: | ---: | --- |"]
        for result in with_findings[:FILES_IN_SUMMARY]:
            by_rule = Counter(d.rule for d in result.diagnostics)
            rules = ", ".join(f"`{rule}` {count:,}" for rule, count in sorted(by_rule.items()))
            rows.append(
                f"| {_cell(result.path)} | {result.count(Level.ERROR):,} | "
                f"{result.count(Level.WARNING):,} | {rules} |"
            )
        if len(with_findings) > FILES_IN_SUMMARY:
            rows.append(f"\n…and {len(with_findings) - FILES_IN_SUMMARY:,} more files.")
        parts.append("\n".join(rows) + "\n\n")
        findings = [d for r in results for d in r.diagnostics]
        rows = [
            f"### First {min(len(findings), FINDINGS_IN_SUMMARY)} of {len(findings):,} findings",
            "",
            "| where | level | rule | message |",
            "| --- | --- | --- | --- |",
        ]
        rows += [
            f"| {links.where(d)} | {d.level} | `{d.rule}` | {_cell(report.message_with_path(d))} |"
            for d in findings[:FINDINGS_IN_SUMMARY]
        ]
        parts.append("\n".join(rows) + "\n\n")
    if statistics_text:
        parts.append(statistics_text.rstrip("\n") + "\n\n")
    return parts


def fit_summary(parts: list[str], limit: int = SUMMARY_LIMIT) -> str:
    """The parts joined, dropping (or cutting at a line) what would pass ``limit`` bytes."""
    note = "\n_The rest of this summary was left out to stay under GitHub's 1 MiB limit._\n"
    room = limit - len(note.encode())
    kept: list[str] = []
    for part in parts:
        size = len(part.encode())
        if size <= room:
            kept.append(part)
            room -= size
            continue
        lines, cut = part.splitlines(keepends=True), []
        for line in lines:
            room -= len(line.encode())
            if room < 0:
                break
            cut.append(line)
        kept += [*cut, note]
        break
    return "".join(kept)


def _append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(text)


def _repository_root() -> str:
    """The checked tree's boundary: the repository, else the working directory."""
    try:
        return repo_root()
    except GitDiffError:
        return "."


def _check(inputs: ActionInputs) -> tuple[RunResult, Config]:
    """Check the input paths as ``tunelint check --stats`` with the inputs' options would:
    the same parser, config loading and run API."""
    from tunelint.cli import build_parser
    from tunelint.cli.check import check_options
    from tunelint.cli.common import UsageError
    from tunelint.cli.common import load_config as load_checked_config

    paths = inputs.paths or tracked_jsonl_files()
    if not paths:
        raise InputError("no .jsonl file to check")
    try:
        args = build_parser().parse_args(["check", *inputs.check_arguments(paths)])
    except SystemExit:  # argparse has said what is wrong on stderr
        raise InputError("args: not options of tunelint check (see the message above)") from None
    try:
        config = load_checked_config(args, args.line_format)
        options = replace(
            check_options(args, config),
            diff_base=inputs.base,
            only_changed=inputs.only_changed,
            stats=True,
            jobs=default_jobs(),
            progress=False,
            root=_repository_root(),
        )
        outcome = run_checks(config, options)
    except (UsageError, RunError) as error:
        raise InputError(str(error)) from None
    if outcome.path_errors:
        raise InputError("; ".join(outcome.path_errors))
    return outcome, config


def run(env: Mapping[str, str], out: TextIO) -> int:
    """Run the action; raise InputError for a usage problem."""
    inputs = ActionInputs.from_env(env)
    outcome, config = _check(inputs)
    scope = ""
    if inputs.base and inputs.only_changed:
        scope = f" (findings on lines changed since {markdown(inputs.base[:12])} only)"
    elif inputs.only_changed and not inputs.base:
        out.write("::warning title=tunelint::only-changed needs a base commit; checked all lines\n")
    formatter = GithubFormatter(out, changed=outcome.changed)
    for result in outcome.all_results:
        formatter.add(result)
    formatter.end(outcome.results, outcome.unused_suppressions)
    for message in outcome.internal_errors:
        out.write(f"::error title=tunelint::{workflow_data(message)}\n")
    stats = stats_report(outcome)
    statistics_markdown, cost = statistics(stats)
    errors, warnings = outcome.count(Level.ERROR), outcome.count(Level.WARNING)
    outputs = (
        f"errors={errors}\nwarnings={warnings}\ncost-usd={'' if cost is None else f'{cost:.4f}'}\n"
    )
    if inputs.html_report:
        outputs += f"html-report={write_html_report(outcome, stats, config, env)}\n"
        statistics_markdown = report_link(env) + statistics_markdown
    if inputs.summary:
        parts = summary_parts(
            outcome.results,
            scope,
            Links(env),
            statistics_markdown,
            cost,
            outcome.unused_suppressions,
        )
        _append(env.get("GITHUB_STEP_SUMMARY"), fit_summary(parts))
    _append(env.get("GITHUB_OUTPUT"), outputs)
    if outcome.internal_errors:
        return 3
    failing = {"error": errors, "warning": errors + warnings, "never": 0}[inputs.fail_on]
    return 1 if failing else 0


def main() -> int:
    try:
        return run(os.environ, sys.stdout)
    except InputError as error:
        sys.stdout.write(f"::error title=tunelint::{workflow_data(str(error))}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
