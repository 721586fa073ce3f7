"""Which lines a change touched: ``git diff --unified=0`` against a base, as line ranges.

Used by ``tunelint check --diff-base REV`` and the GitHub Action to report only findings on
lines added or changed since the base. The diff is taken from the merge base of ``REV`` and
``HEAD`` (what a pull request shows) to the working tree, so local uncommitted edits count
too; files git does not track yet count as changed throughout.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
from dataclasses import dataclass, field

from tunelint.results import FileResult

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


class GitDiffError(Exception):
    """git is missing, this is not a repository, or the base revision is unknown."""


def _git(args: list[str], cwd: str | None) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
            errors="surrogateescape", check=False,
        )  # fmt: skip
    except OSError as error:
        raise GitDiffError(f"cannot run git: {error}") from None
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()
        raise GitDiffError(f"git {args[0]} failed: {detail[-1] if detail else done.returncode}")
    return done.stdout


def _unquote(name: str) -> str:
    """A path as git prints it: C-quoted (``"a\\tb"``, octal UTF-8 bytes) when unusual."""
    if not name.startswith('"'):
        return name
    raw, i, body = bytearray(), 0, name[1:-1]
    while i < len(body):
        char = body[i]
        if char != "\\":
            raw += char.encode("utf-8", "surrogateescape")
            i += 1
        elif body[i + 1] in "01234567":
            raw.append(int(body[i + 1 : i + 4], 8))
            i += 4
        else:
            raw.append(_ESCAPES.get(body[i + 1], ord(body[i + 1])))
            i += 2
    return raw.decode("utf-8", "surrogateescape")


def parse_unified_zero(diff: str) -> dict[str, list[tuple[int, int]]]:
    """Added or changed line ranges (first, last; inclusive) by new path, from a ``-U0`` diff."""
    changed: dict[str, list[tuple[int, int]]] = {}
    current: list[tuple[int, int]] | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            target = line[4:]
            current = None if target == "/dev/null" else changed.setdefault(_strip_b(target), [])
        elif line.startswith("@@") and current is not None:
            match = _HUNK.match(line)
            if match:
                start, count = int(match.group(1)), int(match.group(2) or 1)
                if count:
                    current.append((start, start + count - 1))
    return changed


def _strip_b(target: str) -> str:
    name = _unquote(target)
    return name[2:] if name.startswith("b/") else name


@dataclass
class ChangedLines:
    """Changed line ranges by absolute path; ``whole`` files (untracked) count as all changed."""

    ranges: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    whole: set[str] = field(default_factory=set)

    def contains(self, path: str, line: int) -> bool:
        key = os.path.realpath(path)
        if key in self.whole:
            return True
        return any(first <= line <= last for first, last in self.ranges.get(key, ()))

    def restrict(self, result: FileResult) -> FileResult:
        """The result with only the findings on changed lines (counts and stats unchanged)."""
        kept = [d for d in result.diagnostics if self.contains(d.file, d.line)]
        return dataclasses.replace(result, diagnostics=kept)


def repo_root(cwd: str | None = None) -> str:
    """The top directory of the git work tree holding ``cwd``."""
    return os.path.realpath(_git(["rev-parse", "--show-toplevel"], cwd).strip())


def changed_lines(base: str, cwd: str | None = None) -> ChangedLines:
    """Lines added or changed in the working tree since the merge base of ``base`` and HEAD."""
    root = repo_root(cwd)
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"], cwd)
    except GitDiffError:
        raise GitDiffError(f"unknown git revision {base!r} (fetch it first?)") from None
    try:
        since = _git(["merge-base", base, "HEAD"], cwd).strip()
    except GitDiffError:
        since = base  # a shallow clone without the common ancestor: diff against base itself
    diff = _git(
        ["-c", "core.quotePath=false", "diff", "--unified=0", "--no-color", "--no-ext-diff",
         "--src-prefix=a/", "--dst-prefix=b/", since, "--"],
        cwd,
    )  # fmt: skip
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], cwd)
    absolute = {
        os.path.realpath(os.path.join(root, name)): ranges
        for name, ranges in parse_unified_zero(diff).items()
    }
    whole = {
        os.path.realpath(os.path.join(cwd or os.getcwd(), name))
        for name in untracked.split("\0")
        if name
    }
    return ChangedLines(absolute, whole)
