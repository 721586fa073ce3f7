"""No report tunelint writes repeats a secret or a personal datum it found."""

from __future__ import annotations

from pathlib import Path

import pytest

from hygiene_planted import FORMATS, PERSONAL_DATA, SECRETS, planted_line
from invariants import render
from tunelint import baseline
from tunelint.config import config_from_dict
from tunelint.engine import check_file
from tunelint.report import formats

PLANTED = SECRETS + PERSONAL_DATA


def _hidden_part(text: str) -> str:
    """What a message must never show: everything after the first 4 characters of the value
    (for a private key, its first body line)."""
    value = text.split("\n")[1] if "\n" in text else text
    return value[4:].strip() if "=" not in value[:20] else value.split("=", 1)[1].strip()[4:]


@pytest.fixture(scope="module")
def planted_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("planted") / "train.jsonl"
    lines = [
        planted_line(build, value, ascii_only)
        for shape, (config, build) in FORMATS.items()
        if not config
        for value in PLANTED
        for ascii_only in (True, False)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def result(planted_file: Path):
    result = check_file(planted_file, config_from_dict({}))
    rules = {d.rule for d in result.diagnostics}
    assert {"secret_in_content", "personal_data"} <= rules
    return result


@pytest.mark.parametrize("output", formats("findings"))
def test_no_output_format_contains_a_planted_value(result, output):
    written = render(result, output).decode("utf-8")
    for value in PLANTED:
        assert _hidden_part(value.text) not in written, (output, value.kind)


def test_a_written_baseline_contains_no_planted_value(result, planted_file):
    text, count = baseline.build([result], planted_file.parent / "baseline.json")
    assert count >= len(PLANTED)
    for value in PLANTED:
        assert _hidden_part(value.text) not in text, value.kind
