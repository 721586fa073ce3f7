"""The encodings' fast-to-read form: built once, cached, trusted only when its hash is pinned."""

import base64
import functools
import gzip
import hashlib

import pytest

from conftest import REPO
from tunelint import rank_cache
from tunelint.models import load_catalog
from tunelint.tokens import load_encoding

ENCODINGS = ("cl100k_base", "o200k_base")
DATA_DIR = REPO / "src" / "tunelint" / "data"


@pytest.fixture(autouse=True)
def cache_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    load_encoding.cache_clear()
    yield tmp_path / "tunelint"
    load_encoding.cache_clear()


@functools.cache
def rank_file(name: str) -> dict[bytes, int]:
    lines = gzip.decompress((DATA_DIR / load_catalog().encodings[name].file).read_bytes())
    return {base64.b64decode(t): int(r) for t, r in map(bytes.split, lines.splitlines())}


class Reader:
    """A rank-file reader that records how often it was asked."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.calls = 0

    def __call__(self) -> dict[bytes, int]:
        self.calls += 1
        return rank_file(self.name)


@pytest.mark.parametrize("name", ENCODINGS)
def test_pinned_digest_is_the_rank_files_vocabulary_form(name):
    form = rank_cache.vocabulary_form(rank_file(name))
    assert hashlib.sha256(form).hexdigest() == rank_cache.VOCABULARY_SHA256[name]
    assert rank_cache.ranks_from_form(form) == rank_file(name)


@pytest.mark.parametrize("name", ENCODINGS)
def test_built_once_then_read_from_the_cache(name, cache_directory):
    reader = Reader(name)
    first = rank_cache.load_ranks(name, reader)
    assert [path.name for path in cache_directory.iterdir()] == [
        f"{name}-{rank_cache.VOCABULARY_SHA256[name][:16]}.vocabulary"
    ]
    second = rank_cache.load_ranks(name, reader)
    assert reader.calls == 1
    assert first == second == rank_file(name)


@pytest.mark.parametrize(
    "damage",
    [
        lambda form: form[:-1],
        lambda form: form + b"x",
        lambda form: form[:100] + bytes([form[100] ^ 1]) + form[101:],
        lambda form: b"",
    ],
    ids=["truncated", "extended", "one-bit", "empty"],
)
def test_a_damaged_cache_file_is_never_trusted_and_is_rebuilt(damage, cache_directory):
    reader = Reader("cl100k_base")
    rank_cache.load_ranks("cl100k_base", reader)
    (path,) = cache_directory.iterdir()
    good = path.read_bytes()
    path.write_bytes(damage(good))
    assert rank_cache.load_ranks("cl100k_base", reader) == rank_file("cl100k_base")
    assert reader.calls == 2
    assert path.read_bytes() == good


def test_an_unwritable_cache_directory_only_costs_the_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    reader = Reader("cl100k_base")
    assert rank_cache.load_ranks("cl100k_base", reader) == rank_file("cl100k_base")
    assert rank_cache.load_ranks("cl100k_base", reader) == rank_file("cl100k_base")
    assert reader.calls == 2


def test_ranks_that_do_not_match_the_pin_are_not_cached(cache_directory):
    ranks = {b"a": 0, b"b": 1}
    assert rank_cache.load_ranks("cl100k_base", lambda: ranks) == ranks
    assert not cache_directory.exists() or not any(cache_directory.iterdir())


def test_an_encoding_without_a_pin_reads_its_rank_file(cache_directory):
    assert rank_cache.load_ranks("new_encoding", lambda: {b"a": 0}) == {b"a": 0}
    assert not cache_directory.exists()


def test_no_form_for_ranks_with_gaps_or_long_tokens():
    assert rank_cache.vocabulary_form({b"a": 0, b"b": 2}) is None
    assert rank_cache.vocabulary_form({b"a" * 256: 0}) is None


@pytest.mark.parametrize("name", ENCODINGS)
def test_the_encoding_from_the_cache_encodes_as_from_the_rank_file(name, cache_directory):
    text = "Hello, world! 감사합니다 🤖 def f(x): return x"
    fresh = load_encoding(name).encode_ordinary(text)
    assert any(cache_directory.iterdir())
    load_encoding.cache_clear()
    assert load_encoding(name).encode_ordinary(text) == fresh


@pytest.mark.parametrize("value", ["", "relative/dir"])
def test_an_unset_or_relative_xdg_cache_home_means_the_home_cache(value, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", value)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert rank_cache.cache_directory() == tmp_path / ".cache" / "tunelint"
