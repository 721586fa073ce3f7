"""``--select``, ``--extend-select`` and ``--ignore``: which rules run, as ruff chooses them.

Each entry is a rule id or a prefix of rule ids (``missing_`` selects every rule whose id
starts so; ``ALL`` selects every rule). ``--select`` replaces the set of enabled rules,
``--extend-select`` adds to it, ``--ignore`` takes away; a rule enabled this way that is off
by default runs as a warning.
"""

from __future__ import annotations

import difflib

from tunelint.diagnostics import Level
from tunelint.rules import all_rules

EVERY_RULE = "ALL"


class SelectionError(ValueError):
    """An entry that names no rule."""


def _matching(entry: str, rule_ids: list[str]) -> list[str]:
    if entry == EVERY_RULE:
        return rule_ids
    found = [rule_id for rule_id in rule_ids if rule_id.startswith(entry)]
    if not found:
        close = difflib.get_close_matches(entry, rule_ids, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise SelectionError(f"'{entry}' names no rule (an id, a prefix of ids, or ALL){hint}")
    return found


def rule_levels(
    select: list[str] | None, extend_select: list[str], ignore: list[str], current: dict
) -> list[str]:
    """``ID=LEVEL`` assignments (as ``--rule`` takes) for the selection; ``current`` maps
    each rule id to its configured setting (with ``.level``)."""
    rules = all_rules()
    rule_ids = list(rules)
    if select is None and not extend_select and not ignore:
        return []
    chosen = {rule_id for rule_id in rule_ids if current[rule_id].level is not Level.OFF}
    if select is not None:
        chosen = {rule_id for entry in select for rule_id in _matching(entry, rule_ids)}
    chosen |= {rule_id for entry in extend_select for rule_id in _matching(entry, rule_ids)}
    chosen -= {rule_id for entry in ignore for rule_id in _matching(entry, rule_ids)}
    assignments = []
    for rule_id in rule_ids:
        level = current[rule_id].level
        if rule_id not in chosen:
            assignments.append(f"{rule_id}=off")
        elif level is Level.OFF:
            default = rules[rule_id].level
            assignments.append(f"{rule_id}={Level.WARNING if default is Level.OFF else default}")
    return assignments
