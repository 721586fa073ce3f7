"""Coverage-guided fuzzing of the reader + engine + formatters with atheris.

Not part of the test suite or a project dependency. Run by hand from the repository root:

    pip install atheris
    python fuzz/fuzz_check.py -dict=fuzz/jsonl.dict -max_total_time=600 fuzz/corpus examples/

Every input is one file's bytes; a crash is any exception or broken invariant
(tests/invariants.py). Add each crash input as a regression test in tests/test_hostile_input.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

with atheris.instrument_imports(include=["tunelint", "invariants"]):
    from invariants import check_invariants
    from tunelint.config import config_from_dict
    from tunelint.rules import all_rules

# Every rule on, warnings included, so that every check runs on every input.
CONFIG = config_from_dict({"rules": dict.fromkeys(all_rules(), "warning")})


def test_one_input(data: bytes) -> None:
    check_invariants(data, CONFIG)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
