"""``tunelint fix``: rewrite what is mechanical and safe, and say what changed, per line.

Always: strip a UTF-8 byte-order mark (add one instead under a profile that requires it), CRLF to LF, remove blank lines, add the final newline,
rewrite a JSON array (pretty-printed or not) as one example per line, join a run of lines that
together form one pretty-printed example back into one line, and turn
``tool_calls[].function.arguments`` (and the legacy ``function_call.arguments``) given as an
object into the JSON string the format wants. With flags: drop exact duplicate examples
(``--drop-duplicates``), strip leading and trailing whitespace of message content
(``--strip-whitespace``).

What is not changed stays byte for byte. An example that is rewritten is serialized with
``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``: the compact form, keys in
their order, unicode as is (a lone surrogate, which UTF-8 cannot hold, is written as a
``\\u`` escape). The examples read back with ``json.loads`` are the same, in the same order,
except what the flags drop; stringified arguments read back as the same object.

The file is streamed; only a file that starts like a JSON array is held in memory (up to the
reader's document limit). A fix holds an advisory lock on the file (``flock``; a second fix
of the same file waits, then works on the first one's result), writes to a synced temporary
file in the same directory, checks that the original was not written to or replaced
meanwhile (same device, inode, size and mtime: lines appended while it ran are never lost),
and replaces it with one atomic rename, keeping its mode, owner and group: a fix that is
interrupted or finds the file changed leaves the original as it was. A symbolic link or a
file with other hard links is refused unless forced; then the checked temporary copy is
written into the file in place, so every link keeps pointing at the fixed file. A symbolic
link that leads out of the tree is never read. A file with problems fix cannot repair (bytes that are not
UTF-8, a line that is not JSON) is left alone unless ``force`` is given.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import shutil
import stat
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO, TextIO

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; the identity check before the rename stays
    fcntl = None  # type: ignore[assignment]

from tunelint.diagnostics import format_path
from tunelint.fingerprint import example_digest
from tunelint.reader import BOM, buffer_document, parse_json, sniff_binary

COMPACT = (",", ":")
MAX_JOIN_LINES = 10_000
"""The longest run of lines joined into one pretty-printed example."""
LOCK_TIMEOUT = 60.0
"""Seconds a fix waits for another process's lock on the same file before it gives up."""
LOCK_POLL = 0.05
LOCK_ATTEMPTS = 10
"""How often a file replaced while a fix waited for its lock is opened again."""


@dataclass(frozen=True)
class Change:
    """One thing fix did (or could not do) at a line of the original file."""

    line: int
    message: str


@dataclass(frozen=True)
class FixOptions:
    drop_duplicates: bool = False
    strip_whitespace: bool = False
    bom: bool = False
    """Keep, or add, a UTF-8 byte-order mark: the profile requires one (Azure OpenAI)."""


@dataclass(frozen=True)
class _Line:
    number: int
    content: bytes
    newline: bool


def serialize(value: Any) -> bytes:
    """One example as one compact line (without the newline)."""
    text = json.dumps(value, ensure_ascii=False, separators=COMPACT)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: escape them instead of writing bad UTF-8
        return json.dumps(value, separators=COMPACT).encode("ascii")


def _messages(example: dict) -> Iterator[tuple[int, dict]]:
    """(index, message) of every message object of a chat example."""
    listed = example.get("messages")
    if isinstance(listed, list):
        yield from ((i, m) for i, m in enumerate(listed) if isinstance(m, dict))


def _stringify_arguments(example: dict) -> Iterator[str]:
    """Turn arguments given as an object into a JSON string; yield each path changed."""
    for index, message in _messages(example):
        calls = message.get("tool_calls")
        functions: list[tuple[tuple, Any]] = [(("function_call",), message.get("function_call"))]
        if isinstance(calls, list):
            functions += [
                (("tool_calls", n, "function"), call.get("function"))
                for n, call in enumerate(calls)
                if isinstance(call, dict)
            ]
        for path, function in functions:
            if isinstance(function, dict) and isinstance(function.get("arguments"), dict):
                function["arguments"] = json.dumps(function["arguments"], ensure_ascii=False)
                yield format_path(("messages", index, *path, "arguments"))


