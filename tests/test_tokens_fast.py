"""The ``fast`` extra: the gated quicktok counter counts exactly what tiktoken counts."""

import base64
import contextlib
import functools
import gzip
import hashlib
import importlib.util
import json
import os
import random
import struct
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import DATA, REPO
from test_tokens import no_network  # noqa: F401 (a fixture)
from tunelint import tokens_fast
from tunelint.models import load_catalog
from tunelint.tokens import load_encoding, text_counter, tiktoken_counter
from tunelint.tokens_fast import GatedCounter, passes_gate, quicktok_tokenizer

ENCODINGS = ("cl100k_base", "o200k_base")
CONTEXTS = ("{}", "a{}", "{}a", " {}", "1{}", "{}'s", "A{}b", "\n{} ", "{}{}")
"""Where a code point is put: alone, inside and beside letters, digits, spaces, a contraction,
a newline, and doubled; each context meets a different branch of the split patterns."""

SURROGATES = range(0xD800, 0xE000)
DATA_DIR = REPO / "src" / "tunelint" / "data"
needs_quicktok = pytest.mark.skipif(
    importlib.util.find_spec("quicktok") is None, reason="the fast extra is not installed"
)


@functools.cache
def reference(name: str):
    return tiktoken_counter(name)


@functools.cache
def gated(name: str) -> GatedCounter:
    counter = GatedCounter(name, functools.partial(reference, name), fast_after=0)
    counter("warm up")  # loads quicktok
    assert counter.fast is not None, "quicktok is installed but refused"
    return counter


def code_points(ranges) -> list[int]:
    return [cp for start, end in ranges for cp in range(start, end + 1)]


def in_contexts(cps: list[int]) -> list[str]:
    return [context.replace("{}", chr(cp)) for context in CONTEXTS for cp in cps]


# The pinned Unicode table


def test_the_table_is_the_pinned_one():
    data = (DATA_DIR / tokens_fast.ASSIGNED_TABLE).read_bytes()
    assert hashlib.sha256(data).hexdigest() == tokens_fast.ASSIGNED_TABLE_SHA256
    assert f"Unicode {tokens_fast.UNICODE_VERSION} " in data.decode("ascii").splitlines()[0]


@pytest.mark.skipif(
    unicodedata.unidata_version != tokens_fast.UNICODE_VERSION,
    reason=f"this Python's UCD is not {tokens_fast.UNICODE_VERSION} (CPython 3.11's is)",
)
def test_the_table_is_the_ucd_and_the_tool_writes_it():
    spec = importlib.util.spec_from_file_location(
        "unicode_assigned_table", REPO / "tools" / "unicode_assigned_table.py"
    )
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    table = tool.table_text(tokens_fast.UNICODE_VERSION)
    assert table == (DATA_DIR / tokens_fast.ASSIGNED_TABLE).read_text("ascii")
    assigned = set(code_points(tokens_fast.assigned_ranges()))
    for cp in range(tokens_fast.MAX_CODE_POINT + 1):
        assert (cp in assigned) == (unicodedata.category(chr(cp)) != "Cn"), hex(cp)


def test_the_gate_passes_exactly_the_assigned_code_points_but_surrogates():
    everything = "".join(map(chr, range(tokens_fast.MAX_CODE_POINT + 1)))
    failing = {ord(hit.group()) for hit in tokens_fast._first_pass().finditer(everything)}
    failing = {cp for cp in failing if cp <= 0xFFFF or not tokens_fast.is_assigned(cp)}
    expected = set(code_points(tokens_fast.outside_ranges()))
    assert failing == expected
    assert set(SURROGATES) <= expected
    assert not passes_gate(everything)
    rng = random.Random(14)
    for cp in rng.sample(range(tokens_fast.MAX_CODE_POINT + 1), 2_000):
        assert passes_gate(f"ab{chr(cp)} c") == (cp not in expected), hex(cp)


def test_a_corrupt_table_is_refused_and_tiktoken_counts(monkeypatch):
    monkeypatch.setattr(tokens_fast, "ASSIGNED_TABLE_SHA256", "0" * 64)
    tokens_fast.assigned_ranges.cache_clear()
    tokens_fast._first_pass.cache_clear()
    try:
        with pytest.raises(tokens_fast.GateDataError, match="corrupt"):
            tokens_fast.assigned_ranges()
        counter = GatedCounter("cl100k_base", functools.partial(reference, "cl100k_base"), 0)
        assert counter("hello world") == 2
        assert counter.fast is None
    finally:
        tokens_fast.assigned_ranges.cache_clear()
        tokens_fast._first_pass.cache_clear()


# quicktok is used only with the data that was tested


def quicktok_vocabulary(path: Path) -> dict[bytes, int]:
    """quicktok's ``.vocab`` file: a uint32 count, then (uint16 length, bytes, uint32 rank)."""
    raw = path.read_bytes()
    (count,) = struct.unpack_from("<I", raw)
    position, ranks = 4, {}
    for _ in range(count):
        (length,) = struct.unpack_from("<H", raw, position)
        token = raw[position + 2 : position + 2 + length]
        (ranks[token],) = struct.unpack_from("<I", raw, position + 2 + length)
        position += 6 + length
    assert position == len(raw)
    return ranks


