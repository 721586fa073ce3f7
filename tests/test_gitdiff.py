"""Changed line ranges from git diffs, and ``tunelint check --diff-base``."""

import pytest

from conftest import git
from test_cli import run
from tunelint.gitdiff import GitDiffError, changed_lines, parse_unified_zero

DIFF = b"""\
diff --git a/data/train.jsonl b/data/train.jsonl
--- a/data/train.jsonl
+++ b/data/train.jsonl
@@ -2 +2 @@
-old
+new
@@ -5,0 +6,3 @@
+a
+b
+c
@@ -9,2 +11,0 @@
-gone
-gone
diff --git "a/caf\\303\\251 \\"x\\".jsonl" "b/caf\\303\\251 \\"x\\".jsonl"
--- "a/caf\\303\\251 \\"x\\".jsonl"
+++ "b/caf\\303\\251 \\"x\\".jsonl"
@@ -0,0 +1 @@
+x
diff --git a/removed.jsonl b/removed.jsonl
--- a/removed.jsonl
+++ /dev/null
@@ -1 +0,0 @@
-x
"""


def test_unified_zero_hunks_become_added_line_ranges():
    assert parse_unified_zero(DIFF.split(b"\n")) == {
        "data/train.jsonl": [(2, 2), (6, 8)],
        'café "x".jsonl': [(1, 1)],
    }


LINE = '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "%s"}]}\n'


@pytest.mark.slow
def test_changed_lines_since_base_include_working_tree_and_untracked(git_repo, monkeypatch):
    data = git_repo / "data.jsonl"
    data.write_text(LINE % "a" + LINE % "b" + LINE % "c")
    git(git_repo, "add", ".")
    git(git_repo, "commit", "-qm", "data")
    base = git(git_repo, "rev-parse", "HEAD").strip()
    data.write_text(LINE % "a" + LINE % "" + LINE % "c" + LINE % "")
    (git_repo / "new.jsonl").write_text(LINE % "")
    changed = changed_lines(base, cwd=str(git_repo))
    assert [line for line in range(1, 5) if changed.contains(str(data), line)] == [2, 4]
    assert changed.contains(str(git_repo / "new.jsonl"), 99)
    with pytest.raises(GitDiffError, match="unknown git revision 'nope'"):
        changed_lines("nope", cwd=str(git_repo))


@pytest.mark.slow
def test_check_diff_base_reports_only_changed_lines(git_repo):
    data = git_repo / "data.jsonl"
    data.write_text(LINE % "" + LINE % "b")
    git(git_repo, "add", ".")
    git(git_repo, "commit", "-qm", "data")
    data.write_text(LINE % "" + LINE % "")
    everything = run("check", "data.jsonl", cwd=git_repo)
    assert {line.split(":")[1] for line in everything.stdout.splitlines()[:-1]} == {"1", "2"}
    changed = run("check", "--diff-base", "HEAD", "data.jsonl", cwd=git_repo)
    assert changed.returncode == 1
    kept = {tuple(line.split(" ")[0:3:2]) for line in changed.stdout.splitlines()[:-1]}
    assert {rule for where, rule in kept if where.split(":")[1] == "1"} == {"too_few_examples"}
    assert {where.split(":")[1] for where, _ in kept} == {"1", "2"}  # line 1: about the file
    bad = run("check", "--diff-base", "nope", "data.jsonl", cwd=git_repo)
    assert bad.returncode == 2 and "--diff-base: unknown git revision 'nope'" in bad.stderr
