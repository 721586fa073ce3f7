"""``tunelint check``: findings for files, directories or globs, in the chosen format."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, TextIO

from tunelint.cli import common
from tunelint.cli.common import EXIT_OK, UsageError

if TYPE_CHECKING:
    from tunelint.run import RunOptions, RunResult

HELP = "check files, directories or globs of JSONL"
DEFAULT_BASELINE = "tunelint-baseline.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        default=["."],
        metavar="PATH",
        help="files, directories, globs, or - for standard input (default: .)",
    )
    common.add_output_format(parser, "findings")
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
    common.add_color_option(parser)
    common.add_rule_selection(parser)
    common.add_exclusion_options(parser)
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
    parser.add_argument(
        "--contamination",
        action="append",
        default=[],
        metavar="FILE",
        help="an eval file (JSONL, or text one item per line): training examples quoting"
        " it are eval_contamination errors; repeatable (needs tunelint[hygiene])",
    )
    common.add_common_options(parser)


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
        tokenizer=None if os.path.isdir(args.tokenizer or "") else args.tokenizer,
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


def _formatter(args: argparse.Namespace, out: TextIO, name: str | None = None):
    """The findings formatter ``name``; by default ``--format``'s, or the counts per rule of
    ``--statistics``."""
    from tunelint.report import get_formatter

    formatter_class = get_formatter(name or ("statistics" if args.statistics else args.format))
    return formatter_class(out, common.use_color(out, args.color), args.quiet)


class _Report:
    """The findings report, begun only with the first file's result: a run that stops at
    a usage error prints no part of it (no "[" nor "Checked 0 files")."""

    def __init__(self, args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
        self.baseline_only = args.write_baseline is not None
        """Writing a baseline: only the text summary line, not every finding it accepts."""
        self.formatter = _formatter(args, out, "text" if self.baseline_only else None)
        self.out, self.err = out, err
        self.begun = False

    def _begin(self) -> None:
        if not self.begun:
            self.begun = True
            self.formatter.begin()

    def add(self, result) -> None:
        self._begin()
        if not self.baseline_only:
            self.formatter.add(result)
        self.out.flush()
        for message in result.internal_errors:
            common.say(self.err, message)

    def end(self, outcome: RunResult, stats_out: TextIO) -> None:
        """The report's end; the statistics go into a formatter that shows them (the HTML
        page), else after the findings as text on ``stats_out``."""
        from tunelint.cli.stats import stats_report

        self._begin()
        if outcome.unused_suppressions is not None and not self.baseline_only:
            self.formatter.add(outcome.unused_suppressions)
        stats = stats_report(outcome) if outcome.stats else None
        if stats is not None and self.formatter.shows_stats:
            self.formatter.add_stats(stats)
        self.formatter.end(outcome.results, outcome.unused_suppressions)
        if stats is not None and not self.formatter.shows_stats:
            from tunelint.report import get_output

            stats_out.write("\n" + get_output("stats", "text")(stats))


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
    report = _Report(args, err if args.write_baseline == "-" else out, err)
    report.formatter.describe(config, os.environ)
    try:
        outcome = run(config, options, report.add)
    except RunError as error:
        raise UsageError(str(error)) from None
    for message in outcome.path_errors:
        common.say(err, message)
    if outcome.results or not outcome.path_errors:  # nothing but a usage error: no report
        report.end(outcome, out)
    _after_findings(args, config, outcome, out, err)
    if args.write_baseline is not None or args.exit_zero:
        return outcome.exit_status(frozenset())
    failing = {Level.ERROR, Level.WARNING} if args.strict else {Level.ERROR}
    return outcome.exit_status(frozenset(failing))


def _after_findings(args, config, outcome: RunResult, out: TextIO, err: TextIO) -> None:
    """The suppressed findings, baseline notes and the written baseline."""
    out.flush()
    if args.show_suppressed:
        from tunelint.suppress import show_suppressed

        show_suppressed(outcome.suppressed, outcome.results, out)
    stale = outcome.stale_baseline_entries
    if stale:
        entries = "entry no longer matches" if stale == 1 else "entries no longer match"
        err.write(f"tunelint: {stale} baseline {entries}; run --write-baseline to prune\n")
    if args.write_baseline is not None:
        common.say(err, _write_baseline(args, config, outcome.results, out))


def _write_baseline(args: argparse.Namespace, config, results: list, out: TextIO) -> str:
    """Write the baseline of ``results``; return the line that says so. A target that is
    unsafe (a link, a checked file, outside the config's tree for a configured one) is a
    usage error, and nothing is written."""
    from pathlib import Path

    from tunelint.baseline import Baseline, BaselineError, build, write_baseline

    configured = config.settings["baseline"]
    from_config = not args.write_baseline and configured
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
    checked = [result.path for result in results]
    try:
        write_baseline(path, text, checked, root=config.root if from_config else None)
    except BaselineError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"{path}: cannot write baseline: {error.strerror}") from None
    return f"wrote {count} findings to baseline {path}"