def rank_file(name: str) -> dict[bytes, int]:
    lines = gzip.decompress((DATA_DIR / load_catalog().encodings[name].file).read_bytes())
    return {
        base64.b64decode(token): int(rank) for token, rank in map(bytes.split, lines.splitlines())
    }


@needs_quicktok
@pytest.mark.parametrize("name", ENCODINGS)
def test_quicktok_data_is_pinned_and_its_vocabulary_is_the_rank_file(name, no_network):  # noqa: F811
    import quicktok

    data_dir = Path(quicktok.__file__).parent / "data"
    pinned = tokens_fast.QUICKTOK_DATA_SHA256[name]
    for file, sha256 in pinned.items():
        assert hashlib.sha256((data_dir / file).read_bytes()).hexdigest() == sha256, file
    vocabulary = next(file for file in pinned if file.endswith(".vocab"))
    assert quicktok_vocabulary(data_dir / vocabulary) == rank_file(name)
    assert quicktok_tokenizer(name) is not None


@needs_quicktok
def test_other_quicktok_data_is_refused(monkeypatch):
    changed = {**tokens_fast.QUICKTOK_DATA_SHA256["cl100k_base"], "cl100k.vocab": "0" * 64}
    monkeypatch.setitem(tokens_fast.QUICKTOK_DATA_SHA256, "cl100k_base", changed)
    assert quicktok_tokenizer("cl100k_base") is None
    counter = GatedCounter("cl100k_base", functools.partial(reference, "cl100k_base"), 0)
    assert counter("hello world") == 2
    assert counter.fast is None


def test_without_quicktok_tiktoken_counts(monkeypatch):
    monkeypatch.setitem(sys.modules, "quicktok", None)  # import quicktok raises ImportError
    assert quicktok_tokenizer("o200k_base") is None
    counter = GatedCounter("o200k_base", functools.partial(reference, "o200k_base"), 0)
    assert counter("hello world") == 2


def recording(loads: list[str], name: str = "cl100k_base"):
    def load_reference():
        loads.append("tiktoken")
        return reference(name)

    return load_reference


def test_the_counter_moves_to_quicktok_after_enough_text():
    loads: list[str] = []
    counter = GatedCounter("cl100k_base", recording(loads), fast_after=10)
    assert loads == ["tiktoken"]  # loaded with the counter, so forked workers share it
    assert counter("hello") == 1
    assert counter.fast is None
    assert counter("hello world") == 2
    assert counter.fast is not None or quicktok_tokenizer("cl100k_base") is None
    assert loads == ["tiktoken"]


@needs_quicktok
def test_from_the_first_string_tiktoken_is_loaded_only_for_a_string_that_fails_the_gate():
    loads: list[str] = []
    counter = GatedCounter("cl100k_base", recording(loads), fast_after=0)
    assert counter("hello world, 감사합니다 🤖") == reference("cl100k_base")(
        "hello world, 감사합니다 🤖"
    )
    assert loads == []
    assert counter("\U00032400's") == reference("cl100k_base")("\U00032400's")
    assert loads == ["tiktoken"]


@pytest.mark.parametrize("choice", ["tiktoken", "fast", "auto", ""])
def test_the_environment_chooses_the_counter(choice, monkeypatch):
    monkeypatch.setenv("TUNELINT_TOKENIZER", choice)
    text_counter.cache_clear()
    try:
        counter = text_counter("o200k_base", cached=False)
        if choice in ("tiktoken", "") or importlib.util.find_spec("quicktok") is None:
            assert counter.__qualname__.startswith("tiktoken_counter")
        else:
            assert isinstance(counter, GatedCounter)
            expected = 0 if choice == "fast" else tokens_fast.FAST_AFTER_CHARACTERS
            assert counter.until_fast == expected
    finally:
        text_counter.cache_clear()


# Counts: the gated counter against tiktoken


def assert_same_counts(name: str, texts: list[str]) -> None:
    count, expected = gated(name), reference(name)
    differ = [(t[:40], expected(t), count(t)) for t in texts if expected(t) != count(t)]
    assert not differ, differ


@needs_quicktok
@pytest.mark.slow
@pytest.mark.parametrize("name", ENCODINGS)
def test_quicktok_splits_every_code_point_assigned_in_unicode_14_as_tiktoken(name):
    """The gate's claim: for the code points it lets through, quicktok's token ids are
    tiktoken's, in every context (compared 4,096 at a time, then one by one where they differ)."""
    fast, encode = quicktok_tokenizer(name), load_encoding(name).encode_ordinary
    cps = [cp for cp in code_points(tokens_fast.assigned_ranges()) if cp not in SURROGATES]
    texts = in_contexts(cps)
    differ = []
    for start in range(0, len(texts), 4096):
        chunk = "\n".join(texts[start : start + 4096])
        if fast.encode_ordinary(chunk) != encode(chunk):
            differ += [
                t for t in texts[start : start + 4096] if fast.encode_ordinary(t) != encode(t)
            ]
    assert not differ, [(text, [hex(ord(c)) for c in text]) for text in differ[:20]]


