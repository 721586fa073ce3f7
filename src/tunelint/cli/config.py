"""``tunelint config``: the effective configuration, as YAML."""

from __future__ import annotations

import argparse
from typing import TextIO

from tunelint.cli import common, options
from tunelint.cli.common import EXIT_OK

HELP = "print the effective configuration"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    options.add_common_options(parser)


def print_config(config, out: TextIO) -> None:
    import yaml

    yaml.safe_dump(config.as_dict(), out, sort_keys=False)


def run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    print_config(common.load_config(args), out)
    return EXIT_OK
