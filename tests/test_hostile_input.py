"""Hostile input, in process: every case gives findings with exact messages, never an exception.

Every line is either checked (``examples``) or counted in ``skipped`` with its reason.
The end-to-end cases (paths, configs, pipes, signals) are in test_hostile_cli.py.
"""

import gzip
import io
import json
import zipfile

import pytest

from conftest import assistant, chat, lint, system, user
from invariants import check_invariants, physical_lines

GOOD = chat(system(), user(), assistant())


def findings(result):
    return [(d.line, d.column, d.rule, d.message) for d in result.diagnostics]


def lint_file(data: bytes):
    """Lint ``data`` split the way a file is read, checking every invariant on the way."""
    check_invariants(data)
    return lint(*physical_lines(data))


def test_empty_file_is_clean_and_has_no_lines():
    result = lint_file(b"")
    assert (findings(result), result.lines, result.skipped) == ([], 0, {})


def test_only_blank_lines_are_each_counted():
    result = lint_file(b"\n  \r\n\t\n")
    assert findings(result) == [(n, 1, "blank_line", "blank line") for n in (1, 2, 3)]
    assert result.skipped == {"blank_line": 3} and result.examples == 0


def test_random_bytes_are_invalid_encoding_per_line():
    data = bytes(range(256))  # control bytes, "\n" at byte 11, then high bytes
    result = lint_file(data)
    assert findings(result) == [
        (1, 1, "invalid_json", "invalid JSON: Expecting value"),
        (2, 118, "invalid_encoding", "invalid UTF-8 at byte 118 (b'\\x80\\x81\\x82\\x83')"),
    ]
    assert result.lines == 2 and result.skipped == {"invalid_json": 1, "invalid_encoding": 1}


def test_nul_heavy_binary_counts_every_line_as_skipped():
    # Regression (atheris): a binary file reported 0 lines but 1 skipped.
    result = lint_file(b'{"messages": "' + b"\x00" * 100 + b'"}\n\n\n')
    assert findings(result) == [
        (1, 1, "invalid_encoding", "file is binary data (NUL bytes), not JSONL text")
    ]
    assert result.lines == 3 and result.skipped == {"invalid_encoding": 3}


