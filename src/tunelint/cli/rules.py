"""``tunelint rules``: every rule in a line, the README's table, or one rule's documentation."""

from __future__ import annotations

import argparse
from typing import TextIO

from tunelint.cli.common import EXIT_OK, UsageError

HELP = "list the rules, or document one"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule_id", nargs="?", metavar="ID")
    parser.add_argument(
        "--markdown", action="store_true", help="print the rules as a Markdown table"
    )


def run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from tunelint.report import get_output
    from tunelint.report.rules_table import documentation
    from tunelint.rules import all_rules

    if args.rule_id is None:
        out.write(get_output("rules", "markdown" if args.markdown else "text")())
        return EXIT_OK
    rules = all_rules()
    rule = rules.get(args.rule_id)
    if rule is None:
        import difflib

        close = difflib.get_close_matches(args.rule_id, list(rules), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise UsageError(f"unknown rule '{args.rule_id}'{hint}")
    out.write(documentation(rule))
    return EXIT_OK
