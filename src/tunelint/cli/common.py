"""What the commands share: usage errors, the common options, loading the config."""

from __future__ import annotations

import argparse
import os
from typing import TextIO

from tunelint.run import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE

EXIT_INTERRUPTED = 130
__all__ = ["EXIT_FINDINGS", "EXIT_INTERNAL", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE"]


class UsageError(Exception):
    """A problem with the command line or config: printed as one line, exit 2."""


def use_color(stream: TextIO) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR")


def positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def jobs(text: str) -> int:
    if text == "auto":
        from tunelint.parallel import default_jobs

        return default_jobs()
    return positive_int(text)


def add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="config file (default: discovered)")


def add_profile_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile", metavar="NAME", help="provider profile (default: config, then openai)"
    )


def add_rule_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="ID=LEVEL",
        help="set one rule's level (error, warning, off); repeatable",
    )


def add_common_options(parser: argparse.ArgumentParser) -> None:
    add_config_option(parser)
    add_profile_option(parser)
    add_rule_option(parser)


def add_epochs_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--epochs", type=positive_int, metavar="N", help="epochs (default: the heuristic)"
    )


def add_tokenizer_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tokenizer",
        metavar="PATH",
        help="a local Hugging Face tokenizer.json for an open-weight model (needs tunelint[hf])",
    )


def add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", help="model to estimate for (default: config, then catalog)")
    add_epochs_option(parser)
    add_tokenizer_option(parser)


def add_jobs_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs",
        type=jobs,
        default="auto",
        metavar="N",
        help="processes for a large file (default: auto, one per core; 1: no split)",
    )


def add_dask_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="check in shards on a Dask cluster: a scheduler's address, or local / local:N"
        " for N local worker processes (needs tunelint[dask])",
    )


def add_line_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--line-format",
        "--format-type",
        dest="line_format",
        metavar="NAME",
        help="check files as this line format (chat, preference, completion, reinforcement);"
        " default: detected per file",
    )


def add_output_format(parser: argparse.ArgumentParser, kind: str) -> None:
    """``--format`` with the choices the report registry has for ``kind``."""
    from tunelint.report import formats

    choices = formats(kind)
    parser.add_argument(
        "--format", default=choices[0], choices=choices, help=f"output format ({choices[0]})"
    )


def load_config(args: argparse.Namespace, line_format: str | None = None):
    """The config from ``--config`` (or discovered) with ``--rule``, ``--profile`` and the
    line format applied; any problem with it is a ``UsageError``."""
    from tunelint.config import ConfigError
    from tunelint.config import load_config as load
    from tunelint.format_detection import check_format_name
    from tunelint.profile import load_profile

    try:
        config = load(args.config).with_rule_levels(getattr(args, "rule", []))
    except ConfigError as error:
        raise UsageError(str(error)) from None
    if getattr(args, "profile", None):
        config.settings["profile"] = args.profile
    try:
        profile = load_profile(config.settings["profile"])
    except KeyError as error:
        raise UsageError(error.args[0]) from None
    if line_format is not None:
        config.settings["format"] = line_format
    if config.settings.get("format") is not None:
        try:
            check_format_name(config.settings["format"], profile)
        except ValueError as error:
            raise UsageError(error.args[0]) from None
    return config
