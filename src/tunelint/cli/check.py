"""``tunelint check``: findings for files, directories or globs, in the chosen format."""

from __future__ import annotations

import argparse
from typing import TextIO

from tunelint.cli import common
from tunelint.cli.common import EXIT_OK, UsageError
from tunelint.diagnostics import Level
from tunelint.run import RunError, RunOptions, RunResult, run

HELP = "check files, directories or globs of JSONL"
DEFAULT_BASELINE = "tunelint-baseline.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH")
    common.add_output_format(parser, "findings")
    parser.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
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
    parser.add_argument(
        "--stats",
        action="store_true",
        help="also print the statistics and cost (one pass: each file is read once)",
    )
    common.add_jobs_option(parser)
    common.add_dask_option(parser)
    common.add_model_options(parser)
    parser.add_argument(
        "--diff-base",
        metavar="REV",
        help="report only findings on lines added or changed since git revision REV",
    )
    common.add_line_format_option(parser)
    parser.add_argument(
        "--validation",
        action="append",
        default=[],
        metavar="FILE",
        help="a validation file: checked too, and its examples that are also in the"
        " training files reported; repeatable",
    )
    common.add_common_options(parser)


def _options(args: argparse.Namespace) -> RunOptions:
    if args.show_suppressed and args.format != "text":
        raise UsageError("--show-suppressed works with --format text")
    if args.stats and (args.format != "text" or args.validation):
        raise UsageError("--stats works with --format text and without --validation")
    return RunOptions(
        paths=args.paths,
        validation=args.validation,
        baseline=args.baseline,
        use_baseline=args.write_baseline is None,
        diff_base=args.diff_base,
        stats=args.stats,
        model=args.model,
        epochs=args.epochs,
        tokenizer=args.tokenizer,
        jobs=args.jobs,
        dask=args.dask,
        progress=True,
    )


def run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from tunelint.report import get_formatter

    config = common.load_config(args, args.line_format)
    if args.show_config:
        from tunelint.cli.config import print_config

        print_config(config, out)
        return EXIT_OK
    options = _options(args)
    report_to = err if args.write_baseline == "-" else out
    formatter = get_formatter(args.format)(report_to, common.use_color(report_to))
    formatter.begin()

    def show(result) -> None:
        formatter.add(result)
        report_to.flush()
        for message in result.internal_errors:
            err.write(f"tunelint: {message}\n")

    try:
        outcome = run(config, options, show)
    except RunError as error:
        raise UsageError(str(error)) from None
    for message in outcome.path_errors:
        err.write(f"tunelint: {message}\n")
    if outcome.unused_suppressions is not None:
        formatter.add(outcome.unused_suppressions)
    formatter.end(outcome.all_results)
    _after_findings(args, config, outcome, out, err)
    if args.write_baseline is not None:
        return outcome.exit_status(frozenset())
    failing = {Level.ERROR, Level.WARNING} if args.strict else {Level.ERROR}
    return outcome.exit_status(frozenset(failing))


def _after_findings(args, config, outcome: RunResult, out: TextIO, err: TextIO) -> None:
    """The statistics, the suppressed findings, baseline notes and the written baseline."""
    if outcome.stats:
        from tunelint.cli.stats import write_stats

        out.write("\n")
        write_stats(outcome, "text", out)
    out.flush()
    if args.show_suppressed:
        from tunelint.suppress import show_suppressed

        show_suppressed(outcome.suppressed, outcome.results, out)
    stale = outcome.stale_baseline_entries
    if stale:
        entries = "entry no longer matches" if stale == 1 else "entries no longer match"
        err.write(f"tunelint: {stale} baseline {entries}; run --write-baseline to prune\n")
    if args.write_baseline is not None:
        err.write(f"tunelint: {_write_baseline(args, config, outcome.results, out)}\n")


def _write_baseline(args: argparse.Namespace, config, results: list, out: TextIO) -> str:
    """Write the baseline of ``results``; return the line that says so."""
    from pathlib import Path

    from tunelint.baseline import Baseline, BaselineError, build

    configured = config.settings["baseline"]
    target = args.write_baseline or (config.root / configured if configured else None)
    path = Path(target or DEFAULT_BASELINE)
    try:
        previous = Baseline.load(path) if path.is_file() else None
    except BaselineError:
        previous = None  # replaced by the new one
    text, count = build(results, path, previous)
    if str(path) == "-":
        out.write(text)
        return f"baseline of {count} findings printed"
    try:
        path.write_text(text, "utf-8")
    except OSError as error:
        raise UsageError(f"{path}: cannot write baseline: {error.strerror}") from None
    return f"wrote {count} findings to baseline {path}"
