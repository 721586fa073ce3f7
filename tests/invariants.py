"""What must hold for every input, checked by the hypothesis properties and the atheris target.

``check_invariants`` lints raw bytes the way ``tunelint check`` reads a file (split at
``\\n``), renders both output formats, and fails on any exception, internal error, finding on
a line that does not exist, column outside its line, or result that differs between two runs.
"""

from __future__ import annotations

import io

from tunelint.config import Config, config_from_dict
from tunelint.engine import check_lines
from tunelint.report import formats, get_formatter
from tunelint.results import FileResult


def physical_lines(data: bytes) -> list[bytes]:
    """The lines a file iterator yields for ``data`` (split at ``\\n``, newline kept)."""
    return io.BytesIO(data).readlines()


def render(result: FileResult, fmt: str) -> bytes:
    """The formatter's output as the CLI writes it (UTF-8, lone surrogates escaped)."""
    out = io.StringIO()
    formatter = get_formatter(fmt)(out)
    formatter.begin()
    formatter.add(result)
    formatter.end([result])
    return out.getvalue().encode("utf-8", "backslashreplace")


def check_invariants(data: bytes, config: Config | None = None) -> FileResult:
    config = config or config_from_dict({})
    lines = physical_lines(data)
    result = check_lines(lines, config)
    assert not result.internal_errors, result.internal_errors
    assert result.lines <= len(lines)
    for d in result.diagnostics:
        if not lines:  # an empty file: file-level findings (too few examples) go to line 1
            assert (d.line, d.column) == (1, 1), d
            continue
        assert 1 <= d.line <= len(lines), (d, len(lines))
        width = len(lines[d.line - 1].rstrip(b"\r\n"))
        assert 1 <= d.column <= width + 1, (d, width)
        if d.end_column is not None:
            assert d.column <= d.end_column <= width, (d, width)
    checked = result.examples + sum(result.skipped.values())
    assert checked == result.lines or (result.lines == 0 and not lines), result
    again = check_lines(physical_lines(data), config)
    assert again.diagnostics == result.diagnostics
    assert [d.message for d in again.diagnostics] == [d.message for d in result.diagnostics]
    for fmt in formats("findings"):
        render(result, fmt)
    return result
