"""``tunelint fix``: fix what is mechanical and safe, in place (or show it)."""

from __future__ import annotations

import argparse
from typing import TextIO

from tunelint.cli import common, options

HELP = "fix what is mechanical and safe, in place"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--diff", action="store_true", help="print a unified diff; change nothing")
    parser.add_argument("--check", action="store_true", help="exit 1 if anything would change")
    parser.add_argument("--force", action="store_true", help="fix files with unfixable problems")
    parser.add_argument("--drop-duplicates", action="store_true", help="drop repeated examples")
    parser.add_argument(
        "--strip-whitespace", action="store_true", help="strip whitespace around content"
    )
    options.add_config_option(parser)
    options.add_profile_option(parser)


def run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from tunelint import fix
    from tunelint.profile import load_profile

    config = common.load_config(args)
    bom = load_profile(config.settings["profile"]).limits.requires_bom
    options = fix.FixOptions(args.drop_duplicates, args.strip_whitespace, bom)
    return fix.run(args.paths, options, args, config, out, err)
