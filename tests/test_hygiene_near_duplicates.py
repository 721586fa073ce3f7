"""near_duplicate_example and the train/validation NearDuplicateIndex."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest

from conftest import assistant, chat, found, system, user
from tunelint import hygiene
from tunelint.hygiene import minhash
from tunelint.profile import load_profile
from tunelint.rules.base import RuleContext
from tunelint.rules.near_duplicate_example import NearDuplicateExample

RULE = "near_duplicate_example"
ON = {"rules": {RULE: "warning"}}
_rng = random.Random(7)
VOCABULARY = [f"word{i}" for i in range(5000)]


def _sentence(count: int = 200) -> str:
    return " ".join(_rng.choice(VOCABULARY) for _ in range(count))


def _edited(text: str, changes: int) -> str:
    """``text`` with ``changes`` words replaced, apart: of 200 words and 5-word shingles, one
    change leaves a Jaccard similarity of 0.95, two 0.91, six 0.74."""
    words = text.split()
    for index in range(changes):
        words[10 + index * 31 % (len(words) - 20)] = "edited"
    return " ".join(words)


BASE = [_sentence() for _ in range(6)]


def _line(text: str, prompt: str = "Be brief.") -> str:
    return chat(system(prompt), user(text), assistant("Sure."))


def test_a_near_duplicate_is_reported_at_the_later_line_naming_the_earlier():
    lines = [_line(text) for text in BASE] + [_line(_edited(BASE[2], 1))]
    [(line, column, path, message)] = found(*lines, rule=RULE, config=ON)
    assert (line, column, path) == (7, 1, "")
    assert message.startswith("near-duplicate of line 3 (~0.")
    assert float(message.split("~")[1].rstrip(")")) >= 0.85


def test_case_punctuation_and_spacing_do_not_tell_texts_apart():
    lines = [_line(BASE[0]), _line(BASE[0].upper().replace(" ", ",  "))]
    assert found(*lines, rule=RULE, config=ON) == [(2, 1, "", "near-duplicate of line 1 (~1.00)")]


def test_exact_duplicates_are_left_to_duplicate_example():
    lines = [_line(BASE[0]), _line(BASE[1]), _line(BASE[0])]
    assert found(*lines, rule=RULE, config=ON) == []


def test_dissimilar_examples_and_a_shared_system_prompt_give_nothing():
    prompt = _sentence(400)  # templated datasets repeat a long system prompt in every line
    lines = [_line(_sentence(20), prompt) for _ in range(30)]
    assert found(*lines, rule=RULE, config=ON) == []


def test_threshold_option_reports_looser_matches():
    lines = [_line(BASE[0]), _line(_edited(BASE[0], 6))]
    assert found(*lines, rule=RULE, config=ON) == []
    looser = {"rules": {RULE: {"level": "warning", "threshold": 0.5}}}
    assert [f[0] for f in found(*lines, rule=RULE, config=looser)] == [2]


def test_off_by_default():
    lines = [_line(BASE[0]), _line(_edited(BASE[0], 1))]
    assert found(*lines, rule=RULE) == []


def _examples() -> list[dict]:
    texts = [*BASE, _edited(BASE[1], 1), BASE[3], _edited(BASE[4], 2), _edited(BASE[1], 2)]
    return [json.loads(_line(text)) for text in texts]


@pytest.mark.parametrize("split", range(1, 10))
def test_states_of_two_parts_merge_to_the_whole_files_findings(split):
    rule = NearDuplicateExample()
    ctx = RuleContext(NearDuplicateExample.default_options(), load_profile())
    whole, first, second = rule.start(ctx), rule.start(ctx), rule.start(ctx)
    for number, example in enumerate(_examples(), 1):
        whole = rule.add(whole, example, number, ctx)
        if number <= split:
            first = rule.add(first, example, number, ctx)
        else:
            second = rule.add(second, example, number, ctx)
    merged = list(rule.finish(rule.merge(first, second), ctx))
    assert merged == list(rule.finish(whole, ctx))
    assert [problem.message[:27] for problem in merged] == [
        "near-duplicate of line 2 (~",
        "near-duplicate of line 5 (~",
        "near-duplicate of line 2 (~",
    ]
    assert [problem.line for problem in merged] == [7, 9, 10]


def test_signatures_do_not_depend_on_the_process_hash_seed():
    code = (
        "import json, sys; from tunelint.hygiene import minhash;"
        "print(minhash.example_signature(json.loads(sys.argv[1]), 5).tolist())"
    )
    example = _line(BASE[0])
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code, example],
            env={"PYTHONHASHSEED": seed, "PYTHONPATH": ":".join(sys.path)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


def test_without_numpy_the_rule_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(hygiene, "numpy_available", lambda: False)
    lines = [_line(BASE[0]), _line(_edited(BASE[0], 1))]
    assert found(*lines, rule=RULE, config=ON) == [
        (1, 1, "", "near_duplicate_example needs numpy: pip install 'tunelint[hygiene]'")
    ]


def test_validation_index_finds_the_training_example_a_validation_example_copies():
    index = minhash.NearDuplicateIndex()
    for number, example in enumerate(_examples()[:6], 1):
        index.add(("train.jsonl", number), example)
    where, estimate = index.nearest(json.loads(_line(_edited(BASE[5], 1))))
    assert where == ("train.jsonl", 6) and estimate >= 0.85
    assert index.nearest(json.loads(_line(_sentence()))) is None
    assert index.nearest({"messages": []}) is None
