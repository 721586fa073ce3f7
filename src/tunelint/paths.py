"""Expand the command line's files, directories and globs into the files to check.

Nothing is opened here, and what would not be safe to read is named in ``errors`` and left
out: FIFOs, sockets and devices (opening a FIFO blocks), and symlinks that resolve outside
the root being checked (the current directory by default; the repository in the Action), so
``data.jsonl -> /etc/shadow`` in a pull request is never read. An argument outside the root
is taken as named, and what is found below it must stay inside it. Directories are walked
without recursion (a tree of any depth), following symlinked directories inside the
boundary once each (no loops); hidden directories are skipped, as globs skip hidden names.
"""

from __future__ import annotations

import glob
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from tunelint.escape import terminal

JSONL_SUFFIX = ".jsonl"
SPECIAL_FILE = "is not a regular file (a FIFO, socket or device)"
PARQUET_SUFFIX = ".parquet"
CHECKED_SUFFIXES = (JSONL_SUFFIX, PARQUET_SUFFIX)
"""What a directory or a glob of directories is searched for."""


@dataclass
class Expansion:
    """The files to check, and a message (names escaped for display) for each argument or
    found path that gives nothing to check."""

    files: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Entry:
    path: str
    is_dir: bool
    outside: bool
    """A symlink resolving outside the boundary: reported if wanted, never followed."""


