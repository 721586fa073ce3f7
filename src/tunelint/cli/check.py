"""``tunelint check``: findings for files, directories or globs, in the chosen format."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, TextIO

from tunelint.cli import common, options
from tunelint.cli.check_report import DEFAULT_BASELINE, Report, after_findings
from tunelint.cli.common import EXIT_OK, UsageError

if TYPE_CHECKING:
    from tunelint.run import RunOptions

HELP = "check files, directories or globs of JSONL"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        default=["."],
        metavar="PATH",
        help="files, directories, globs, or - for standard input (default: .)",
    )
    options.add_output_format(parser, "findings")
    parser.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    parser.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when findings fail the check"
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print the findings and nothing else"
    )
    parser.add_argument("--output-file", metavar="FILE", help="write the report to FILE")
    parser.add_argument(
        "--statistics", action="store_true", help="print how many findings each rule has"
    )
    parser.add_argument(
        "--fix", action="store_true", help="apply tunelint fix's safe fixes, then check"
    )
    parser.add_argument(
        "--stdin-filename", metavar="NAME", help="the name of the file read from - (stdin)"
    )
    options.add_color_option(parser)
    options.add_rule_selection(parser)
    options.add_exclusion_options(parser)
    _baseline_arguments(parser)
    _run_arguments(parser)
    options.add_common_options(parser)


def _baseline_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--show-config", action="store_true", help="print the effective config")
    parser.add_argument("--baseline", metavar="FILE", help="report only findings not in it")
    parser.add_argument(
        "--write-baseline",
        nargs="?",
        const="",
        metavar="FILE",
        help="record the findings as accepted (default: the config's baseline, else"
        f" {DEFAULT_BASELINE}; - prints it)",
    )
    parser.add_argument(
        "--show-suppressed", action="store_true", help="list the findings suppressions silenced"
    )


def _run_arguments(parser: argparse.ArgumentParser) -> None:
    """What is read, and what else is figured while it is read."""
    parser.add_argument(
        "--stats",
        action="store_true",
        help="also print the statistics and cost (one pass: each file is read once)",
    )
    options.add_jobs_option(parser)
    options.add_dask_option(parser)
    options.add_model_options(parser)
    parser.add_argument(
        "--diff-base",
        metavar="REV",
        help="report only findings on lines added or changed since git revision REV",
    )
    options.add_line_format_option(parser)
    parser.add_argument(
        "--validation",
        action="append",
        default=[],
        metavar="FILE",
        help="a validation file: checked too, and its examples that are also in the"
        " training files reported; repeatable",
    )
    parser.add_argument(
        "--contamination",
        action="append",
        default=[],
        metavar="FILE",
        help="an eval file (JSONL, or text one item per line): training examples quoting"
        " it are eval_contamination errors; repeatable (needs tunelint[hygiene])",
    )


def check_options(args: argparse.Namespace, config) -> RunOptions:
    """The run options ``tunelint check`` (or the Action, through the same parser) asks for."""
    from tunelint.run import RunOptions

    if args.show_suppressed and args.format != "text":
        raise UsageError("--show-suppressed works with --format text")
    if args.stats and (args.format not in ("text", "html") or args.validation):
        raise UsageError("--stats works with --format text or html and without --validation")
    return RunOptions(
        paths=args.paths,
        validation=args.validation,
        baseline=args.baseline,
        use_baseline=args.write_baseline is None,
        diff_base=args.diff_base,
        stats=args.stats,
        model=args.model,
        epochs=args.epochs,
        tokenizer=args.tokenizer,  # a model directory is the config's tokenizer (estimate_of)
        jobs=args.jobs,
        dask=args.dask,
        progress=True,
        excluded=common.excluded(args, config),
        stdin_filename=args.stdin_filename,
    )


def _fix_first(args: argparse.Namespace, config, err: TextIO) -> None:
    """``--fix``: what ``tunelint fix`` does to the files (its report on stderr)."""
    from tunelint import fix
    from tunelint.profile import load_profile

    bom = load_profile(config.settings["profile"]).limits.requires_bom
    flags = argparse.Namespace(check=False, diff=False, force=False)
    named = [path for path in args.paths if path != "-"]
    fix.run(named, fix.FixOptions(bom=bom), flags, config, err, err)


def run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    config = common.load_config(args, args.line_format)
    if args.contamination:
        config.settings["contamination"] = [
            *(config.settings.get("contamination") or []),
            *args.contamination,
        ]
    if args.show_config:
        from tunelint.cli.config import print_config

        print_config(config, out)
        return EXIT_OK
    options = check_options(args, config)
    if args.output_file:
        with common.output_file(args.output_file) as report_to:
            return _check(args, config, options, report_to, err)
    return _check(args, config, options, out, err)


def _check(args, config, options: RunOptions, out: TextIO, err: TextIO) -> int:
    """Run the check with the options; findings to ``out``, or to ``err`` while a baseline
    is printed on ``out``."""
    from tunelint.diagnostics import Level
    from tunelint.run import RunError, run

    if args.fix:
        _fix_first(args, config, err)
    report = Report(args, err if args.write_baseline == "-" else out, err)
    report.formatter.describe(config, os.environ)
    try:
        outcome = run(config, options, report.add)
    except RunError as error:
        raise UsageError(str(error)) from None
    for message in outcome.path_errors:
        common.say(err, message)
    if outcome.results or not outcome.path_errors:  # nothing but a usage error: no report
        report.end(outcome, out)
    after_findings(args, config, outcome, out, err)
    if args.write_baseline is not None or args.exit_zero:
        return outcome.exit_status(frozenset())
    failing = {Level.ERROR, Level.WARNING} if args.strict else {Level.ERROR}
    return outcome.exit_status(frozenset(failing))
