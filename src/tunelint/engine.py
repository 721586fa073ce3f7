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
from tunelint.duplicates import duplicate_key
from tunelint.positions import Locator
from tunelint.profile import load_profile
from tunelint.reader import FileNotText, ReaderFinding, Record, read_records
from tunelint.rules import DatasetRule, ExampleRule, all_rules
from tunelint.rules.base import RuleContext

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

    def count(self, level: Level) -> int:
        return sum(1 for d in self.diagnostics if d.level is level)


@dataclass
class _Active:
    """The enabled rules for one file, instantiated, with their level and context."""

    levels: dict[str, Level]
    example: list[tuple[ExampleRule, RuleContext]]
    dataset: list[tuple[DatasetRule, RuleContext]]

    @classmethod
    def build(cls, settings: dict[str, RuleSetting], profile_name: str, fmt: str) -> _Active:
        profile = load_profile(profile_name)
        levels: dict[str, Level] = {}
        example: list[tuple[ExampleRule, RuleContext]] = []
        dataset: list[tuple[DatasetRule, RuleContext]] = []
        for rule_id, rule in all_rules().items():
            setting = settings.get(rule_id)
            level = setting.level if setting else rule.level
            if level is Level.OFF or not ("*" in rule.formats or fmt in rule.formats):
                continue
            levels[rule_id] = level
            options = setting.options if setting else rule.default_options()
            context = RuleContext(options, profile)
            if issubclass(rule, ExampleRule):
                example.append((rule(), context))
            elif issubclass(rule, DatasetRule):
                dataset.append((rule(), context))
        return cls(levels, example, dataset)


class _FileChecker:
    """Checks the records of one file in order; holds the dataset rules' state."""

    def __init__(self, path: str, config: Config, observer: ExampleObserver | None = None) -> None:
        self.result = FileResult(path)
        self.config = config
        self.observer = observer
        self.active = _Active.build(
            config.rules_for(path if path != "<input>" else None),
            config.settings["profile"],
            "chat",
        )
        self.states = [(rule, ctx, rule.start(ctx)) for rule, ctx in self.active.dataset]
        self._locator: Locator | None = None

    def _place(self, record: Record, rule_id: str, problem: Problem) -> None:
        level = self.active.levels.get(rule_id)
        if level is None:
            return
        column, end = 1, None
        if record.text is not None and problem.path:
            if self._locator is None or self._locator.text is not record.text:
                self._locator = Locator(record.text)  # one per line: many findings stay linear
            span = self._locator.locate(problem.path, problem.on_key)
            if span is not None:
                column, end = span
        self.result.diagnostics.append(
            Diagnostic(
                self.result.path,
                record.line,
                column,
                rule_id,
                level,
                problem.message,
                format_path(problem.path),
                end,
            )
        )

    def _reader_finding(self, line: int, finding: ReaderFinding) -> None:
        level = self.active.levels.get(finding.rule)
        if level is not None:
            self.result.diagnostics.append(
                Diagnostic(
                    self.result.path, line, finding.column, finding.rule, level, finding.message
                )
            )

    def add(self, record: Record) -> None:
        self.result.lines += 1
        for finding in record.findings:
            self._reader_finding(record.line, finding)
        if not record.parsed:
            reason = next(f.rule for f in record.findings if f.rule != "utf8_bom")
            self.result.skipped[reason] += 1
            return
        self.result.examples += 1
        before = len(self.result.diagnostics)
        value = record.value
        if "duplicate_key" in self.active.levels and record.text is not None:
            duplicate = duplicate_key(record.text, value)
            if duplicate is not None:
                key, column = duplicate
                message = f"duplicate key '{key}' in one object; parsers keep only one value"
                self._reader_finding(record.line, ReaderFinding("duplicate_key", message, column))
        for rule, ctx in self.active.example:
            if not (rule.checks_any_value or isinstance(value, dict)):
                continue
            try:
                for problem in rule.check(value, ctx):
                    self._place(record, rule.id, problem)
            except Exception as error:
                self._internal_error(rule.id, record.line, error)
        if isinstance(value, dict):
            for index, (rule, ctx, state) in enumerate(self.states):
                try:
                    self.states[index] = (rule, ctx, rule.add(state, value, record.line, ctx))
                except Exception as error:
                    self._internal_error(rule.id, record.line, error)
        if self.observer is not None:
            has_error = any(d.level is Level.ERROR for d in self.result.diagnostics[before:])
            self.observer(record.line, value, has_error)

    def _internal_error(self, rule_id: str, line: int | None, error: Exception) -> None:
        where = f"{self.result.path}:{line}" if line else self.result.path
        self.result.internal_errors.append(
            f"internal error in rule {rule_id} on {where}: {type(error).__name__}: {error}"
            " (please report)"
        )

    def finish(self) -> FileResult:
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
    checker = _FileChecker(filename, config or load_config(discover=False), observer)
    return checker.run(_as_bytes(lines))


def check_file(
    path: str | os.PathLike[str],
    config: Config | None = None,
    observer: ExampleObserver | None = None,
) -> FileResult:
    """Check one JSONL file, streaming it line by line. Raises OSError if it cannot be read."""
    config = config or load_config(discover=False)
    checker = _FileChecker(str(path), config, observer)
    with open(Path(path), "rb") as handle:
        return checker.run(handle)