def readable_file_error(path: str) -> str | None:
    """Why ``path`` cannot be checked as a file, or None. Never opens it (FIFOs never block)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        return error.strerror or str(error)
    if stat.S_ISDIR(mode):
        return "is a directory"
    if not stat.S_ISREG(mode):
        return SPECIAL_FILE
    if not os.access(path, os.R_OK):
        return "permission denied"
    return None


def _is_directory(entry: os.DirEntry[str]) -> bool:
    """Whether ``entry`` is, or links to, a directory; a symlink loop or an unreadable
    target is not (it is then reported as the file it names, by ``readable_file_error``)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _within(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


_ANY_DIRECTORIES = r"(?:(?!\.)[^/]+/)*"


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A regex for a ``**`` glob over ``/``-joined relative paths, as ``glob`` matches them:
    ``**`` spans directories, ``*`` and ``?`` stay within a name, and no wildcard matches
    a name starting with a dot."""
    regex = ""
    for segment in pattern.split("/"):
        if segment == "**":
            regex += _ANY_DIRECTORIES
            continue
        if segment[:1] in ("*", "?", "["):
            regex += r"(?!\.)"
        for token in re.findall(r"\[!?\]?[^\]]*\]|\*|\?|[^*?\[]+|\[", segment):
            if token == "*":
                regex += "[^/]*"
            elif token == "?":
                regex += "[^/]"
            elif len(token) > 2 and token.startswith("[") and token.endswith("]"):
                regex += "[^" + token[2:-1] + "]" if token[1] == "!" else token
            else:
                regex += re.escape(token)
        regex += "/"
    if regex.endswith(_ANY_DIRECTORIES):  # a trailing ``**`` also matches the last name
        return re.compile(regex + r"(?:(?!\.)[^/]+)?\Z")
    return re.compile(regex[:-1] + r"\Z")


def _split_glob(pattern: str) -> tuple[str, str]:
    """(the directory a glob starts from: its leading parts without a wildcard, the rest)."""
    parts = pattern.split("/")
    fixed = next(i for i, part in enumerate(parts) if glob.has_magic(part))
    base = "/".join(parts[:fixed]) or ("/" if pattern.startswith("/") else ".")
    return base, "/".join(parts[fixed:])


class _Expander:
    def __init__(self, ignored: Callable[[str], bool], root: str) -> None:
        self.ignored = ignored
        self.root = os.path.realpath(root)
        self.lexical_root = os.path.abspath(root)
        self.result = Expansion()
        self.seen: set[str] = set()

    def error(self, path: str, problem: str) -> None:
        self.result.errors.append(f"{terminal(path)}: {problem}")

    def first_time(self, path: str) -> bool:
        """Whether ``path`` (by its directory's real path: one file reached through a
        symlinked directory too is taken once) was not taken or reported yet."""
        key = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def outside(self, path: str, boundary: str) -> None:
        if self.first_time(path):
            target = terminal(os.path.realpath(path))
            self.error(path, f"is a symlink to {target}, outside {terminal(boundary)}; not read")

    def add(self, path: str) -> None:
        if not self.first_time(path):
            return
        problem = readable_file_error(path)  # first: ``ignored`` resolves the path
        if problem:
            self.error(path, problem)
        elif not self.ignored(path):
            self.result.files.append(path)

    def boundary(self, directory: str) -> str:
        """What a path named by the user (or a glob's fixed start) may resolve inside."""
        if _within(os.path.abspath(directory), self.lexical_root):
            return self.root
        return os.path.realpath(directory)

    def entries(self, directory: str, boundary: str) -> Iterator[_Entry]:
        """Everything below ``directory`` in name order, depth first, without recursion."""
        stack, visited = [directory], set()
        while stack:
            current = stack.pop()
            try:
                identity = os.stat(current)
                with os.scandir(current) as scan:
                    found = sorted(scan, key=lambda e: e.name)
            except OSError as error:
                self.error(current, error.strerror or str(error))
                continue
            if (identity.st_dev, identity.st_ino) in visited:
                continue  # reached again through a symlink
            visited.add((identity.st_dev, identity.st_ino))
            below = []
            for entry in found:
                outside = entry.is_symlink() and not _within(os.path.realpath(entry.path), boundary)
                is_dir = _is_directory(entry) and not entry.name.startswith(".")
                yield _Entry(entry.path, is_dir, outside)
                if is_dir and not outside:
                    below.append(entry.path)
            stack.extend(reversed(below))

    def walk(self, directory: str, boundary: str) -> int:
        """Add the ``.jsonl`` files below ``directory``; how many it named (added or not)."""
        count = 0
        for entry in self.entries(directory, boundary):
            if entry.outside and (entry.is_dir or entry.path.endswith(CHECKED_SUFFIXES)):
                self.outside(entry.path, boundary)
            elif entry.path.endswith(CHECKED_SUFFIXES) and not entry.is_dir:
                self.add(entry.path)
            else:
                continue
            count += 1
        return count

    def take(self, path: str, boundary: str | None) -> int:
        """Add a named or matched path (a directory: its files); how many files it gave."""
        if boundary is not None and not _within(os.path.realpath(path), boundary):
            self.outside(path, boundary)
            return 1
        if os.path.isdir(path):
            return self.walk(path, boundary or os.path.realpath(path))
        self.add(path)
        return 1

    def matches(self, pattern: str) -> list[str]:
        """The paths a glob matches; ``**`` patterns by an iterative walk (glob recurses)."""
        if "**" not in pattern:
            return sorted(glob.glob(pattern))
        base, rest = _split_glob(pattern)
        if not os.path.isdir(base):
            return []
        regex = _glob_regex(rest)
        found = []
        for entry in self.entries(base, self.boundary(base)):
            relative = os.path.relpath(entry.path, base).replace(os.sep, "/")
            if regex.match(relative):  # named as glob names it: "./" only if the pattern has it
                found.append(entry.path if pattern.startswith(base) else relative)
        return sorted(found)

    def expand(self, argument: str) -> None:
        if os.path.lexists(argument):
            inside = _within(os.path.abspath(argument), self.lexical_root)
            if not self.take(argument, self.root if inside else None):  # an empty directory
                self.error(argument, f"directory holds no {JSONL_SUFFIX} file")
        elif glob.has_magic(argument):
            boundary = self.boundary(_split_glob(argument)[0])
            if not sum(self.take(match, boundary) for match in self.matches(argument)):
                self.error(argument, "no file matches")
        else:
            self.error(argument, "no such file or directory")


def expand(arguments: list[str], ignored: Callable[[str], bool], root: str = ".") -> Expansion:
    """Files to check, in command-line order without repeats (by real path), and what could
    not be used.

    ``root`` bounds symlinks: one that resolves outside it (or, for an argument outside it,
    outside that argument) is reported and not read.
    """
    expander = _Expander(ignored, root)
    for argument in arguments:
        expander.expand(argument)
    return expander.result
