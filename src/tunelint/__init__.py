"""tunelint: a linter for LLM fine-tuning datasets in JSONL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from tunelint.engine import check_file, check_lines
    from tunelint.results import FileResult
    from tunelint.run import RunOptions, RunResult
    from tunelint.run import run as check_paths
    from tunelint.shards import Partial, Shard, check_shard, finish, merge, plan_shards

_PUBLIC = {
    "check_file": "engine",
    "check_lines": "engine",
    "FileResult": "results",
    "check_paths": "run",
    "RunOptions": "run",
    "RunResult": "run",
    "plan_shards": "shards",
    "check_shard": "shards",
    "merge": "shards",
    "finish": "shards",
    "Shard": "shards",
    "Partial": "shards",
}


def __getattr__(name: str) -> Any:
    # The public API is imported lazily so that `tunelint --version` stays fast.
    if name in _PUBLIC:
        import importlib

        module = importlib.import_module(f"tunelint.{_PUBLIC[name]}")
        return module.run if name == "check_paths" else getattr(module, name)
    raise AttributeError(name)


__all__ = [
    "FileResult",
    "Partial",
    "RunOptions",
    "RunResult",
    "Shard",
    "__version__",
    "check_file",
    "check_lines",
    "check_paths",
    "check_shard",
    "finish",
    "merge",
    "plan_shards",
]
