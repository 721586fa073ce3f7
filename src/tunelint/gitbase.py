"""Make a pull request's base commit usable in a shallow clone (``actions/checkout`` depth 1).

``ensure_base(base)`` fetches the base commit when it is missing (``git fetch --depth=1
origin SHA``), then deepens the history step by step (``git fetch --deepen=N``) until the
base and ``HEAD`` have a merge base, within a bounded number of steps. Where that cannot be
done (no remote, no network, unrelated histories, too far apart) it says why: the caller then
checks every line. It never fails the run.

``python -m tunelint.gitbase`` is the Action's step: it reads ``TUNELINT_BASE_SHA``, prints a
``::warning`` when the base cannot be used, and writes ``base=SHA`` (empty when unusable) to
``$GITHUB_OUTPUT`` for the check step. Exit status is always 0.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DEEPEN_STEPS = (50, 100, 200, 400, 800, 1600)
"""Commits added per deepening step: a merge base up to 3,150 commits back is found."""
GIT_TIMEOUT = 300
"""Seconds one git command may take (a fetch over a slow network) before it counts as failed."""
_COMMIT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


class GitError(Exception):
    """A git command failed; the message is git's own last line of error output."""


@dataclass(frozen=True)
class BaseCheck:
    """Whether the base can be diffed against; ``warning`` says why not (or what was done)."""

    base: str | None
    merge_base: str | None = None
    warning: str | None = None

    @property
    def usable(self) -> bool:
        return self.merge_base is not None


def _git(args: Sequence[str], cwd: str | None) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}  # a private remote never waits for a password
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
            errors="replace", timeout=GIT_TIMEOUT, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took more than {GIT_TIMEOUT} s") from None
    except OSError as error:
        raise GitError(f"cannot run git: {error.strerror or error}") from None
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise GitError(lines[-1] if lines else f"git {args[0]} exited with {done.returncode}")
    return done.stdout.strip()


def _succeeds(args: Sequence[str], cwd: str | None) -> bool:
    try:
        _git(args, cwd)
    except GitError:
        return False
    return True


def _has_commit(rev: str, cwd: str | None) -> bool:
    return _succeeds(["cat-file", "-e", f"{rev}^{{commit}}"], cwd)


def _merge_base(base: str, cwd: str | None) -> str | None:
    try:
        return _git(["merge-base", base, "HEAD"], cwd) or None
    except GitError:
        return None


def _unusable(base: str | None, reason: str) -> BaseCheck:
    return BaseCheck(base, warning=f"{reason}; checked all lines")


def ensure_base(
    base: str,
    cwd: str | None = None,
    remote: str = "origin",
    deepen_steps: Sequence[int] = DEEPEN_STEPS,
) -> BaseCheck:
    """Fetch what is missing for ``base`` and ``HEAD`` to have a merge base; say why not."""
    base = base.strip()
    if not _COMMIT_ID.fullmatch(base):
        return _unusable(None, f"the base {base[:80]!r} is not a commit id")
    try:
        shallow = _git(["rev-parse", "--is-shallow-repository"], cwd) == "true"
    except GitError as error:
        return _unusable(None, f"not a git repository ({error})")
    fetch = ["fetch", "--quiet", "--no-tags", "--no-recurse-submodules"]
    if not _has_commit(base, cwd):
        try:
            _git([*fetch, *(["--depth=1"] if shallow else []), remote, base], cwd)
        except GitError as error:
            return _unusable(None, f"cannot fetch the base commit {base[:12]} ({error})")
    merge_base = _merge_base(base, cwd)
    for step in deepen_steps if shallow else ():
        if merge_base is not None:
            break
        try:
            _git([*fetch, f"--deepen={step}", remote, base], cwd)
        except GitError as error:
            return _unusable(base, f"cannot deepen the clone to find the merge base ({error})")
        merge_base = _merge_base(base, cwd)
    if merge_base is None:
        reach = f" within {sum(deepen_steps):,} commits" if shallow else ""
        return _unusable(
            base, f"the base commit {base[:12]} and HEAD have no common history{reach}"
        )
    return BaseCheck(base, merge_base)


def _escape(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF escaped so the text stays one message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def run(env: Mapping[str, str], out) -> BaseCheck | None:
    """The Action's step: print a warning when the base cannot be used; write ``base=``."""
    base = env.get("TUNELINT_BASE_SHA", "").strip()
    check = ensure_base(base) if base else None
    if check is not None and check.warning:
        out.write(f"::warning title=tunelint::{_escape(check.warning)}\n")
    output = env.get("GITHUB_OUTPUT")
    if output:
        with open(output, "a", encoding="utf-8") as handle:
            handle.write(f"base={check.base if check and check.usable else ''}\n")
    return check


if __name__ == "__main__":
    run(os.environ, sys.stdout)
