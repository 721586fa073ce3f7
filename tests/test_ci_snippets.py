"""The README's CI snippets are the files in examples/ci/, and their commands work."""

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from action_runner import ActionRunner, shallow_checkout, shared_cache
from conftest import DATA, REPO, git

SNIPPETS = REPO / "examples" / "ci"
CODE_SCANNING_SUBSET = json.loads((DATA / "sarif-code-scanning-subset.json").read_text())


@pytest.mark.parametrize("name", sorted(p.name for p in SNIPPETS.iterdir()))
def test_readme_shows_each_snippet_verbatim(name):
    assert f"```yaml\n{(SNIPPETS / name).read_text()}```" in (REPO / "README.md").read_text()


def test_action_snippet_uses_only_the_actions_inputs():
    action_inputs = set(yaml.safe_load((REPO / "action.yml").read_text())["inputs"])
    steps = yaml.safe_load((SNIPPETS / "github-action.yml").read_text())["jobs"]["datasets"][
        "steps"
    ]
    tunelint = next(step for step in steps if "tunelint/tunelint@" in step.get("uses", ""))
    assert set(tunelint["with"]) <= action_inputs


def run_commands(commands: list[str], tmp_path: Path) -> None:
    """Run a CI job's shell commands (not its installs) in a project with a data/ folder."""
    (tmp_path / "data").mkdir()
    shutil.copy(REPO / "examples" / "broken.jsonl", tmp_path / "data")
    shim = tmp_path / "bin" / "tunelint"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m tunelint "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}"}
    for command in commands:
        if "pip install" not in command:
            done = subprocess.run(["sh", "-c", command], cwd=tmp_path, env=env, capture_output=True)
            assert done.returncode in (0, 1), done.stderr  # 1: the findings fail the job


@pytest.mark.slow
def test_gitlab_snippet_writes_a_code_quality_report(tmp_path):
    job = yaml.safe_load((SNIPPETS / "gitlab-ci.yml").read_text())["tunelint"]
    run_commands(job["script"], tmp_path)
    report = json.loads((tmp_path / job["artifacts"]["reports"]["codequality"]).read_text())
    assert {"description", "check_name", "fingerprint", "severity", "location"} == set(report[0])
    assert report[0]["location"] == {"path": "data/broken.jsonl", "lines": {"begin": 1}}


@pytest.mark.slow
def test_code_scanning_snippet_writes_the_sarif_it_uploads(tmp_path):
    steps = yaml.safe_load((SNIPPETS / "github-code-scanning.yml").read_text())["jobs"]["sarif"][
        "steps"
    ]
    run_commands([step["run"] for step in steps if "run" in step], tmp_path)
    upload = next(step for step in steps if "upload-sarif" in step.get("uses", ""))
    log = json.loads((tmp_path / upload["with"]["sarif_file"]).read_text())
    jsonschema.validate(log, CODE_SCANNING_SUBSET)
    assert len(log["runs"][0]["results"]) == 12


def test_snippets_pin_third_party_actions_by_commit_with_the_tag_in_a_comment():
    uses = re.findall(r"uses: (\S+)(.*)", "".join(p.read_text() for p in SNIPPETS.iterdir()))
    third_party = [(name, comment) for name, comment in uses if not name.startswith("tunelint/")]
    assert len(third_party) == 4
    for name, comment in third_party:
        assert re.fullmatch(r"[\w-]+/[\w/-]+@[0-9a-f]{40}", name), name
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), comment


def test_pre_commit_snippet_uses_the_hooks_and_lets_the_config_be_discovered():
    hooks = {hook["id"] for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    used = yaml.safe_load((SNIPPETS / "pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    assert [hook["id"] for hook in used] == ["tunelint-fix", "tunelint", "tunelint-stats"]
    assert {hook["id"] for hook in used} <= hooks
    assert not any("--config" in hook.get("args", []) for hook in used)


@pytest.mark.slow
def test_action_snippet_as_written_annotates_a_pull_request_on_a_shallow_checkout(
    tmp_path, tmp_path_factory
):
    steps = yaml.safe_load((SNIPPETS / "github-action.yml").read_text())["jobs"]["datasets"][
        "steps"
    ]
    checkout = next(step for step in steps if step["uses"].startswith("actions/checkout@"))
    assert "with" not in checkout  # actions/checkout's default: depth 1
    tunelint = next(step for step in steps if step["uses"].startswith("tunelint/tunelint@"))
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q", "-b", "main")
    (work / "data").mkdir()
    shutil.copy(REPO / "examples" / "clean.jsonl", work / "data")
    git(work, "add", ".")
    git(work, "commit", "-qm", "base")
    base = git(work, "rev-parse", "HEAD").strip()
    git(work, "checkout", "-qb", "pr")
    shutil.copy(REPO / "examples" / "broken.jsonl", work / "data")
    git(work, "add", ".")
    git(work, "commit", "-qm", "a broken file")
    git(tmp_path, "clone", "-q", "--bare", str(work), str(tmp_path / "origin.git"))
    workspace = shallow_checkout(tmp_path / "origin.git", tmp_path / "workspace", "pr")
    (tmp_path / "temp").mkdir()
    runner = ActionRunner(workspace, tmp_path / "temp", shared_cache(tmp_path_factory))
    done = runner.run(tunelint["with"], {"GITHUB_EVENT_NAME": "pull_request"}, base=base)
    assert done.returncode == 1, done.stdout + done.stderr  # fail-on: error, with errors
    assert "::error file=data/broken.jsonl,line=" in done.stdout
    assert "data/clean.jsonl" not in done.stdout and "title=tunelint::" not in done.stdout
