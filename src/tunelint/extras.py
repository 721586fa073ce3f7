"""Optional dependencies (the package's extras): imported when first needed, and a clear
message naming the extra when one is not installed."""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingExtra(Exception):
    """A feature needs a package that is not installed; the message says how to install it."""


def require(module: str, feature: str, extra: str) -> ModuleType:
    """Import ``module`` for ``feature``, or raise ``MissingExtra`` naming ``extra``."""
    try:
        return importlib.import_module(module)
    except ImportError:
        package = module.partition(".")[0]
        raise MissingExtra(f"{feature} needs {package}: pip install 'tunelint[{extra}]'") from None
