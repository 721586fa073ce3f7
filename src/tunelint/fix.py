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
reader's document limit). Writes go to a temporary file in the same directory, are synced,
and replace the original with one atomic rename, keeping its mode: a fix that is interrupted
leaves the original as it was. A file with problems fix cannot repair (bytes that are not
UTF-8, a line that is not JSON) is left alone unless ``force`` is given.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import stat
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from tunelint.diagnostics import format_path
from tunelint.fingerprint import example_digest
from tunelint.reader import BOM, buffer_document, parse_json, sniff_binary

COMPACT = (",", ":")
MAX_JOIN_LINES = 10_000
"""The longest run of lines joined into one pretty-printed example."""


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

    @property
    def refused(self) -> bool:
        """The file has problems fix cannot repair, and ``force`` was not given."""
        return bool(self.fixer.unfixable) and not self.force


def _write_atomically(path: str, lines: Iterable[bytes], keep: Any) -> bool:
    """Write ``lines`` over ``path`` through a synced temp file and one rename.

    ``keep()`` is asked after the last line: when it says no, the original stays untouched.
    Returns whether the file was replaced. Any failure, or a kill, leaves the original intact.
    """
    target = os.path.realpath(path)
    mode = stat.S_IMODE(os.stat(target).st_mode)
    directory, name = os.path.split(target)
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".fix")
    try:
        with os.fdopen(descriptor, "wb", buffering=1 << 20) as handle:
            for line in lines:
                handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        if not keep():
            os.unlink(temporary)
            return False
        os.chmod(temporary, mode)
        os.replace(temporary, target)
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
    path: str, options: FixOptions, *, write: bool = True, diff: bool = False, force: bool = False
) -> FileFix:
    """Fix one file: rewrite it when ``write`` (and fixable, or ``force``), else only report."""
    fixer = Fixer(options)
    result = FileFix(path, fixer, force)
    with open(path, "rb") as handle:
        if diff:
            before = list(handle)
            after = list(fixer.run(before))
            if fixer.changed:
                result.diff = _unified_diff(path, before, after)
        elif write:
            result.written = _write_atomically(
                path,
                fixer.run(handle),
                lambda: fixer.changed and (force or not fixer.unfixable),
            )
        else:
            for _ in fixer.run(handle):
                pass
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
            result = fix_file(path, options, write=not would, diff=flags.diff, force=flags.force)
        except OSError as error:
            reason = readable_file_error(path) or error.strerror or str(error)
            err.write(f"tunelint: {path}: {reason}\n")
            failed = True
            continue
        fixed.append(result)
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
