"""Which found files are left out: ``--exclude`` / ``extend-exclude`` globs and, as ruff does
when it walks directories, the patterns of ``.gitignore`` files (matched with ``pathspec``,
git's own wildmatch rules, rather than by hand).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

GITIGNORE_BYTES_CAP = 1024 * 1024
"""A .gitignore larger than this is not read (a hostile tree cannot make it cost)."""


@lru_cache(maxsize=1024)
def _gitignore(directory: str):
    """The compiled patterns of ``directory/.gitignore`` (None where there is none)."""
    path = os.path.join(directory, ".gitignore")
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > GITIGNORE_BYTES_CAP:
            return None
        import pathspec  # only for a .gitignore: it costs 35 ms to import

        with open(path, encoding="utf-8", errors="replace") as handle:
            return pathspec.GitIgnoreSpec.from_lines(handle)
    except OSError:
        return None


def repository_root(start: Path) -> Path | None:
    """The nearest directory from ``start`` up that holds ``.git``, if any."""
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def gitignored(path: str) -> bool:
    """Whether a .gitignore of the repository holding ``path`` ignores it (outside a git
    repository: nothing is ignored)."""
    absolute = Path(os.path.abspath(path))
    root = repository_root(absolute.parent)
    if root is None:
        return False
    directory, ignored = root, False
    for part in absolute.relative_to(root).parts:
        spec = _gitignore(str(directory))
        if spec is not None:
            relative = absolute.relative_to(directory).as_posix()
            result = spec.check_file(relative)
            if result.include is not None:
                ignored = result.include
        directory = directory / part
    return ignored


def exclusions(
    patterns: list[str], respect_gitignore: bool, also: Callable[[str], bool]
) -> Callable[[str], bool]:
    """A predicate: ``path`` is excluded by ``patterns`` (gitignore-style globs, relative to
    the current directory), by .gitignore when ``respect_gitignore``, or by ``also``."""
    spec = None
    if patterns:
        import pathspec  # only when there are patterns: it costs 35 ms to import

        spec = pathspec.GitIgnoreSpec.from_lines(patterns)

    def excluded(path: str) -> bool:
        if also(path):
            return True
        if spec is not None and spec.match_file(os.path.relpath(path)):
            return True
        return respect_gitignore and gitignored(path)

    return excluded
