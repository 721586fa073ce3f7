"""The one run API: every entry point (the CLI's commands, the GitHub Action, compare)
checks files through ``run``.

Given a config and the run's options (paths, validation files, baseline, diff base, whether
to collect statistics, jobs), ``run`` expands the paths, checks each file once (in parallel
parts when large), restricts findings to changed lines, applies the config's suppressions and
the baseline, and returns one ``RunResult`` with the findings, statistics, suppressed findings
and the exit status. A problem with the options themselves is a ``RunError`` (exit 2).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tunelint.config import Config
from tunelint.diagnostics import Diagnostic, Level
from tunelint.exit_status import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE
from tunelint.extras import MissingExtra
from tunelint.progress import NO_PROGRESS, Progress
from tunelint.results import FileResult

if TYPE_CHECKING:
    from tunelint.dask_run import DaskChecks
    from tunelint.gitdiff import ChangedLines
    from tunelint.stats import Estimate, Stats, StatsObserver
    from tunelint.suppress import Filter
    from tunelint.tokens import TextCounter

STDIN = "-"
"""The path that stands for standard input."""


class RunError(Exception):
    """The run's options cannot be used (unknown model, unreadable baseline, bad revision)."""


@dataclass(frozen=True)
class RunOptions:
    """What to check and how; every field has the value a plain ``tunelint check`` uses."""

    paths: list[str]
    validation: list[str] = field(default_factory=list)
    """Validation files: checked too, and their examples found in the training files reported."""
    baseline: str | None = None
    """A baseline file; None: the config's ``baseline:``, if any."""
    use_baseline: bool = True
    """False while a new baseline is being written: every finding is reported."""
    diff_base: str | None = None
    """A git revision: the changed lines since it are known (``RunResult.changed``)."""
    only_changed: bool = True
    """With ``diff_base``: report only findings on changed lines (and file-level ones)."""
    stats: bool = False
    """Collect each file's statistics while it is checked (one read)."""
    model: str | None = None
    epochs: int | None = None
    tokenizer: str | None = None
    jobs: int = 1
    progress: bool = False
    """A progress bar on stderr (only ever shown on a terminal)."""
    excluded: Callable[[str], bool] | None = None
    """Which found files to leave out; None: the config's ``ignore`` globs."""
    on_example: Callable[[Any], None] | None = None
    """With ``stats``: called with each example's ``tunelint.chat.training.ExampleAnalysis``
    (tokens, trained, truncated), in file order when ``jobs`` is 1."""
    root: str = "."
    """The tree being checked: symlinks that resolve outside it are reported, never read
    (the Action passes the repository's top directory)."""
    stdin_filename: str | None = None
    """The name the lines read from standard input (path ``-``) go by, for the config's
    per-file settings and the output."""
    dask: str | None = None
    """A Dask scheduler's address, or ``local`` / ``local:N``: the training files are checked
    in shards on that cluster (``tunelint.dask_run``); ``jobs`` is then unused."""


@dataclass
class RunResult:
    """Everything a run found, in the order the files were checked."""

    results: list[FileResult] = field(default_factory=list)
    """One per file checked, after the diff filter and the suppressions."""
    unused_suppressions: FileResult | None = None
    """Findings about the config's suppressions that matched nothing."""
    suppressed: list[tuple[Diagnostic, str]] = field(default_factory=list)
    """Findings silenced, each with the suppression that silenced it."""
    stats: list[tuple[str, Stats]] = field(default_factory=list)
    estimate: Estimate | None = None
    path_errors: list[str] = field(default_factory=list)
    """Paths that do not exist or cannot be read, each as a message."""
    changed: ChangedLines | None = None
    stale_baseline_entries: int = 0

    @property
    def all_results(self) -> list[FileResult]:
        """The files' results, then the unused suppressions' (as formatters take them)."""
        unused = [self.unused_suppressions] if self.unused_suppressions else []
        return [*self.results, *unused]

    def count(self, level: Level) -> int:
        return sum(result.count(level) for result in self.all_results)

    @property
    def internal_errors(self) -> list[str]:
        return [message for result in self.results for message in result.internal_errors]

    def exit_status(self, failing: frozenset[Level] = frozenset({Level.ERROR})) -> int:
        """3 on an internal error, else 2 if a path could not be read, else 1 if a finding
        has a ``failing`` level, else 0."""
        if self.internal_errors:
            return EXIT_INTERNAL
        if self.path_errors:
            return EXIT_USAGE
        failed = any(d.level in failing for r in self.all_results for d in r.diagnostics)
        return EXIT_FINDINGS if failed else EXIT_OK


