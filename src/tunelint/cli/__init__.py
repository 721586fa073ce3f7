"""The ``tunelint`` command: one module per subcommand, each with ``HELP``,
``add_arguments(parser)`` and ``run_command(args, out, err)``; every check goes through
``tunelint.run``.

Exit codes: 0 no errors; 1 errors found (warnings too with --strict); 2 usage problem,
unreadable config, or a path that cannot be read; 3 internal error; 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from collections.abc import Sequence
from typing import TextIO

from tunelint import __version__
from tunelint.cli import common
from tunelint.cli.common import (
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    EXIT_USAGE,
    UsageError,
)

COMMANDS = ("check", "rules", "fix", "stats", "compare", "profiles", "config", "completion")


def _command(name: str):
    return importlib.import_module(f"{__name__}.{name}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tunelint", description="Lint LLM fine-tuning datasets in JSONL."
    )
    parser.add_argument("--version", action="version", version=f"tunelint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = _command(name)
        module.add_arguments(commands.add_parser(name, help=module.HELP))
    return parser


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    """The parser of command ``name``."""
    (commands,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return commands.choices[name]


def _check_command_name(parser: argparse.ArgumentParser, argv: Sequence[str]) -> None:
    """A mistyped command is an error that suggests the closest one (``chek``: ``check``)."""
    import difflib

    name = next((arg for arg in argv if not arg.startswith("-")), None)
    if name is None or name in COMMANDS:
        return
    close = difflib.get_close_matches(name, COMMANDS, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f" (choose from {', '.join(COMMANDS)})"
    parser.error(f"unknown command '{name}'{hint}")


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The parsed command line; an error in a command's arguments prints that command's
    usage, not the top-level one."""
    parser = build_parser()
    if "_ARGCOMPLETE" in os.environ:  # only while the shell asks for completions
        import argcomplete

        argcomplete.autocomplete(parser)
    argv = sys.argv[1:] if argv is None else list(argv)
    _check_command_name(parser, argv)
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        _subparser(parser, args.command).error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


def _dispatch(argv: Sequence[str] | None, out: TextIO, err: TextIO) -> int:
    args = parse_arguments(argv)
    return _command(args.command).run_command(args, out, err)


class Terminated(BaseException):
    """SIGTERM, raised where the program is, so that cleanup (the workers) runs."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def main(argv: Sequence[str] | None = None) -> int:
    out, err = sys.stdout, sys.stderr
    signal.signal(signal.SIGTERM, _terminate)
    for stream in (out, err):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")  # lone surrogates in user data
    try:
        return _dispatch(argv, out, err)
    except UsageError as error:
        common.say(err, str(error))
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.write("tunelint: interrupted\n")
        return EXIT_INTERRUPTED
    except Terminated:
        err.write("tunelint: terminated\n")
        return EXIT_TERMINATED
    except BrokenPipeError:
        # The reader of our output went away (`| head`): stop quietly, as other tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())
        return EXIT_FINDINGS
