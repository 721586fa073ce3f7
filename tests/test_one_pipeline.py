"""Every entry point runs the same pipeline: the Action and ``tunelint check`` give the same
findings under the same config (suppressions, baselines, profiles, diff base)."""

import io
import json
import re

import pytest

from conftest import assistant, chat, git, user
from tunelint import github_action
from tunelint.cli import main

ANNOTATION = re.compile(
    r"^::(?P<level>error|warning) file=(?P<file>[^,]*),line=(?P<line>\d+),endLine=\d+,"
    r"col=(?P<col>\d+)(?:,endColumn=\d+)?,title=(?P<rule>[^:]+)::"
)
LOG_LINE = re.compile(
    r"^(?P<file>.*?):(?P<line>\d+):(?P<col>\d+): (?P<level>error|warning) (?P<rule>\S+) "
)


def action_findings(env: dict[str, str]) -> set[tuple]:
    out = io.StringIO()
    github_action.run({"GITHUB_EVENT_NAME": "push", **env}, out)
    found = set()
    for line in out.getvalue().splitlines():
        match = ANNOTATION.match(line) or LOG_LINE.match(line)
        if match:
            found.add((match["file"], int(match["line"]), int(match["col"]), match["rule"]))
    return found


def check_findings(*args: str, capsys) -> set[tuple]:
    capsys.readouterr()
    main(["check", "--format", "json", *args])
    return {
        (d["file"], d["line"], d["column"], d["rule"]) for d in json.loads(capsys.readouterr().out)
    }


@pytest.fixture
def dataset(git_repo, monkeypatch):
    """A repository with a committed file of 8 examples, two of them broken."""
    monkeypatch.chdir(git_repo)
    lines = [chat(user(f"q{n}"), assistant(f"a{n}")) for n in range(6)]
    lines += [chat(user("x"), assistant("")), chat({"role": "robot", "content": "x"})]
    (git_repo / "data.jsonl").write_text("\n".join(lines) + "\n")
    git(git_repo, "add", "data.jsonl")
    git(git_repo, "commit", "-q", "-m", "data")
    return git_repo


def test_suppressions_apply_in_the_action_as_in_check(dataset, capsys):
    (dataset / "tunelint.yaml").write_text(
        "per-file-ignores:\n  data.jsonl: [too_few_examples, missing_system_message]\n"
    )
    config = ["--config", "tunelint.yaml"]
    from_check = check_findings("data.jsonl", *config, capsys=capsys)
    from_action = action_findings(
        {"TUNELINT_PATHS": "data.jsonl", "TUNELINT_CONFIG": "tunelint.yaml"}
    )
    assert from_action == from_check
    rules = {rule for *_, rule in from_check}
    assert "missing_content" in rules and not rules & {"too_few_examples", "missing_system_message"}


def test_a_baseline_applies_in_the_action_as_in_check(dataset, capsys):
    main(["check", "data.jsonl", "--write-baseline", "base.json"])
    (dataset / "data.jsonl").write_text(
        (dataset / "data.jsonl").read_text() + chat(user("new"), assistant("")) + "\n"
    )
    (dataset / "tunelint.yaml").write_text("baseline: base.json\n")
    from_check = check_findings("data.jsonl", "--config", "tunelint.yaml", capsys=capsys)
    from_action = action_findings(
        {"TUNELINT_PATHS": "data.jsonl", "TUNELINT_CONFIG": "tunelint.yaml"}
    )
    assert from_action == from_check
    assert {(line, rule) for _, line, _, rule in from_check} == {
        (9, "missing_content"),
        (9, "missing_system_message"),
    }


def test_a_profile_applies_in_the_action_as_in_check(dataset, capsys):
    (dataset / "tunelint.yaml").write_text("profile: together\n")
    from_check = check_findings("data.jsonl", "--config", "tunelint.yaml", capsys=capsys)
    from_action = action_findings(
        {"TUNELINT_PATHS": "data.jsonl", "TUNELINT_CONFIG": "tunelint.yaml"}
    )
    assert from_action == from_check
    assert from_check != check_findings("data.jsonl", capsys=capsys)  # the profile matters


def test_the_diff_base_applies_in_the_action_as_in_check(dataset, capsys):
    base = git(dataset, "rev-parse", "HEAD").strip()
    text = (dataset / "data.jsonl").read_text()
    (dataset / "data.jsonl").write_text(text + chat(user("new"), assistant("")) + "\n")
    from_check = check_findings("data.jsonl", "--diff-base", base, capsys=capsys)
    from_action = action_findings(
        {"TUNELINT_PATHS": "data.jsonl", "TUNELINT_BASE_SHA": base, "TUNELINT_ONLY_CHANGED": "true"}
    )
    assert from_action == from_check
    assert ("data.jsonl", 9, 84, "missing_content") in from_check
    assert not any(line == 7 for _, line, _, _ in from_check)  # unchanged line: not reported


def test_the_action_reads_no_symlink_out_of_the_repository(dataset, tmp_path_factory):
    secret = tmp_path_factory.mktemp("outside") / "secret.jsonl"
    secret.write_text('{"top_secret_key": "value"}\n')
    (dataset / "leak.jsonl").symlink_to(secret)
    out = io.StringIO()
    with pytest.raises(github_action.InputError, match="outside"):
        github_action.run({"GITHUB_EVENT_NAME": "push", "TUNELINT_PATHS": "leak.jsonl"}, out)
    assert "top_secret_key" not in out.getvalue()
