"""tunelint: a linter for LLM fine-tuning datasets in JSONL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from tunelint.engine import check_file, check_lines


def __getattr__(name: str) -> Any:
    # The public API is imported lazily so that `tunelint --version` stays fast.
    if name in ("check_file", "check_lines", "FileResult"):
        from tunelint import engine

        return getattr(engine, name)
    raise AttributeError(name)


__all__ = ["__version__", "check_file", "check_lines"]
