"""``tunelint profiles``: the provider profiles, their formats, limits and date checked."""

from __future__ import annotations

import argparse
from typing import TextIO

from tunelint.cli.common import EXIT_OK

HELP = "list the provider profiles: formats, limits, date checked"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--markdown", action="store_true", help="print the profiles as a Markdown table"
    )


def run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from tunelint.report import get_output

    out.write(get_output("profiles", "markdown" if args.markdown else "text")())
    return EXIT_OK
