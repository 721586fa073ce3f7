"""The README's CI snippets are the files in examples/ci/, and their commands work."""

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import DATA, REPO

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
