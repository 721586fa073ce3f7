from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from tunelint.config import config_from_dict
from tunelint.engine import FileResult, check_lines

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent
SHARED_CORPUS = REPO.parent / "shared" / "corpus"


def chat(*messages: dict, **top_level: Any) -> str:
    """One JSONL line of a chat example."""
    return json.dumps({"messages": list(messages), **top_level})


def user(text: str = "Hi") -> dict:
    return {"role": "user", "content": text}


def assistant(text: str = "Hello") -> dict:
    return {"role": "assistant", "content": text}


def system(text: str = "Be brief.") -> dict:
    return {"role": "system", "content": text}


def lint(*lines: str | bytes, config: dict | None = None) -> FileResult:
    return check_lines(lines, config_from_dict(config or {}))


def found(*lines: str | bytes, rule: str, config: dict | None = None) -> list[tuple]:
    """(line, column, path, message) of every finding of ``rule``."""
    return [
        (d.line, d.column, d.path, d.message)
        for d in lint(*lines, config=config).diagnostics
        if d.rule == rule
    ]


@pytest.fixture
def corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip("shared/corpus is not beside this checkout")
    return SHARED_CORPUS


# Property tests stay quick in CI; HYPOTHESIS_PROFILE=long searches harder by hand.
settings.register_profile("ci", max_examples=150, deadline=None)
settings.register_profile("long", max_examples=5_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
