import gzip
import hashlib
import socket
import sys

import pytest

from conftest import DATA
from tunelint.models import load_catalog, resolve_model
from tunelint.tokens import (
    ExampleTokens,
    TokenizerDataError,
    count_example,
    load_encoding,
    text_counter,
)

ENCODINGS = ("cl100k_base", "o200k_base")
SAMPLES = [
    "Hello, world!",
    "  leading and trailing  \n\n",
    "감사합니다 (gamsahamnida). Ünïcödé, emoji 🤖🎉, العربية, 日本語のテキスト",
    "def f(xs):\n\treturn xs[::-1]  # 12345678901234567890",
    "I'm here; they'll've DON'T we'd",
    "<|endoftext|> is ordinary text here",
]


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to resolve a name or open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture(autouse=True)
def own_cache_directory(tmp_path, monkeypatch):
    """The encodings' fast-to-read forms are cached in the test's directory, not the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def count(encoding: str = "cl100k_base"):
    return text_counter(encoding), load_catalog().encodings[encoding].tool_constants


@pytest.mark.parametrize("name", ENCODINGS)
def test_bundled_encoding_matches_tiktoken_offline(name, no_network, tmp_path, monkeypatch):
    """Compare with ``tiktoken.get_encoding`` itself, kept offline: its download cache is seeded
    with the same rank file, so tiktoken checks the hash and builds the encoding with its own
    pattern and special tokens, and the socket guard proves nothing is fetched."""
    import tiktoken
    import tiktoken.registry

    spec = load_catalog().encodings[name]
    url = f"https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
    rank_file = DATA.parent.parent / "src" / "tunelint" / "data" / spec.file
    cache_key = hashlib.sha1(url.encode()).hexdigest()
    (tmp_path / cache_key).write_bytes(gzip.decompress(rank_file.read_bytes()))
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})
    reference = tiktoken.get_encoding(name)
    ours = load_encoding(name)
    assert ours._pat_str == reference._pat_str
    assert ours._special_tokens == reference._special_tokens
    assert ours.n_vocab == reference.n_vocab
    for text in SAMPLES:
        assert ours.encode_ordinary(text) == reference.encode_ordinary(text), text


@pytest.mark.parametrize("name", ENCODINGS)
def test_the_recorded_longest_token_is_the_rank_files(name):
    """``max_token_bytes`` (what ``over_token_limit``'s lower bound divides by) is read off
    the bundled ranks, so no text has fewer tokens than its bytes over it."""
    longest = max(map(len, load_encoding(name)._mergeable_ranks))
    assert load_catalog().encodings[name].max_token_bytes == longest


def test_corrupt_rank_file_is_refused(monkeypatch):
    import dataclasses

    import tunelint.tokens as tokens

    catalog = load_catalog()
    spec = dataclasses.replace(catalog.encodings["cl100k_base"], sha256="0" * 64)
    broken = dataclasses.replace(catalog, encodings={"cl100k_base": spec})
    monkeypatch.setattr(tokens, "load_catalog", lambda: broken)
    load_encoding.cache_clear()
    try:
        with pytest.raises(TokenizerDataError, match="corrupt"):
            load_encoding("cl100k_base")
    finally:
        load_encoding.cache_clear()


def test_cookbook_formula_on_the_toy_examples():
    import json

    counter, constants = count()
    lines = (DATA / "cookbook-toy-chat.jsonl").read_text().splitlines()
    counted = [count_example(json.loads(line), counter, constants) for line in lines]
    assert [c.total for c in counted] == [45, 111, 26, 28, 8032]
    assert [c.trained for c in counted] == [10, 28, 9, 4, 8000]
    assert [c.messages for c in counted] == [3, 9, 2, 2, 3]


def test_name_weight_and_lone_surrogate_do_not_crash():
    counter, constants = count()
    role_hi = 3 + counter("user") + counter("hi")
    plain = count_example({"messages": [{"role": "user", "content": "hi"}]}, counter, constants)
    assert plain.total == role_hi + 3
    named = {"messages": [{"role": "user", "content": "hi", "name": "bob"}]}
    assert count_example(named, counter, constants).total == plain.total + 1 + counter("bob")
    weighted = {
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": "one two", "weight": 0},
            {"role": "assistant", "content": "three", "weight": 1},
        ]
    }
    result = count_example(weighted, counter, constants)
    assert (result.trained, result.untrained) == (counter("three"), counter("one two"))
    surrogate = {"messages": [{"role": "user", "content": "\ud800 broken"}]}
    assert count_example(surrogate, counter, constants).total > 0


def test_content_parts_tool_calls_and_tools_are_counted():
    counter, constants = count("o200k_base")
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"x": 1}'}}
    example = {
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "look"}, {"type": "image_url"}]},
            {"role": "assistant", "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "c1", "content": "42"},
        ],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "f",
                    "description": "Find things.",
                    "parameters": {
                        "type": "object",
                        "properties": {"x": {"type": "integer", "enum": [1, 2]}},
                    },
                },
            }
        ],
    }
    result = count_example(example, counter, constants)
    messages = (
        9
        + counter("user")
        + counter("look")
        + counter("assistant")
        + counter("f")
        + counter('{"x": 1}')
        + counter("tool")
        + counter("c1")
        + counter("42")
        + 3
    )
    k = constants
    tools = (
        k["function"]
        + counter("f:Find things")
        + k["properties"]
        + k["property"]
        + k["enum"]
        + 2 * k["enum_item"]
        + counter("1")
        + counter("2")
        + counter("x:integer:")
        + k["end"]
    )
    assert result == ExampleTokens(messages + tools, counter("f") + counter('{"x": 1}'), 0, 3)


def test_preference_record_counts_input_and_both_outputs():
    counter, constants = count()
    record = {
        "input": {"messages": [{"role": "user", "content": "hi"}]},
        "preferred_output": [{"role": "assistant", "content": "hello"}],
        "non_preferred_output": [{"role": "assistant", "content": "go away"}],
    }
    result = count_example(record, counter, constants)
    assert result.messages == 3
    assert result.trained == counter("hello") + counter("go away")


@pytest.mark.parametrize("junk", [None, 3, "text", [], {"messages": "no"}, {"messages": [1, None]}])
def test_anything_counts_without_crashing(junk):
    counter, constants = count()
    assert count_example(junk, counter, constants).total == 3


def test_models_resolve_aliases_and_fine_tuned_names():
    assert resolve_model(None).name == "gpt-4o-mini-2024-07-18"
    assert resolve_model("gpt-3.5-turbo").encoding == "cl100k_base"
    assert resolve_model("ft:gpt-4o-mini-2024-07-18:acme::abc123").name == "gpt-4o-mini-2024-07-18"
    with pytest.raises(KeyError, match=r"known models: .*gpt-4o-mini"):
        resolve_model("gpt-5")


def test_check_imports_no_tokenizer_when_the_rule_is_off(tmp_path):
    import subprocess

    code = (
        "import sys; from tunelint.cli import main; "
        "main(['check', '--rule', 'over_token_limit=off', sys.argv[1]]); "
        "print('tiktoken' in sys.modules, 'numpy' in sys.modules)"
    )
    path = tmp_path / "a.jsonl"
    path.write_text('{"messages": [{"role": "user", "content": "hi"}]}\n')
    run = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    assert run.stdout.splitlines()[-1] == "False False", run.stderr
