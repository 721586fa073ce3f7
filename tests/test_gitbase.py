"""Shallow clones: the base commit is fetched and the history deepened, or a warning says why."""

import io
from pathlib import Path

import pytest

from action_runner import shallow_checkout
from conftest import git
from tunelint.gitbase import ensure_base, run
from tunelint.gitdiff import changed_lines

pytestmark = pytest.mark.slow


def commit(repo: Path, name: str, text: str) -> str:
    (repo / name).write_text(text)
    git(repo, "add", name)
    git(repo, "commit", "-qm", f"{name}: {text[:20]}")
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def origin(tmp_path_factory) -> tuple[Path, str]:
    """A bare "origin": main has 30 commits and moved on by 10 since the branch "pr" left it."""
    work = tmp_path_factory.mktemp("work")
    git(work, "init", "-q", "-b", "main")
    for n in range(20):
        commit(work, "main.txt", f"{n}\n")
    git(work, "checkout", "-qb", "pr")
    commit(work, "data.jsonl", '{"a": 1}\n')
    commit(work, "data.jsonl", '{"a": 1}\n{"a": 2}\n')
    git(work, "checkout", "-q", "main")
    for n in range(20, 30):
        base = commit(work, "main.txt", f"{n}\n")
    bare = work.parent / f"{work.name}-origin.git"
    git(work.parent, "clone", "-q", "--bare", str(work), str(bare))
    return bare, base


def test_missing_base_is_fetched_and_deepened_until_the_merge_base(origin, tmp_path):
    bare, base = origin
    clone = shallow_checkout(bare, tmp_path / "clone", "pr")
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    checked = ensure_base(base, str(clone), deepen_steps=(4, 4, 4, 4))
    assert checked.usable and checked.warning is None
    fork_point = git(clone, "rev-parse", "HEAD~2").strip()
    assert checked.merge_base == fork_point
    changed = changed_lines(base, str(clone))
    assert {Path(p).name: r for p, r in changed.ranges.items()} == {"data.jsonl": [(1, 2)]}


def test_too_far_apart_for_the_bounded_steps_warns_and_gives_no_base(origin, tmp_path):
    bare, base = origin
    clone = shallow_checkout(bare, tmp_path / "clone", "pr")
    checked = ensure_base(base, str(clone), deepen_steps=(1, 1))
    assert not checked.usable
    assert checked.warning == (
        f"the base commit {base[:12]} and HEAD have no common history within 2 commits;"
        " checked all lines"
    )


def test_a_base_the_remote_does_not_have_warns_with_gits_reason(origin, tmp_path):
    bare, _ = origin
    clone = shallow_checkout(bare, tmp_path / "clone", "pr")
    checked = ensure_base("0" * 40, str(clone))
    assert not checked.usable and checked.base is None
    assert checked.warning.startswith(f"cannot fetch the base commit {'0' * 12} (")
    assert checked.warning.endswith("); checked all lines")


def test_a_base_that_is_not_a_commit_id_is_never_passed_to_git(tmp_path):
    checked = ensure_base("--upload-pack=touch pwned", str(tmp_path))
    assert checked.warning.startswith("the base '--upload-pack=touch pwned' is not a commit id")
    assert not (tmp_path / "pwned").exists()


def test_full_clone_with_the_base_needs_no_fetch(origin, tmp_path):
    bare, base = origin
    clone = tmp_path / "full"
    git(tmp_path, "clone", "-q", "--branch", "pr", str(bare), str(clone))
    git(clone, "remote", "remove", "origin")  # any fetch would fail
    assert ensure_base(base, str(clone)).usable


def test_action_step_writes_the_base_output_or_an_empty_one_with_a_warning(
    origin, tmp_path, monkeypatch
):
    bare, base = origin
    clone = shallow_checkout(bare, tmp_path / "clone", "pr")
    output = tmp_path / "output"
    monkeypatch.chdir(clone)
    out = io.StringIO()
    run({"TUNELINT_BASE_SHA": base, "GITHUB_OUTPUT": str(output)}, out)
    assert out.getvalue() == "" and output.read_text() == f"base={base}\n"
    git(clone, "remote", "remove", "origin")
    run({"TUNELINT_BASE_SHA": "f" * 40, "GITHUB_OUTPUT": str(output)}, out)
    assert out.getvalue().startswith("::warning title=tunelint::cannot fetch the base commit ff")
    assert output.read_text().endswith("base=\n")
