"""Run the configured rules over the records of one file and place their findings.

The engine knows rules only through their kinds (reader, text, example, dataset, file) and
turns every ``Problem`` into a ``Diagnostic`` with line, column and JSON path. Columns are
computed only for lines that have findings. Formatting is the ``report`` package's job.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from tunelint.config import Config, RuleSetting, load_config
from tunelint.diagnostics import Diagnostic, Level, Problem, format_path
from tunelint.fingerprint import example_hash, text_hash
from tunelint.format_detection import OTHER_FORMAT, FormatDetector
from tunelint.positions import Locator, string_span_columns
from tunelint.profile import load_profile
from tunelint.reader import (
    DEFAULT_LINE_CAP,
    FileNotText,
    ReaderFinding,
    Record,
    read_records,
)
from tunelint.results import ExampleObserver, FileResult
from tunelint.rules import DatasetRule, ExampleRule, all_rules
from tunelint.rules.base import (
    FileFacts,
    FileRule,
    PreparesBatches,
    Rule,
    RuleContext,
    TextRule,
)
from tunelint.shapes import Normalized, normalize
from tunelint.sources import open_records


@dataclass
class CheckedPart:
    """One part of a file as a worker checked it: findings so far and the dataset state."""

    result: FileResult
    states: list[Any]
    starts_with_bom: bool
    not_text: bool = False
    """The file as a whole is no JSONL text: its one finding stands alone."""


@dataclass
class _Active:
    """The enabled rules for one file, instantiated, with their level and context, by kind."""

    levels: dict[str, Level]
    text: list[tuple[TextRule, RuleContext]]
    example: list[tuple[ExampleRule, RuleContext]]
    dataset: list[tuple[DatasetRule, RuleContext]]
    file: list[tuple[FileRule, RuleContext]]
    format: str = "chat"
    screening: frozenset[ExampleRule] = frozenset()
    """The example rules that test a line's text before their check (``clears_line``)."""
    preparing: list[tuple[PreparesBatches, RuleContext]] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        settings: dict[str, RuleSetting],
        config: Config,
        fmt: str,
        shared: Mapping[str, Any],
    ) -> _Active:
        profile = load_profile(config.settings["profile"])
        spec = profile.formats[fmt]
        active = cls({}, [], [], [], [], fmt)
        kinds: list[tuple[type, list]] = [
            (TextRule, active.text),
            (ExampleRule, active.example),
            (DatasetRule, active.dataset),
            (FileRule, active.file),
            (PreparesBatches, active.preparing),
        ]
        for rule_id, rule in all_rules().items():
            setting = settings.get(rule_id)
            level = setting.level if setting else rule.level
            if level is Level.OFF or not ("*" in rule.applies_to or spec.kind in rule.applies_to):
                continue
            active.levels[rule_id] = level
            if spec.shape and rule.in_line_terms:
                continue  # the shape's reader applies it in the line's own terms
            if rule.requires_setting and not config.settings.get(rule.requires_setting):
                continue  # it would find nothing
            options = setting.options if setting else rule.default_options()
            context = RuleContext(options, profile, fmt, config.settings, shared)
            instance = rule()
            for kind, enabled in kinds:
                if issubclass(rule, kind):
                    enabled.append((instance, context))
        active.example.sort(key=lambda entry: not entry[0].reads_line_as_written)
        active.screening = frozenset(
            rule
            for rule, _ in active.example
            if type(rule).clears_line is not ExampleRule.clears_line
        )
        return active


WINDOW_RECORDS = 256
WINDOW_CHARS = 8_000_000
"""A window of records (``FileChecker.add_all``) ends at this many records or characters."""


def _windows(records: Iterable[Record]) -> Iterator[list[Record]]:
    window: list[Record] = []
    chars = 0
    for record in records:
        window.append(record)
        chars += len(record.text) if record.text else 0
        if len(window) >= WINDOW_RECORDS or chars >= WINDOW_CHARS:
            yield window
            window, chars = [], 0
    if window:
        yield window


