"""Stream a JSONL file one line at a time: decode, parse, and report what keeps a line from
being an example (bad encoding, bad JSON, blank lines, over-long lines, a whole-file JSON
document).

Memory is bounded whatever the input: ``read_lines`` splits a file in pieces of at most
``READ_PIECE`` bytes and never holds a line longer than its cap (``DEFAULT_LINE_CAP``), which
becomes a ``LongLine`` (its first bytes and its length) and one ``line_too_long`` finding.
Binary data is recognised from the first ``SNIFF_BYTES`` bytes. When the first line looks
like the start of a pretty-printed JSON document, up to ``DOCUMENT_BUFFER_LIMIT`` bytes are
held to tell a JSON document from broken JSONL.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

BOM = b"\xef\xbb\xbf"
DOCUMENT_BUFFER_LIMIT = 64 * 1024 * 1024
DEFAULT_LINE_CAP = 64 * 1024 * 1024
"""Longest line read, in bytes without its newline (the config's ``line_cap_bytes``)."""
READ_PIECE = 1024 * 1024
SNIFF_BYTES = 4096
"""How much of the first line tells binary data, UTF-16 or an archive from text."""
PRETTY_EXAMPLE_MAX_LINES = 10_000
"""The longest run of lines read as one pretty-printed example (as ``tunelint fix`` joins)."""

_NOT_PARSED = object()
_BINARY_SIGNATURES = {
    b"\x1f\x8b": "gzip-compressed data",
    b"PK\x03\x04": "a zip archive",
    b"\xfd7zXZ": "xz-compressed data",
    b"BZh": "bzip2-compressed data",
    b"(\xb5/\xfd": "zstd-compressed data",
    b"PAR1": "a Parquet file",
}
_UTF16_BOMS = {b"\xff\xfe": "UTF-16 (little-endian)", b"\xfe\xff": "UTF-16 (big-endian)"}


@dataclass(frozen=True)
class ReaderFinding:
    """A problem the reader found before any rule ran."""

    rule: str
    message: str
    column: int = 1


@dataclass
class Record:
    """One physical line: its number, text and parsed value, or why it has none."""

    line: int
    text: str | None
    value: Any = _NOT_PARSED
    findings: tuple[ReaderFinding, ...] = ()
    bom: bool = False
    """The line (the file's first) started with a UTF-8 byte-order mark, removed from ``text``."""
    span: int = 1
    """Physical lines the record covers: more than one for a pretty-printed example."""

    @property
    def parsed(self) -> bool:
        return self.value is not _NOT_PARSED


@dataclass(frozen=True)
class LongLine:
    """A line longer than the reader's cap, skipped unread: its first bytes, its length in
    bytes without the newline, whether one ended it, and the cap it passed."""

    head: bytes
    length: int
    newline: bool
    cap: int

    def __len__(self) -> int:
        """The bytes it took in the file, like ``len`` of a line read whole."""
        return self.length + self.newline


Line = bytes | LongLine
"""What ``read_lines`` yields and ``read_records`` takes."""


def read_lines(stream: BinaryIO, cap: int = DEFAULT_LINE_CAP) -> Iterator[Line]:
    """The lines of a binary stream, newline kept, read in pieces of at most ``READ_PIECE``
    bytes. A line of more than ``cap`` bytes (newline not counted) is never held whole: it
    comes as a ``LongLine`` once the stream has been read past it."""
    while True:
        line = stream.readline(min(cap + 1, READ_PIECE))
        if not line:
            return
        if line.endswith(b"\n"):
            yield line
            continue
        pieces, size, ended = [line], len(line), False
        while size <= cap and not ended:  # cap bytes and a newline may still come
            piece = stream.readline(min(cap + 1 - size, READ_PIECE))
            if not piece:
                break
            pieces.append(piece)
            size += len(piece)
            ended = piece.endswith(b"\n")
        if size - ended <= cap:
            yield b"".join(pieces)
            continue
        head = pieces[0][:SNIFF_BYTES]
        del pieces
        if not ended:
            skipped, ended = skip_line(stream)
            size += skipped
        yield LongLine(head, size - ended, ended, cap)


def skip_line(stream: BinaryIO) -> tuple[int, bool]:
    """Read past the rest of a line, in pieces: (bytes read with the newline, whether one
    ended it). A seekable stream is read in blocks and set back to just after the newline
    (ten times faster than ``readline`` on a long line)."""
    read = stream.read if stream.seekable() else stream.readline
    skipped = 0
    while piece := read(READ_PIECE):
        end = piece.find(b"\n")
        if end < 0:
            skipped += len(piece)
            continue
        if end + 1 < len(piece):  # only a block read goes past the newline
            stream.seek(end + 1 - len(piece), os.SEEK_CUR)
        return skipped + end + 1, True
    return skipped, False


def _head(raw: Line) -> bytes:
    return raw.head if isinstance(raw, LongLine) else raw


class FileNotText(Exception):
    """The file as a whole is not JSONL text (compressed, binary, UTF-16, a JSON document)."""

    def __init__(self, finding: ReaderFinding, lines: int = 0) -> None:
        super().__init__(finding.message)
        self.finding = finding
        self.lines = lines


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON (only finite numbers are)")


_STRICT = json.JSONDecoder(parse_constant=_reject_constant)
"""One decoder for every line (``json.loads`` with an argument builds a new one each call)."""


def parse_json(text: str) -> tuple[Any, ReaderFinding | None]:
    """Parse one line as strict JSON; on failure return the finding with the parser's column."""
    try:
        return _STRICT.decode(text), None
    except json.JSONDecodeError as error:
        return _NOT_PARSED, ReaderFinding("invalid_json", f"invalid JSON: {error.msg}", error.colno)
    except RecursionError:
        message = "invalid JSON: nested too deeply for the parser"
        return _NOT_PARSED, ReaderFinding("invalid_json", message)
    except ValueError as error:  # NaN / Infinity
        constant = re.search(r"-?Infinity|NaN", text)
        return _NOT_PARSED, ReaderFinding(
            "invalid_json", f"invalid JSON: {error}", constant.start() + 1 if constant else 1
        )


def _describe_bad_utf8(raw: bytes, error: UnicodeDecodeError) -> str:
    bad = raw[error.start : error.start + 4]
    try:
        raw.decode("cp1252")
        hint = "; the line looks Latin-1 / Windows-1252 encoded, save the file as UTF-8"
    except UnicodeDecodeError:
        hint = ""
    return f"invalid UTF-8 at byte {error.start + 1} ({bad!r}){hint}"


def sniff_binary(head: bytes) -> ReaderFinding | None:
    """Name a file that is not UTF-8 text from its first bytes, or None."""
    for signature, kind in _BINARY_SIGNATURES.items():
        if head.startswith(signature):
            return ReaderFinding("invalid_encoding", f"file is {kind}, not JSONL text")
    for signature, kind in _UTF16_BOMS.items():
        if head.startswith(signature):
            return ReaderFinding(
                "invalid_encoding", f"file looks {kind} encoded; JSONL must be UTF-8"
            )
    sample = head[:4096]
    if sample.count(b"\x00") > len(sample) // 4:
        even, odd = sample[0::2].count(b"\x00"), sample[1::2].count(b"\x00")
        if even != odd and min(even, odd) * 4 < max(even, odd):
            endian = "big-endian" if even > odd else "little-endian"
            message = f"file looks UTF-16 ({endian}) encoded; JSONL must be UTF-8"
        else:
            message = "file is binary data (NUL bytes), not JSONL text"
        return ReaderFinding("invalid_encoding", message)
    return None


def _document_finding(buffered: list[Line]) -> ReaderFinding | None:
    """If the buffered lines (the whole file, so no ``LongLine``) form one JSON document,
    the finding that says so."""
    try:
        document = json.loads(b"".join(buffered).lstrip(BOM))
    except (ValueError, RecursionError):
        return None
    if isinstance(document, list):
        what = f"a JSON array of {len(document)} items"
    else:
        what = f"a single pretty-printed JSON {type(document).__name__}".replace("dict", "object")
    return ReaderFinding(
        "not_jsonl",
        f"file is {what} spread over {len(buffered)} lines; JSONL wants one JSON object per line"
        " (`tunelint fix` can rewrite it)",
    )


def _long_line_record(line: LongLine, number: int) -> Record:
    message = (
        f"line is {line.length:,} bytes, over the {line.cap:,}-byte cap (line_cap_bytes);"
        " it was skipped unread"
    )
    return Record(number, None, findings=(ReaderFinding("line_too_long", message),))


def _record(raw: Line, number: int) -> Record:
    """Turn one raw line (newline kept or not) into a record."""
    if isinstance(raw, LongLine):
        return _long_line_record(raw, number)
    return _decode(_strip_newline(raw), number)


def _decode(raw: bytes, number: int) -> Record:
    """Turn one raw line (without its newline) into a record."""
    bom = number == 1 and raw.startswith(BOM)
    if bom:
        raw = raw[len(BOM) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        finding = ReaderFinding("invalid_encoding", _describe_bad_utf8(raw, error), error.start + 1)
        return Record(number, None, findings=(finding,), bom=bom)
    if not text.strip():
        return Record(number, text, findings=(ReaderFinding("blank_line", "blank line"),), bom=bom)
    value, error = parse_json(text)
    return Record(number, text, value, (error,) if error else (), bom)


def _strip_newline(raw: bytes) -> bytes:
    if raw.endswith(b"\n"):
        raw = raw[:-1]
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    return raw


def looks_like_document_start(raw: bytes) -> bool:
    stripped = raw.strip().lstrip(BOM)
    return stripped in (b"{", b"[") or (stripped.startswith(b"[") and not stripped.endswith(b"]"))


def _object_run(first: bytes, rest: Iterator[Line]) -> tuple[list[Line], Line | None]:
    """The lines from ``first`` that may form one pretty-printed object: up to a line that
    starts with ``}`` (its end), and the line after the run if it starts with ``{`` (the next
    example, to be read again), or None. At most ``PRETTY_EXAMPLE_MAX_LINES`` lines and
    ``DOCUMENT_BUFFER_LIMIT`` bytes are held."""
    run, size = [first], len(first)
    for raw in rest:
        if isinstance(raw, LongLine) or raw.startswith(b"{"):
            return run, raw
        run.append(raw)
        size += len(raw)
        if raw.startswith(b"}") or len(run) >= PRETTY_EXAMPLE_MAX_LINES:
            break
        if size > DOCUMENT_BUFFER_LIMIT:
            break
    return run, None


def _pretty_example(first: Record, run: list[Line]) -> Record | None:
    """One record for a run of lines that parses as one JSON object (parsed once, at the
    line that closes it), with one ``invalid_json`` finding naming the lines; else None."""
    if len(run) < 2 or not run[-1].startswith(b"}") or first.text is None:
        return None
    try:
        rest = [_strip_newline(_head(raw)).decode("utf-8") for raw in run[1:]]
    except UnicodeDecodeError:
        return None
    text = "\n".join([first.text, *rest])
    value, error = parse_json(text)
    if error is not None or not isinstance(value, dict):
        return None
    last = first.line + len(run) - 1
    finding = ReaderFinding(
        "invalid_json",
        f"invalid JSON: one pretty-printed example spread over lines {first.line}-{last};"
        " JSONL wants one object per line (`tunelint fix` joins it)",
    )
    return Record(first.line, text, findings=(finding,), bom=first.bom, span=len(run))


def _decode_lines(lines: Iterator[Line], first_line: int) -> Iterator[Record]:
    """A record for every line, numbered from ``first_line``; a run of lines that together
    form one pretty-printed example is one record."""
    number, pushed = first_line, None
    while True:
        raw = pushed if pushed is not None else next(lines, None)
        pushed = None
        if raw is None:
            return
        record = _record(raw, number)
        invalid = bool(record.findings) and record.findings[0].rule == "invalid_json"
        if (
            isinstance(raw, LongLine)
            or not invalid
            or not (record.text or "").lstrip().startswith("{")
        ):
            yield record
            number += 1
            continue
        run, pushed = _object_run(raw, lines)
        joined = _pretty_example(record, run)
        if joined is not None:
            yield joined
        else:
            yield record
            for offset, other in enumerate(run[1:], start=1):
                yield _record(other, number + offset)
        number += len(run)


def read_records(lines: Iterable[Line], first_line: int = 1) -> Iterator[Record]:
    """Yield a record for every line of ``lines`` (raw bytes, newline kept or not, or the
    ``LongLine``s of ``read_lines``); a pretty-printed example over several lines is one
    record (``Record.span``).

    Raises ``FileNotText`` before yielding anything when the input as a whole is not JSONL.
    """
    iterator = iter(lines)
    if first_line == 1:
        raw = next(iterator, None)
        if raw is None:
            return
        finding = sniff_binary(_head(raw)[:SNIFF_BYTES])
        if finding is not None:  # count the lines it skips: nothing goes unreported
            raise FileNotText(finding, lines=1 + sum(1 for _ in iterator))
        if isinstance(raw, bytes) and looks_like_document_start(raw):
            yield from _read_possible_document(raw, iterator)
            return
        iterator = itertools.chain([raw], iterator)
    yield from _decode_lines(iterator, first_line)


def buffer_document(first: bytes, rest: Iterator[Line]) -> tuple[list[Line], bool]:
    """The lines of a file that starts like a JSON document, up to ``DOCUMENT_BUFFER_LIMIT``
    bytes, and whether that is the whole file (only then can it be parsed as one document;
    a ``LongLine`` among them means it cannot)."""
    buffered: list[Line] = [first]
    size = len(first)
    for raw in rest:
        buffered.append(raw)
        size += len(raw)
        if size > DOCUMENT_BUFFER_LIMIT or isinstance(raw, LongLine):
            return buffered, False
    return buffered, True


def _read_possible_document(first: bytes, rest: Iterator[Line]) -> Iterator[Record]:
    """Buffer a file that starts like a JSON document; report it once if it is one."""
    buffered, whole = buffer_document(first, rest)
    if whole:
        finding = _document_finding(buffered)
        if finding is not None:
            raise FileNotText(finding, lines=len(buffered))
    yield from _decode_lines(itertools.chain(buffered, rest), 1)
