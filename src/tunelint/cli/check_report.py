"""What ``tunelint check`` prints around the run: the findings report (begun with the first
result, so a usage error prints none of it), the statistics, the suppressed findings, the
baseline notes and the written baseline."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from tunelint.cli import common
from tunelint.cli.common import UsageError

if TYPE_CHECKING:
    from tunelint.run import RunResult

DEFAULT_BASELINE = "tunelint-baseline.json"


def _formatter(args: argparse.Namespace, out: TextIO, name: str | None = None):
    """The findings formatter ``name``; by default ``--format``'s, or the counts per rule of
    ``--statistics``."""
    from tunelint.report import get_formatter

    formatter_class = get_formatter(name or ("statistics" if args.statistics else args.format))
    return formatter_class(out, common.use_color(out, args.color), args.quiet)


class Report:
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


def after_findings(args, config, outcome: RunResult, out: TextIO, err: TextIO) -> None:
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