class FileChecker:
    """Checks the records of one file (or one part of it) in order; holds the dataset rules'
    state and what is known of the file as a whole, so that parts merge in file order.

    An observer whose ``prepares`` is true, like a rule that ``PreparesBatches``, is handed
    each window of parsed values (``prepare(examples)``) one window before they are checked."""

    def __init__(
        self,
        path: str,
        config: Config,
        observer: ExampleObserver | None = None,
        decided_format: str | None = None,
        shared: Mapping[str, Any] | None = None,
    ) -> None:
        self.result = FileResult(path)
        self.config = config
        self.observer = observer
        self.shared = shared or {}
        self.settings = config.rules_for(path if path != "<input>" else None)
        self.profile = load_profile(config.settings["profile"])
        self.detector = FormatDetector(
            self.profile, config.settings.get("format"), decided_format, config.settings
        )
        self.active = self._build(self.detector.format)
        self.states = [rule.start(ctx) for rule, ctx in self.active.dataset]
        self._locator: Locator | None = None
        self.file_size: int | None = None
        """Bytes in the whole file, where known, for the file rules."""
        self.starts_with_bom = False
        self.not_text = False
        """Set when the reader found the file is no JSONL text: no dataset rule reports."""
        self._parts_taken = 0

    def _build(self, fmt: str) -> _Active:
        return _Active.build(self.settings, self.config, fmt, self.shared)

    def _use_format(self, fmt: str) -> None:
        """Switch to the detected format; dataset rules active in both keep their state."""
        kept = {
            rule.id: state
            for (rule, _), state in zip(self.active.dataset, self.states, strict=True)
        }
        self.active = self._build(fmt)
        self.states = [
            kept[rule.id] if rule.id in kept else rule.start(ctx)
            for rule, ctx in self.active.dataset
        ]

    def _message(self, rule_id: str, message: str) -> str:
        """A finding's message, with the profile's own wording for that rule if it has some."""
        note = self.profile.notes.get(rule_id)
        return f"{message} ({self.profile.title}: {note})" if note else message

    def _column(self, record: Record, problem: Problem, path: tuple) -> tuple[int, int | None]:
        if problem.column is not None:
            return problem.column, None
        if record.text is None or not path:
            return 1, None
        if self._locator is None or self._locator.text is not record.text:
            self._locator = Locator(record.text)  # one per line: many findings stay linear
        span = self._locator.locate(path, problem.on_key)
        if span is None:
            return 1, None
        if problem.span is not None:  # characters inside the string value
            return string_span_columns(record.text, span[0] - 1, problem.span) or span
        return span

    def _place(
        self, record: Record, rule_id: str, problem: Problem, shaped: Normalized | None = None
    ) -> None:
        level = self.active.levels.get(rule_id)
        if level is None or (shaped and (rule_id, problem.path) in shaped.replaced):
            return
        path = shaped.original(problem.path) if shaped else problem.path
        column, end = self._column(record, problem, path)
        message = problem.message
        if shaped:
            message = shaped.original_message(message, problem.path)
        self.result.diagnostics.append(
            Diagnostic(
                self.result.path,
                record.line,
                column,
                rule_id,
                level,
                self._message(rule_id, message),
                format_path(path),
                end,
            )
        )

    def _reader_finding(self, line: int, finding: ReaderFinding) -> None:
        problem = Problem((), finding.message, column=finding.column)
        self._place(Record(line, None), finding.rule, problem)

    def _remember_hash(self, record: Record, first: int) -> None:
        """Name the example of a line that got findings by its content (for baselines)."""
        if len(self.result.diagnostics) == first:
            return
        if record.parsed:
            self.result.example_hashes[record.line] = example_hash(record.value)
        elif record.text is not None:
            self.result.example_hashes[record.line] = text_hash(record.text)

    def _run_rules(
        self,
        record: Record,
        checks: Iterable[tuple[Rule, Callable[[], Iterable[Problem]]]],
        shaped: Normalized | None = None,
    ) -> None:
        """Place every problem of each rule's check, at the problem's own line where it names
        one; a rule that raises is an internal error, and the others still run. ``record``
        line 0 stands for the file as a whole (its findings go to line 1)."""
        for rule, check in checks:
            try:
                for problem in check():
                    self._place_at_line(record, rule.id, problem, shaped)
            except Exception as error:
                self._internal_error(rule.id, record.line, error)

    def _place_at_line(
        self, record: Record, rule_id: str, problem: Problem, shaped: Normalized | None
    ) -> None:
        """Place ``problem`` on its own line where it names one, else on ``record``'s."""
        line = problem.line or record.line or 1
        self._place(record if line == record.line else Record(line, None), rule_id, problem, shaped)

    def add(self, record: Record) -> None:
        self.result.lines += record.span
        self.starts_with_bom |= record.bom
        first = len(self.result.diagnostics)
        for finding in record.findings:
            self._reader_finding(record.line, finding)
        if not record.parsed:
            self.result.skipped[record.findings[0].rule] += record.span
            self._remember_hash(record, first)
            return
        value = record.value
        shown = self.detector.observe(value)
        if self.detector.format != self.active.format:
            self._use_format(self.detector.format)
        other_format = shown is not None and shown != self.active.format
        if other_format:  # reported once per file by the rule named OTHER_FORMAT
            self.result.skipped[OTHER_FORMAT] += 1
        else:
            self.result.examples += 1
        if record.text is not None:
            self._run_rules(
                record,
                (
                    (rule, partial(rule.check_text, record.text, value, ctx))
                    for rule, ctx in self.active.text
                ),
            )
        shaped = None if other_format else self._shaped(record, value)
        checked = shaped.example if shaped else value
        if not other_format:
            self._check_example(record, value, shaped)
        if isinstance(value, dict):
            self._fold(value, record.line)
        self._remember_hash(record, first)
        if self.observer is not None:
            added = self.result.diagnostics[first:]
            self.observer(record.line, checked, any(d.level is Level.ERROR for d in added))

    def _check_example(self, record: Record, value: Any, shaped: Normalized | None) -> None:
        """The example rules: on the line's value as written, or on the OpenAI-shape example a
        shape reader built from it (findings placed back at the line's own paths). A rule
        whose ``clears_line`` passes the line's text is not run."""
        line, is_object = record.text, isinstance(value, dict)
        checked = shaped.example if shaped else value
        screening = self.active.screening
        for rule, ctx in self.active.example:
            if not (is_object or rule.checks_any_value):
                continue
            as_written = rule.reads_line_as_written
            try:
                if line is not None and rule in screening and rule.clears_line(line, ctx):
                    continue
                for problem in rule.check(value if as_written else checked, ctx):
                    self._place_at_line(record, rule.id, problem, None if as_written else shaped)
            except Exception as error:
                self._internal_error(rule.id, record.line, error)

    def _fold(self, value: dict, line: int) -> None:
        """Fold one example into every dataset rule's state."""
        for index, (rule, ctx) in enumerate(self.active.dataset):
            try:
                self.states[index] = rule.add(self.states[index], value, line, ctx)
            except Exception as error:
                self._internal_error(rule.id, line, error)

    def _shaped(self, record: Record, value: Any) -> Normalized | None:
        """For a format in another line shape: the OpenAI-shape example its reader builds."""
        spec = self.profile.formats[self.active.format]
        if not spec.shape or not isinstance(value, dict):
            return None
        shaped = normalize(value, spec, self.config.settings)
        for rule_id, problem in shaped.problems:
            self._place(record, rule_id, problem)
        return shaped

    def _internal_error(self, rule_id: str, line: int | None, error: Exception) -> None:
        where = f"{self.result.path}:{line}" if line else self.result.path
        self.result.internal_errors.append(
            f"internal error in rule {rule_id} on {where}: {type(error).__name__}: {error}"
            " (please report)"
        )

    def part(self) -> CheckedPart:
        """What this checker of one part of a file holds, to be merged by ``take``."""
        return CheckedPart(self.result, self.states, self.starts_with_bom, self.not_text)

    def take(self, later: CheckedPart) -> None:
        """Take in the next part of the same file (checked in the same format), in order."""
        if self._parts_taken == 0:
            self.result, self.states = later.result, later.states
        else:
            self.result = self.result.merge(later.result)
            self.states = [
                rule.merge(mine, theirs)
                for (rule, _), mine, theirs in zip(
                    self.active.dataset, self.states, later.states, strict=True
                )
            ]
        self.starts_with_bom |= later.starts_with_bom
        self.not_text |= later.not_text
        self._parts_taken += 1

    def finish(self) -> FileResult:
        """Run the dataset and file rules; the result with its findings in order."""
        whole_file = Record(0, None)
        if not self.not_text:  # a file that is no JSONL text has its one finding only
            finished = zip(self.active.dataset, self.states, strict=True)
            self._run_rules(
                whole_file,
                ((rule, partial(rule.finish, state, ctx)) for (rule, ctx), state in finished),
            )
        facts = FileFacts(self.file_size, self.starts_with_bom)
        self._run_rules(
            whole_file,
            ((rule, partial(rule.check_file, facts, ctx)) for rule, ctx in self.active.file),
        )
        self.result.diagnostics.sort()
        self.result.line_format = self.detector.format
        return self.result

    def add_all(self, records: Iterable[Record]) -> None:
        """Add every record, a window at a time when a rule or the observer prepares
        batches: the next window is prepared before the records of this one are added, so
        work on it overlaps their checks. (Unprepared examples are analysed alone, with the
        same result.)"""
        if not (self.active.preparing or getattr(self.observer, "prepares", False)):
            for record in records:
                self.add(record)
            return
        ahead: list[Record] = []
        for window in _windows(records):
            self._prepare([record.value for record in window if record.parsed])
            for record in ahead:
                self.add(record)
            ahead = window
        for record in ahead:
            self.add(record)

    def _prepare(self, examples: list[Any]) -> None:
        for rule, ctx in self.active.preparing:
            try:
                rule.prepare(examples, ctx)
            except Exception as error:
                self._internal_error(rule.id, None, error)
        if getattr(self.observer, "prepares", False):
            self.observer.prepare(examples)  # type: ignore[union-attr]

    def read(self, records: Iterable[Record]) -> None:
        """Add every record; a source that is not examples as a whole is one finding."""
        try:
            self.add_all(records)
        except FileNotText as not_text:  # one finding: no dataset rule counts its examples
            self._reader_finding(1, not_text.finding)
            self.result.lines = not_text.lines
            self.result.skipped[not_text.finding.rule] += max(not_text.lines, 1)
            self.not_text = True

    def run(self, lines: Iterable[bytes]) -> FileResult:
        self.read(read_records(lines))
        return self.finish()


