"""``tunelint compare``: files checked and costed under several profiles, side by side."""

from __future__ import annotations

import argparse
from typing import TextIO

from tunelint.cli import common, options
from tunelint.cli.common import EXIT_OK, UsageError

HELP = "check and cost files under several profiles (default: all), side by side"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="files, directories or globs of JSONL"
    )
    parser.add_argument(
        "--profiles",
        metavar="A,B,...",
        help="comma-separated profiles, e.g. openai,together,fireworks (default: every profile)",
    )
    options.add_output_format(parser, "compare")
    options.add_epochs_option(parser)
    options.add_tokenizer_option(parser)
    options.add_config_option(parser)


def _profiles(given: str | None) -> list[str]:
    """The profiles ``--profiles`` names (every one when not given), all known ones."""
    from tunelint.profile import available_profiles

    known = list(available_profiles())
    if given is None:
        return known
    profiles = [name.strip() for name in given.split(",") if name.strip()]
    unknown = [name for name in profiles if name not in known]
    if unknown or not profiles:
        raise UsageError(
            f"--profiles: unknown profile {', '.join(map(repr, unknown)) or 'list (empty)'};"
            f" known: {', '.join(known)}"
        )
    return profiles


def run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Exit 0 whatever the profiles find (a report); 2 for a usage problem or unreadable file."""
    from tunelint.compare import compare
    from tunelint.paths import expand
    from tunelint.report import get_output
    from tunelint.run import RunError

    config = common.load_config(args)
    profiles = _profiles(args.profiles)
    expansion = expand(args.paths, config.is_ignored)
    if expansion.errors:
        raise UsageError(expansion.errors[0])
    try:
        reports = [
            compare(path, config, profiles, args.epochs, args.tokenizer) for path in expansion.files
        ]
    except RunError as error:
        raise UsageError(str(error)) from None
    out.write(get_output("compare", args.format)({"files": reports}))
    return EXIT_OK
