"""The pre-commit hooks, for real: pre-commit installs this checkout and runs them."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, git

pytestmark = pytest.mark.slow

CLEAN = (REPO / "examples" / "clean.jsonl").read_text()
BROKEN = (REPO / "examples" / "broken.jsonl").read_text()


def committed_checkout(tmp_path: Path) -> tuple[Path, str]:
    """A new repository whose one commit holds this checkout's files as they are now.

    pre-commit installs hooks from a commit; copying (without ``.git``) lets the test see
    uncommitted work and never touches this checkout's own repository.
    """
    copy = tmp_path / "tunelint"
    ignored = shutil.ignore_patterns(".git", "__pycache__", "*.egg-info", ".*_cache", "build")
    shutil.copytree(REPO, copy, ignore=ignored)
    git(copy, "init", "-q", "-b", "main")
    git(copy, "add", "-A")
    git(copy, "commit", "-q", "-m", "the working tree under test")
    return copy, git(copy, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A throwaway repo using examples/ci/pre-commit-config.yaml, pointed at this checkout."""
    tmp = tmp_path_factory.mktemp("precommit")
    checkout, sha = committed_checkout(tmp)
    config = yaml.safe_load((REPO / "examples" / "ci" / "pre-commit-config.yaml").read_text())
    config["repos"][0].update(repo=str(checkout), rev=sha)
    project = tmp / "project"
    project.mkdir()
    git(project, "init", "-q", "-b", "main")
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    (project / ".tunelint.yaml").write_text("rules:\n  missing_system_message: off\n")
    (project / "data").mkdir()
    return project


def pre_commit(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(project.parent / "cache"), "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)  # the hook must run the tunelint pre-commit installed
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args, "--color", "never"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )


def test_bad_file_fails_with_file_line_col_and_clean_file_passes(project):
    (project / "data" / "bad.jsonl").write_text(BROKEN)
    (project / "data" / "good.jsonl").write_text(CLEAN)
    git(project, "add", ".")
    done = pre_commit(project, "run", "tunelint", "--files", "data/bad.jsonl", "data/good.jsonl")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "data/bad.jsonl:2:176: error missing_content" in done.stdout
    assert "missing_system_message" not in done.stdout  # the discovered .tunelint.yaml was used
    done = pre_commit(project, "run", "tunelint", "--files", "data/good.jsonl")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout


def test_stats_hook_prints_cost_and_never_fails(project):
    (project / "data" / "bad.jsonl").write_text(BROKEN)
    git(project, "add", ".")
    done = pre_commit(project, "run", "tunelint-stats", "--files", "data/bad.jsonl")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "gpt-4o-mini" in done.stdout and "estimated cost" in done.stdout


def test_fix_hook_rewrites_the_file_and_fails_until_the_fix_is_staged(project):
    path = project / "data" / "fixable.jsonl"
    path.write_bytes(CLEAN.replace("\n", "\r\n\r\n").encode())
    git(project, "add", ".")
    done = pre_commit(project, "run", "tunelint-fix", "--files", "data/fixable.jsonl")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "files were modified by this hook" in done.stdout
    assert path.read_text() == CLEAN
    git(project, "add", ".")
    done = pre_commit(project, "run", "tunelint-fix", "--files", "data/fixable.jsonl")
    assert done.returncode == 0 and "Passed" in done.stdout, done.stdout + done.stderr


def test_hooks_pass_in_a_repository_without_a_config(project):
    bare = project.parent / "no-config"
    bare.mkdir()
    git(bare, "init", "-q", "-b", "main")
    shutil.copy(project / ".pre-commit-config.yaml", bare)
    (bare / "clean.jsonl").write_text(CLEAN)
    git(bare, "add", ".")
    done = pre_commit(bare, "run", "--files", "clean.jsonl")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("Passed") == 3
