"""The file-size cap of a profile (providers.md, Azure OpenAI: "less than 512 MB")."""

import dataclasses

import pytest

from conftest import small_file_config
from tunelint import engine, parallel
from tunelint.profile import load_profile

LINE = '{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}\n'


@pytest.fixture
def capped(monkeypatch):
    """Azure's profile with its 512 MB cap scaled down to 1,000 bytes."""
    azure = load_profile("azure-openai")
    assert azure.limits.max_file_bytes == 512 * 1024 * 1024
    small = dataclasses.replace(
        azure, limits=dataclasses.replace(azure.limits, max_file_bytes=1000)
    )
    monkeypatch.setattr(
        engine, "load_profile", lambda name: small if name == "azure-openai" else load_profile(name)
    )
    return small_file_config({"profile": "azure-openai"})


def sizes(path, config, jobs=1):
    result, _ = parallel.check_path(str(path), config, jobs)
    return [(d.line, d.column, d.message) for d in result.diagnostics if d.rule == "file_too_large"]


def test_a_file_over_the_cap_is_reported_at_line_1(tmp_path, capped, monkeypatch):
    path = tmp_path / "big.jsonl"
    path.write_text(LINE * 20)
    expected = [
        (1, 1, f"file is {20 * len(LINE):,} bytes; Azure OpenAI accepts files under 1,000 bytes")
    ]
    assert sizes(path, capped) == expected
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    assert sizes(path, capped, jobs=2) == expected  # the same when the file is split


def test_a_file_under_the_cap_and_the_openai_profile_pass(tmp_path, capped):
    path = tmp_path / "small.jsonl"
    path.write_text(LINE * 5)
    assert sizes(path, capped) == []
    path.write_text(LINE * 20)
    assert sizes(path, small_file_config()) == []  # openai records no cap
