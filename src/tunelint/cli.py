"""The ``tunelint`` command: parse arguments, run the engine, hand results to a formatter.

Exit codes: 0 no errors; 1 errors found (warnings too with --strict); 2 usage problem,
unreadable config, or a path that cannot be read; 3 internal error; 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from tunelint import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class UsageError(Exception):
    """A problem with the command line or config: printed as one line, exit 2."""


def _use_color(stream: TextIO) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR")


def _common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="config file (default: discovered)")
    parser.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="ID=LEVEL",
        help="set one rule's level (error, warning, off); repeatable",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tunelint", description="Lint LLM fine-tuning datasets in JSONL."
    )
    parser.add_argument("--version", action="version", version=f"tunelint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    check = commands.add_parser("check", help="check files, directories or globs of JSONL")
    check.add_argument("paths", nargs="+", metavar="PATH")
    check.add_argument("--format", default="text", help="text (default) or json")
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    check.add_argument("--show-config", action="store_true", help="print the effective config")
    check.add_argument(
        "--format-type",
        metavar="FORMAT",
        help="check files as this line format (chat, preference, completion, reinforcement);"
        " default: detected per file",
    )
    check.add_argument(
        "--validation",
        action="append",
        default=[],
        metavar="FILE",
        help="a validation file: checked too, and its examples that are also in the"
        " training files reported; repeatable",
    )
    _common_options(check)

    rules = commands.add_parser("rules", help="list the rules, or document one")
    rules.add_argument("rule_id", nargs="?", metavar="ID")
    rules.add_argument(
        "--markdown", action="store_true", help="print the rules as a Markdown table"
    )

    config = commands.add_parser("config", help="print the effective configuration")
    _common_options(config)
    return parser


def _load_config(args: argparse.Namespace):
    from tunelint.config import ConfigError, load_config

    try:
        return load_config(args.config).with_rule_levels(args.rule)
    except ConfigError as error:
        raise UsageError(str(error)) from None


def _set_format_type(config, format_type: str | None) -> None:
    """Apply ``--format-type`` and check the format (from it or the config) exists."""
    from tunelint.formats import check_format_name
    from tunelint.profile import load_profile

    if format_type is not None:
        config.settings["format"] = format_type
    if config.settings.get("format") is not None:
        try:
            check_format_name(config.settings["format"], load_profile(config.settings["profile"]))
        except (KeyError, ValueError) as error:
            raise UsageError(error.args[0]) from None


def _print_config(config, out: TextIO) -> None:
    import yaml

    yaml.safe_dump(config.as_dict(), out, sort_keys=False)


def run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from tunelint.engine import check_file
    from tunelint.leakage import TrainingIndex
    from tunelint.paths import expand, readable_file_error
    from tunelint.report import get_formatter

    try:
        formatter_class = get_formatter(args.format)
    except KeyError as error:
        raise UsageError(error.args[0]) from None
    config = _load_config(args)
    _set_format_type(config, args.format_type)
    if args.show_config:
        _print_config(config, out)
        return EXIT_OK
    expansion = expand(args.paths, config.is_ignored)
    for message in expansion.errors:
        err.write(f"tunelint: {message}\n")
    formatter = formatter_class(out, _use_color(out))
    formatter.begin()
    results = []
    unreadable = bool(expansion.errors)
    training = TrainingIndex() if args.validation else None
    jobs = [(path, False) for path in expansion.files]
    jobs += [(path, True) for path in args.validation]
    for path, is_validation in jobs:
        try:
            if training is None:
                result = check_file(path, config)
            elif is_validation:
                result = training.check_validation(path, config)
            else:
                result = check_file(path, config, training.observer(str(path)))
        except OSError as error:
            err.write(f"tunelint: {path}: {readable_file_error(path) or error.strerror or error}\n")
            unreadable = True
            continue
        results.append(result)
        formatter.add(result)
        out.flush()
        for message in result.internal_errors:
            err.write(f"tunelint: {message}\n")
    formatter.end(results)
    out.flush()
    from tunelint.diagnostics import Level

    if any(r.internal_errors for r in results):
        return EXIT_INTERNAL
    if unreadable:
        return EXIT_USAGE
    failing = {Level.ERROR, Level.WARNING} if args.strict else {Level.ERROR}
    return (
        EXIT_FINDINGS
        if any(d.level in failing for r in results for d in r.diagnostics)
        else EXIT_OK
    )


def rules_markdown_table() -> str:
    """The README's rules table, generated from the rules themselves."""
    from tunelint.rules import all_rules

    rows = ["| rule | default | formats | what it reports |", "| --- | --- | --- | --- |"]
    for rule_id, rule in all_rules().items():
        formats = ", ".join(rule.formats).replace("*", "all")
        rows.append(f"| `{rule_id}` | {rule.level} | {formats} | {rule.summary} |")
    return "\n".join(rows) + "\n"


def run_rules(args: argparse.Namespace, out: TextIO) -> int:
    from tunelint.rules import all_rules

    rules = all_rules()
    if args.markdown:
        out.write(rules_markdown_table())
        return EXIT_OK
    if args.rule_id is None:
        width = max(map(len, rules))
        for rule_id, rule in rules.items():
            formats = ",".join(rule.formats).replace("*", "all")
            out.write(f"{rule_id:<{width}}  {rule.level!s:<7}  {formats:<26}  {rule.summary}\n")
        return EXIT_OK
    rule = rules.get(args.rule_id)
    if rule is None:
        import difflib

        close = difflib.get_close_matches(args.rule_id, list(rules), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise UsageError(f"unknown rule '{args.rule_id}'{hint}")
    out.write(f"# {rule.id} ({rule.level})\n\n{rule.summary}\n\n{rule.documentation()}\n")
    formats = ", ".join(rule.formats).replace("*", "all formats")
    out.write(f"\n## Formats\n{formats}\n")
    if rule.options:
        out.write("\n## Options\n")
        for name, option in rule.options.items():
            out.write(f"- `{name}` (default {option.default!r}): {option.help}\n")
    return EXIT_OK


def _dispatch(argv: Sequence[str] | None, out: TextIO, err: TextIO) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "check":
        return run_check(args, out, err)
    if args.command == "rules":
        return run_rules(args, out)
    _print_config(_load_config(args), out)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    out, err = sys.stdout, sys.stderr
    for stream in (out, err):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")  # lone surrogates in user data
    try:
        return _dispatch(argv, out, err)
    except UsageError as error:
        err.write(f"tunelint: {error}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.write("tunelint: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (`| head`): stop quietly, as other tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())
        return EXIT_FINDINGS
