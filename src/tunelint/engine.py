"""Run the configured rules over the records of one file and place their findings.

The engine knows rules only through their kinds (reader, example, dataset) and turns every
``Problem`` into a ``Diagnostic`` with line, column and JSON path. Columns are computed only
for lines that have findings. Formatting is the ``report`` package's job.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tunelint.config import Config, RuleSetting, load_config
from tunelint.diagnostics import Diagnostic, Level, Problem, format_path
from tunelint.duplicate_keys import duplicate_key
from tunelint.fingerprint import example_hash, text_hash
from tunelint.formats import FormatDetector
from tunelint.positions import Locator, string_span_columns
from tunelint.profile import format_size, load_profile
from tunelint.reader import FileNotText, ReaderFinding, Record, read_records
from tunelint.rules import DatasetRule, ExampleRule, all_rules
from tunelint.rules.base import RuleContext
from tunelint.shapes import SHAPE_RULES, Normalized, normalize

ExampleObserver = Callable[[int, Any, bool], None]
"""Called with (line, parsed example, whether it had an error) for every parsed line."""


@dataclass
class FileResult:
    """What checking one file gave: its findings and what was read."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    lines: int = 0
    examples: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    internal_errors: list[str] = field(default_factory=list)
    example_hashes: dict[int, str] = field(default_factory=dict)
    """Line -> hash of its example (``tunelint.fingerprint``), only for lines with findings."""

    def count(self, level: Level) -> int:
        return sum(1 for d in self.diagnostics if d.level is level)


@dataclass
class _Active:
    """The enabled rules for one file, instantiated, with their level and context."""

    levels: dict[str, Level]
    example: list[tuple[ExampleRule, RuleContext]]
    dataset: list[tuple[DatasetRule, RuleContext]]
    format: str = "chat"

    @classmethod
    def build(
        cls,
        settings: dict[str, RuleSetting],
        profile_name: str,
        fmt: str,
        top_level: dict[str, Any],
    ) -> _Active:
        profile = load_profile(profile_name)
        spec = profile.formats[fmt]
        levels: dict[str, Level] = {}
        example: list[tuple[ExampleRule, RuleContext]] = []
        dataset: list[tuple[DatasetRule, RuleContext]] = []
        for rule_id, rule in all_rules().items():
            setting = settings.get(rule_id)
            level = setting.level if setting else rule.level
            if level is Level.OFF or not ("*" in rule.formats or spec.kind in rule.formats):
                continue
            levels[rule_id] = level
            if spec.shape and rule_id in SHAPE_RULES:
                continue  # the shape's reader applies it in the line's own terms
            options = setting.options if setting else rule.default_options()
            context = RuleContext(options, profile, fmt, top_level)
            if issubclass(rule, ExampleRule):
                example.append((rule(), context))
            elif issubclass(rule, DatasetRule):
                dataset.append((rule(), context))
        return cls(levels, example, dataset, fmt)


