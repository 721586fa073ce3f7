"""The config's suppressions, validated, and the index that finds the one covering a finding.

JSONL has no comments, so a finding is silenced in the config:

* ``per-file-ignores``: a glob mapped to rule ids; those rules' findings in matching files;
* ``ignore-examples``: a rule id mapped to entries, each naming one example by its ``hash``
  (``tunelint.fingerprint``; survives moving lines) or its ``line`` (optionally only in the
  files matching ``file``), always with a ``reason``.

Matching is linear: the globs are compiled once, each file's applicable suppressions are
indexed by rule (and line or example hash), and each finding is one lookup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, TypedDict

from tunelint.diagnostics import Diagnostic
from tunelint.globs import GlobSet
from tunelint.rules import all_rules
from tunelint.schema import AtLeast, OneOf, Parse, Where, convert

RuleId = Annotated[str, OneOf("rule", all_rules)]


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


class ExampleEntry(TypedDict, total=False):
    """One ``ignore-examples`` entry: ``{hash, reason}`` or ``{line, file?, reason}``."""

    hash: str
    line: Annotated[int, AtLeast(1)]
    file: str
    reason: str


def _per_file_ignores(value: Any, where: Where) -> list[Suppression]:
    table = convert(dict[str, RuleId | list[RuleId]], value, where)
    return [
        Suppression(rule_id, (pattern,), config_line=(where / pattern).line)
        for pattern, rule_ids in table.items()
        for rule_id in ([rule_ids] if isinstance(rule_ids, str) else rule_ids)
    ]


def _ignore_examples(value: Any, where: Where) -> list[Suppression]:
    table = convert(dict[RuleId, list[ExampleEntry]], value, where)
    parsed = []
    for rule_id, entries in table.items():
        for index, entry in enumerate(entries):
            at = where / rule_id / index
            if ("hash" in entry) == ("line" in entry):
                raise at.error("an entry names an example by 'hash' or by 'line' (one of them)")
            reason = entry.get("reason", "").strip()
            if not reason:
                raise at.error("every entry needs a 'reason'")
            parsed.append(
                Suppression(
                    rule_id,
                    (entry["file"],) if entry.get("file") else (),
                    entry.get("hash"),
                    entry.get("line"),
                    reason,
                    at.line,
                )
            )
    return parsed


PER_FILE_IGNORES = Annotated[list[Suppression], Parse(_per_file_ignores, "a mapping")]
IGNORE_EXAMPLES = Annotated[list[Suppression], Parse(_ignore_examples, "a mapping")]


class FileSuppressions:
    """The suppressions that apply to one file, indexed for one lookup per finding."""

    def __init__(self, applicable: Iterable[tuple[int, Suppression]]) -> None:
        self.applicable: list[Suppression] = []
        self._whole: dict[str, tuple[int, Suppression]] = {}
        self._by_line: dict[tuple[str, int], tuple[int, Suppression]] = {}
        self._by_hash: dict[tuple[str, str], tuple[int, Suppression]] = {}
        for order, suppression in applicable:
            self.applicable.append(suppression)
            if suppression.hash is not None:
                self._by_hash.setdefault((suppression.rule, suppression.hash), (order, suppression))
            elif suppression.line is not None:
                self._by_line.setdefault((suppression.rule, suppression.line), (order, suppression))
            else:
                self._whole.setdefault(suppression.rule, (order, suppression))

    @property
    def needs_hashes(self) -> bool:
        return bool(self._by_hash)

    def covering(self, diagnostic: Diagnostic, example_hash: str | None) -> Suppression | None:
        """The first suppression (in config order) that silences ``diagnostic``, if any."""
        found = [
            self._whole.get(diagnostic.rule),
            self._by_line.get((diagnostic.rule, diagnostic.line)),
            self._by_hash.get((diagnostic.rule, example_hash)) if example_hash else None,
        ]
        candidates = [entry for entry in found if entry is not None]
        return min(candidates, key=lambda entry: entry[0])[1] if candidates else None


class SuppressionIndex:
    """Every suppression of a config, with its globs compiled once."""

    def __init__(self, suppressions: Iterable[Suppression]) -> None:
        self.suppressions = tuple(suppressions)
        self.globs = GlobSet(pattern for s in self.suppressions for pattern in s.files)

    def for_file(self, relative: str) -> FileSuppressions:
        """The suppressions for the file at ``relative`` (to the config's directory)."""
        matched = self.globs.matching(relative) if self.globs else set()
        return FileSuppressions(
            (order, s)
            for order, s in enumerate(self.suppressions)
            if not s.files or s.files[0] in matched
        )
