"""``tunelint stats``: token counts, epochs and estimated training cost of files."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from tunelint.cli import common
from tunelint.cli.common import UsageError

if TYPE_CHECKING:
    from tunelint.run import RunResult

HELP = "token counts, epochs and estimated training cost of JSONL files"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH")
    common.add_output_format(parser, "stats")
    common.add_model_options(parser)
    common.add_jobs_option(parser)
    common.add_common_options(parser)


def stats_report(outcome: RunResult) -> dict:
    """The stats report (``tunelint.stats.build_report``) of a run that collected statistics."""
    from tunelint.stats import build_report

    assert outcome.estimate is not None
    return build_report(outcome.stats, outcome.estimate)


def run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from tunelint.run import RunError, RunOptions, run
    from tunelint.stats import stats_config

    config = stats_config(common.load_config(args))
    options = RunOptions(
        paths=args.paths,
        use_baseline=False,
        stats=True,
        model=args.model,
        epochs=args.epochs,
        tokenizer=args.tokenizer,
        jobs=args.jobs,
        progress=True,
    )
    try:
        outcome = run(config, options)
    except RunError as error:
        raise UsageError(str(error)) from None
    for message in outcome.path_errors + outcome.internal_errors:
        common.say(err, message)
    if outcome.stats:
        from tunelint.report import get_output

        out.write(get_output("stats", args.format)(stats_report(outcome)))
    return outcome.exit_status(frozenset())  # findings never fail stats
