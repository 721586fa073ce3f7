"""What the commands share: usage errors, the common options, loading the config."""

from __future__ import annotations

import argparse
import io
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


def _flattened(lists: list[list[str]] | None) -> list[str]:
    return [entry for entries in lists or () for entry in entries]


def _cannot_write(path: str, error: OSError) -> UsageError:
    return UsageError(f"{path}: cannot write: {error.strerror or error}")


class _ReportFile(io.TextIOWrapper):
    """The ``--output-file`` stream: a write, flush or close that fails (a full disk) is a
    usage error naming the file, as failing to open it is."""

    def write(self, text: str) -> int:
        try:
            return super().write(text)
        except OSError as error:
            raise _cannot_write(self.name, error) from None

    def flush(self) -> None:
        try:
            super().flush()
        except OSError as error:
            raise _cannot_write(self.name, error) from None


@contextmanager
def output_file(path: str) -> Iterator[TextIO]:
    """``--output-file``: the report's stream; a file that cannot be written is a usage error."""
    try:  # unbuffered below the text layer: a failed write is not retried at close
        raw = open(path, "wb", buffering=0)  # noqa: SIM115
    except OSError as error:
        raise _cannot_write(path, error) from None
    with _ReportFile(raw, encoding="utf-8", errors="backslashreplace") as handle:
        yield handle


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
