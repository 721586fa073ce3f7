"""The token bound from a line's length is never below the byte bound it lets the
token-limit rule skip: on adversarial examples (floats that grow when serialized again,
empty messages and functions, 4-byte characters) and random ones."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tunelint.models import load_catalog
from tunelint.rules.over_token_limit import OverTokenLimit
from tunelint.tokens import count_example, line_token_bound, utf8_length

CONSTANTS = [(name, spec.tool_constants) for name, spec in load_catalog().encodings.items()]


def byte_bound(line: str, constants: dict[str, int]) -> int:
    return count_example(json.loads(line), utf8_length, constants).total


ADVERSARIAL = [
    '{"messages":[{},{},{},{}]}',
    '{"messages":[],"functions":[{},{},{},{},{},{}]}',
    '{"messages":[],"tools":[{"function":{}},{"function":{"parameters":{"properties":{"":0}}}}]}',
    '{"messages":[{"role":"assistant","tool_calls":[{"function":{"arguments":{"a":[1E15,9e15,1e14]}}}]}]}',
    '{"messages":[{"role":"user","content":"\U0001f600\U0001f600\U0001f600"}]}',
    '{"messages":[{"name":0},{"name":""}]}',
    '{"input":{"messages":[{}],"functions":[{}]},"preferred_output":[{}],"non_preferred_output":[{}]}',
    '{"messages":[],"functions":[{"parameters":{"properties":{"":{"enum":[0,1,2,3,4,5,6]}}}}]}',
    '{"messages":[],"functions":[{"parameters":{"properties":{"":{"enum":[1E15,true,null,"😀"]}}}}]}',
]


@pytest.mark.parametrize("line", ADVERSARIAL)
@pytest.mark.parametrize(("model", "constants"), CONSTANTS)
def test_the_line_bound_covers_adversarial_lines(line: str, model: str, constants: dict) -> None:
    bound = line_token_bound(line, constants)
    assert bound is not None and bound >= byte_bound(line, constants), model


def test_lines_with_nested_enum_items_or_unicode_escapes_get_no_bound() -> None:
    constants = CONSTANTS[0][1]
    nested = '{"messages":[],"functions":[{"parameters":{"properties":{"a":{"enum":[["\U000e0001"]]}}}}]}'
    assert line_token_bound(nested, constants) is None
    assert line_token_bound('{"messages":[],"\\u0065num":1}', constants) is None
    braces_in_strings = (
        '{"messages":[],"functions":[{"parameters":{"properties":{"a":{"enum":["]", "[{"]}}}}]}'
    )
    assert line_token_bound(braces_in_strings, constants) is not None


_text = st.text(max_size=12)
_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), _text
)
_json = st.recursive(
    _scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=8,
)
_message = st.fixed_dictionaries(
    {},
    optional={
        "role": st.sampled_from(["user", "assistant", "tool", "system"]),
        "content": st.one_of(
            _text,
            st.lists(st.fixed_dictionaries({"type": st.just("text"), "text": _text}), max_size=2),
        ),
        "name": _scalar,
        "tool_calls": st.lists(
            st.fixed_dictionaries(
                {
                    "function": st.fixed_dictionaries(
                        {}, optional={"name": _text, "arguments": _json}
                    )
                }
            ),
            max_size=2,
        ),
    },
)
_function = st.fixed_dictionaries(
    {},
    optional={
        "name": _text,
        "description": _text,
        "parameters": st.fixed_dictionaries(
            {},
            optional={
                "properties": st.dictionaries(
                    _text,
                    st.one_of(
                        _scalar,
                        st.fixed_dictionaries(
                            {},
                            optional={
                                "type": _text,
                                "description": _text,
                                "enum": st.lists(_json, max_size=3),
                            },
                        ),
                    ),
                    max_size=3,
                )
            },
        ),
    },
)
_example = st.fixed_dictionaries(
    {"messages": st.lists(_message, max_size=4)},
    optional={
        "tools": st.lists(st.fixed_dictionaries({"function": _function}), max_size=2),
        "functions": st.lists(_function, max_size=2),
    },
)


@settings(max_examples=300)
@given(example=_example, ensure_ascii=st.booleans())
def test_the_line_bound_covers_random_examples(example: dict, ensure_ascii: bool) -> None:
    line = json.dumps(example, ensure_ascii=ensure_ascii, separators=(",", ":"))
    for _, constants in CONSTANTS:
        bound = line_token_bound(line, constants)
        assert bound is None or bound >= byte_bound(line, constants)


def test_the_rule_clears_a_short_line_and_checks_a_long_one() -> None:
    from tunelint.config import load_config
    from tunelint.profile import load_profile
    from tunelint.rules.base import RuleContext

    config = load_config(None, discover=False)
    profile = load_profile(config.settings["profile"])
    ctx = RuleContext({"max_tokens_per_example": 1000}, profile, "chat", config.settings)
    rule = OverTokenLimit()
    assert rule.clears_line('{"messages":[{"role":"user","content":"hi"}]}', ctx)
    long = json.dumps({"messages": [{"role": "user", "content": "word " * 400}]})
    assert not rule.clears_line(long, ctx)
