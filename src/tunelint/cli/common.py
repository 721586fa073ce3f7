"""What the commands share: usage errors, the common options, loading the config."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from tunelint.exit_status import (
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    EXIT_USAGE,
)

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
]


class UsageError(Exception):
    """A problem with the command line or config: printed as one line, exit 2."""


def say(err: TextIO, message: str) -> None:
    """One line on stderr, ``tunelint: `` first; what came from data or file names in it is
    shown escaped, never as terminal or CI-log syntax."""
    from tunelint.escape import terminal

    err.write(f"tunelint: {terminal(message)}\n")


def use_color(stream: TextIO, choice: str = "auto") -> bool:
    """``--color``: always, never, or auto (FORCE_COLOR, then NO_COLOR, then a terminal)."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty() and not os.environ.get("NO_COLOR")


def add_color_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the output (auto: on a terminal, unless NO_COLOR; FORCE_COLOR forces it)",
    )


def add_rule_selection(parser: argparse.ArgumentParser) -> None:
    """``--select``, ``--extend-select`` and ``--ignore`` (comma-separated ids or prefixes)."""
    for flag, meaning in (
        ("--select", "run only these rules"),
        ("--extend-select", "also run these rules"),
        ("--ignore", "do not run these rules"),
    ):
        parser.add_argument(
            flag,
            action="append",
            type=lambda text: [part.strip() for part in text.split(",") if part.strip()],
            metavar="IDS",
            help=f"{meaning}: rule ids or prefixes, comma-separated (ALL: every rule)",
        )


def _flattened(lists: list[list[str]] | None) -> list[str]:
    return [entry for entries in lists or () for entry in entries]


def add_exclusion_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--exclude",
        action="append",
        metavar="GLOB",
        help="leave out matching files, instead of the config's `ignore` (repeatable)",
    )
    parser.add_argument(
        "--extend-exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="leave out matching files, as well as the config's `ignore` (repeatable)",
    )
    parser.add_argument(
        "--no-respect-gitignore",
        dest="respect_gitignore",
        action="store_false",
        help="also check files that .gitignore ignores (default: leave them out)",
    )


@contextmanager
def output_file(path: str) -> Iterator[TextIO]:
    """``--output-file``: the report's stream; a file that cannot be written is a usage error."""
    try:
        handle = open(path, "w", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
    except OSError as error:
        raise UsageError(f"{path}: cannot write: {error.strerror or error}") from None
    with handle:
        yield handle


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
        help="a local model directory (tokenizer.json, tokenizer_config.json with its chat"
        " template): exact tokens under the template; or a bare tokenizer.json (text tokens)."
        " Needs tunelint[hf]",
    )
    parser.add_argument(
        "--chat-template", metavar="FILE", help="a Jinja chat template instead of the model's own"
    )
    parser.add_argument(
        "--max-seq-length",
        type=positive_int,
        metavar="N",
        help="the trainer's max_seq_length (default: config, then the profile's trainer)",
    )


def apply_tokenizer_options(args: argparse.Namespace, config):
    """``--tokenizer DIR``, ``--chat-template`` and ``--max-seq-length`` as the config's
    ``tokenizer``, ``chat_template`` and ``max_seq_length`` (a bare tokenizer.json stays a
    costing option); checked as a config file's values would be."""
    from tunelint.config import ConfigError

    values = {}
    if args.tokenizer and os.path.isdir(args.tokenizer):
        values["tokenizer"] = args.tokenizer
    if args.chat_template:
        values["chat_template"] = args.chat_template
    if args.max_seq_length:
        values["max_seq_length"] = args.max_seq_length
    if not values:
        return config
    try:
        return config.with_settings(**values)
    except ConfigError as error:
        raise UsageError(str(error)) from None


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


def _selection(args: argparse.Namespace, config) -> list[str]:
    """``ID=LEVEL`` assignments for ``--select``, ``--extend-select`` and ``--ignore``."""
    if not hasattr(args, "select"):
        return []
    from tunelint.selection import SelectionError, rule_levels

    select = _flattened(args.select) if args.select is not None else None
    try:
        return rule_levels(
            select, _flattened(args.extend_select), _flattened(args.ignore), config.rules
        )
    except SelectionError as error:
        raise UsageError(str(error)) from None


def excluded(args: argparse.Namespace, config):
    """The predicate of the files to leave out: ``--exclude`` (else the config's ``ignore``),
    ``--extend-exclude`` and, unless ``--no-respect-gitignore``, .gitignore."""
    from tunelint.exclusion import exclusions

    if args.exclude is not None:
        return exclusions(
            [*args.exclude, *args.extend_exclude], args.respect_gitignore, lambda path: False
        )
    return exclusions(args.extend_exclude, args.respect_gitignore, config.is_ignored)


def load_config(args: argparse.Namespace, line_format: str | None = None):
    """The config from ``--config`` (or discovered) with ``--rule``, ``--profile`` and the
    line format applied; any problem with it is a ``UsageError``."""
    from tunelint.config import ConfigError
    from tunelint.config import load_config as load
    from tunelint.format_detection import check_format_name
    from tunelint.profile import load_profile

    try:
        config = load(args.config).with_rule_levels(getattr(args, "rule", []))
        config = config.with_rule_levels(_selection(args, config))
    except ConfigError as error:
        raise UsageError(str(error)) from None
    if getattr(args, "profile", None):
        config.settings["profile"] = args.profile
    try:
        profile = load_profile(config.settings["profile"])
    except KeyError as error:
        raise UsageError(error.args[0]) from None
    if hasattr(args, "tokenizer"):
        config = apply_tokenizer_options(args, config)
    if line_format is not None:
        config.settings["format"] = line_format
    if config.settings.get("format") is not None:
        try:
            check_format_name(config.settings["format"], profile)
        except ValueError as error:
            raise UsageError(error.args[0]) from None
    return config
