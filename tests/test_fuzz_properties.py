"""Property tests (hypothesis): no input makes the reader, a rule or a formatter raise.

Each property runs ``check_invariants`` (tests/invariants.py): no exception or internal error,
findings only on lines that exist and at columns inside them, every line checked or counted
as skipped, the same result twice. Every rule is switched on, warnings included.
"""

import json

from hypothesis import given
from hypothesis import strategies as st

from conftest import DATA
from invariants import check_invariants
from tunelint.config import config_from_dict
from tunelint.rules import all_rules

EVERY_RULE = config_from_dict({"rules": dict.fromkeys(all_rules(), "warning")})
VALID_LINES = DATA.joinpath("cookbook-toy-chat.jsonl").read_bytes().splitlines()

KEYS = st.sampled_from(
    ["messages", "role", "content", "tool_calls", "name", "weight", "type", "text", "x"]
)
ROLES = st.sampled_from(["system", "user", "assistant", "tool", "function", "human"])
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | ROLES
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS | st.text(max_size=4), inner, max_size=4),
    max_leaves=20,
)  # fmt: skip


def check(data: bytes) -> None:
    check_invariants(data, EVERY_RULE)


@given(st.binary(max_size=2_000))
def test_arbitrary_bytes(data):
    check(data)


@given(st.lists(JSON_VALUES, max_size=5))
def test_arbitrary_json_lines(values):
    check("\n".join(json.dumps(v) for v in values).encode())


@given(st.lists(st.dictionaries(KEYS, JSON_VALUES, max_size=5), max_size=3), st.booleans())
def test_arbitrary_objects_with_messages_shape(objects, pretty):
    indent = 2 if pretty else None
    check("\n".join(json.dumps({"messages": [o]}, indent=indent) for o in objects).encode())


def _drop_key(value: dict, key: str) -> dict:
    return {k: v for k, v in value.items() if k != key}


@given(st.sampled_from(VALID_LINES), st.data())
def test_mutated_valid_examples(line, data):
    example = json.loads(line)
    messages = example["messages"]
    index = data.draw(st.integers(0, len(messages) - 1))
    mutation = data.draw(st.sampled_from(["drop", "retype", "byte"]))
    if mutation == "drop":
        key = data.draw(st.sampled_from(["role", "content"]))
        messages[index] = _drop_key(messages[index], key)
        mutated = json.dumps(example).encode()
    elif mutation == "retype":
        key = data.draw(st.sampled_from(["role", "content", "messages"]))
        target = example if key == "messages" else messages[index]
        target[key] = data.draw(JSON_VALUES)
        mutated = json.dumps(example).encode()
    else:
        position = data.draw(st.integers(0, len(line)))
        byte = data.draw(st.binary(min_size=1, max_size=1))
        mutated = line[:position] + byte + line[position:]
    check(mutated + b"\n" + line)