def estimate_of(config: Config, options: RunOptions) -> tuple[Estimate, TextCounter]:
    """The model, limit and epochs the statistics are figured for, and the token counter
    (loaded now, so that a tokenizer that cannot be read is a usage error)."""
    from tunelint.chat.training import training_for
    from tunelint.config import ConfigError
    from tunelint.costing import TokenizerError, TokenSource
    from tunelint.models import UnknownModel
    from tunelint.profile import load_profile
    from tunelint.stats import counted_estimate
    from tunelint.tokens import TokenizerDataError

    model_directory = config.settings.get("tokenizer")
    try:
        estimate, count = counted_estimate(config, options.model, options.epochs, options.tokenizer)
    except (UnknownModel, ConfigError, TokenizerDataError, TokenizerError) as error:
        raise RunError(str(error)) from None
    training = training_for(load_profile(config.settings["profile"]), config.settings)
    tokens = estimate.tokens
    if model_directory:  # every count is the rendering's under the model's own template
        label = f"{model_directory} (its chat template and tokenizer)"
        tokens = TokenSource(label, False, tokens.make_counter, tokens.tool_constants)
    return dataclasses.replace(estimate, training=training, tokens=tokens), count


def check_model(config: Config, model: str | None = None) -> None:
    """A model the profile does not know is a ``RunError`` before any file is read."""
    from tunelint.costing import choose
    from tunelint.models import UnknownModel

    try:
        choose(config.settings["profile"], model or config.settings["model"])
    except UnknownModel as error:
        raise RunError(str(error)) from None


def preload_resources(config: Config) -> None:
    """Load what rules share across the run before any file is read, so that a bad eval
    file or tokenizer directory is a ``RunError`` (exit 2), not an internal error per line."""
    from tunelint.hygiene import HygieneError, preload_contamination

    evals = config.settings.get("contamination") or []
    try:
        preload_contamination(list(evals), config.rules_for(None)["eval_contamination"].options)
    except HygieneError as error:
        raise RunError(str(error)) from None
    if config.settings.get("tokenizer"):
        from tunelint.chat.model import ChatModelError, load_model

        template = config.settings.get("chat_template")
        try:
            load_model(str(config.settings["tokenizer"]), str(template) if template else None)
        except ChatModelError as error:
            raise RunError(str(error)) from None


def suppression_filter(config: Config, options: RunOptions) -> Filter:
    """The config's suppressions and, unless one is being written, the baseline."""
    from tunelint.baseline import Baseline, BaselineError
    from tunelint.suppress import Filter

    configured = config.settings["baseline"]
    path = Path(options.baseline) if options.baseline else configured and config.root / configured
    if not options.use_baseline or not path:
        return Filter(config)
    try:
        return Filter(config, Baseline.load(path))
    except BaselineError as error:
        hint = "" if os.path.lexists(path) else " (create it with --write-baseline)"
        raise RunError(f"{error}{hint}") from None


def changed_lines_since(base: str | None) -> ChangedLines | None:
    if base is None:
        return None
    from tunelint.gitdiff import GitDiffError, changed_lines

    try:
        return changed_lines(base)
    except GitDiffError as error:
        raise RunError(f"--diff-base: {error}") from None


def _unreadable(path: str, error: OSError) -> str:
    from tunelint.paths import readable_file_error

    return f"{path}: {readable_file_error(path) or error.strerror or error}"


