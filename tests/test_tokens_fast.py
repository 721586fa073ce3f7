"""The ``fast`` extra: quicktok counts exactly what tiktoken counts, offline, or is not used."""

import base64
import contextlib
import functools
import gzip
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import DATA, REPO
from tunelint.models import load_catalog
from tunelint.tokens import (
    quicktok_counter,
    text_counter,
    tiktoken_counter,
    vocabulary_digest,
)

ENCODINGS = ("cl100k_base", "o200k_base")
quicktok = pytest.importorskip("quicktok", reason="the fast extra is not installed")


@functools.cache
def backends(name: str):
    """tiktoken's counter and quicktok's for one encoding."""
    fast = quicktok_counter(name)
    assert fast is not None, "quicktok is installed but refused"
    return tiktoken_counter(name), fast


@pytest.fixture(params=ENCODINGS)
def counters(request):
    return backends(request.param)


def strings(value, found: list[str]) -> list[str]:
    """Every key and string value of a JSON value."""
    if isinstance(value, str):
        found.append(value)
    elif isinstance(value, list):
        for item in value:
            strings(item, found)
    elif isinstance(value, dict):
        for key, item in value.items():
            found.append(key)
            strings(item, found)
    return found


def texts_of(path: Path) -> list[str]:
    """A file's text, its lines, and the strings of each line (or of the file) that is JSON."""
    text = path.read_text("utf-8")
    found = [text, *text.splitlines()]
    for part in (text, *text.splitlines()):
        with contextlib.suppress(ValueError):
            strings(json.loads(part), found)
    return found


def assert_same_counts(counters, texts: list[str]) -> None:
    reference, fast = counters
    differ = [(t[:80], reference(t), fast(t)) for t in texts if reference(t) != fast(t)]
    assert not differ, differ


def generated_texts(seed: int = 6, count: int = 400) -> list[str]:
    """Multilingual, code, emoji, whitespace-heavy, special-token and surrogate texts."""
    pieces = [
        "Hello, world! ",
        "감사합니다 (gamsahamnida). ",
        "Ünïcödé ñ ß Å ",
        "العربية والعبرية עברית ",
        "日本語のテキスト、中文文本。",
        "Ελληνικά кириллица ",
        "हिन्दी தமிழ் ",
        "🤖🎉👩‍👩‍👧‍👦🏳️‍🌈 ",
        "e\u0301 a\u0308 ",
        "def f(xs):\n\treturn xs[::-1]  # 12345678901234567890\n",
        '{"key": [1, 2.5e-3, null, true], "s": "a\\nb"}',
        "    \n\n\t\t  \r\n \u00a0\u2003\u3000 ",
        "I'm here; they'll've DON'T we'd IT'S ",
        "<|endoftext|>",
        "<|endofprompt|><|fim_prefix|><|fim_middle|><|fim_suffix|>",
        "\ud800",
        "\udfff x",
        "\ud83d\ude00",
        "\x00\x01\x7f\u200b\ufeff",
        "1234567 3.14159 1,000,000 ",
        "https://example.com/path?q=1&r=2#frag ",
        "!!!???...---=== ",
        "x" * 300,
        " " * 50,
    ]
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(count)]


def test_catalog_vocabulary_digest_is_the_rank_files():
    for spec in load_catalog().encodings.values():
        rank_file = REPO / "src" / "tunelint" / "data" / spec.file
        lines = gzip.decompress(rank_file.read_bytes()).splitlines()
        ranked = sorted(
            (int(rank), base64.b64decode(token)) for token, rank in map(bytes.split, lines)
        )
        assert [rank for rank, _ in ranked] == list(range(len(ranked)))
        tokens = [token for _, token in ranked]
        digest = vocabulary_digest(b"".join(tokens), [len(token) for token in tokens])
        assert digest == spec.vocabulary_sha256, spec.name


@pytest.mark.parametrize("name", ENCODINGS)
def test_quicktok_loads_offline_and_is_chosen(name, no_network, monkeypatch):
    monkeypatch.delenv("TUNELINT_TOKENIZER", raising=False)
    assert quicktok_counter(name) is not None
    text_counter.cache_clear()
    try:
        assert text_counter(name, cached=False).__qualname__.startswith("quicktok_counter")
        monkeypatch.setenv("TUNELINT_TOKENIZER", "tiktoken")
        text_counter.cache_clear()
        assert text_counter(name, cached=False).__qualname__.startswith("tiktoken_counter")
    finally:
        text_counter.cache_clear()


def test_a_different_vocabulary_is_refused(monkeypatch):
    import dataclasses

    import tunelint.tokens as tokens

    catalog = load_catalog()
    spec = dataclasses.replace(catalog.encodings["cl100k_base"], vocabulary_sha256="0" * 64)
    changed = dataclasses.replace(catalog, encodings={"cl100k_base": spec})
    monkeypatch.setattr(tokens, "load_catalog", lambda: changed)
    assert quicktok_counter("cl100k_base") is None


def test_falls_back_to_tiktoken_when_quicktok_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "quicktok", None)  # import quicktok raises ImportError
    assert quicktok_counter("o200k_base") is None
    text_counter.cache_clear()
    try:
        assert text_counter("o200k_base", cached=False)("hello world") == 2
    finally:
        text_counter.cache_clear()


def test_same_counts_on_every_test_file_and_example(counters):
    paths = [p for p in sorted(DATA.rglob("*")) if p.is_file()]
    paths += sorted((REPO / "examples").rglob("*.jsonl"))
    assert len(paths) > 5
    for path in paths:
        assert_same_counts(counters, texts_of(path))


def test_same_counts_on_the_corpus(counters, corpus):
    for path in sorted(corpus.iterdir()):
        assert_same_counts(counters, texts_of(path))


def test_same_counts_on_generated_hard_text(counters):
    texts = generated_texts()
    assert_same_counts(counters, [*texts, "".join(texts)])


ANY_PIECE = st.one_of(
    st.characters(),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),  # lone surrogates
    st.sampled_from(["<|endoftext|>", "<|fim_prefix|>", " ", "\n", "\t", "'s", "123"]),
)


@given(st.lists(ANY_PIECE, max_size=100).map("".join))
def test_same_counts_on_any_text(text):
    for name in ENCODINGS:
        reference, fast = backends(name)
        assert fast(text) == reference(text)


@pytest.mark.slow
@pytest.mark.parametrize("command", [["stats", "--format", "json"], ["check", "--stats"]])
@pytest.mark.parametrize("model", ["gpt-4o-mini-2024-07-18", "gpt-3.5-turbo-0125"])
def test_cli_output_is_byte_identical_with_either_backend(command, model, corpus):
    files = [
        str(DATA / "cookbook-toy-chat.jsonl"),
        str(REPO / "examples" / "clean.jsonl"),
        *map(str, sorted(corpus.glob("*.jsonl"))),
    ]
    outputs = []
    for backend in ("", "tiktoken"):
        env = {**os.environ, "TUNELINT_TOKENIZER": backend, "PYTHONPATH": str(REPO / "src")}
        done = subprocess.run(
            [sys.executable, "-m", "tunelint", *command, "--model", model, *files],
            capture_output=True,
            env=env,
        )
        assert done.returncode in (0, 1), done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert b"tokens" in outputs[0]
