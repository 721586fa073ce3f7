"""Suppressions written in the config, and the filter that applies them and the baseline.

JSONL has no comments, so a finding is silenced in the config:

* ``per-file-ignores``: a glob mapped to rule ids; those rules' findings in matching files;
* ``ignore-examples``: a rule id mapped to entries, each naming one example by its ``hash``
  (``tunelint.fingerprint``; survives moving lines) or its ``line`` (optionally only in the
  files matching ``file``), always with a ``reason``.

A suppression that silenced nothing in a run where it applied is reported as
``unused_suppression`` at its line in the config, so suppressions do not outlive their cause.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, TextIO

from tunelint.baseline import Baseline, complete_hashes
from tunelint.config import Config, ConfigError, _check_rule_id, _string_list, _suggest
from tunelint.diagnostics import Diagnostic, Level
from tunelint.results import FileResult

ENTRY_KEYS = ("hash", "line", "file", "reason")


@dataclass(frozen=True)
class Suppression:
    """One config entry that silences findings of ``rule``."""

    rule: str
    files: tuple[str, ...] = ()
    """Globs the file must match; empty: every file."""
    hash: str | None = None
    line: int | None = None
    reason: str = ""
    config_line: int | None = None

    def describe(self) -> str:
        if self.hash is None and self.line is None:
            return f"per-file-ignores '{self.files[0]}': {self.rule}"
        target = f"example {self.hash}" if self.hash is not None else f"line {self.line}"
        where = f" in '{self.files[0]}'" if self.files else ""
        return f"ignore-examples {self.rule}: {target}{where} ({self.reason})"

    def covers(self, diagnostic: Diagnostic, example_hash: str | None) -> bool:
        if diagnostic.rule != self.rule:
            return False
        if self.hash is not None:
            return example_hash == self.hash
        return self.line is None or diagnostic.line == self.line


def _per_file_ignores(
    value: Any, source: str | None, lines: dict[tuple[str, ...], int]
) -> list[Suppression]:
    key = "per-file-ignores"
    if not isinstance(value, dict):
        raise ConfigError(f"'{key}' must map file globs to rule ids", source, lines.get((key,)))
    parsed = []
    for pattern, rule_ids in value.items():
        line = lines.get((key, str(pattern)), lines.get((key,)))
        for rule_id in _string_list(rule_ids, f"{key} '{pattern}'", source, line):
            _check_rule_id(rule_id, source, line)
            parsed.append(Suppression(rule_id, (str(pattern),), config_line=line))
    return parsed


def _example_entry(rule_id: str, entry: Any, source: str | None, line: int | None) -> Suppression:
    if not isinstance(entry, dict):
        raise ConfigError(
            f"ignore-examples {rule_id}: each entry must be a mapping like"
            " {hash: ..., reason: ...} or {line: 12, file: ..., reason: ...}",
            source,
            line,
        )
    for name in entry:
        if name not in ENTRY_KEYS:
            raise ConfigError(
                f"ignore-examples {rule_id}: unknown key '{name}'"
                f"{_suggest(str(name), list(ENTRY_KEYS))} (keys: {', '.join(ENTRY_KEYS)})",
                source,
                line,
            )
    if ("hash" in entry) == ("line" in entry):
        raise ConfigError(
            f"ignore-examples {rule_id}: an entry names an example by 'hash' or by 'line'",
            source,
            line,
        )
    reason = entry.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise ConfigError(f"ignore-examples {rule_id}: every entry needs a 'reason'", source, line)
    example = entry.get("hash")
    if "hash" in entry and not isinstance(example, str):
        raise ConfigError(
            f"ignore-examples {rule_id}: 'hash' must be a string, not {example!r}", source, line
        )
    number = entry.get("line")
    if "line" in entry and (isinstance(number, bool) or not isinstance(number, int) or number < 1):
        raise ConfigError(
            f"ignore-examples {rule_id}: 'line' must be a line number, not {number!r}",
            source,
            line,
        )
    files = entry.get("file")
    if files is not None and not isinstance(files, str):
        raise ConfigError(
            f"ignore-examples {rule_id}: 'file' must be a glob, not {files!r}", source, line
        )
    return Suppression(
        rule_id,
        (files,) if files else (),
        example,
        number,
        reason.strip(),
        line,
    )


def _ignore_examples(
    value: Any, source: str | None, lines: dict[tuple[str, ...], int]
) -> list[Suppression]:
    key = "ignore-examples"
    if not isinstance(value, dict):
        raise ConfigError(
            f"'{key}' must map rule ids to lists of examples", source, lines.get((key,))
        )
    parsed = []
    for rule_id, entries in value.items():
        rule_line = lines.get((key, str(rule_id)), lines.get((key,)))
        _check_rule_id(str(rule_id), source, rule_line)
        if not isinstance(entries, list):
            raise ConfigError(
                f"ignore-examples {rule_id}: must be a list of entries", source, rule_line
            )
        for index, entry in enumerate(entries):
            line = lines.get((key, str(rule_id), str(index)), rule_line)
            parsed.append(_example_entry(str(rule_id), entry, source, line))
    return parsed


def parse_suppressions(
    data: dict, source: str | None, lines: dict[tuple[str, ...], int]
) -> list[Suppression]:
    """The suppressions of one config file's data, validated (raises ConfigError)."""
    parsed = []
    if "per-file-ignores" in data:
        parsed += _per_file_ignores(data["per-file-ignores"], source, lines)
    if "ignore-examples" in data:
        parsed += _ignore_examples(data["ignore-examples"], source, lines)
    return parsed