class _Checker:
    """Checks one file at a time under the run's options, into the run's result."""

    def __init__(self, config: Config, options: RunOptions, result: RunResult) -> None:
        self.config = config
        self.options = options
        self.result = result
        self.make_observer: Callable[[str], StatsObserver] | None = None
        """The statistics observer of one file (by its name), when statistics are asked."""
        if options.stats:
            from tunelint.stats import stats_observer

            result.estimate, count = estimate_of(config, options)
            estimate = result.estimate
            self.make_observer = lambda path: stats_observer(
                config, count, estimate.tokens.tool_constants, options.on_example, path
            )
        self.remote: DaskChecks | None = None
        self.training = None
        if options.validation:
            from tunelint.leakage import TrainingIndex

            self.training = TrainingIndex()

    def check(self, path: str, progress: Progress) -> FileResult:
        """Check one training file (raises OSError if it cannot be read)."""
        from tunelint.engine import check_file, check_lines
        from tunelint.parallel import check_path

        if path == STDIN:
            name = self.options.stdin_filename or STDIN
            observer = self.make_observer(name) if self.make_observer else None
            result = check_lines(sys.stdin.buffer, self.config, name, observer)
            if observer is not None:
                self.result.stats.append((name, observer.file_stats(result)))
            return result
        if self.training is not None:  # indexed as checked, in one process
            return check_file(path, self.config, self.training.observer(path), progress.lines)
        if self.remote is not None:
            result, stats = self.remote.result(path)
        else:
            make = functools.partial(self.make_observer, path) if self.make_observer else None
            result, observer = check_path(path, self.config, self.options.jobs, make, progress)
            stats = observer.file_stats(result) if observer is not None else None
        if stats is not None:
            self.result.stats.append((path, stats))
        return result

    def check_validation(self, path: str, progress: Progress) -> FileResult:
        """Check a validation file against the training index (no minimum size)."""
        from tunelint.engine import check_file
        from tunelint.rules.dataset import TooFewExamples
        from tunelint.rules.train_validation_overlap import TRAINING_INDEX

        config = self.config.with_rule_levels([f"{TooFewExamples.id}=off"])
        shared = {TRAINING_INDEX: self.training}
        return check_file(path, config, None, progress.lines, shared)


def _files(config: Config, options: RunOptions, result: RunResult) -> list[str]:
    """The training files to check, in order: standard input first when asked for, then
    what the paths expand to (what cannot be used goes to ``result.path_errors``)."""
    from tunelint.paths import expand

    named = [path for path in options.paths if path != STDIN]
    if named:
        expansion = expand(named, options.excluded or config.is_ignored, options.root)
        result.path_errors += expansion.errors
        named = expansion.files
    return [STDIN, *named] if STDIN in options.paths else named


def _start_cluster(config: Config, options: RunOptions, checker: _Checker, paths: list[str]):
    """``--dask``: the training files submitted to the cluster before any is awaited."""
    from tunelint.dask_run import DaskError, start

    try:
        checker.remote = start(config, options, paths)
    except DaskError as error:
        raise RunError(str(error)) from None


def run(
    config: Config,
    options: RunOptions,
    on_result: Callable[[FileResult], Any] | None = None,
) -> RunResult:
    """Check ``options.paths`` (then the validation files) under ``config``.

    ``on_result`` is called with each file's final result as soon as it is known, so output
    can stream. Raises ``RunError`` for options that cannot be used.
    """
    check_model(config, options.model)
    preload_resources(config)
    result = RunResult()
    checker = _Checker(config, options, result)
    filter_ = suppression_filter(config, options)
    result.changed = changed_lines_since(options.diff_base)
    training = _files(config, options, result)
    files = [(path, checker.check) for path in training]
    files += [(path, checker.check_validation) for path in options.validation]
    progress = Progress.for_files([path for path, _ in files]) if options.progress else NO_PROGRESS
    if options.dask is not None:
        _start_cluster(config, options, checker, [p for p in training if p != STDIN])
    for path, check in files:
        file_result = _checked(path, check, progress, result)
        if file_result is None:
            continue
        if result.changed is not None and options.only_changed:
            file_result = result.changed.restrict(file_result)
        result.suppressed += filter_.apply(file_result)
        result.results.append(file_result)
        progress.clear()
        if on_result is not None:
            on_result(file_result)
    progress.close()
    if checker.remote is not None:
        checker.remote.close()
    result.unused_suppressions = filter_.unused()
    if filter_.baseline is not None:
        result.stale_baseline_entries = filter_.baseline.stale()
    return result


def _checked(path: str, check: Callable, progress: Progress, result: RunResult):
    """``check(path)``'s result, or None when the file cannot be read (said in
    ``result.path_errors``)."""
    try:
        return check(path, progress)
    except BrokenPipeError:  # the output's reader went away: the CLI stops quietly
        raise
    except OSError as error:
        result.path_errors.append(_unreadable(path, error))
    except MissingExtra as missing:
        result.path_errors.append(f"{path}: {missing}")
    return None
