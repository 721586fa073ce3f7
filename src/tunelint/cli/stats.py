"""``tunelint stats``: token counts, epochs and estimated training cost of files."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from tunelint.cli import common, options
from tunelint.cli.common import UsageError

if TYPE_CHECKING:
    from tunelint.run import RunResult

HELP = "token counts, epochs and estimated training cost of JSONL files"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH")
    options.add_output_format(parser, "stats")
    parser.add_argument(
        "--per-example",
        action="store_true",
        help="print one JSON object per example (file, line, tokens, trained_tokens,"
        " truncated_tokens, lost_trained_tokens, lost_trained) instead of the report",
    )
    options.add_model_options(parser)
    options.add_jobs_option(parser)
    options.add_dask_option(parser)
    options.add_common_options(parser)


def stats_report(outcome: RunResult) -> dict:
    """The stats report (``tunelint.stats.build_report``) of a run that collected statistics."""
    from tunelint.stats import build_report

    assert outcome.estimate is not None
    return build_report(outcome.stats, outcome.estimate)


def _record_writer(out: TextIO):
    """``--per-example``: each example's record as one line of JSON."""
    import json

    def write(record) -> None:
        fields = {**record.to_dict(), "lost_trained": record.lost_trained_tokens > 0}
        out.write(json.dumps(fields) + "\n")

    return write


def run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from tunelint.run import RunError, RunOptions, run
    from tunelint.stats import counting_config

    config = counting_config(common.load_config(args))
    options = RunOptions(
        paths=args.paths,
        use_baseline=False,
        stats=True,
        model=args.model,
        epochs=args.epochs,
        tokenizer=args.tokenizer,  # a model directory is the config's tokenizer (estimate_of)
        jobs=1 if args.per_example else args.jobs,  # one process: the records in file order
        dask=args.dask,
        progress=True,
        on_example=_record_writer(out) if args.per_example else None,
    )
    try:
        outcome = run(config, options)
    except RunError as error:
        raise UsageError(str(error)) from None
    for message in outcome.path_errors + outcome.internal_errors:
        common.say(err, message)
    if outcome.stats and not args.per_example:
        from tunelint.report import get_output

        out.write(get_output("stats", args.format)(stats_report(outcome)))
    return outcome.exit_status(frozenset())  # findings never fail stats
