"""A baseline: the findings a team accepted when it adopted tunelint, so only new ones count.

A finding is matched by file, rule id, JSON path and the hash of its example
(``tunelint.fingerprint``), never by line number: inserting, deleting or reordering lines
leaves every entry matching, and changing an example (fixing it) drops its entry. A finding
about the file as a whole (too few examples, its size) is matched by file, rule and path
alone, so adding an example leaves it matching. Equal keys are counted, so a second
identical finding in the same file is new.

The file is JSON with one entry per line, sorted, so a pull request shows what was accepted::

    {
      "tool": "tunelint",
      "version": 1,
      "findings": [
        {"file": "data/train.jsonl", "rule": "missing_content", "path": "messages[2].content",
         "hash": "1f0e...", "count": 1, "message": "..."}
      ]
    }

File names are relative to the baseline's directory (POSIX separators). ``message`` is for
the reviewer; it is not matched.

A baseline is read only from a regular file of at most ``MAX_BYTES`` (a FIFO, a device or a
huge file is an error at once), and ``write_baseline`` writes only a regular file: never
through a symbolic link, never over one of the files being checked or over a file that is
not a baseline, never outside the config's directory for a name the config gave, and
atomically (a temporary file in the same directory, then one rename).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import stat
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tunelint.diagnostics import Diagnostic
from tunelint.escape import json_visible
from tunelint.fingerprint import example_hash, text_hash
from tunelint.reader import FileNotText, read_lines, read_records
from tunelint.results import FileResult

VERSION = 1
MAX_BYTES = 64 * 1024 * 1024
"""The largest baseline read (about 200,000 findings)."""
_MARK = b'"tool": "tunelint"'
_MARK_WITHIN = 4096
Key = tuple[str, str, str, str]
"""(file relative to the baseline, rule id, JSON path, example hash or "")."""
_KEY_FIELDS = ("file", "rule", "path", "hash")


class BaselineError(Exception):
    """A baseline file that cannot be read; the message names it."""


@functools.cache
def about_file() -> frozenset[str]:
    """The ids of the rules whose findings are about a file as a whole, not one example:
    they are keyed without an example hash, so adding an example to a file with too few
    keeps its ``too_few_examples`` entry matching."""
    from tunelint.rules import all_rules

    return frozenset(rule_id for rule_id, rule in all_rules().items() if rule.about_file)


def complete_hashes(result: FileResult) -> dict[int, str]:
    """The example hash of every line with a finding about an example.

    The engine hashes the lines whose findings it places while reading; findings placed
    after the whole file was read (dataset rules) are hashed here, re-reading the file once.
    """
    hashes = result.example_hashes
    per_example = (d for d in result.diagnostics if d.rule not in about_file())
    wanted = {d.line for d in per_example} - hashes.keys()
    if not wanted or not os.path.isfile(result.path):
        return hashes
    last = max(wanted)
    try:
        with open(result.path, "rb") as handle:
            for record in read_records(read_lines(handle)):
                if record.line in wanted:
                    if record.parsed:
                        hashes[record.line] = example_hash(record.value)
                    elif record.text is not None:
                        hashes[record.line] = text_hash(record.text)
                if record.line >= last:
                    break
    except (OSError, FileNotText):
        pass  # the file-level finding keeps an empty hash: matched by file, rule and path
    return hashes


def file_key(path: str, base: Path) -> str:
    """``path`` relative to ``base`` (the baseline's directory), with ``/`` separators."""
    absolute = Path(path).resolve()
    try:
        return absolute.relative_to(base.resolve()).as_posix()
    except ValueError:
        return Path(os.path.relpath(absolute, base.resolve())).as_posix()


def keys_of(result: FileResult, base: Path) -> list[tuple[Diagnostic, Key]]:
    """Each diagnostic of ``result`` with its baseline key."""
    hashes = complete_hashes(result)
    name = file_key(result.path, base)
    return [
        (d, finding_key(name, d.rule, d.path, hashes.get(d.line, ""))) for d in result.diagnostics
    ]


def finding_key(file: str, rule: str, path: str, example_hash: str) -> Key:
    """The baseline key of a finding; a finding about the file as a whole has no hash (so
    the entries of baselines written with one still match)."""
    return (file, rule, path, "" if rule in about_file() else example_hash)


@dataclass
class Baseline:
    """The accepted findings, counted by key; ``match`` consumes them file by file."""

    path: Path
    entries: Counter[Key] = field(default_factory=Counter)
    messages: dict[Key, str] = field(default_factory=dict)
    checked: set[str] = field(default_factory=set)

    @property
    def base(self) -> Path:
        return self.path.parent

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Baseline:
        path = Path(path)
        try:
            data = json.loads(read_regular(path, MAX_BYTES).decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise BaselineError(f"{path}: baseline is not valid JSON: {error}") from None
        except RecursionError:
            raise BaselineError(f"{path}: baseline is not valid JSON: nested too deeply") from None
        findings = data.get("findings") if isinstance(data, dict) else None
        if not isinstance(findings, list) or data.get("version") != VERSION:
            raise BaselineError(
                f"{path}: not a tunelint baseline (version {VERSION} with a 'findings' list);"
                " write one with --write-baseline"
            )
        baseline = cls(path)
        for index, entry in enumerate(findings):
            if not isinstance(entry, dict) or not all(
                isinstance(entry.get(name), str) for name in _KEY_FIELDS
            ):
                raise BaselineError(f"{path}: finding {index + 1} lacks file, rule, path or hash")
            count = entry.get("count", 1)
            if type(count) is not int or count < 1:
                raise BaselineError(
                    f"{path}: finding {index + 1} has a count that is not a whole number >= 1"
                )
            entry_key = finding_key(*(entry[name] for name in _KEY_FIELDS))
            baseline.entries[entry_key] += count
            baseline.messages[entry_key] = str(entry.get("message", ""))
        return baseline

    def match(self, result: FileResult) -> list[Diagnostic]:
        """Remove the baselined findings from ``result``; return them."""
        self.checked.add(file_key(result.path, self.base))
        kept, accepted = [], []
        for diagnostic, key in keys_of(result, self.base):
            if self.entries[key] > 0:
                self.entries[key] -= 1
                accepted.append(diagnostic)
            else:
                kept.append(diagnostic)
        result.diagnostics = kept
        return accepted

    def stale(self) -> int:
        """How many entries of the files checked so far matched no finding."""
        return sum(n for key, n in self.entries.items() if key[0] in self.checked and n > 0)


def render(entries: Counter[Key], messages: dict[Key, str]) -> str:
    """The baseline file's text: stable, sorted, one finding per line."""
    lines = [
        json_visible(
            json.dumps(
                {
                    "file": key[0],
                    "rule": key[1],
                    "path": key[2],
                    "hash": key[3],
                    "count": entries[key],
                    "message": messages.get(key, ""),
                },
                ensure_ascii=False,
            )
        )
        for key in sorted(k for k, n in entries.items() if n > 0)
    ]
    body = ",\n    ".join(lines)
    findings = f"[\n    {body}\n  ]" if lines else "[]"
    return f'{{\n  "tool": "tunelint",\n  "version": {VERSION},\n  "findings": {findings}\n}}\n'


def build(
    results: Iterable[FileResult], path: Path, previous: Baseline | None = None
) -> tuple[str, int]:
    """The text of a baseline of ``results`` and its number of findings.

    Entries of ``previous`` for files not in ``results`` that still exist are kept, so
    writing a baseline from a run over some of the files does not forget the others.
    """
    base = path.parent
    entries: Counter[Key] = Counter()
    messages: dict[Key, str] = {}
    checked = set()
    for result in results:
        checked.add(file_key(result.path, base))
        for diagnostic, key in keys_of(result, base):
            entries[key] += 1
            messages[key] = diagnostic.message
    if previous is not None:
        for key, count in previous.entries.items():
            if key[0] not in checked and (base / key[0]).is_file():
                entries[key] += count
                messages[key] = previous.messages.get(key, "")
    return render(entries, messages), sum(entries.values())


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    Opened without blocking (a FIFO never hangs) and checked with ``fstat`` before any read;
    at most ``limit + 1`` bytes are read, so a file that grows meanwhile is still refused.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise BaselineError(f"{path}: cannot read baseline: {error.strerror}") from None
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        raise BaselineError(f"{path}: baseline is not a regular file")
    with os.fdopen(descriptor, "rb") as handle:
        data = handle.read(limit + 1) if info.st_size <= limit else b""
        if info.st_size > limit or len(data) > limit:
            raise BaselineError(
                f"{path}: baseline is larger than {limit // (1024 * 1024)} MiB; not read"
            )
    return data


def _same_file(info: os.stat_result, paths: Iterable[str]) -> str | None:
    """The first of ``paths`` that is the file ``info`` describes."""
    for name in paths:
        with contextlib.suppress(OSError):
            other = os.stat(name)
            if (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino):
                return name
    return None


def _refusal(path: Path, checked: Iterable[str], root: Path | None) -> str | None:
    """Why ``path`` must not be written, or None."""
    if root is not None:
        where = Path(os.path.realpath(path))
        if not where.is_relative_to(Path(os.path.realpath(root))):
            return f"the config's baseline must be inside {root} (it resolves to {where})"
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        return error.strerror
    if stat.S_ISLNK(info.st_mode):
        return "it is a symbolic link; a baseline is written only to a regular file"
    if not stat.S_ISREG(info.st_mode):
        return "it is not a regular file"
    same = _same_file(info, checked)
    if same is not None:
        return f"it is {same}, one of the files being checked"
    with open(path, "rb") as handle:
        head = handle.read(_MARK_WITHIN)
    if head.strip() and _MARK not in head:
        return "it exists and is not a tunelint baseline (delete it to replace it)"
    return None


def _new_file_mode() -> int:
    """The mode a new file gets under the process's umask."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def write_baseline(
    path: str | os.PathLike[str], text: str, checked: Iterable[str], root: Path | None = None
) -> Path:
    """Write ``text`` to ``path`` atomically, unless it is unsafe: then raise BaselineError.

    ``checked`` are the files of the run (a baseline never replaces one of them); ``root``
    is the config's directory when the config named the baseline (it must stay inside).
    An existing baseline keeps its mode; a new one gets the umask's.
    """
    path = Path(path)
    checked = list(checked)
    reason = _refusal(path, checked, root)
    if reason is not None:
        raise BaselineError(f"{path}: cannot write baseline: {reason}")
    directory = path.parent
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode) if path.exists() else _new_file_mode()
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.")
    except OSError as error:
        raise BaselineError(f"{path}: cannot write baseline: {error.strerror}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise BaselineError(f"{path}: cannot write baseline: {error.strerror}") from None
    return path