def _as_bytes(lines: Iterable[str | bytes]) -> Iterable[bytes]:
    for line in lines:
        yield line.encode("utf-8", "surrogatepass") if isinstance(line, str) else line


def check_lines(
    lines: Iterable[str | bytes],
    config: Config | None = None,
    filename: str = "<input>",
    observer: ExampleObserver | None = None,
    shared: Mapping[str, Any] | None = None,
) -> FileResult:
    """Check JSONL given as lines (str or bytes, newlines optional)."""
    checker = FileChecker(filename, config or load_config(discover=False), observer, shared=shared)
    return checker.run(_as_bytes(lines))


def check_file(
    path: str | os.PathLike[str],
    config: Config | None = None,
    observer: ExampleObserver | None = None,
    through: Callable[[Iterable[bytes]], Iterable[bytes]] | None = None,
    shared: Mapping[str, Any] | None = None,
) -> FileResult:
    """Check one file (JSONL, or Parquet by its name), streaming its records. Raises OSError
    if it cannot be read.

    ``through`` sees a JSONL file's raw lines on their way to the reader (a progress bar
    counts them).
    """
    config = config or load_config(discover=False)
    checker = FileChecker(str(path), config, observer, shared=shared)
    with open_records(path, through, line_cap(config)) as (records, size):
        checker.file_size = size
        checker.read(records)
    return checker.finish()


def line_cap(config: Config) -> int:
    """The longest line read (``line_cap_bytes``); a longer one is skipped unread."""
    return config.settings.get("line_cap_bytes") or DEFAULT_LINE_CAP
