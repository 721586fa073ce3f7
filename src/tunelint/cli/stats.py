"""``tunelint stats``: token counts, epochs and estimated training cost of files."""

from __future__ import annotations

import argparse
from typing import TextIO

from tunelint.cli import common
from tunelint.cli.common import UsageError
from tunelint.run import RunError, RunOptions, RunResult, run

HELP = "token counts, epochs and estimated training cost of JSONL files"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH")
    common.add_output_format(parser, "stats")
    common.add_model_options(parser)
    common.add_jobs_option(parser)
    common.add_dask_option(parser)
    common.add_common_options(parser)


def write_stats(outcome: RunResult, fmt: str, out: TextIO) -> None:
    """The stats report of a run that collected statistics, in format ``fmt``."""
    from tunelint.report import get_output
    from tunelint.stats import build_report

    assert outcome.estimate is not None
    out.write(get_output("stats", fmt)(build_report(outcome.stats, outcome.estimate)))


def run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
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
        dask=args.dask,
        progress=True,
    )
    try:
        outcome = run(config, options)
    except RunError as error:
        raise UsageError(str(error)) from None
    for message in outcome.path_errors + outcome.internal_errors:
        err.write(f"tunelint: {message}\n")
    if outcome.stats:
        write_stats(outcome, args.format, out)
    return outcome.exit_status(frozenset())  # findings never fail stats