def _strip_content(example: dict) -> Iterator[str]:
    """Strip whitespace around message content and text parts; yield each path changed."""
    for index, message in _messages(example):
        content = message.get("content")
        if isinstance(content, str) and content != content.strip():
            message["content"] = content.strip()
            yield format_path(("messages", index, "content"))
        elif isinstance(content, list):
            for n, part in enumerate(content):
                text = part.get("text") if isinstance(part, dict) else None
                if isinstance(text, str) and text != text.strip():
                    part["text"] = text.strip()
                    yield format_path(("messages", index, "content", n, "text"))


@dataclass
class Fixer:
    """Turns the raw lines of one file into the fixed lines, recording every change."""

    options: FixOptions = field(default_factory=FixOptions)
    changes: list[Change] = field(default_factory=list)
    unfixable: list[Change] = field(default_factory=list)
    crlf: int = 0
    _seen: dict[bytes, int] = field(default_factory=dict)
    _text: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.changes or self.crlf)

    def run(self, lines: Iterable[bytes]) -> Iterator[bytes]:
        """Yield the fixed file as lines, each ending in ``\\n``."""
        fixed = self._run(lines)
        first = next(fixed, None)
        if first is not None:
            yield BOM + first if self._text and self.options.bom else first
            yield from fixed

    def _run(self, lines: Iterable[bytes]) -> Iterator[bytes]:
        rest = iter(lines)
        first = next(rest, None)
        if first is None:
            return
        binary = sniff_binary(first)
        if binary is not None:
            self.unfixable.append(Change(1, binary.message))
            yield first
            yield from rest
            return
        self._text = True
        if first.startswith(BOM):
            first = first[len(BOM) :]
            if not self.options.bom:
                self.changes.append(Change(1, "removed the UTF-8 byte-order mark"))
        elif self.options.bom:
            self.changes.append(Change(1, "added the UTF-8 byte-order mark the profile requires"))
        if first.lstrip().startswith(b"["):
            yield from self._document(first, rest)
        else:
            yield from self._lines(_split([first], rest))

    def _document(self, first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
        """A file that is one JSON array: one line per item. Otherwise, line by line."""
        buffered, whole = buffer_document(first, rest)
        if whole:
            try:
                document, error = parse_json(b"".join(buffered).decode("utf-8"))
            except UnicodeDecodeError:
                document, error = None, None
            if error is None and isinstance(document, list):
                self.changes.append(
                    Change(
                        1,
                        f"rewrote a JSON array of {len(document):,} items over"
                        f" {len(buffered):,} lines as one example per line",
                    )
                )
                for item in document:
                    yield from self._example(item, 1, None)
                return
        yield from self._lines(_split(buffered, rest))

    def _lines(self, lines: Iterator[_Line]) -> Iterator[bytes]:
        pending: deque[_Line] = deque()

        def next_line() -> _Line | None:
            return pending.popleft() if pending else next(lines, None)

        while (line := next_line()) is not None:
            if line.content.endswith(b"\r"):
                line = _Line(line.number, line.content[:-1], line.newline)
                self.crlf += 1
            try:
                text = line.content.decode("utf-8")
            except UnicodeDecodeError:
                self.unfixable.append(Change(line.number, "bytes that are not UTF-8"))
                yield line.content + b"\n"
                continue
            if not text.strip():
                self.changes.append(Change(line.number, "removed a blank line"))
                continue
            value, error = parse_json(text)
            last = line
            if error is not None and text.lstrip().startswith("{"):
                value, last = self._join(line, text, next_line, pending)
            if not last.newline:
                self.changes.append(Change(last.number, "added the final newline"))
            if last is line and error is not None:
                self.unfixable.append(Change(line.number, error.message))
                yield line.content + b"\n"
            else:
                original = line.content if error is None else None
                yield from self._example(value, line.number, original)

    def _join(self, start: _Line, text: str, next_line, pending: deque[_Line]) -> tuple[Any, _Line]:
        """Join the lines from ``start`` that form one pretty-printed example.

        The run ends at the first point where the joined text parses; it fails at the end of
        the file, at bytes that are not UTF-8, at a line starting with ``{`` in column 1 (the
        next example) or after ``MAX_JOIN_LINES``, and then every line is read again as is.
        """
        run, texts = [start], [text]
        while len(run) < MAX_JOIN_LINES:
            line = next_line()
            if line is None:
                break
            try:
                more = line.content.rstrip(b"\r").decode("utf-8")
            except UnicodeDecodeError:
                pending.appendleft(line)
                break
            if more.startswith("{"):
                pending.appendleft(line)
                break
            run.append(line)
            texts.append(more)
            if more.rstrip().endswith("}"):
                value, error = parse_json("\n".join(texts))
                if error is None:
                    self.changes.append(
                        Change(
                            start.number,
                            f"joined lines {start.number}-{line.number}"
                            " (one pretty-printed example) into one line",
                        )
                    )
                    return value, line
        pending.extendleft(reversed(run[1:]))
        return None, start

    def _example(self, value: Any, line: int, original: bytes | None) -> Iterator[bytes]:
        """Apply the per-example fixes; yield the line unless it is a dropped duplicate."""
        changed = original is None
        if isinstance(value, dict):
            for path in _stringify_arguments(value):
                self.changes.append(Change(line, f"{path}: object turned into a JSON string"))
                changed = True
            if self.options.strip_whitespace:
                for path in _strip_content(value):
                    self.changes.append(Change(line, f"{path}: stripped surrounding whitespace"))
                    changed = True
        if self.options.drop_duplicates:
            digest = example_digest(value)
            if digest in self._seen:
                self.changes.append(
                    Change(line, f"dropped a duplicate of the example at line {self._seen[digest]}")
                )
                return
            self._seen[digest] = line
        yield (serialize(value) if changed else original) + b"\n"


def _split(head: list[bytes], rest: Iterator[bytes]) -> Iterator[_Line]:
    """Number raw lines and take off their newline (counting CRLFs is the fixer's job)."""
    number = 0
    for source in (head, rest):
        for raw in source:
            number += 1
            newline = raw.endswith(b"\n")
            yield _Line(number, raw[:-1] if newline else raw, newline)


@dataclass
class FileFix:
    """What fixing one file found and did."""

    path: str
    fixer: Fixer
    force: bool = False
    written: bool = False
    diff: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        """The file has problems fix cannot repair, and ``force`` was not given."""
        return bool(self.fixer.unfixable) and not self.force


class FixRefused(Exception):
    """The file must not be rewritten as asked; the message says why and leaves it as it was."""


@dataclass(frozen=True)
class _Identity:
    """What must not change between reading a file and replacing it."""

    device: int
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, info: os.stat_result) -> _Identity:
        return cls(info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def _inside(path: str, directory: str) -> bool:
    return os.path.commonpath([path, directory]) == directory


def _check_inside(path: str, root: str | os.PathLike[str] | None) -> str:
    """The file ``path`` names; refused when a name inside ``root`` (default: the current
    directory) leads out of it through a symbolic link. A file named outside the tree is the
    user's choice, even through links (``/var`` is a link to ``/private/var`` on macOS)."""
    target = os.path.realpath(path)
    tree = os.path.abspath(root if root is not None else os.getcwd())
    real_tree = os.path.realpath(tree)
    if _inside(target, real_tree):
        return target
    named = os.path.abspath(path)
    if _inside(named, tree) or _inside(named, real_tree):
        raise FixRefused(f"a symbolic link to {target}, outside {real_tree}; not read")
    return target


def _links(path: str, info: os.stat_result) -> str | None:
    """How the file is shared with other names (a symlink, hard links), or None."""
    if os.path.islink(path):
        return "a symbolic link"
    if info.st_nlink > 1:
        return f"one of {info.st_nlink} hard links to the same file"
    return None


def _open_regular(path: str) -> BinaryIO:
    """``path`` opened for reading if it is a regular file (a FIFO is refused, never waited on)."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise FixRefused("not a regular file")
    return os.fdopen(descriptor, "rb")


def _wait_for_lock(handle: BinaryIO, timeout: float, on_wait: Callable[[], None]) -> None:
    """Take the advisory lock on the open file, waiting up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    waited = False
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise FixRefused(
                    f"another process (another tunelint fix?) held its lock for {timeout:g} s;"
                    " left as it was"
                ) from None
            if not waited:
                on_wait()
                waited = True
            time.sleep(LOCK_POLL)


@contextlib.contextmanager
def _locked(path: str, timeout: float, on_wait: Callable[[], None]) -> Iterator[BinaryIO]:
    """The file open for reading under its advisory lock, still the file ``path`` names.

    A fix that waited may find the name now holds a new file (the other fix's result): that
    one is opened and locked instead, so the second fix works on the first one's output.
    """
    for _ in range(LOCK_ATTEMPTS):
        with _open_regular(path) as handle:
            if fcntl is not None:
                _wait_for_lock(handle, timeout, on_wait)
            held = os.fstat(handle.fileno())
            if (held.st_dev, held.st_ino) == _device_inode(path):
                yield handle
                return
    raise FixRefused("kept being replaced while waiting for its lock; left as it was")


def _device_inode(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _verify_unchanged(path: str, handle: BinaryIO, before: _Identity) -> None:
    """Refuse to replace a file that was written to (or replaced) since it was opened."""
    try:
        now = _Identity.of(os.stat(path))
    except OSError:
        now = None
    if handle.read(1) or now != before or _Identity.of(os.fstat(handle.fileno())) != before:
        raise FixRefused("changed while it was being fixed; left as it was (run fix again)")


def _copy_in_place(temporary: str, target: str, before: _Identity) -> None:
    """Write the checked temporary copy over the file itself (same inode: links and owner kept).

    Not atomic: if writing fails, the error names the temporary copy, which holds the fixed file.
    """
    descriptor = os.open(target, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(descriptor, "wb") as out:
        info = os.fstat(descriptor)
        if (info.st_dev, info.st_ino) != (before.device, before.inode):
            raise FixRefused("replaced while it was being fixed; left as it was")
        try:
            with open(temporary, "rb") as fixed:
                shutil.copyfileobj(fixed, out, 1 << 20)
            out.truncate()
            out.flush()
            os.fsync(out.fileno())
        except OSError as error:
            message = f"{error.strerror}; the fixed file is kept at {temporary}"
            raise _KeepTemporary(error.errno, message) from None
    os.unlink(temporary)


class _KeepTemporary(OSError):
    """Writing in place failed part way: the temporary copy is the only whole fixed file."""


def _keeps_owner(temporary: str, info: os.stat_result) -> bool:
    """Give the temporary file the original's owner and group; False where that is not allowed."""
    if not hasattr(os, "chown"):
        return True
    try:
        os.chown(temporary, info.st_uid, info.st_gid)
    except PermissionError:
        return False
    return True


def _write_fixed(
    path: str, handle: BinaryIO, lines: Iterable[bytes], keep: Callable[[], bool], in_place: bool
) -> bool:
    """Write ``lines`` to a synced temporary file, check the original did not change, then
    replace it with one rename (or, for a linked file or one whose owner cannot be given to a
    new file, copy the checked temporary copy into it in place).

    ``keep()`` is asked after the last line: when it says no, the original stays untouched.
    Returns whether the file was changed. Any failure, or a kill, leaves the original intact
    (in place: the temporary copy holds the fixed file).
    """
    info = os.fstat(handle.fileno())
    before = _Identity.of(info)
    target = os.path.realpath(path)
    directory, name = os.path.split(target)
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".fix")
    try:
        with os.fdopen(descriptor, "wb", buffering=1 << 20) as out:
            for line in lines:
                out.write(line)
            out.flush()
            os.fsync(out.fileno())
        if not keep():
            os.unlink(temporary)
            return False
        _verify_unchanged(path, handle, before)
        if in_place or not _keeps_owner(temporary, info):
            _copy_in_place(temporary, target, before)
            return True
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        if os.name == "nt":
            handle.close()  # Windows cannot rename over a file that is open
        os.replace(temporary, target)
    except _KeepTemporary:
        raise
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_directory(directory)
    return True


def _sync_directory(directory: str) -> None:
    """Make the rename durable where the platform allows it."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _unified_diff(path: str, before: list[bytes], after: list[bytes]) -> list[str]:
    def text(lines: list[bytes]) -> list[str]:
        return [line.decode("utf-8", "backslashreplace") for line in lines]

    lines = difflib.unified_diff(text(before), text(after), f"a/{path}", f"b/{path}")
    return [
        line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n" for line in lines
    ]


def fix_file(
    path: str,
    options: FixOptions,
    *,
    write: bool = True,
    diff: bool = False,
    force: bool = False,
    root: str | os.PathLike[str] | None = None,
    lock_timeout: float = LOCK_TIMEOUT,
    on_wait: Callable[[], None] = lambda: None,
) -> FileFix:
    """Fix one file: rewrite it when ``write`` (and fixable, or ``force``), else only report.

    Raises FixRefused (nothing changed) for a symlink out of ``root`` (default: the current
    directory), for a symlink or hard-linked file without ``force``, when another process
    holds the file's lock longer than ``lock_timeout`` seconds (``on_wait`` is called once
    when the wait begins), and when the file changes while it is being fixed.
    """
    fixer = Fixer(options)
    result = FileFix(path, fixer, force)
    _check_inside(path, root)
    if diff or not write:
        with _open_regular(path) as handle:
            if diff:
                before = list(handle)
                after = list(fixer.run(before))
                if fixer.changed:
                    result.diff = _unified_diff(path, before, after)
            else:
                for _ in fixer.run(handle):
                    pass
        return result
    if fcntl is None:
        result.notes.append("not locked: this platform has no advisory file locks")
    with _locked(path, lock_timeout, on_wait) as handle:
        links = _links(path, os.fstat(handle.fileno()))
        if links is not None and not force:
            raise FixRefused(f"{links}; not changed (--force fixes it in place, keeping the links)")
        result.written = _write_fixed(
            path,
            handle,
            fixer.run(handle),
            lambda: fixer.changed and (force or not fixer.unfixable),
            in_place=links is not None,
        )
    return result


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def report(fixed: FileFix, out: TextIO, err: TextIO, verb: str) -> None:
    """Say per line what was (or would be) changed, and what could not be."""
    fixer = fixed.fixer
    if fixer.changed:
        for change in fixer.changes:
            out.write(f"{fixed.path}:{change.line}: {verb}{change.message}\n")
        if fixer.crlf:
            out.write(
                f"{fixed.path}: {verb}converted {_plural(fixer.crlf, 'CRLF line ending')} to LF\n"
            )
    for problem in fixer.unfixable:
        err.write(f"{fixed.path}:{problem.line}: cannot fix: {problem.message}\n")
    if fixed.refused and fixer.changed:
        err.write(
            f"{fixed.path}: left unchanged: {_plural(len(fixer.unfixable), 'problem')}"
            " tunelint fix cannot repair (--force fixes the rest)\n"
        )


def run(
    paths: list[str], options: FixOptions, flags: Any, config: Any, out: TextIO, err: TextIO
) -> int:
    """The ``tunelint fix`` command: 0 done (or nothing to do), 1 something would change
    (``--check``) or a file has problems fix cannot repair, 2 a path cannot be read or written.
    """
    from tunelint.paths import expand, readable_file_error

    expansion = expand(paths, config.is_ignored)
    for message in expansion.errors:
        err.write(f"tunelint: {message}\n")
    failed = bool(expansion.errors)
    would = flags.check or flags.diff
    verb = "would fix: " if would else ""
    fixed: list[FileFix] = []
    for path in expansion.files:
        try:
            result = fix_file(
                path, options, write=not would, diff=flags.diff, force=flags.force,
                root=config.root,
                on_wait=lambda path=path: err.write(f"tunelint: {path}: waiting for its lock\n"),
            )  # fmt: skip
        except FixRefused as refusal:
            err.write(f"tunelint: {path}: {refusal}\n")
            failed = True
            continue
        except OSError as error:
            reason = readable_file_error(path) or error.strerror or str(error)
            err.write(f"tunelint: {path}: {reason}\n")
            failed = True
            continue
        fixed.append(result)
        err.writelines(f"tunelint: {path}: {note}\n" for note in result.notes)
        out.writelines(result.diff)
        report(result, err if flags.diff else out, err, verb)
    changed = [f for f in fixed if f.fixer.changed and not f.refused]
    count = sum(len(f.fixer.changes) + bool(f.fixer.crlf) for f in changed)
    summary = (
        f"{'Would fix' if would else 'Fixed'} {_plural(count, 'problem')} in"
        f" {_plural(len(changed), 'file')} ({len(fixed) - len(changed):,} left as they were)\n"
    )
    (err if flags.diff else out).write(summary)
    if failed:
        return 2
    if any(f.refused for f in fixed) or (flags.check and changed):
        return 1
    return 0
