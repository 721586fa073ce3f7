"""The command-line options the commands share, each declared once."""

from __future__ import annotations

import argparse


def add_color_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the output (auto: on a terminal, unless NO_COLOR; FORCE_COLOR forces it)",
    )


def add_rule_selection(parser: argparse.ArgumentParser) -> None:
    """``--select``, ``--extend-select`` and ``--ignore`` (comma-separated ids or prefixes)."""
    for flag, meaning in (
        ("--select", "run only these rules"),
        ("--extend-select", "also run these rules"),
        ("--ignore", "do not run these rules"),
    ):
        parser.add_argument(
            flag,
            action="append",
            type=lambda text: [part.strip() for part in text.split(",") if part.strip()],
            metavar="IDS",
            help=f"{meaning}: rule ids or prefixes, comma-separated (ALL: every rule)",
        )


def add_exclusion_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--exclude",
        action="append",
        metavar="GLOB",
        help="leave out matching files, instead of the config's `ignore` (repeatable)",
    )
    parser.add_argument(
        "--extend-exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="leave out matching files, as well as the config's `ignore` (repeatable)",
    )
    parser.add_argument(
        "--no-respect-gitignore",
        dest="respect_gitignore",
        action="store_false",
        help="also check files that .gitignore ignores (default: leave them out)",
    )


def positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def epoch_count(text: str) -> int:
    from tunelint.models import MAX_EPOCHS

    epochs = positive_int(text)
    if epochs > MAX_EPOCHS:
        raise argparse.ArgumentTypeError(f"expected at most {MAX_EPOCHS:,} epochs, got {text!r}")
    return epochs


def jobs(text: str) -> int:
    if text == "auto":
        from tunelint.parallel import default_jobs

        return default_jobs()
    return positive_int(text)


def add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="config file (default: discovered)")


def add_profile_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile", metavar="NAME", help="provider profile (default: config, then openai)"
    )


def add_rule_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="ID=LEVEL",
        help="set one rule's level (error, warning, off); repeatable",
    )


def add_common_options(parser: argparse.ArgumentParser) -> None:
    add_config_option(parser)
    add_profile_option(parser)
    add_rule_option(parser)


def add_epochs_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--epochs", type=epoch_count, metavar="N", help="epochs (default: the heuristic)"
    )


def add_tokenizer_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tokenizer",
        metavar="PATH",
        help="a local model directory (tokenizer.json, tokenizer_config.json with its chat"
        " template): exact tokens under the template; or a bare tokenizer.json (text tokens)."
        " Needs tunelint[hf]",
    )
    parser.add_argument(
        "--chat-template", metavar="FILE", help="a Jinja chat template instead of the model's own"
    )
    parser.add_argument(
        "--max-seq-length",
        type=positive_int,
        metavar="N",
        help="the trainer's max_seq_length (default: config, then the profile's trainer)",
    )


def add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", help="model to estimate for (default: config, then catalog)")
    add_epochs_option(parser)
    add_tokenizer_option(parser)


def add_jobs_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs",
        type=jobs,
        default="auto",
        metavar="N",
        help="processes for a large file (default: auto, one per core; 1: no split)",
    )


def add_dask_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="check in shards on a Dask cluster: a scheduler's address, or local / local:N"
        " for N local worker processes (needs tunelint[dask])",
    )


def add_line_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--line-format",
        "--format-type",
        dest="line_format",
        metavar="NAME",
        help="check files as this line format, one of the profile's (openai: chat, preference,"
        " completion, reinforcement); default: detected per file",
    )


def add_output_format(parser: argparse.ArgumentParser, kind: str) -> None:
    """``--format`` with the choices the report registry has for ``kind``."""
    from tunelint.report import formats

    choices = formats(kind)
    parser.add_argument(
        "--format", default=choices[0], choices=choices, help=f"output format ({choices[0]})"
    )
