"""The GitHub Action: its Python logic, and action.yml's steps run as GitHub would run them."""

import json
import re
import subprocess
import sys

import pytest

from action_runner import ACTION, ActionRunner, shared_cache
from conftest import REPO, git
from tunelint.escape import markdown
from tunelint.github_action import (
    SUMMARY_LIMIT,
    Links,
    fit_summary,
    summary_parts,
)
from tunelint.report.stats_text import money
from tunelint.results import FileResult


def test_summary_stays_under_the_limit_and_says_so():
    parts = ["## head\n", "row\n" * 100, "x" * 50 + "\n"]
    assert fit_summary(parts) == "".join(parts)
    cut = fit_summary(parts, limit=300)
    assert len(cut.encode()) <= 300 and cut.startswith("## head\nrow\n")
    assert cut.endswith(
        "_The rest of this summary was left out to stay under GitHub's 1 MiB limit._\n"
    )


def test_summary_of_a_huge_run_fits_in_one_mebibyte():
    from tunelint.diagnostics import Diagnostic, Level

    results = [
        FileResult(f"data/{n}.jsonl", [Diagnostic(f"data/{n}.jsonl", 1, 1, "x", Level.ERROR, "m")])
        for n in range(5000)
    ]
    text = fit_summary(summary_parts(results, "", Links({}), "| stat |\n" * 200_000, 12.5))
    assert len(text.encode()) <= SUMMARY_LIMIT
    assert "**Estimated training cost: $12.50**" in text and "…and 4,800 more files." in text


def test_run_steps_never_inline_expressions():
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step


LINE = '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "%s"}]}\n'


@pytest.fixture(scope="module")
def action(tmp_path_factory):
    """A pull request in a throwaway repo: the base has one clean and one bad line."""
    workspace = tmp_path_factory.mktemp("workspace")
    git(workspace, "init", "-q", "-b", "main")
    (workspace / "data").mkdir()
    # A three-line file: the example-count and duplicate rules would only add noise here.
    (workspace / ".tunelint.yaml").write_text(
        "rules:\n  too_few_examples: off\n  duplicate_example: off\n"
    )
    (workspace / "data" / "train.jsonl").write_text(LINE % "a" + LINE % "")
    git(workspace, "add", ".")
    git(workspace, "commit", "-qm", "base")
    base = git(workspace, "rev-parse", "HEAD").strip()
    (workspace / "data" / "train.jsonl").write_text(LINE % "a" + LINE % "" + LINE % "")
    git(workspace, "commit", "-qam", "pull request")
    temp = tmp_path_factory.mktemp("runner")
    return ActionRunner(workspace, temp, shared_cache(tmp_path_factory)), base


def annotated_lines(stdout: str) -> list[int]:
    return [int(n) for n in re.findall(r"^::(?:error|warning) file=[^,]*,line=(\d+)", stdout, re.M)]


@pytest.mark.slow
def test_pull_request_annotates_changed_lines_and_writes_summary_and_outputs(action):
    runner, base = action
    summary = runner.temp / "summary.md"
    done = runner.run(
        {},
        {
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REPOSITORY": "o/r",
            "GITHUB_SHA": "f" * 40,
        },
        base=base,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert annotated_lines(done.stdout) == [3, 3], done.stdout + done.stderr
    assert (
        "::error file=data/train.jsonl,line=3,endLine=3,col=83,endColumn=84,"
        "title=missing_content::messages[1].content is empty (assistant)\n" in done.stdout
    )
    stats = subprocess.run(
        [sys.executable, "-m", "tunelint", "stats", "--format", "json", "data/train.jsonl"],
        cwd=runner.workspace, capture_output=True, text=True, check=True,
    )  # fmt: skip
    cost = json.loads(stats.stdout)["total"]["cost_usd"]
    assert runner.outputs() == {"errors": "1", "warnings": "1", "cost-usd": f"{cost:.4f}"}
    text = summary.read_text()
    assert f"**Estimated training cost: {money(cost)}**" in text
    assert "### Training data statistics (tunelint)" in text and "Tokens per example:" in text
    assert text.startswith("## tunelint\n\nChecked 1 file, 3 lines: 1 error, 1 warning")
    page = runner.temp / "artifacts" / "tunelint-report" / "tunelint-report.html"
    assert "<svg" in page.read_text() and "missing_content" in page.read_text()
    assert "**HTML report** (token histograms, findings by rule, cost): " in text
    assert f"(findings on lines changed since {base[:12]} only)" in text
    name = markdown("data/train.jsonl")  # escaped: no data is Markdown syntax
    assert f"| {name} | 1 | 1 | `missing_content` 1, `missing_system_message` 1 |" in text
    assert (
        f"| [{markdown('data/train.jsonl:3:83')}](https://github.com/o/r/blob/{'f' * 40}"
        "/data/train.jsonl#L3) | error | `missing_content` |" in text
    )


@pytest.mark.slow
def test_push_checks_every_tracked_file_and_inputs_are_not_shell(action):
    runner, _ = action
    done = runner.run({"fail-on": "never", "summary": "false"}, {"GITHUB_EVENT_NAME": "push"})
    assert done.returncode == 0, done.stderr
    assert annotated_lines(done.stdout) == [1, 2, 2, 3, 3]
    assert runner.outputs()["errors"] == "2"
    done = runner.run({"paths": "$(touch pwned) `touch pwned`"}, {"GITHUB_EVENT_NAME": "push"})
    assert done.returncode == 2
    assert "::error title=tunelint::$(touch: no such file or directory" in done.stdout
    assert not (runner.workspace / "pwned").exists()


def test_a_profile_without_a_published_price_gives_no_cost(tmp_path):
    from conftest import small_file_config
    from tunelint.github_action import statistics, stats_report
    from tunelint.run import RunOptions, run

    config = small_file_config({"profile": "azure-openai"})
    outcome = run(config, RunOptions([str(REPO / "examples" / "clean.jsonl")], stats=True))
    markdown, cost = statistics(stats_report(outcome))
    assert cost is None and "price not published" in markdown
    parts = summary_parts([], "", Links({}), markdown, cost)
    assert "**Estimated training cost: price not published**\n\n" in parts
