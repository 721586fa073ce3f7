"""Which lines a change touched: ``git diff --unified=0`` against a base, as line ranges.

Used by ``tunelint check --diff-base REV`` and the GitHub Action to report only findings on
lines added or changed since the base, plus every finding about a changed file as a whole
(a rule with ``whole_file``: too few examples, duplicates, a JSON document, ...), so deleting
examples cannot hide what the deletion broke. The diff is taken from the merge base of
``REV`` and ``HEAD`` (what a pull request shows) to the working tree, so local uncommitted
edits count too; files git does not track yet count as changed throughout.

git's output is read as bytes, split on ``b"\\n"`` only and in bounded pieces (no line of
data is held whole), and hunk bodies are skipped by the counts in their headers, so no
changed line can pass for a header. File names come back exactly: C-quoted names (newlines,
quotes, backslashes) are unquoted and undecodable bytes kept (``os.fsdecode``).
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tunelint.diagnostics import Diagnostic
from tunelint.reader import Line, LongLine, read_lines
from tunelint.results import FileResult
from tunelint.rules import all_rules

_HUNK = re.compile(rb"^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
_LINE_CAP = 64 * 1024
"""Bytes kept of one line of git's output: a header or a revision is short; of a changed
line only its first byte matters."""


class GitDiffError(Exception):
    """git is missing, this is not a repository, or the base revision is unknown."""


def _start(args: list[str], cwd: str | None, **streams: Any) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(["git", *args], cwd=cwd, stdout=subprocess.PIPE, **streams)
    except OSError as error:
        raise GitDiffError(f"cannot run git: {error}") from None


def _failure(args: list[str], returncode: int, stderr: bytes) -> GitDiffError:
    detail = stderr.decode("utf-8", "replace").strip().splitlines()
    return GitDiffError(f"git {args[0]} failed: {detail[-1] if detail else returncode}")


def _git(args: list[str], cwd: str | None) -> bytes:
    """git's whole output, for the commands whose output is small (names, revisions)."""
    with _start(args, cwd, stderr=subprocess.PIPE) as process:
        stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise _failure(args, process.returncode, stderr)
    return stdout


def _git_lines(args: list[str], cwd: str | None) -> Iterator[Line]:
    """git's output line by line as ``read_lines`` gives it: split on ``\\n`` only, no line
    held beyond ``_LINE_CAP`` bytes (a diff can be as large as the data)."""
    with tempfile.TemporaryFile() as errors:  # a file: a chatty stderr never blocks git
        with _start(args, cwd, stderr=errors) as process:
            assert process.stdout is not None
            yield from read_lines(process.stdout, _LINE_CAP)
        if process.returncode != 0:
            errors.seek(0)
            raise _failure(args, process.returncode, errors.read(_LINE_CAP))


def _unquote(name: bytes) -> bytes:
    """A path as git prints it: C-quoted (``"a\\tb"``, octal bytes) when unusual."""
    if not name.startswith(b'"') or not name.endswith(b'"'):
        return name
    text = name[1:-1].decode("latin-1")  # one character per byte, reversible
    raw, i = bytearray(), 0
    while i < len(text):
        char = text[i]
        if char != "\\" or i + 1 == len(text):
            raw.append(ord(char))
            i += 1
        elif text[i + 1] in "01234567":
            raw.append(int(text[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        else:
            raw.append(_ESCAPES.get(text[i + 1], ord(text[i + 1])))
            i += 2
    return bytes(raw)


def _new_name(target: bytes) -> str | None:
    """The file a ``+++`` header names (None for ``/dev/null``: the file was deleted). git
    ends the header with a tab when the name holds a space; a name's own tab is quoted."""
    target = target.removesuffix(b"\t")
    if target == b"/dev/null":
        return None
    name = _unquote(target)
    return os.fsdecode(name[2:] if name.startswith(b"b/") else name)


def _head(line: Line) -> bytes:
    return line.head if isinstance(line, LongLine) else line


def parse_unified_zero(lines: Iterable[Line]) -> dict[str, list[tuple[int, int]]]:
    """Added or changed line ranges (first, last; inclusive) by new path, from the lines of
    a ``-U0`` diff (newlines kept or not). Every file the diff names is a key, with no range
    when only lines were removed from it."""
    changed: dict[str, list[tuple[int, int]]] = {}
    current: list[tuple[int, int]] | None = None
    in_header, body_left = False, 0
    for item in lines:
        line = _head(item).rstrip(b"\n")
        if body_left:  # a removed or added line; "\ No newline at end of file" is no line
            body_left -= not line.startswith(b"\\")
        elif line.startswith(b"diff --git "):
            in_header, current = True, None
        elif in_header and line.startswith(b"+++ "):
            name = _new_name(line[4:])
            current = None if name is None else changed.setdefault(name, [])
        elif line.startswith(b"@@"):
            in_header = False
            match = _HUNK.match(line)
            if match:
                removed = int(match.group(1) or 1)
                start, added = int(match.group(2)), int(match.group(3) or 1)
                body_left = removed + added
                if added and current is not None:
                    current.append((start, start + added - 1))
    return changed


@dataclass
class ChangedLines:
    """Changed line ranges by absolute path (a file with no range had lines removed only);
    ``whole`` files (untracked) count as changed throughout."""

    ranges: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    whole: set[str] = field(default_factory=set)

    def contains(self, path: str, line: int) -> bool:
        key = os.path.realpath(path)
        if key in self.whole:
            return True
        return any(first <= line <= last for first, last in self.ranges.get(key, ()))

    def changed_file(self, path: str) -> bool:
        key = os.path.realpath(path)
        return key in self.whole or key in self.ranges

    def keeps(self, diagnostic: Diagnostic) -> bool:
        """A finding on a changed line, or about a changed file as a whole."""
        d = diagnostic
        rule = all_rules().get(d.rule)
        if rule is not None and rule.whole_file and self.changed_file(d.file):
            return True
        return self.contains(d.file, d.line)

    def restrict(self, result: FileResult) -> FileResult:
        """The result with only the findings ``keeps`` (counts and stats unchanged)."""
        return dataclasses.replace(
            result, diagnostics=[d for d in result.diagnostics if self.keeps(d)]
        )


def repo_root(cwd: str | None = None) -> str:
    """The top directory of the git work tree holding ``cwd``."""
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    return os.path.realpath(os.fsdecode(top[:-1] if top.endswith(b"\n") else top))


def changed_lines(base: str, cwd: str | None = None) -> ChangedLines:
    """Lines added or changed in the working tree since the merge base of ``base`` and HEAD."""
    root = repo_root(cwd)
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"], cwd)
    except GitDiffError:
        raise GitDiffError(f"unknown git revision {base!r} (fetch it first?)") from None
    try:
        since = _git(["merge-base", base, "HEAD"], cwd).decode("ascii").strip()
    except GitDiffError:
        since = base  # a shallow clone without the common ancestor: diff against base itself
    diff = _git_lines(
        ["-c", "core.quotePath=true", "diff", "--unified=0", "--no-color", "--no-ext-diff",
         "--no-textconv", "--no-relative", "--text", "--src-prefix=a/", "--dst-prefix=b/",
         since, "--"],
        cwd,
    )  # fmt: skip
    absolute = {
        os.path.realpath(os.path.join(root, name)): ranges
        for name, ranges in parse_unified_zero(diff).items()
    }
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], cwd)
    whole = {
        os.path.realpath(os.path.join(cwd or os.getcwd(), os.fsdecode(name)))
        for name in untracked.split(b"\0")
        if name
    }
    return ChangedLines(absolute, whole)
