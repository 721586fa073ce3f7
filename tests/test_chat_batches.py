"""Analysing examples a window at a time changes nothing a user sees.

The engine hands each window of parsed lines to the chat-template rules and the statistics
observer before checking them (``tunelint.chat.cache.prepare``), so that the window is
rendered and tokenized as one batch. With that hook disabled, every example is analysed on its
own, as before batching; the stats report, the ``--per-example`` records and the findings of
``check`` must be byte for byte the same both ways, for every template and file here.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

import tunelint.chat.cache as chat_cache
from tunelint import engine, parallel
from tunelint.cli import main

DATA = Path(__file__).parent / "data"
TOKENIZERS = DATA / "tokenizers"
MODEL = TOKENIZERS / "qwen2"
TEMPLATES = sorted((TOKENIZERS / "templates").glob("*.jinja"))
QWEN25 = TOKENIZERS / "templates" / "Qwen-Qwen2.5-7B-Instruct.jinja"
MISTRAL = TOKENIZERS / "templates" / "mistralai-Mistral-Nemo-Instruct-2407.jinja"
TEST_FILES = [
    DATA / "chat" / "handmade.jsonl",
    DATA / "chat" / "orca-dpo-40.jsonl.gz",
    DATA / "cookbook-toy-chat.jsonl",
]
TOOL_CALLS_40 = DATA / "chat" / "zava-retail-toolcalls-40.jsonl.gz"
COMMANDS = {
    "stats": ["stats", "--format", "json"],
    "per-example": ["stats", "--per-example"],
    "check": ["check", "--format", "json"],
}
SMALL_WINDOW = 3
"""Records per window in the batched runs: the test files span many windows."""

pytest.importorskip("tokenizers")
pytest.importorskip("jinja2")


def plain(path: Path, folder: Path) -> Path:
    """The JSONL file itself (a .gz test file decompressed into ``folder``)."""
    if path.suffix != ".gz":
        return path
    target = folder / path.stem
    with gzip.open(path, "rb") as packed, target.open("wb") as out:
        shutil.copyfileobj(packed, out)
    return target


def outputs(
    capsys: pytest.CaptureFixture[str], path: Path, template: Path, *extra: str
) -> dict[str, tuple[int, str]]:
    """(exit status, stdout) of every command on ``path`` under ``template``."""
    model = ["--tokenizer", str(MODEL), "--chat-template", str(template)]
    seen = {}
    for name, command in COMMANDS.items():
        capsys.readouterr()
        status = main([*command, str(path), *model, "--max-seq-length", "256", *extra])
        seen[name] = (status, capsys.readouterr().out)
    return seen


def assert_batches_change_nothing(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    path: Path,
    template: Path,
    *extra: str,
) -> None:
    with monkeypatch.context() as batched:
        batched.setattr(engine, "WINDOW_RECORDS", SMALL_WINDOW)
        prepared = []
        batched.setattr(chat_cache, "_Window", recording(prepared))
        in_batches = outputs(capsys, path, template, *extra)
    assert prepared, "no window was prepared: the batched path did not run"
    with monkeypatch.context() as alone:
        alone.setattr(chat_cache, "prepare", lambda examples, ctx: None)
        one_at_a_time = outputs(capsys, path, template, *extra)
    assert in_batches == one_at_a_time


def recording(prepared: list) -> type:
    """``chat_cache._Window`` that also notes each window it is made for."""

    class Recorded(chat_cache._Window):
        def __init__(self, examples, key) -> None:
            prepared.append(len(examples))
            super().__init__(examples, key)

    return Recorded


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.stem)
@pytest.mark.parametrize("source", TEST_FILES, ids=lambda p: p.name.split(".")[0])
def test_test_files_under_every_template(monkeypatch, capsys, tmp_path, source, template):
    assert_batches_change_nothing(monkeypatch, capsys, plain(source, tmp_path), template)


def test_tool_calls(monkeypatch, capsys, tmp_path):
    assert_batches_change_nothing(monkeypatch, capsys, plain(TOOL_CALLS_40, tmp_path), QWEN25)


@pytest.mark.slow
@pytest.mark.parametrize("template", [QWEN25, MISTRAL], ids=lambda t: t.stem)
def test_shared_corpus(monkeypatch, capsys, corpus, template):
    for path in sorted(corpus.glob("*.jsonl")):
        assert_batches_change_nothing(monkeypatch, capsys, path, template)


def test_trainer_profile_shapes(monkeypatch, capsys, tmp_path):
    """Under TRL's profile preference rows are read through a shape reader: its examples
    are analysed alone, the raw rows in batches, and the output is the same."""
    path = plain(DATA / "chat" / "orca-dpo-40.jsonl.gz", tmp_path)
    assert_batches_change_nothing(monkeypatch, capsys, path, QWEN25, "--profile", "trl")


def test_parts_checked_in_parallel(monkeypatch, capsys, tmp_path):
    """With --jobs 2 each forked worker prepares the windows of its own parts."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "PART_BYTES", 20_000)
    path = plain(TOOL_CALLS_40, tmp_path)
    with monkeypatch.context() as alone:
        alone.setattr(chat_cache, "prepare", lambda examples, ctx: None)
        one_at_a_time = outputs(capsys, path, QWEN25, "--jobs", "1")
    assert outputs(capsys, path, QWEN25, "--jobs", "2") == one_at_a_time


def test_a_text_the_tokenizer_raises_on_is_refused_alone(monkeypatch):
    """One example the tokenizer cannot take is refused with its message; the others of its
    window keep the counts they get alone."""
    from concurrent.futures import ThreadPoolExecutor

    from tunelint.chat.model import load_model
    from tunelint.chat.training import BatchAnalysis, Training

    model = load_model(str(MODEL), str(QWEN25))
    examples = [
        {"messages": [{"role": "user", "content": text}, {"role": "assistant", "content": "ok"}]}
        for text in ("hi", "POISON", "bye")
    ]
    batch = [("f.jsonl", line, example) for line, example in enumerate(examples, 1)]
    with ThreadPoolExecutor(1) as worker:
        expected = [BatchAnalysis(model, [item], Training(), worker).result()[0] for item in batch]
        encoder = type(model.encoder)
        original = encoder.encode

        def encode(self, texts, boundaries):
            if any("POISON" in text for text in texts):
                raise ValueError("cannot take this")
            return original(self, texts, boundaries)

        monkeypatch.setattr(encoder, "encode", encode)
        first, poisoned, last = BatchAnalysis(model, batch, Training(), worker).result()
    assert (first.tokens, last.tokens) == (expected[0].tokens, expected[2].tokens) != (0, 0)
    assert poisoned.error == "its rendered text cannot be tokenized: cannot take this"
