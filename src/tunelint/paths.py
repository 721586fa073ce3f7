"""Expand the command line's files, directories and globs into the files to check."""

from __future__ import annotations

import glob
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field

JSONL_SUFFIX = ".jsonl"
PARQUET_SUFFIX = ".parquet"
CHECKED_SUFFIXES = (JSONL_SUFFIX, PARQUET_SUFFIX)
"""What a directory or a glob of directories is searched for."""


@dataclass
class Expansion:
    files: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _walk(directory: str) -> list[str]:
    found = []
    for root, dirs, names in os.walk(directory, onerror=None, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [os.path.join(root, n) for n in sorted(names) if n.endswith(CHECKED_SUFFIXES)]
    return found


def readable_file_error(path: str) -> str | None:
    """Why ``path`` cannot be checked as a file, or None. Never opens it (FIFOs never block)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        return error.strerror or str(error)
    if stat.S_ISDIR(mode):
        return "is a directory"
    if not stat.S_ISREG(mode):
        return "is not a regular file (a FIFO, socket or device)"
    if not os.access(path, os.R_OK):
        return "permission denied"
    return None


def expand(arguments: list[str], ignored: Callable[[str], bool]) -> Expansion:
    """Files to check, in command-line order without repeats, and what could not be used."""
    result = Expansion()
    seen: set[str] = set()

    def add(path: str) -> None:
        key = os.path.normpath(path)
        if key not in seen and not ignored(path):
            seen.add(key)
            result.files.append(path)

    for argument in arguments:
        if os.path.isdir(argument):
            found = _walk(argument)
            if not found:
                result.errors.append(f"{argument}: directory holds no {JSONL_SUFFIX} file")
            for path in found:
                add(path)
        elif os.path.lexists(argument):
            problem = readable_file_error(argument)
            if problem:
                result.errors.append(f"{argument}: {problem}")
            else:
                add(argument)
        elif glob.has_magic(argument):
            matches = sorted(glob.glob(argument, recursive=True))
            files = [m for m in matches if os.path.isfile(m)]
            for match in matches:
                if os.path.isdir(match):
                    files += _walk(match)
            if not files:
                result.errors.append(f"{argument}: no file matches")
            for path in files:
                add(path)
        else:
            result.errors.append(f"{argument}: no such file or directory")
    return result
