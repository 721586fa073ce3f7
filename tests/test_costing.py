"""Tokens and cost per profile (``tunelint.costing``): model choice, tokenizer, estimate, price.

Facts from shared/reference/providers.md: Azure counts with tiktoken like OpenAI (same models,
same 65,536-token limit) and no Azure price was retrieved; Vertex Gemini 2.5 Flash allows
131,072 tokens per example, price not retrieved; no Gemini or Nova tokenizer runs offline;
open-weight providers use the base model's Hugging Face tokenizer.
"""

from __future__ import annotations

import datetime
import json
import sys

import pytest
from tests.conftest import DATA, assistant, chat, collect_stats, lint, system, user

from tunelint.cli import main
from tunelint.config import config_from_dict
from tunelint.costing import TokenizerError, choose, hf_tokenizer
from tunelint.models import UnknownModel
from tunelint.report import stats_markdown, stats_text
from tunelint.stats import build_report, estimate_for

TOY = DATA / "cookbook-toy-chat.jsonl"
GEMINI = {
    "contents": [
        {"role": "user", "parts": [{"text": "What is a cat?"}]},
        {"role": "model", "parts": [{"text": "A small animal."}]},
    ]
}
NOVA = {
    "schemaVersion": "bedrock-conversation-2024",
    "messages": [
        {"role": "user", "content": [{"text": "What is a cat?"}]},
        {"role": "assistant", "content": [{"text": "A small animal."}]},
    ],
}


def report_for(path, profile, model=None, tokenizer=None, **settings):
    config = config_from_dict({"profile": profile, **settings})
    estimate = estimate_for(config, model, None, tokenizer)
    tokens = estimate.tokens
    stats = collect_stats(path, config, tokens.count, tokens.tool_constants)[1]
    return build_report([(str(path), stats)], estimate, today=datetime.date(2026, 11, 25))


def test_each_profile_defaults_to_its_own_model():
    assert choose("openai", None).model.name == "gpt-4o-mini-2024-07-18"
    assert choose("azure-openai", None).model.name == "gpt-4o"
    assert choose("vertex-gemini", None).model.name == "gemini-2.5-flash"
    assert choose("bedrock-nova", None).model.name == "nova-micro"
    assert choose("together", None).model.name == "base model"
    assert choose("together", "Llama-3.1-8B").model.name == "Llama-3.1-8B"  # no list: a label


def test_a_model_outside_the_profile_is_refused_with_the_known_ones(tmp_path, capsys):
    with pytest.raises(UnknownModel, match=r"known models: gemini-2\.5-flash"):
        choose("vertex-gemini", "gpt-4o")
    assert choose("azure-openai", "gpt-4.1-nano-2025-04-14").model.name == "gpt-4.1-nano"
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps(GEMINI) + "\n")
    assert main(["stats", str(path), "--profile", "vertex-gemini", "--model", "gpt-4o"]) == 2
    err = capsys.readouterr().err
    assert "unknown model 'gpt-4o' for profile vertex-gemini; known models: gemini-2.5-flash" in err


def test_openai_figures_are_unchanged_and_azure_counts_the_same_tokens_without_a_price():
    openai = report_for(TOY, "openai", "gpt-4o")
    azure = report_for(TOY, "azure-openai", "gpt-4o", rules={"too_few_examples": "off"})
    assert openai["model"]["tokens_are_estimate"] is False
    assert openai["model"]["tokenizer"] == "o200k_base"
    assert azure["total"]["tokens_per_example"] == openai["total"]["tokens_per_example"]
    assert azure["total"]["charged_tokens"] == openai["total"]["charged_tokens"]
    assert azure["model"]["token_limit"] == 65536
    assert (azure["total"]["cost_usd"], azure["model"]["price_per_million_usd"]) == (None, None)
    assert openai["total"]["cost_usd"] > 0


def test_gemini_tokens_are_an_estimate_in_every_output(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps(GEMINI) + "\n")
    report = report_for(path, "vertex-gemini")
    model = report["model"]
    assert model["tokens_are_estimate"] is True
    assert model["tokenizer"].startswith("estimate: o200k_base counts as a proxy")
    assert (model["token_limit"], report["total"]["cost_usd"]) == (131072, None)
    assert report["total"]["examples"] == 1 and report["total"]["billing_tokens"] > 0
    text = stats_text.render(report)
    assert "note: token counts are an estimate: o200k_base counts as a proxy" in text
    assert "price not published" in text and "$" not in text
    markdown = stats_markdown.render(report)
    assert "> **Estimate:** token counts are an estimate" in markdown
    assert "| estimated cost | price not published |" in markdown


