"""positions.string_span_columns: decoded offsets inside a JSON string to raw columns."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from tunelint.positions import string_offset_column, string_span_columns

TEXT = st.text(
    st.sampled_from(
        ["a", "é", "\U0001f600", "\n", '"', "\\", "\u2028", "\ud800", "\udc00", "\x01"]
    ),
    max_size=12,
)


@given(TEXT, st.booleans(), st.data())
def test_span_columns_cover_exactly_the_decoded_characters(text, ascii_only, data):
    raw = json.dumps(text, ensure_ascii=ascii_only)
    line = '{"k": ' + raw + ', "after": "\\n\\u0041"}'
    quote = line.index(raw)
    decoded = json.loads(line)["k"]  # an escaped surrogate pair decodes to one code point
    if not decoded:
        return
    offset = data.draw(st.integers(0, len(decoded) - 1))
    length = data.draw(st.integers(1, len(decoded) - offset))
    column, end = string_span_columns(line, quote, (offset, length))
    assert json.loads('"' + line[column - 1 : end] + '"') == decoded[offset : offset + length]


def test_offset_past_the_last_character_is_the_closing_quote():
    line = '{"k": "a\\u00e9\\ud83d\\ude00b"}'
    assert line[string_offset_column(line, 6, 4)] == '"'


def test_no_string_at_the_given_quote_gives_none():
    assert string_span_columns('{"k": 12}', 6, (0, 1)) is None