class FileChecker:
    """Checks the records of one file in order; holds the dataset rules' state."""

    def __init__(
        self,
        path: str,
        config: Config,
        observer: ExampleObserver | None = None,
        decided_format: str | None = None,
    ) -> None:
        self.result = FileResult(path)
        self.config = config
        self.observer = observer
        self.settings = config.rules_for(path if path != "<input>" else None)
        self.profile = load_profile(config.settings["profile"])
        self.detector = FormatDetector(self.profile, config.settings.get("format"), decided_format)
        self.active = self._build(self.detector.format)
        self.states = [(rule, ctx, rule.start(ctx)) for rule, ctx in self.active.dataset]
        self._locator: Locator | None = None
        self.file_size: int | None = None
        """Bytes in the whole file, where known, for the profile's file-size cap."""

    def _build(self, fmt: str) -> _Active:
        return _Active.build(
            self.settings, self.config.settings["profile"], fmt, self.config.settings
        )

    def _use_format(self, fmt: str) -> None:
        """Switch to the detected format; dataset rules active in both keep their state."""
        kept = {rule.id: state for rule, _, state in self.states}
        self.active = self._build(fmt)
        self.states = [
            (rule, ctx, kept[rule.id] if rule.id in kept else rule.start(ctx))
            for rule, ctx in self.active.dataset
        ]

    def _message(self, rule_id: str, message: str) -> str:
        """A finding's message, with the profile's own wording for that rule if it has some."""
        note = self.profile.notes.get(rule_id)
        return f"{message} ({self.profile.title}: {note})" if note else message

    def _place(
        self, record: Record, rule_id: str, problem: Problem, shaped: Normalized | None = None
    ) -> None:
        level = self.active.levels.get(rule_id)
        if level is None:
            return
        path = shaped.original(problem.path) if shaped else problem.path
        column, end = 1, None
        if record.text is not None and path:
            if self._locator is None or self._locator.text is not record.text:
                self._locator = Locator(record.text)  # one per line: many findings stay linear
            span = self._locator.locate(path, problem.on_key)
            if span is not None:
                column, end = span
                if problem.span is not None:  # characters inside the string value
                    column, end = string_span_columns(record.text, column - 1, problem.span) or span
        self.result.diagnostics.append(
            Diagnostic(
                self.result.path,
                record.line,
                column,
                rule_id,
                level,
                self._message(
                    rule_id,
                    shaped.original_message(problem.message, problem.path)
                    if shaped
                    else problem.message,
                ),
                format_path(path),
                end,
            )
        )

    def _reader_finding(self, line: int, finding: ReaderFinding) -> None:
        level = self.active.levels.get(finding.rule)
        if level is not None:
            self.result.diagnostics.append(
                Diagnostic(
                    self.result.path,
                    line,
                    finding.column,
                    finding.rule,
                    level,
                    self._message(finding.rule, finding.message),
                )
            )

    def _remember_hash(self, record: Record, first: int) -> None:
        """Name the example of a line that got findings by its content (for baselines)."""
        if len(self.result.diagnostics) == first:
            return
        if record.parsed:
            self.result.example_hashes[record.line] = example_hash(record.value)
        elif record.text is not None:
            self.result.example_hashes[record.line] = text_hash(record.text)

    def add(self, record: Record) -> None:
        self.result.lines += 1
        first = len(self.result.diagnostics)
        for finding in self._encoding_policy(record):
            self._reader_finding(record.line, finding)
        if not record.parsed:
            reason = next(f.rule for f in record.findings if f.rule != "utf8_bom")
            self.result.skipped[reason] += 1
            self._remember_hash(record, first)
            return
        before = len(self.result.diagnostics)
        value = record.value
        shown = self.detector.observe(value)
        if self.detector.format != self.active.format:
            self._use_format(self.detector.format)
        other_format = shown is not None and shown != self.active.format
        if other_format:  # reported once per file by the mixed_formats dataset rule
            self.result.skipped["mixed_formats"] += 1
        else:
            self.result.examples += 1
        if "duplicate_key" in self.active.levels and record.text is not None:
            duplicate = duplicate_key(record.text, value)
            if duplicate is not None:
                key, column = duplicate
                message = f"duplicate key '{key}' in one object; parsers keep only one value"
                self._reader_finding(record.line, ReaderFinding("duplicate_key", message, column))
        example_rules = () if other_format else self.active.example
        shaped = self._shaped(record, value) if not other_format else None
        checked = shaped.example if shaped else value
        for rule, ctx in example_rules:
            if not (rule.checks_any_value or isinstance(value, dict)):
                continue
            as_written = rule.reads_line_as_written
            try:
                for problem in rule.check(value if as_written else checked, ctx):
                    self._place(record, rule.id, problem, None if as_written else shaped)
            except Exception as error:
                self._internal_error(rule.id, record.line, error)
        if isinstance(value, dict):
            for index, (rule, ctx, state) in enumerate(self.states):
                try:
                    self.states[index] = (rule, ctx, rule.add(state, value, record.line, ctx))
                except Exception as error:
                    self._internal_error(rule.id, record.line, error)
        self._remember_hash(record, first)
        if self.observer is not None:
            has_error = any(d.level is Level.ERROR for d in self.result.diagnostics[before:])
            self.observer(record.line, checked, has_error)

    def _encoding_policy(self, record: Record) -> tuple[ReaderFinding, ...]:
        """The reader's findings under the profile's encoding rule: where a byte-order mark is
        required (Azure OpenAI), its absence is the finding and its presence is fine."""
        if record.line != 1 or not self.profile.limits.requires_bom:
            return record.findings
        kept = tuple(f for f in record.findings if f.rule != "utf8_bom")
        if len(kept) < len(record.findings):
            return kept
        missing = ReaderFinding(
            "missing_utf8_bom", "file does not start with a UTF-8 byte-order mark"
        )
        return (missing, *kept)

    def _shaped(self, record: Record, value: Any) -> Normalized | None:
        """For a format in another line shape: the OpenAI-shape example its reader builds."""
        spec = self.profile.formats[self.active.format]
        if not spec.shape or not isinstance(value, dict):
            return None
        shaped = normalize(value, spec)
        for rule_id, problem in shaped.problems:
            self._place(record, rule_id, problem)
        return shaped

    def _internal_error(self, rule_id: str, line: int | None, error: Exception) -> None:
        where = f"{self.result.path}:{line}" if line else self.result.path
        self.result.internal_errors.append(
            f"internal error in rule {rule_id} on {where}: {type(error).__name__}: {error}"
            " (please report)"
        )

    def _size_policy(self) -> None:
        cap = self.profile.limits.max_file_bytes
        if self.file_size is not None and cap is not None and self.file_size > cap:
            message = (
                f"file is {self.file_size:,} bytes; {self.profile.title} accepts files"
                f" under {format_size(cap)}"
            )
            self._reader_finding(1, ReaderFinding("file_too_large", message))

    def finish(self) -> FileResult:
        self._size_policy()
        for rule, ctx, state in self.states:
            try:
                for problem in rule.finish(state, ctx):
                    self._place(Record(problem.line or 1, None), rule.id, problem)
            except Exception as error:
                self._internal_error(rule.id, None, error)
        self.result.diagnostics.sort()
        return self.result

    def run(self, lines: Iterable[bytes]) -> FileResult:
        try:
            for record in read_records(lines):
                self.add(record)
        except FileNotText as not_text:
            self._reader_finding(1, not_text.finding)
            self.result.lines = not_text.lines
            self.result.skipped[not_text.finding.rule] += max(not_text.lines, 1)
        return self.finish()


def _as_bytes(lines: Iterable[str | bytes]) -> Iterable[bytes]:
    for line in lines:
        yield line.encode("utf-8", "surrogatepass") if isinstance(line, str) else line


def check_lines(
    lines: Iterable[str | bytes],
    config: Config | None = None,
    filename: str = "<input>",
    observer: ExampleObserver | None = None,
) -> FileResult:
    """Check JSONL given as lines (str or bytes, newlines optional)."""
    checker = FileChecker(filename, config or load_config(discover=False), observer)
    return checker.run(_as_bytes(lines))


def check_file(
    path: str | os.PathLike[str],
    config: Config | None = None,
    observer: ExampleObserver | None = None,
    through: Callable[[Iterable[bytes]], Iterable[bytes]] | None = None,
) -> FileResult:
    """Check one JSONL file, streaming it line by line. Raises OSError if it cannot be read.

    ``through`` sees the raw lines on their way to the reader (a progress bar counts them).
    """
    config = config or load_config(discover=False)
    checker = FileChecker(str(path), config, observer)
    with open(Path(path), "rb") as handle:
        checker.file_size = os.fstat(handle.fileno()).st_size
        return checker.run(through(handle) if through else handle)
