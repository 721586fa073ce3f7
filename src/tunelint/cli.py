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
from tunelint.progress import Progress

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


DEFAULT_BASELINE = "tunelint-baseline.json"


class UsageError(Exception):
    """A problem with the command line or config: printed as one line, exit 2."""


def _use_color(stream: TextIO) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR")


def _jobs(text: str) -> int:
    if text == "auto":
        from tunelint.parallel import default_jobs

        return default_jobs()
    return _positive_int(text)


def _model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", help="model to estimate for (default: config, then catalog)")
    parser.add_argument(
        "--epochs", type=_positive_int, metavar="N", help="epochs (default: the heuristic)"
    )
    _tokenizer_option(parser)


def _reading_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default="auto",
        metavar="N",
        help="processes for a large file (default: auto, one per core; 1: no split)",
    )


def _profile_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile", metavar="NAME", help="provider profile (default: config, then openai)"
    )


def _tokenizer_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tokenizer",
        metavar="PATH",
        help="a local Hugging Face tokenizer.json for an open-weight model (needs tunelint[hf])",
    )


def _common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="config file (default: discovered)")
    _profile_option(parser)
    parser.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="ID=LEVEL",
        help="set one rule's level (error, warning, off); repeatable",
    )


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tunelint", description="Lint LLM fine-tuning datasets in JSONL."
    )
    parser.add_argument("--version", action="version", version=f"tunelint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    check = commands.add_parser("check", help="check files, directories or globs of JSONL")
    check.add_argument("paths", nargs="+", metavar="PATH")
    check.add_argument(
        "--format", default="text", help="text (default), json, github, sarif, gitlab or html"
    )
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    check.add_argument("--show-config", action="store_true", help="print the effective config")
    check.add_argument(
        "--baseline", metavar="FILE", help="report only findings not in this baseline"
    )
    check.add_argument(
        "--write-baseline",
        nargs="?",
        const="",
        metavar="FILE",
        help="record the findings as accepted (default: the config's baseline, else"
        f" {DEFAULT_BASELINE}; - prints it)",
    )
    check.add_argument(
        "--show-suppressed", action="store_true", help="list the findings suppressions silenced"
    )
    check.add_argument(
        "--stats",
        action="store_true",
        help="also print the statistics and cost (one pass: each file is read once)",
    )
    _reading_options(check)
    _model_options(check)
    check.add_argument(
        "--diff-base",
        metavar="REV",
        help="report only findings on lines added or changed since git revision REV",
    )
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

    fix = commands.add_parser("fix", help="fix what is mechanical and safe, in place")
    fix.add_argument("paths", nargs="+", metavar="PATH")
    fix.add_argument("--diff", action="store_true", help="print a unified diff; change nothing")
    fix.add_argument("--check", action="store_true", help="exit 1 if anything would change")
    fix.add_argument("--force", action="store_true", help="fix files with unfixable problems")
    fix.add_argument("--drop-duplicates", action="store_true", help="drop repeated examples")
    fix.add_argument(
        "--strip-whitespace", action="store_true", help="strip whitespace around content"
    )
    fix.add_argument("--config", metavar="FILE", help="config file (default: discovered)")
    _profile_option(fix)
    fix.set_defaults(rule=[])
    stats = commands.add_parser(
        "stats", help="token counts, epochs and estimated training cost of JSONL files"
    )
    stats.add_argument("paths", nargs="+", metavar="PATH")
    stats.add_argument(
        "--format",
        default="text",
        choices=("text", "json", "markdown", "html"),
        help="output format",
    )
    _model_options(stats)
    _reading_options(stats)
    _common_options(stats)

    compare = commands.add_parser(
        "compare", help="check and cost one file under several profiles, side by side"
    )
    compare.add_argument("path", metavar="PATH")
    compare.add_argument(
        "--profiles",
        required=True,
        metavar="A,B,...",
        help="comma-separated profiles, e.g. openai,together,fireworks",
    )
    compare.add_argument("--format", default="text", choices=("text", "json"), help="output format")
    compare.add_argument(
        "--epochs", type=_positive_int, metavar="N", help="epochs (default: the heuristic)"
    )
    _tokenizer_option(compare)
    compare.add_argument("--config", metavar="FILE", help="config file (default: discovered)")
    compare.set_defaults(rule=[], profile=None)

    profiles = commands.add_parser(
        "profiles", help="list the provider profiles: formats, limits, date checked"
    )
    profiles.add_argument(
        "--markdown", action="store_true", help="print the profiles as a Markdown table"
    )

    config = commands.add_parser("config", help="print the effective configuration")
    _common_options(config)
    return parser


def _load_config(args: argparse.Namespace):
    from tunelint.config import ConfigError, load_config
    from tunelint.profile import load_profile

    try:
        config = load_config(args.config).with_rule_levels(args.rule)
    except ConfigError as error:
        raise UsageError(str(error)) from None
    if args.profile:
        config.settings["profile"] = args.profile
    try:
        load_profile(config.settings["profile"])
    except KeyError as error:
        raise UsageError(error.args[0]) from None
    return config


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


def _suppression_filter(args: argparse.Namespace, config):
    """The filter of config suppressions and, unless one is being written, the baseline."""
    from pathlib import Path

    from tunelint.baseline import Baseline, BaselineError
    from tunelint.suppress import Filter

    configured = config.settings["baseline"]
    path = Path(args.baseline) if args.baseline else configured and config.root / configured
    if args.write_baseline is not None or not path:
        return Filter(config)
    try:
        return Filter(config, Baseline.load(path))
    except BaselineError as error:
        raise UsageError(f"{error} (create it with --write-baseline)") from None


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


def _changed_lines(base: str | None):
    if base is None:
        return None
    from tunelint.gitdiff import GitDiffError, changed_lines

    try:
        return changed_lines(base)
    except GitDiffError as error:
        raise UsageError(f"--diff-base: {error}") from None


def run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from tunelint.engine import check_file
    from tunelint.leakage import TrainingIndex
    from tunelint.parallel import check_path
    from tunelint.paths import expand
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
    if args.show_suppressed and args.format != "text":
        raise UsageError("--show-suppressed works with --format text")
    suppression_filter = _suppression_filter(args, config)
    suppressed = []
    if args.model:
        config.settings["model"] = args.model
    _check_model(config.settings["model"], config.settings["profile"])
    if args.stats and (
        not (args.format == "text" or formatter_class.shows_stats) or args.validation
    ):
        raise UsageError("--stats works with --format text or html and without --validation")
    stats_observer = estimate = None
    stats_files: list = []
    if args.stats:
        from tunelint.stats import StatsObserver

        estimate, count, tool_constants = _stats_setup(args, config)
        stats_observer = lambda: StatsObserver(count, tool_constants)  # noqa: E731
    changed = _changed_lines(args.diff_base)
    expansion = expand(args.paths, config.is_ignored)
    for message in expansion.errors:
        err.write(f"tunelint: {message}\n")
    report_to = err if args.write_baseline == "-" else out
    progress = Progress.for_files(expansion.files)
    formatter = _make_formatter(formatter_class, args.format, report_to, config)
    formatter.begin()
    results = []
    unreadable = bool(expansion.errors)
    training = TrainingIndex() if args.validation else None
    jobs = [(path, False) for path in expansion.files]
    jobs += [(path, True) for path in args.validation]
    for path, is_validation in jobs:
        try:
            if training is None:
                result, file_stats = check_path(path, config, args.jobs, stats_observer, progress)
                if file_stats is not None:
                    stats_files.append((path, file_stats))
            elif is_validation:
                result = training.check_validation(path, config)
            else:
                result = check_file(path, config, training.observer(str(path)))
        except OSError as error:
            _cannot_read(path, error, err)
            unreadable = True
            continue
        if changed is not None:
            result = changed.restrict(result)
        suppressed += suppression_filter.apply(result)
        results.append(result)
        progress.clear()
        formatter.add(result)
        report_to.flush()
        for message in result.internal_errors:
            err.write(f"tunelint: {message}\n")
    progress.close()
    unused = suppression_filter.unused()
    if unused is not None:
        formatter.add(unused)
    stats_report = None
    if stats_files:
        from tunelint.stats import build_report

        stats_report = build_report(stats_files, estimate)
        if formatter.shows_stats:
            formatter.add_stats(stats_report)
    formatter.end([*results, unused] if unused else results)
    if stats_report is not None and not formatter.shows_stats:
        from tunelint.report import stats_text

        out.write("\n" + stats_text.render(stats_report))
    out.flush()
    from tunelint.diagnostics import Level
    from tunelint.suppress import show_suppressed

    if args.show_suppressed:
        show_suppressed(suppressed, results, out)
    baseline = suppression_filter.baseline
    if baseline is not None and baseline.stale():
        stale = baseline.stale()
        entries = "entry no longer matches" if stale == 1 else "entries no longer match"
        err.write(f"tunelint: {stale} baseline {entries}; run --write-baseline to prune\n")
    if args.write_baseline is not None:
        err.write(f"tunelint: {_write_baseline(args, config, results, out)}\n")
    if unused is not None:
        results.append(unused)
    if args.write_baseline is not None:
        failing: set[Level] = set()
    else:
        failing = {Level.ERROR, Level.WARNING} if args.strict else {Level.ERROR}
    return _exit_code(results, unreadable, failing)


def _make_formatter(formatter_class, name: str, stream: TextIO, config):
    """The formatter; the HTML page also gets the profile, model and, in GitHub Actions,
    links to the lines (from the workflow's variables and the repository's top directory)."""
    if name != "html":
        return formatter_class(stream, _use_color(stream))
    from tunelint.gitdiff import GitDiffError, repo_root
    from tunelint.report.html_format import LineLinks, PageMeta

    links = None
    if os.environ.get("GITHUB_ACTIONS") == "true":
        try:
            links = LineLinks.from_github_env(os.environ, repo_root())
        except GitDiffError:
            links = None
    settings = config.settings
    meta = PageMeta(
        settings["profile"], settings["model"], settings["max_tokens_per_example"], links
    )
    return formatter_class(stream, meta=meta)


def _cannot_read(path: str, error: OSError, err: TextIO) -> None:
    from tunelint.paths import readable_file_error

    err.write(f"tunelint: {path}: {readable_file_error(path) or error.strerror or error}\n")


def _exit_code(results: list, unreadable: bool, failing: set) -> int:
    """3 on an internal error, else 2 if a path could not be read, else 1 if a finding has a
    ``failing`` level, else 0."""
    if any(r.internal_errors for r in results):
        return EXIT_INTERNAL
    if unreadable:
        return EXIT_USAGE
    failed = any(d.level in failing for r in results for d in r.diagnostics)
    return EXIT_FINDINGS if failed else EXIT_OK


def _check_model(name: str | None, profile: str = "openai") -> None:
    """A ``model:`` the profile does not know is a usage error before any file is read."""
    from tunelint.costing import choose
    from tunelint.models import UnknownModel

    try:
        choose(profile, name)
    except UnknownModel as error:
        raise UsageError(str(error)) from None


def _stats_setup(args: argparse.Namespace, config):
    """The estimate (profile's model, limit, epochs), the token counter and the tool constants."""
    from tunelint.config import ConfigError
    from tunelint.costing import TokenizerError
    from tunelint.models import UnknownModel
    from tunelint.stats import estimate_for
    from tunelint.tokens import TokenizerDataError

    try:
        estimate = estimate_for(config, args.model, args.epochs, args.tokenizer)
    except (UnknownModel, ConfigError, TokenizerDataError, TokenizerError) as error:
        raise UsageError(str(error)) from None
    return estimate, estimate.tokens.count, estimate.tokens.tool_constants


def _write_stats(files: list, estimate, fmt: str, out: TextIO) -> None:
    import importlib

    from tunelint.stats import build_report

    renderer = importlib.import_module(f"tunelint.report.stats_{fmt}")
    out.write(renderer.render(build_report(files, estimate)))


def run_stats(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from tunelint.paths import expand
    from tunelint.stats import collect_file

    config = _load_config(args)
    estimate, count, tool_constants = _stats_setup(args, config)
    expansion = expand(args.paths, config.is_ignored)
    for message in expansion.errors:
        err.write(f"tunelint: {message}\n")
    files, results = [], []
    unreadable = bool(expansion.errors)
    progress = Progress.for_files(expansion.files)
    for path in expansion.files:
        try:
            result, stats = collect_file(path, config, count, tool_constants, args.jobs, progress)
        except OSError as error:
            _cannot_read(path, error, err)
            unreadable = True
            continue
        for message in result.internal_errors:
            err.write(f"tunelint: {message}\n")
        results.append(result)
        files.append((path, stats))
    progress.close()
    if files:
        _write_stats(files, estimate, args.format, out)
    return _exit_code(results, unreadable, failing=set())  # findings never fail stats


def run_compare(args: argparse.Namespace, out: TextIO) -> int:
    """Exit 0 whatever the profiles find (a report); 2 for a usage problem or unreadable file."""
    import json

    from tunelint.compare import compare
    from tunelint.config import ConfigError
    from tunelint.costing import TokenizerError
    from tunelint.models import UnknownModel
    from tunelint.paths import readable_file_error
    from tunelint.profile import available_profiles
    from tunelint.report import compare_text
    from tunelint.tokens import TokenizerDataError

    config = _load_config(args)
    profiles = [name.strip() for name in args.profiles.split(",") if name.strip()]
    unknown = [name for name in profiles if name not in available_profiles()]
    if unknown or not profiles:
        raise UsageError(
            f"--profiles: unknown profile {', '.join(map(repr, unknown)) or 'list (empty)'};"
            f" known: {', '.join(available_profiles())}"
        )
    try:
        report = compare(args.path, config, profiles, args.epochs, args.tokenizer)
    except (UnknownModel, ConfigError, TokenizerDataError, TokenizerError) as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        problem = readable_file_error(args.path) or error.strerror or error
        raise UsageError(f"{args.path}: {problem}") from None
    if args.format == "json":
        out.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(compare_text.render(report))
    return EXIT_OK


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
    if args.command == "fix":
        from tunelint import fix
        from tunelint.profile import load_profile

        config = _load_config(args)
        bom = load_profile(config.settings["profile"]).limits.requires_bom
        options = fix.FixOptions(args.drop_duplicates, args.strip_whitespace, bom)
        return fix.run(args.paths, options, args, config, out, err)
    if args.command == "profiles":
        from tunelint.profile_table import profiles_markdown, profiles_text

        out.write(profiles_markdown() if args.markdown else profiles_text())
        return EXIT_OK
    if args.command == "stats":
        return run_stats(args, out, err)
    if args.command == "compare":
        return run_compare(args, out)
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
