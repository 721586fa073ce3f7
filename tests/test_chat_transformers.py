"""Token counts and assistant masks under real chat templates equal transformers'.

The reference is ``AutoTokenizer.from_pretrained(DIR).apply_chat_template(messages,
tools=tools, tokenize=True)`` on a local directory (the Qwen2 tokenizer of tests/data), loaded
offline, for every template in tests/data/tokenizers/templates and every example of the test
files: real corpus lines and handmade ones.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path
from typing import Any

import jinja2
import pytest

from tunelint.chat.encode import Tokens
from tunelint.chat.model import load_model
from tunelint.chat.template import render
from tunelint.chat.training import Training, analyse, assistant_mask, conversation_of
from tunelint.config import Config
from tunelint.engine import check_lines

DATA = Path(__file__).parent / "data"
TOKENIZERS = DATA / "tokenizers"
TEMPLATES = sorted((TOKENIZERS / "templates").glob("*.jinja"))
MARKED_TEMPLATE = TOKENIZERS / "templates" / "qwen2.5-generation-markers.jinja"
HANDMADE = DATA / "chat" / "handmade.jsonl"
FILES = [
    HANDMADE,
    DATA / "chat" / "zava-retail-toolcalls-40.jsonl.gz",
    DATA / "chat" / "orca-dpo-40.jsonl.gz",
    DATA / "cookbook-toy-chat.jsonl",
]
SLOW_FILES = {"zava-retail-toolcalls-40.jsonl.gz"}
"""7,000 tokens an example: minutes for transformers on a shared machine."""

transformers = pytest.importorskip("transformers")


def read_rows(path: Path) -> list[tuple[str, int, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [
            (path.name, n, json.loads(line)) for n, line in enumerate(handle, 1) if line.strip()
        ]


TEMPLATE_FILES = [
    pytest.param(
        template,
        path,
        id=f"{template.stem}-{path.name.split('.')[0]}",
        marks=[pytest.mark.slow] if path.name in SLOW_FILES else [],
    )
    for template in TEMPLATES
    for path in FILES
]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Qwen2 model directory, tokenizer.json decompressed as transformers needs it."""
    folder = tmp_path_factory.mktemp("qwen2")
    with gzip.open(TOKENIZERS / "qwen2" / "tokenizer.json.gz", "rb") as packed:
        (folder / "tokenizer.json").write_bytes(packed.read())
    shutil.copy(TOKENIZERS / "qwen2" / "tokenizer_config.json", folder)
    return folder


@pytest.fixture(scope="module")
def reference(model_dir: Path) -> Any:
    os.environ["HF_HUB_OFFLINE"] = "1"
    transformers.logging.set_verbosity_error()
    return transformers.AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)


def transformers_ids(reference: Any, template: str, example: Any) -> tuple[list[int] | None, Any]:
    """transformers' token ids for the example, or the exception it raises."""
    conversation = conversation_of(example)
    try:
        ids = reference.apply_chat_template(
            conversation.messages,
            tools=conversation.tools,
            chat_template=template,
            tokenize=True,
            return_dict=False,
        )
    except Exception as error:
        return None, error
    return ids, None


@pytest.mark.parametrize(("template", "path"), TEMPLATE_FILES)
def test_counts_and_refusals_equal_transformers(reference: Any, template: Path, path: Path):
    source = template.read_text(encoding="utf-8")
    model = load_model(str(TOKENIZERS / "qwen2"), str(template))
    rows = [row for row in read_rows(path) if conversation_of(row[2]) is not None]
    records = list(analyse(model, rows, Training("all"), batch_size=16))
    for (file, line, example), record in zip(rows, records, strict=True):
        expected, error = transformers_ids(reference, source, example)
        where = f"{file}:{line}"
        if error is not None:
            assert record.error is not None, f"{where}: transformers raises {error!r}"
            if isinstance(error, jinja2.TemplateError):
                assert record.error == str(error), where
            elif not isinstance(error, ValueError):  # the template's own code failing
                assert record.error.endswith(str(error)), where
            continue
        assert record.error is None, f"{where}: {record.error}"
        assert record.tokens == len(expected), where
        assert record.trained_tokens == record.tokens, where
        if path != HANDMADE:
            continue  # the ids themselves on the examples written to be hard
        conversation = conversation_of(example)
        text = render(
            model.template_for(conversation.tools),
            conversation.messages,
            conversation.tools,
            model.variables,
        ).text
        assert model.tokenizer.encode(text, add_special_tokens=False).ids == expected, where


