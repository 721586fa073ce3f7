"""Formatters: one module per output format, each with a ``Formatter`` class.

A formatter is fed finished ``FileResult``s one file at a time (so output streams and a
Ctrl-C leaves whole lines behind), then ``end`` with all of them. Rules never see these.
"""

from __future__ import annotations

import importlib
from typing import TextIO

from tunelint.diagnostics import Diagnostic
from tunelint.engine import FileResult

FORMATS = ("text", "json", "github", "sarif", "gitlab", "html")


class Formatter:
    """Base formatter: subclasses override ``add`` and, where they print a trailer, ``end``."""

    shows_stats = False
    """True: ``check --stats`` hands the stats report to ``add_stats`` (before ``end``)
    instead of printing it as text after the findings."""

    def __init__(self, out: TextIO, color: bool = False) -> None:
        self.out = out
        self.color = color

    def begin(self) -> None:
        """Called once before the first file."""

    def add(self, result: FileResult) -> None:
        raise NotImplementedError

    def add_stats(self, stats: dict) -> None:
        """Called before ``end`` with ``tunelint.stats.build_report``'s dict (if shows_stats)."""

    def end(self, results: list[FileResult]) -> None:
        """Called once after the last file, with every result."""


def message_with_path(diagnostic: Diagnostic) -> str:
    """The message, followed by ``[json.path]`` unless the message already names it."""
    d = diagnostic
    return f"{d.message} [{d.path}]" if d.path and d.path not in d.message else d.message


def get_formatter(name: str) -> type[Formatter]:
    """The formatter class of the named format (raises KeyError for an unknown one)."""
    if name not in FORMATS:
        raise KeyError(f"unknown format {name!r}; choose from {', '.join(FORMATS)}")
    return importlib.import_module(f"tunelint.report.{name}_format").Formatter