@needs_quicktok
@pytest.mark.slow
@pytest.mark.parametrize("name", ENCODINGS)
def test_every_code_point_assigned_after_unicode_14_is_counted_as_tiktoken_counts(name):
    """Code points the ``regex`` module's (newer) UCD assigns and Unicode 14.0 does not: the
    ones where quicktok and tiktoken differ (e.g. U+32400 's), all kept from quicktok."""
    import regex

    unassigned = [cp for cp in code_points(tokens_fast.outside_ranges()) if cp not in SURROGATES]
    newer = [ord(c) for c in regex.findall(r"\P{Cn}", "".join(map(chr, unassigned)))]
    assert len(newer) >= 15_104  # Unicode 15.0 to 17.0 added 15,104
    texts = in_contexts(newer)
    assert not any(map(passes_gate, texts))
    assert_same_counts(name, texts)


@needs_quicktok
@pytest.mark.parametrize("name", ENCODINGS)
def test_same_counts_on_a_sample_of_all_code_points_in_context(name):
    rng = random.Random(17)
    cps = rng.sample([*range(0xD800), *range(0xE000, tokens_fast.MAX_CODE_POINT + 1)], 5_000)
    assert_same_counts(name, in_contexts(cps))
    assert_same_counts(name, ["U+32400: \U00032400's", "\U00032400's"])


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
    text = path.read_text("utf-8", errors="surrogateescape")
    found = [text, *text.splitlines()]
    for part in (text, *text.splitlines()):
        with contextlib.suppress(ValueError):
            strings(json.loads(part), found)
    return found


@needs_quicktok
@pytest.mark.slow
@pytest.mark.parametrize("name", ENCODINGS)
def test_same_counts_on_every_test_file_example_and_the_corpus(name, corpus):
    paths = [p for p in sorted(DATA.rglob("*")) if p.is_file()]
    paths += sorted((REPO / "examples").rglob("*.jsonl")) + sorted(corpus.iterdir())
    assert len(paths) > 5
    for path in paths:
        assert_same_counts(name, texts_of(path))


ANY_PIECE = st.one_of(
    st.characters(),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),  # lone surrogates
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),  # emoji, astral
    st.sampled_from(["<|endoftext|>", "<|fim_prefix|>", " ", "\n", "\t", "'s", "123", "Ab"]),
)


@needs_quicktok
@given(st.lists(ANY_PIECE, max_size=100).map("".join))
def test_same_counts_on_any_text(text):
    for name in ENCODINGS:
        assert gated(name)(text) == reference(name)(text)


@needs_quicktok
@pytest.mark.slow
@pytest.mark.parametrize("command", [["stats", "--format", "json"], ["check", "--stats"]])
@pytest.mark.parametrize("model", ["gpt-4o-mini-2024-07-18", "gpt-3.5-turbo-0125"])
def test_cli_output_is_byte_identical_with_and_without_the_fast_path(
    command, model, corpus, tmp_path
):
    files = [
        str(DATA / "cookbook-toy-chat.jsonl"),
        str(REPO / "examples" / "clean.jsonl"),
        *map(str, sorted(corpus.glob("*.jsonl"))),
    ]
    outputs = []
    for choice in ("fast", "tiktoken"):
        env = {
            **os.environ,
            "TUNELINT_TOKENIZER": choice,
            "PYTHONPATH": str(REPO / "src"),
            "XDG_CACHE_HOME": str(tmp_path),
        }
        done = subprocess.run(
            [sys.executable, "-m", "tunelint", *command, "--model", model, *files],
            capture_output=True,
            env=env,
        )
        assert done.returncode in (0, 1), done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert b"tokens" in outputs[0]


LOADED = """
import sys
import tunelint.tokens as tokens
print(sorted(m for m in ("tiktoken", "quicktok") if m in sys.modules))
tokens.text_counter("o200k_base")("hello world")
print(sorted(m for m in ("tiktoken", "quicktok") if m in sys.modules))
"""


@pytest.mark.parametrize(
    ("choice", "after_counting"),
    [
        ("tiktoken", "['tiktoken']"),
        ("fast", "['quicktok']"),
        ("auto", "['tiktoken']"),
        ("", "['tiktoken']"),
    ],
)
def test_tokenizers_are_imported_only_when_counting(choice, after_counting, tmp_path):
    env = {**os.environ, "TUNELINT_TOKENIZER": choice, "PYTHONPATH": str(REPO / "src")}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", LOADED], capture_output=True, text=True, env=env, check=True
    )
    if importlib.util.find_spec("quicktok") is None:
        after_counting = "['tiktoken']"
    assert done.stdout.splitlines() == ["[]", after_counting]
