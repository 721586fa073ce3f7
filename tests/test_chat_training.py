"""Trained tokens, truncation and the mergeable aggregate, and the chat rules end to end."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

import pytest

from tunelint.chat.model import load_model
from tunelint.chat.template import render
from tunelint.chat.training import (
    LengthAggregate,
    Training,
    analyse,
    conversation_of,
    locate_messages,
    training_for,
)
from tunelint.config import Config
from tunelint.engine import check_lines

pytest.importorskip("tokenizers")
pytest.importorskip("jinja2")

TOKENIZERS = Path(__file__).parent / "data" / "tokenizers"
QWEN25 = TOKENIZERS / "templates" / "Qwen-Qwen2.5-7B-Instruct.jinja"
MARKED = TOKENIZERS / "templates" / "qwen2.5-generation-markers.jinja"
PHI = TOKENIZERS / "templates" / "microsoft-Phi-3.5-mini-instruct.jinja"
QWEN3 = TOKENIZERS / "templates" / "Qwen-Qwen3-0.6B.jinja"
HANDMADE = Path(__file__).parent / "data" / "chat" / "handmade.jsonl"


def user(text: str) -> dict:
    return {"role": "user", "content": text}


def assistant(text: str, **keys: Any) -> dict:
    return {"role": "assistant", "content": text, **keys}


def one(template: Path, example: dict, training: Training):
    [record] = analyse(
        load_model(str(TOKENIZERS / "qwen2"), str(template)), [("f", 1, example)], training
    )
    return record


def tokens_of(template: Path, text: str) -> int:
    model = load_model(str(TOKENIZERS / "qwen2"), str(template))
    return len(model.tokenizer.encode(text, add_special_tokens=False).ids)


def test_located_assistant_span_runs_from_its_content_to_the_eos():
    example = {"messages": [user("Hi"), assistant("Hello there")]}
    record = one(QWEN25, example, Training("assistant"))
    assert record.trained_tokens == tokens_of(QWEN25, "Hello there<|im_end|>")
    assert record.unstopped_turns == ()


@pytest.mark.parametrize("template", [QWEN25, MARKED], ids=["located", "marked"])
def test_weight_zero_turns_are_not_trained(template: Path):
    trained = {"messages": [user("A"), assistant("first answer"), user("B"), assistant("second")]}
    weighted = json.loads(json.dumps(trained))
    weighted["messages"][1]["weight"] = 0
    both = one(template, trained, Training("assistant")).trained_tokens
    last = one(template, weighted, Training("assistant")).trained_tokens
    assert both - last == tokens_of(template, "first answer<|im_end|>")


def test_loss_all_trains_every_token_and_completion_only_the_completion():
    row = {"prompt": [user("Question?")], "completion": [assistant("Answer.")]}
    everything = one(QWEN25, row, Training("all"))
    assert everything.trained_tokens == everything.tokens
    completion = one(QWEN25, row, Training("completion"))
    assert completion.trained_tokens == tokens_of(QWEN25, "Answer.<|im_end|>")
    messages = one(QWEN25, {"messages": row["prompt"] + row["completion"]}, Training("completion"))
    assert messages.trained_tokens == messages.tokens  # TRL: no completion mask for messages


def test_truncation_counts_the_lost_trained_tokens():
    example = {"messages": [user("word " * 50), assistant("answer " * 20)]}
    whole = one(QWEN25, example, Training("assistant"))
    cut = whole.tokens - 10
    record = one(QWEN25, example, Training("assistant", max_seq_length=cut))
    after_turn = tokens_of(QWEN25, "\n")  # the newline after <|im_end|> is not trained
    assert (record.truncated_tokens, record.lost_trained_tokens) == (10, 10 - after_turn)
    none_kept = one(QWEN25, example, Training("assistant", max_seq_length=30))
    assert none_kept.lost_trained_tokens == none_kept.trained_tokens == whole.trained_tokens


def test_messages_are_located_in_order_past_earlier_matches():
    text = "<s>user: yes<e><s>assistant: yes<e>"
    spans = locate_messages(text, [user("yes"), assistant("yes")])
    assert [text[a:b] for a, b in spans] == ["yes", "yes"]
    assert spans[1][0] > spans[0][1]


def test_the_aggregate_merges_and_gives_exact_percentiles():
    model = load_model(str(TOKENIZERS / "qwen2"), str(QWEN25))
    rows = [
        ("h", n, json.loads(line)) for n, line in enumerate(HANDMADE.read_text().splitlines(), 1)
    ]
    records = list(analyse(model, rows, Training("assistant", max_seq_length=40), batch_size=5))
    whole, first, second = LengthAggregate(), LengthAggregate(), LengthAggregate()
    for index, record in enumerate(records):
        whole.add(record)
        (first if index < 9 else second).add(record)
    assert first.merge(second) == whole
    lengths = sorted(r.tokens for r in records if r.error is None)
    for fraction, quantile in ((0.1, 0), (0.5, 4), (0.9, 8)):
        expected = statistics.quantiles(lengths, n=10, method="inclusive")[quantile]
        assert whole.percentile(fraction) == pytest.approx(expected)
    assert whole.truncated_examples == sum(1 for r in records if r.truncated_tokens)
    assert whole.unrenderable == sum(1 for r in records if r.error)


def test_training_settings_come_from_the_config_then_the_profile():
    from tunelint.profile import load_profile

    trl, openai = load_profile("trl"), load_profile("openai")
    assert training_for(trl, {}) == Training("all", 1024)  # TRL SFTConfig's max_length
    assert training_for(trl, {"max_seq_length": 10}) == Training("all", 10)
    assert training_for(openai, {}) == Training("assistant", None)  # records no trainer


def test_records_serialize_the_per_example_fields():
    record = one(QWEN25, {"messages": [user("Hi"), assistant("Yo")]}, Training("assistant", 5))
    assert list(record.to_dict()) == [
        "file",
        "line",
        "tokens",
        "trained_tokens",
        "truncated_tokens",
        "lost_trained_tokens",
    ]


def findings(template: Path, lines: list[str], **settings: Any) -> list[tuple[int, str, str, str]]:
    config = Config.default()
    config.settings.update(
        tokenizer=str(TOKENIZERS / "qwen2"), chat_template=str(template), **settings
    )
    rules = {
        "chat_template_error",
        "dropped_reasoning",
        "missing_eos",
        "no_trainable_tokens",
        "partly_truncated_assistant_turn",
        "special_token_in_content",
        "template_without_generation_markers",
        "truncated_assistant_turn",
    }
    return [
        (d.line, d.rule, d.path, d.message)
        for d in check_lines(lines, config).diagnostics
        if d.rule in rules
    ]


def test_the_rules_on_handmade_examples_under_qwen3():
    lines = HANDMADE.read_text(encoding="utf-8").splitlines()
    found = findings(QWEN3, lines, max_seq_length=1024)
    by_rule: dict[str, list[int]] = {}
    for line, rule, _, _ in found:
        by_rule.setdefault(rule, []).append(line)
    assert by_rule["template_without_generation_markers"] == [1]
    assert by_rule["dropped_reasoning"] == [6, 7, 8]  # only the earlier turns' reasoning
    assert by_rule["special_token_in_content"] == [10]
    assert by_rule["no_trainable_tokens"] == [14]
    assert by_rule["truncated_assistant_turn"] == [18]
    assert "missing_eos" not in by_rule
    model = load_model(str(TOKENIZERS / "qwen2"), str(QWEN3))
    for line in by_rule["chat_template_error"]:
        conversation = conversation_of(json.loads(lines[line - 1]))
        with pytest.raises(Exception, match=r"\w"):
            render(
                model.template_for(conversation.tools),
                conversation.messages,
                conversation.tools,
                {},
            )


def test_missing_eos_when_turns_end_in_another_token():
    turns = [user("Hi"), assistant("Hello"), user("Bye"), assistant("Bye")]
    lines = [json.dumps({"messages": turns})] * 3
    [(line, _, path, message)] = [f for f in findings(PHI, lines) if f[1] == "missing_eos"]
    assert (line, path) == (1, "messages[1]")
    assert "(<|im_end|>)" in message and "2 more examples" in message
    assert not [f for f in findings(QWEN25, lines) if f[1] == "missing_eos"]


def test_markers_silence_the_marker_warning_and_rules_need_a_tokenizer():
    lines = [json.dumps({"messages": [user("Hi"), assistant("Hello")]})]
    assert findings(MARKED, lines) == []
    config = Config.default()
    silent = [d for d in check_lines(lines, config).diagnostics if d.rule == "chat_template_error"]
    assert silent == []


def test_special_tokens_of_tiktoken_without_a_tokenizer():
    lines = [json.dumps({"messages": [user("a <|endoftext|> b"), assistant("ok")]})]
    found = [
        (d.path, d.message)
        for d in check_lines(lines, Config.default()).diagnostics
        if d.rule == "special_token_in_content"
    ]
    assert found == [
        (
            "messages[0].content",
            "contains <|endoftext|>, a tiktoken special token text: training reads it as the"
            " control token, not as text",
        )
    ]