def zipped(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("train.jsonl", date_time=(2026, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (gzip.compress((GOOD + "\n").encode() * 50, mtime=0), "gzip-compressed data"),
        (zipped((GOOD + "\n") * 50), "a zip archive"),
    ],
    ids=["gzip", "zip"],
)
def test_compressed_file_named_jsonl_is_one_finding(data, kind):
    result = lint_file(data)
    assert findings(result) == [(1, 1, "invalid_encoding", f"file is {kind}, not JSONL text")]
    assert sum(result.skipped.values()) == result.lines == len(physical_lines(data))


def test_latin1_line_names_the_encoding():
    line = json.dumps(json.loads(chat(system(), user("café"), assistant())), ensure_ascii=False)
    column = line.index("é") + 1
    assert findings(lint_file(line.encode("latin-1") + b"\n")) == [
        (
            1,
            column,
            "invalid_encoding",
            f"invalid UTF-8 at byte {column} (b'\\xe9\"}},'); the line looks Latin-1 /"
            " Windows-1252 encoded, save the file as UTF-8",
        )
    ]


@pytest.mark.parametrize(
    ("encoding", "endian"),
    [("utf-16", "little-endian"), ("utf-16-le", "little-endian"), ("utf-16-be", "big-endian")],
)
def test_utf16_file_names_the_encoding(encoding, endian):
    result = lint_file(((GOOD + "\n") * 3).encode(encoding))
    assert findings(result) == [
        (1, 1, "invalid_encoding", f"file looks UTF-16 ({endian}) encoded; JSONL must be UTF-8")
    ]
    assert result.examples == 0 and sum(result.skipped.values()) == result.lines


def test_bom_crlf_and_no_final_newline():
    result = lint_file(b"\xef\xbb\xbf" + (GOOD + "\r\n" + GOOD + "\n" + GOOD).encode())
    assert findings(result) == [(1, 1, "utf8_bom", "file starts with a UTF-8 byte-order mark")]
    assert result.examples == result.lines == 3


def test_five_megabyte_line_is_checked():
    line = chat(system(), user("x" * 5_000_000), assistant(""))
    assert findings(lint_file(line.encode())) == [
        (
            1,
            1,
            "over_token_limit",
            "example has 625,018 tokens, over the limit of 65,536 for gpt-4o-mini-2024-07-18:"
            " training truncates it",
        ),
        (1, len(line) - 4, "missing_content", "messages[2].content is empty (assistant)"),
    ]


@pytest.mark.parametrize(
    "text",
    ["[" * 200_000 + "]" * 200_000, '{"a": ' * 200_000 + "1" + "}" * 200_000],
)
def test_200000_levels_of_nesting(text):
    assert findings(lint_file(text.encode())) == [
        (1, 1, "invalid_json", "invalid JSON: nested too deeply for the parser")
    ]


def test_lone_surrogates_are_checked_and_printable():
    result = lint_file(b'{"messages": [{"role": "\\udc80", "content": "\\ud800"}]}\n')
    assert (
        1,
        24,
        "unrecognized_role",
        "role '\udc80' is not one of system, user, assistant, tool, function",
    ) in findings(result)


@pytest.mark.parametrize(("constant", "column"), [("NaN", 23), ("Infinity", 23), ("-Infinity", 23)])
def test_nan_and_infinity_are_invalid_json(constant, column):
    assert findings(lint_file(f'{{"messages": [], "x": {constant}}}'.encode())) == [
        (
            1,
            column,
            "invalid_json",
            f"invalid JSON: {constant} is not valid JSON (only finite numbers are)",
        )
    ]


@pytest.mark.parametrize(
    ("line", "column", "key"),
    [
        ('{"messages": [{"role": "user", "content": "Hi", "content": "Hello?"}]}', 49, "content"),
        ('{"messages": [], "messages": [{"role": "user", "content": "a"}]}', 18, "messages"),
        ('{"a" : 1, "b": "x: y", "a" : 2}', 24, "a"),
        ('{"a": 1, "\\u0061": 2}', 10, "a"),
        ('[{"t": "{\\"k\\": 1}"}, {"k": 1, "k": 2}]', 32, "k"),
    ],
)
def test_duplicate_key_is_a_warning_at_the_second_key(line, column, key):
    assert (
        1,
        column,
        "duplicate_key",
        f"duplicate key '{key}' in one object; parsers keep only one value",
    ) in findings(lint_file(line.encode()))


@pytest.mark.parametrize(
    "line",
    [
        GOOD,
        '{"a": {"k": 1}, "b": {"k": 1}, "t": "colons: a:b \\"k\\": 1"}',
        '{"x": [{"k": 1}, {"k": 2}]}',
    ],
)
def test_same_key_in_different_objects_is_not_a_duplicate(line):
    assert "duplicate_key" not in {d.rule for d in lint_file(line.encode()).diagnostics}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"messages": "hi"}', (14, "missing_messages_list", "messages is a string, not a list of messages")),
        ('{"messages": [["user", "hi"]]}', (15, "data_type", "messages[0] is a list, not an object")),
        ('{"messages": [{"role": ["user"], "content": "hi"}]}', (24, "unrecognized_role", "role is a list, not a string")),
        ('{"messages": [{"role": 1, "content": "hi"}]}', (24, "unrecognized_role", "role is a number, not a string")),
        ('{"messages": [{"role": "user", "content": {"text": "hi"}}]}', (43, "missing_content", "messages[0].content is an object, not a string or a list of content parts")),
        ('{"messages": [{"role": "user", "content": 7}]}', (43, "missing_content", "messages[0].content is a number, not a string or a list of content parts")),
        ("[1, 2]", (1, "data_type", "line is a list, not a JSON object; JSONL wants one example per line")),
        ('"text"', (1, "data_type", "line is a string, not a JSON object")),
        ("42", (1, "data_type", "line is a number, not a JSON object")),
        ("null", (1, "data_type", "line is null, not a JSON object")),
    ],
)  # fmt: skip
def test_wrong_types_at_every_level(line, expected):
    assert (1, *expected) in findings(lint_file(line.encode()))


def test_tool_calls_given_as_a_string_is_a_finding():
    line = chat(user(), {"role": "assistant", "tool_calls": "f()"})
    assert any("tool_calls" in d.message for d in lint_file(line.encode()).diagnostics)


def test_pretty_printed_document_and_array_are_one_finding_each():
    document = json.dumps(json.loads(GOOD), indent=2).encode()
    result = lint_file(document)
    assert findings(result) == [
        (
            1,
            1,
            "not_jsonl",
            "file is a single pretty-printed JSON object spread over 16 lines; JSONL wants one"
            " JSON object per line (`tunelint fix` can rewrite it)",
        )
    ]
    assert result.skipped == {"not_jsonl": 16}
    array = json.dumps([json.loads(GOOD)] * 2).encode()
    assert findings(lint_file(array)) == [
        (1, 1, "data_type", "line is a list, not a JSON object; JSONL wants one example per line")
    ]


ADVERSARIAL = [
    '{"messages": "' + "\\\\" * 2_500_000 + '"}',
    '{"messages": "' + '\\"' * 2_500_000 + '"}',
    '{"messages": [' + '"\\"",' * 50_000 + '"x"]}',  # 50,001 findings on one line
    '{"messages": "' + "\\" * 5_000_000,
    '{"messages": ' + '"' * 5_000_000,
    "{" + '"k": 1, ' * 100_000 + '"k": 2}',
]


@pytest.mark.parametrize("line", ADVERSARIAL, ids=range(len(ADVERSARIAL)))
def test_five_megabytes_of_backslashes_or_quotes_finish(line):
    # Quadratic column placement or backtracking would not finish here (the run would hang).
    result = lint(line.encode())
    assert result.lines == 1 and result.diagnostics