def test_without_a_published_limit_nothing_is_capped(tmp_path):
    path = tmp_path / "nova.jsonl"
    path.write_text(json.dumps(NOVA) + "\n")
    report = report_for(path, "bedrock-nova", rules={"too_few_examples": "off"})
    total = report["total"]
    assert report["model"]["token_limit"] is None
    assert total["over_token_limit"] is None
    assert total["billing_tokens"] == total["tokens_per_example"]["sum"]
    assert "no published token limit" in stats_text.render(report)


def test_over_token_limit_follows_the_profiles_model_and_says_estimate():
    long = chat(system(), user("word " * 200), assistant())
    found = lint(long, config={"profile": "trl", "max_tokens_per_example": 100})
    [problem] = [d for d in found.diagnostics if d.rule == "over_token_limit"]
    assert problem.message.startswith("example has about ")
    assert "estimate: o200k_base counts as a proxy" in problem.message
    assert "for base model" in problem.message
    exact = lint(long, config={"max_tokens_per_example": 100})
    [problem] = [d for d in exact.diagnostics if d.rule == "over_token_limit"]
    assert "about" not in problem.message


@pytest.fixture
def tokenizer_json(tmp_path):
    """A tiny word-level tokenizer.json, built with the ``tokenizers`` library itself."""
    tokenizers = pytest.importorskip("tokenizers", reason="needs the optional tokenizers package")
    vocab = {"[UNK]": 0, "hello": 1, "world": 2}
    tokenizer = tokenizers.Tokenizer(tokenizers.models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
    path = tmp_path / "tokenizer.json"
    tokenizer.save(str(path))
    return path


def test_a_local_tokenizer_json_counts_exactly(tokenizer_json, tmp_path):
    source = hf_tokenizer(str(tokenizer_json))
    assert source.count("hello world hello") == 3
    assert source.count("héllo, world") == 3  # unknown word, comma, known word
    path = tmp_path / "t.jsonl"
    path.write_text(chat(user("hello world"), assistant("hello")) + "\n")
    report = report_for(path, "together", "Llama-3.1-8B", str(tokenizer_json))
    model = report["model"]
    assert (model["tokens_are_estimate"], model["name"]) == (False, "Llama-3.1-8B")
    assert model["tokenizer"] == f"tokenizer.json {tokenizer_json}"
    # the cookbook's count: 3 per message + text (role and content) + 3 per example
    assert report["total"]["tokens_per_example"]["sum"] == (3 + 1 + 2) + (3 + 1 + 1) + 3
    assert report["total"]["assistant_tokens_per_example"]["sum"] == 1


def test_tokenizer_problems_are_usage_errors(tokenizer_json, tmp_path, capsys, monkeypatch):
    path = tmp_path / "t.jsonl"
    path.write_text(chat(user(), assistant()) + "\n")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["stats", str(path), "--profile", "together", "--tokenizer", str(bad)]) == 2
    assert "bad.json: cannot read this tokenizer.json" in capsys.readouterr().err
    assert main(["stats", str(path), "--tokenizer", str(tokenizer_json)]) == 2
    assert "counted exactly with o200k_base" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "tokenizers", None)
    hf_tokenizer.cache_clear()
    with pytest.raises(TokenizerError, match=r"pip install 'tunelint\[hf\]'"):
        hf_tokenizer(str(tokenizer_json))


def test_models_come_from_the_catalog_the_profiles_list_or_a_base_model_label():
    assert choose("openai", "gpt-4o").model.name == "gpt-4o-2024-08-06"  # catalog (models: null)
    assert choose("azure-openai", None).model.name == "gpt-4o"  # the profile's first
    base = choose("trl", None).model
    assert (base.name, base.tokenizer, base.max_tokens) == ("base model", "hf-tokenizer-json", None)
    assert base.source.startswith("trl records no models: huggingface/trl docs/source/")
