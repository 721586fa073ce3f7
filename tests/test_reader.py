import gzip
import io
import json

import pytest

from conftest import assistant, chat, lint, system, user
from tunelint import reader
from tunelint.reader import LongLine, read_lines

GOOD = chat(system(), user(), assistant())


def rules_at(result):
    return [(d.line, d.column, d.rule) for d in result.diagnostics]


def test_invalid_json_has_the_parser_column_and_message():
    result = lint('{"messages": [{"role": "user" "content": "Hi"}]}')
    assert [(d.line, d.column, d.rule, d.message) for d in result.diagnostics] == [
        (1, 31, "invalid_json", "invalid JSON: Expecting ',' delimiter")
    ]
    assert result.skipped == {"invalid_json": 1}


def test_run_goes_on_after_a_bad_line():
    result = lint("{oops", GOOD, b'{"messages": \xff}', GOOD)
    assert [(line, rule) for line, _, rule in rules_at(result)] == [
        (1, "invalid_json"),
        (3, "invalid_encoding"),
    ]
    assert result.examples == 2 and result.lines == 4


def test_invalid_utf8_reports_byte_column_and_latin1_hint():
    (d,) = lint(b'{"messages": "caf\xe9"}').diagnostics
    assert (d.rule, d.column) == ("invalid_encoding", 18)
    assert "Latin-1" in d.message


def test_bom_is_a_warning_and_the_line_is_still_checked():
    result = lint(b"\xef\xbb\xbf" + GOOD.encode())
    assert [d.rule for d in result.diagnostics] == ["utf8_bom"]
    assert result.examples == 1


def test_crlf_and_missing_final_newline():
    result = lint((GOOD + "\r\n").encode(), GOOD.encode())
    assert result.diagnostics == [] and result.examples == 2


def test_blank_line_is_a_finding():
    result = lint(GOOD, "   ", GOOD)
    assert rules_at(result) == [(2, 1, "blank_line")]
    assert result.skipped == {"blank_line": 1}


def test_nan_and_infinity_are_not_json():
    (d,) = lint('{"messages": [], "x": NaN}').diagnostics
    assert (d.rule, d.column) == ("invalid_json", 23)


def test_deep_nesting_does_not_crash():
    (d,) = lint("[" * 200_000 + "]" * 200_000).diagnostics
    assert d.rule == "invalid_json" and "nested too deeply" in d.message


def test_lone_surrogate_in_content_is_checked():
    result = lint(
        '{"messages": [{"role": "user", "content": "\\ud800"}, {"role": "assistant", "content": ""}]}'
    )
    assert [d.rule for d in result.diagnostics] == ["missing_system_message", "missing_content"]


def test_pretty_printed_document_is_reported_once():
    text = json.dumps({"messages": [user(), assistant()]}, indent=2)
    result = lint(*text.splitlines(keepends=True))
    assert [(d.line, d.rule) for d in result.diagnostics] == [(1, "not_jsonl")]
    assert "single pretty-printed JSON object" in result.diagnostics[0].message


def test_json_array_over_many_lines_is_reported_once():
    text = json.dumps([{"messages": [user(), assistant()]}] * 3, indent=1)
    (d,) = lint(*text.splitlines(keepends=True)).diagnostics
    assert d.rule == "not_jsonl" and "JSON array of 3 items" in d.message


def test_broken_file_starting_with_a_brace_is_read_line_by_line():
    result = lint("{\n", GOOD + "\n")
    assert [(d.line, d.rule) for d in result.diagnostics] == [(1, "invalid_json")]
    assert result.examples == 1


def test_gzip_file_is_named_once():
    (d,) = lint(gzip.compress(GOOD.encode())).diagnostics
    assert d.rule == "invalid_encoding" and "gzip" in d.message


def test_utf16_file_is_named_once():
    (d,) = lint(*GOOD.encode("utf-16").splitlines(keepends=True)).diagnostics
    assert d.rule == "invalid_encoding" and "UTF-16" in d.message


def test_long_line_is_checked():
    line = chat(user("x" * 5_000_000), {"role": "assistant", "content": ""})
    assert [d.rule for d in lint(line).diagnostics] == [
        "over_token_limit",
        "missing_system_message",
        "missing_content",
    ]


def lines_of(data: bytes, cap: int, seekable: bool = True) -> list:
    stream = io.BytesIO(data)
    if not seekable:
        stream.seekable = lambda: False  # type: ignore[method-assign]  # like a pipe
    return list(read_lines(stream, cap))


@pytest.mark.parametrize("piece", [3, 7, 1 << 20])
@pytest.mark.parametrize("seekable", [True, False])
def test_read_lines_splits_on_newline_only_and_bounds_every_line(monkeypatch, piece, seekable):
    monkeypatch.setattr(reader, "READ_PIECE", piece)
    data = b"ab\r\n" + b"x" * 10 + b"\n" + b"y" * 11 + b"\nz\xe2\x80\xa8" + b"w" * 30 + b"\nend"
    assert (
        lines_of(data, cap=10, seekable=seekable)
        == [
            b"ab\r\n",
            b"x" * 10 + b"\n",  # exactly the cap: read whole
            LongLine(b"y" * min(piece, 11), 11, True, 10),
            LongLine(b"z\xe2\x80\xa8wwwwwww"[: min(piece, 11)], 34, True, 10),
            b"end",
        ]
    )


def test_line_over_the_cap_is_one_finding_and_the_lines_after_it_are_checked():
    long = chat(user("x" * 200), assistant())
    result = lint(*lines_of(f"{GOOD}\n{long}\n{GOOD}".encode(), cap=150))
    message = (
        f"line is {len(long)} bytes, over the 150-byte cap (line_cap_bytes); it was skipped unread"
    )
    assert [(d.line, d.rule, d.message) for d in result.diagnostics] == [
        (2, "line_too_long", message)
    ]
    assert result.examples == 2 and result.skipped == {"line_too_long": 1}


def test_binary_first_line_over_the_cap_is_named_from_its_first_bytes():
    (d,) = lint(*lines_of(b"\0" * 5000 + b"\n" + GOOD.encode(), cap=100)).diagnostics
    assert (d.line, d.rule) == (1, "invalid_encoding") and "binary data" in d.message


def test_over_long_line_inside_a_pretty_printed_document_is_read_line_by_line():
    data = b"[\n" + b" " * 50 + b"1\n]\n"
    result = lint(*lines_of(data, cap=20))
    assert [(d.line, d.rule) for d in result.diagnostics] == [
        (1, "invalid_json"),
        (2, "line_too_long"),
        (3, "invalid_json"),
    ]
