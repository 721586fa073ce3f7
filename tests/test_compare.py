"""``tunelint compare``: one file under several profiles, pass/fail by rule and figures."""

from __future__ import annotations

import json

from tests.conftest import assistant, chat, system, user

from tunelint.cli import main
from tunelint.compare import compare
from tunelint.config import config_from_dict

QUIET = {"rules": {"too_few_examples": "off", "duplicate_example": "off"}}


def test_corpus_tool_calls_pass_openai_and_fail_together_for_the_tool_role(corpus):
    # providers.md, Together: "system, user, assistant only" (constants.py); OpenAI: tool role.
    path = str(corpus / "msft-zava-retail-toolcalls.jsonl")
    report = compare(path, config_from_dict({}), ["openai", "together"])
    openai, together = report["profiles"]
    assert (openai["passed"], openai["errors"], openai["examples"]) == (True, 0, 103)
    assert openai["tokens_are_estimate"] is False and openai["cost_usd"] > 0
    assert together["passed"] is False
    assert together["errors_by_rule"]["unrecognized_role"] == 481  # the 481 tool messages
    assert together["tokens_are_estimate"] is True and together["cost_usd"] is None


def test_text_and_json_side_by_side(tmp_path, capsys):
    path = tmp_path / "train.jsonl"
    lines = [chat(system(), user(f"Hi {i}"), assistant()) for i in range(3)]
    lines.append(chat(user("Hi"), user("Again"), assistant()))  # two user turns in a row
    path.write_text("\n".join(lines) + "\n")
    config = tmp_path / "tunelint.yaml"
    config.write_text(json.dumps(QUIET))
    args = ["compare", str(path), "--config", str(config), "--profiles", "openai,fireworks"]
    assert main([*args, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (file_report,) = report["files"]
    openai, fireworks = file_report["profiles"]
    assert (openai["passed"], openai["examples"]) == (True, 4)
    # providers.md, Fireworks: "system optional but must be first", then user/assistant in turn
    assert fireworks["errors_by_rule"] == {"invalid_turn_order": 1}
    assert (fireworks["examples"], fireworks["skipped_lines"]) == (3, 1)
    assert fireworks["model"]["name"] == "base model" and fireworks["cost_usd"] is None
    assert main(args) == 0
    text = capsys.readouterr().out
    [fireworks_row] = [line for line in text.splitlines() if line.startswith("fireworks ")]
    assert " FAIL " in fireworks_row and fireworks_row.endswith(" -")
    assert f"~{fireworks['tokens']:,}" in fireworks_row
    notes = " ".join(text.split())  # notes wrap at 80 columns
    assert "fireworks: model base model; errors invalid_turn_order 1;" in notes
    assert "; ~ estimate: o200k_base counts as a proxy" in notes
    [openai_row] = [line for line in text.splitlines() if line.startswith("openai ")]
    assert " pass " in openai_row and "$" in openai_row and "~" not in openai_row


def test_usage_errors_exit_2(tmp_path, capsys):
    path = tmp_path / "train.jsonl"
    path.write_text(chat(user(), assistant()) + "\n")
    assert main(["compare", str(path), "--profiles", "openai,nope"]) == 2
    assert "unknown profile 'nope'" in capsys.readouterr().err
    assert main(["compare", str(tmp_path / "missing.jsonl"), "--profiles", "openai"]) == 2
    assert "missing.jsonl" in capsys.readouterr().err
