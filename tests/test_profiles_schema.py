"""Profile files and the model catalog are checked against their schema when loaded."""

from __future__ import annotations

import ast

import pytest

from conftest import REPO
from tunelint.models import parse_catalog
from tunelint.profile import (
    Profile,
    ProfileError,
    Training,
    available_profiles,
    load_profile,
    load_profile_file,
)
from tunelint.rules import all_rules
from tunelint.schema import SchemaError

CHILD = """\
extends: openai
name: custom
title: Custom
checked: "2026-12-01"
source: a test
tokenizer: tiktoken
"""


def profile_error(tmp_path, text):
    path = tmp_path / "custom.yaml"
    path.write_text(text)
    with pytest.raises(ProfileError) as caught:
        load_profile_file(path)
    return str(caught.value)


def test_a_profile_file_that_extends_a_bundled_one_loads(tmp_path):
    path = tmp_path / "custom.yaml"
    path.write_text(CHILD + "limits: {min_examples: 3}\n")
    profile = load_profile_file(path)
    assert (profile.name, profile.limits.min_examples) == ("custom", 3)
    assert profile.formats["chat"].roles == load_profile("openai").formats["chat"].roles


def test_a_misspelt_key_in_a_profile_file_is_an_error_at_its_line(tmp_path):
    message = profile_error(tmp_path, CHILD + "limts: {min_examples: 3}\n")
    assert message.endswith(
        "custom.yaml:7: unknown key 'limts'; did you mean 'limits'? (known: name, title,"
        " checked, source, tokenizer, formats, default_format, limits, models, notes, training,"
        " extends)"
    )


def test_a_misspelt_key_deep_in_a_format_is_an_error_at_its_line(tmp_path):
    text = CHILD + "formats:\n  chat:\n    roles:\n      user: {keys: [role], content_part: []}\n"
    assert (
        "custom.yaml:10: formats.chat.roles.user: unknown key 'content_part';"
        " did you mean 'content_parts'?"
    ) in profile_error(tmp_path, text)


def test_profile_values_are_checked(tmp_path):
    text = CHILD + "formats:\n  chat:\n    turn_order: alternate\n"
    assert (
        "custom.yaml:9: formats.chat.turn_order: must be one of any, system_then_alternate,"
        " user_first_assistant_last, not 'alternate'"
    ) in profile_error(tmp_path, text)
    assert "custom.yaml:1: unknown profile 'opneai'; did you mean 'openai'?" in (
        profile_error(tmp_path, CHILD.replace("openai", "opneai"))
    )
    assert "training.loss: must be one of assistant, completion, all or null" in profile_error(
        tmp_path, CHILD + "training: {trainer: x, loss: prompt}\n"
    )


def test_a_whole_profile_needs_its_required_keys(tmp_path):
    assert "missing key 'tokenizer'" in profile_error(
        tmp_path,
        CHILD.replace("tokenizer: tiktoken\n", "").replace("extends: openai\n", "")
        + "formats: {}\n",
    )


def test_every_bundled_profile_loads_and_its_notes_name_rules():
    for name in available_profiles():
        profile = load_profile(name)
        assert profile.name == name
        assert set(profile.notes) <= set(all_rules()), name


def test_open_weight_trainers_have_a_typed_training_section():
    assert load_profile("trl").training == Training("TRL SFTTrainer", 1024, "all")
    assert load_profile("axolotl").training == Training("Axolotl", 512, "assistant")
    assert load_profile("unsloth").training == Training("Unsloth (TRL SFTTrainer)", 2048, "all")
    assert load_profile("together").training == Training("Together fine-tuning", None, "assistant")
    assert load_profile("fireworks").training == Training(
        "Fireworks managed SFT (LoRA)", None, None
    )
    assert load_profile("openai").training is None


def test_nothing_reads_an_untyped_profile_raw():
    assert "raw" not in Profile.__dataclass_fields__
    for module in (REPO / "src" / "tunelint").rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            assert not (isinstance(node, ast.Attribute) and node.attr == "raw"), module


def test_the_catalog_is_checked_with_lines():
    text = (REPO / "src" / "tunelint" / "data" / "models.yaml").read_text()
    misspelt = text.replace("    encoding: o200k_base\n", "    encodng: o200k_base\n", 1)
    line = misspelt.splitlines().index("    encodng: o200k_base") + 1
    with pytest.raises(SchemaError) as caught:
        parse_catalog(misspelt, "m.yaml")
    assert str(caught.value).startswith(
        f"m.yaml:{line}: models.gpt-4o-mini-2024-07-18: unknown key 'encodng';"
        " did you mean 'encoding'?"
    )
    with pytest.raises(
        SchemaError, match=r"epochs\.max: must be an integer >= 0 and <= 10000, not -1"
    ):
        parse_catalog(text.replace("  max: 25\n", "  max: -1\n"), "m.yaml")