@pytest.mark.parametrize(
    "path",
    [pytest.param(p, marks=[pytest.mark.slow] if p.name in SLOW_FILES else []) for p in FILES],
    ids=lambda p: p.name.split(".")[0],
)
def test_assistant_masks_equal_transformers(reference: Any, path: Path):
    source = MARKED_TEMPLATE.read_text(encoding="utf-8")
    model = load_model(str(TOKENIZERS / "qwen2"), str(MARKED_TEMPLATE))
    rows = read_rows(path)
    compared = 0
    for file, line, example in rows:
        conversation = conversation_of(example)
        if conversation is None or not conversation.messages:
            continue
        try:
            expected = reference.apply_chat_template(
                conversation.messages,
                tools=conversation.tools,
                chat_template=source,
                tokenize=True,
                return_dict=True,
                return_assistant_tokens_mask=True,
            )["assistant_masks"]
        except Exception:
            continue
        rendered = render(
            model.template_for(conversation.tools),
            conversation.messages,
            conversation.tools,
            model.variables,
        )
        encoding = model.tokenizer.encode(rendered.text, add_special_tokens=False)
        assert assistant_mask(Tokens.of_encoding(encoding), rendered.generation_spans) == expected
        weighted = any(isinstance(m, dict) and m.get("weight") == 0 for m in conversation.messages)
        if not weighted and conversation.completion_start is None:
            [record] = analyse(model, [(file, line, example)], Training("assistant"))
            assert record.trained_tokens == sum(expected), f"{file}:{line}"
        compared += 1
    assert compared > len(rows) // 2


def test_every_refused_example_is_a_chat_template_error_at_its_line(reference: Any):
    template = TOKENIZERS / "templates" / "mistralai-Mistral-Nemo-Instruct-2407.jinja"
    path = DATA / "chat" / "handmade.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    config = Config.default()
    config.settings.update(
        profile="trl", tokenizer=str(TOKENIZERS / "qwen2"), chat_template=str(template)
    )
    found = {
        d.line: d.message
        for d in check_lines(lines, config).diagnostics
        if d.rule == "chat_template_error"
    }
    source = template.read_text(encoding="utf-8")
    refused = {}
    for _, line, example in read_rows(path):
        if conversation_of(example).messages:
            _, error = transformers_ids(reference, source, example)
            if error is not None:
                refused[line] = str(error)
    assert refused
    assert sorted(found) == sorted(refused)
    for line, message in refused.items():
        assert found[line].endswith(message)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.stem)
def test_stats_per_example_tokens_equal_transformers(reference, model_dir, template, capsys):
    """``tunelint stats --tokenizer DIR --chat-template FILE --per-example`` (the CLI path,
    through the run API and the statistics observer) gives transformers' lengths for every
    example the template renders; the ones it refuses are skipped there, as lines with errors."""
    from tunelint.cli import main

    capsys.readouterr()
    main(["stats", str(HANDMADE), "--tokenizer", str(model_dir), "--chat-template",
          str(template), "--per-example", "--max-seq-length", "64"])  # fmt: skip
    records = {r["line"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    source = template.read_text(encoding="utf-8")
    expected = {}
    for _, line, example in read_rows(HANDMADE):
        ids, error = transformers_ids(reference, source, example)
        if error is None:
            expected[line] = len(ids)
    assert {line: r["tokens"] for line, r in records.items()} == {
        line: n for line, n in expected.items() if line in records
    }
    assert records, "no example was counted"
    for record in records.values():
        assert record["truncated_tokens"] == max(0, record["tokens"] - 64)
        assert record["lost_trained"] == (record["lost_trained_tokens"] > 0)
