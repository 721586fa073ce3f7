"""``tunelint compare``: one file checked and costed under several profiles, side by side."""

from __future__ import annotations

import argparse
from typing import TextIO

from tunelint.cli import common
from tunelint.cli.common import EXIT_OK, UsageError

HELP = "check and cost one file under several profiles, side by side"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH")
    parser.add_argument(
        "--profiles",
        required=True,
        metavar="A,B,...",
        help="comma-separated profiles, e.g. openai,together,fireworks",
    )
    common.add_output_format(parser, "compare")
    common.add_epochs_option(parser)
    common.add_tokenizer_option(parser)
    common.add_config_option(parser)


def run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Exit 0 whatever the profiles find (a report); 2 for a usage problem or unreadable file."""
    from tunelint.compare import compare
    from tunelint.profile import available_profiles
    from tunelint.report import get_output
    from tunelint.run import RunError

    config = common.load_config(args)
    profiles = [name.strip() for name in args.profiles.split(",") if name.strip()]
    unknown = [name for name in profiles if name not in available_profiles()]
    if unknown or not profiles:
        raise UsageError(
            f"--profiles: unknown profile {', '.join(map(repr, unknown)) or 'list (empty)'};"
            f" known: {', '.join(available_profiles())}"
        )
    try:
        report = compare(args.path, config, profiles, args.epochs, args.tokenizer)
    except RunError as error:
        raise UsageError(str(error)) from None
    out.write(get_output("compare", args.format)(report))
    return EXIT_OK
