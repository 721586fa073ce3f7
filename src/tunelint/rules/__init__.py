"""Every rule lives in a module of this package; importing the package registers them all.

To add a rule: a new module here with one ``Rule`` subclass (id, level, summary, options,
documentation, ``check``) and a case file ``tests/rules/cases/<id>.yaml`` (see
``tests/rules/test_cases.py``).
"""

from __future__ import annotations

import importlib
import pkgutil

from tunelint.rules.base import REGISTRY, DatasetRule, ExampleRule, ReaderRule, Rule

_loaded = False


def all_rules() -> dict[str, type[Rule]]:
    """Every registered rule by id, in id order (imports the rule modules on first use)."""
    global _loaded
    if not _loaded:
        for module in pkgutil.iter_modules(__path__):
            if module.name != "base":
                importlib.import_module(f"{__name__}.{module.name}")
        _loaded = True
    return dict(sorted(REGISTRY.items()))


__all__ = ["DatasetRule", "ExampleRule", "ReaderRule", "Rule", "all_rules"]
