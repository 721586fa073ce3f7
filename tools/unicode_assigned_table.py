"""Write the table of code points assigned in one Unicode version (the fast tokenizer's gate).

The table is derived from the Unicode Character Database of the running Python, whose version
must be the one asked for (Python 3.11 carries 14.0.0): a code point is assigned when its
General_Category is not Cn. It is written once and shipped in ``tunelint/data``; tunelint never
reads ``unicodedata`` at run time, whose version changes with the Python.

    python3.11 tools/unicode_assigned_table.py 14.0.0 src/tunelint/data/unicode-14.0.0-assigned.txt
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import unicodedata
from collections.abc import Iterator

MAX_CODE_POINT = 0x10FFFF


def assigned_ranges() -> Iterator[tuple[int, int]]:
    """Inclusive ranges of the code points this Python's UCD assigns (category other than Cn)."""
    start = None
    for code_point in range(MAX_CODE_POINT + 2):
        assigned = code_point <= MAX_CODE_POINT and unicodedata.category(chr(code_point)) != "Cn"
        if assigned and start is None:
            start = code_point
        elif not assigned and start is not None:
            yield start, code_point - 1
            start = None


def table_text(version: str) -> str:
    """The table file: a header naming the version, then one ``START END`` hex range a line."""
    lines = [
        f"# Code points assigned in Unicode {version} (General_Category other than Cn),",
        "# from the UCD bundled with CPython; written by tools/unicode_assigned_table.py.",
        *(f"{start:X} {end:X}" for start, end in assigned_ranges()),
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", help="the Unicode version, e.g. 14.0.0")
    parser.add_argument("output")
    args = parser.parse_args()
    if unicodedata.unidata_version != args.version:
        print(
            f"this Python's UCD is {unicodedata.unidata_version}, not {args.version}",
            file=sys.stderr,
        )
        return 2
    text = table_text(args.version)
    with open(args.output, "w", encoding="ascii", newline="\n") as output:
        output.write(text)
    print(f"{args.output}: sha256 {hashlib.sha256(text.encode()).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
