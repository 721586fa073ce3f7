"""Pages the HTML report tests render: hostile names and data, and a realistic two-file check."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
from pathlib import Path

from tests.conftest import REPO

from tunelint.cli import main

PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "</style><b id=injected>style</b>",
    '"><svg onload=alert(3)>',
    "javascript:alert(4)",
)
"""Each would run script or add an element if it reached the page unescaped."""
CONTROL = "\x07\x1b[31m\u202e"
"""BEL, an ANSI colour escape and a right-to-left override (all allowed in a file name)."""


def hostile_dataset(directory: Path) -> list[Path]:
    """Files whose names, keys, values and messages carry every payload and control chars."""
    line = {
        "messages": [
            {"role": "system", "content": "ok", PAYLOADS[2]: 1},
            {"role": PAYLOADS[1], "content": PAYLOADS[0]},
            {"role": "user", "content": PAYLOADS[2], PAYLOADS[3]: 1},
            {"role": "assistant", "content": "fine"},
        ],
        PAYLOADS[4]: PAYLOADS[3],
        f"\x00{CONTROL}\ud800": 1,  # NUL and a lone surrogate, only possible inside the data
    }
    nested = directory / "</style>" / '"><svg onload=alert(5)>'  # the path holds the "/"
    nested.mkdir(parents=True)
    files = [
        nested / "<img src=x onerror=alert(6)>.jsonl",
        directory / f"javascript:alert(7){CONTROL}.jsonl",
        directory / os.fsdecode(b"not-utf8-\xff.jsonl"),
    ]
    valid = {
        "messages": [
            {"role": "user", "content": PAYLOADS[0]},
            {"role": "assistant", "content": PAYLOADS[2]},
        ]
    }
    text = "".join(json.dumps(example) + "\n" for example in [line, valid] * 6)
    for path in files:
        path.write_text(text, encoding="utf-8")
    return files


def run_cli(*args: str | Path) -> tuple[int, str]:
    """``tunelint ARGS`` in this process: the exit code and standard output."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main([str(arg) for arg in args])
    return code, out.getvalue()


def write_page(path: Path, *args: str | Path) -> Path:
    """``tunelint ARGS`` with its standard output written to ``path`` (strict UTF-8)."""
    _, page = run_cli(*args)
    path.write_text(page, encoding="utf-8")
    return path


def two_file_check(directory: Path) -> list[Path]:
    """examples/clean.jsonl and the first 40 lines of the tool-calling corpus file (kept in
    tests/data, so the tests need nothing beside the checkout)."""
    copy = directory / "zava-retail-toolcalls.jsonl"
    with gzip.open(
        REPO / "tests" / "data" / "chat" / "zava-retail-toolcalls-40.jsonl.gz"
    ) as packed:
        copy.write_bytes(packed.read())
    return [REPO / "examples" / "clean.jsonl", copy]
