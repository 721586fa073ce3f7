"""The clean-data rules give no finding on real, clean fine-tuning files."""

from __future__ import annotations

from pathlib import Path

from tunelint.config import config_from_dict
from tunelint.engine import check_file

HYGIENE_RULES = ("secret_in_content", "personal_data", "near_duplicate_example")


def test_no_clean_data_finding_on_the_shared_corpus(corpus: Path):
    config = config_from_dict({"rules": {"near_duplicate_example": "warning"}})
    files = sorted(corpus.glob("*.jsonl"))
    findings = [
        (path.name, d.line, d.rule, d.message)
        for path in files
        for d in check_file(path, config).diagnostics
        if d.rule in HYGIENE_RULES
    ]
    assert len(files) >= 3
    assert findings == []