class Filter:
    """Takes suppressed findings out of each file's result and remembers what was used."""

    def __init__(self, config: Config, baseline: Baseline | None = None) -> None:
        self.config = config
        self.baseline = baseline
        self.used: Counter[Suppression] = Counter()
        self.applied: set[Suppression] = set()

    def apply(self, result: FileResult) -> list[tuple[Diagnostic, str]]:
        """Remove suppressed diagnostics from ``result``; return each with what silenced it."""
        applicable = [
            s
            for s in self.config.suppressions
            if not s.files or self.config.matches(result.path, s.files)
        ]
        self.applied.update(applicable)
        hashes = complete_hashes(result) if any(s.hash for s in applicable) else {}
        kept, suppressed = [], []
        for diagnostic in result.diagnostics:
            example = hashes.get(diagnostic.line)
            by = next((s for s in applicable if s.covers(diagnostic, example)), None)
            if by is None:
                kept.append(diagnostic)
            else:
                self.used[by] += 1
                suppressed.append((diagnostic, by.describe()))
        result.diagnostics = kept
        if self.baseline is not None:
            suppressed += [(d, "baseline") for d in self.baseline.match(result)]
        return suppressed

    def unused(self) -> FileResult | None:
        """The ``unused_suppression`` findings of the run, placed in the config file."""
        setting = self.config.rules.get("unused_suppression")
        if setting is None or setting.level is Level.OFF:
            return None
        source = self.config.source or "<config>"
        result = FileResult(source)
        for suppression in self.config.suppressions:
            rule = self.config.rules.get(suppression.rule)
            if (
                suppression in self.applied
                and not self.used[suppression]
                and rule is not None
                and rule.level is not Level.OFF
            ):
                result.diagnostics.append(
                    Diagnostic(
                        source,
                        suppression.config_line or 1,
                        1,
                        "unused_suppression",
                        setting.level,
                        f"{suppression.describe()} suppressed nothing; remove it",
                    )
                )
        result.diagnostics.sort()
        return result if result.diagnostics else None


def show_suppressed(
    suppressed: list[tuple[Diagnostic, str]], results: list[FileResult], out: TextIO
) -> None:
    """List the silenced findings, each with its example hash and what silenced it."""
    hashes = {r.path: r.example_hashes for r in results}
    out.write(f"Suppressed {len(suppressed):,} findings:\n" if suppressed else "")
    for d, by in sorted(suppressed, key=lambda pair: pair[0]):
        example = hashes.get(d.file, {}).get(d.line)
        path = f" [{d.path}]" if d.path and d.path not in d.message else ""
        name = f"example {example}, " if example else ""
        out.write(
            f"{d.file}:{d.line}:{d.column}: suppressed {d.rule} {d.message}{path} ({name}by {by})\n"
        )
