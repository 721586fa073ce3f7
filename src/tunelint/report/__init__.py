"""Every output tunelint prints, in one registry: the kind of report, then its format.

* ``findings``: a ``Formatter`` class, fed finished ``FileResult``s one file at a time (so
  output streams and a Ctrl-C leaves whole lines behind), then ``end`` with all of them;
* ``stats``, ``compare``, ``rules``, ``profiles``: a function of the report's data that
  returns the whole text.

An output is one module; the CLI's ``--format`` choices come from here. Rules never see any
of this.
"""

from __future__ import annotations

import importlib
import shutil
import textwrap
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:  # the registry itself stays light: the CLI reads it at start-up
    from tunelint.diagnostics import Diagnostic
    from tunelint.results import FileResult

OUTPUTS: dict[str, dict[str, str]] = {
    "findings": {
        "text": "text_format:Formatter",
        "json": "json_format:Formatter",
        "github": "github_format:Formatter",
        "sarif": "sarif_format:Formatter",
        "gitlab": "gitlab_format:Formatter",
        "statistics": "statistics_format:Formatter",
        "html": "html_format:Formatter",
    },
    "stats": {
        "text": "stats_text:render",
        "json": "json_document:render",
        "markdown": "stats_markdown:render",
        "html": "stats_html:render",
    },
    "compare": {"text": "compare_text:render", "json": "json_document:render"},
    "rules": {"text": "rules_table:text", "markdown": "rules_table:markdown"},
    "profiles": {
        "text": "profiles_table:profiles_text",
        "markdown": "profiles_table:profiles_markdown",
    },
}


WIDTH = 80
"""The columns a text report fits in, unless the terminal is wider."""


def output_width() -> int:
    """``WIDTH``, or the terminal's width (``COLUMNS``, else its size) when it is wider."""
    return max(WIDTH, shutil.get_terminal_size((WIDTH, 24)).columns)


def wrap(text: str, width: int, indent: str = "", hanging: str = "") -> list[str]:
    """``text`` in lines of at most ``width`` columns: the first starting with ``indent``, the
    others with ``hanging``; words (paths, numbers) are never split."""
    return textwrap.wrap(
        text,
        width,
        initial_indent=indent,
        subsequent_indent=hanging,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [indent.rstrip()]


class Formatter:
    """Base formatter: subclasses override ``add`` and, where they print a trailer, ``end``."""

    shows_stats = False
    """True: ``check --stats`` hands the stats report to ``add_stats`` (before ``end``)
    instead of printing it as text after the findings."""

    def __init__(self, out: TextIO, color: bool = False, quiet: bool = False) -> None:
        self.out = out
        self.color = color
        self.quiet = quiet
        """Print the findings and nothing else (no summary): ``-q``."""

    def describe(self, config: Any, env: Mapping[str, str]) -> None:
        """Told about the run (its config, the environment it runs in) before ``begin``: the
        HTML page names the profile and, in GitHub Actions, links findings to their lines."""

    def begin(self) -> None:
        """Called once before the first file."""

    def add(self, result: FileResult) -> None:
        raise NotImplementedError

    def add_stats(self, stats: dict) -> None:
        """Called before ``end`` with ``tunelint.stats.build_report``'s dict (if shows_stats)."""

    def end(self, results: list[FileResult], unused: FileResult | None = None) -> None:
        """Called once after the last file, with every file's result and, apart (it is no
        checked file), the findings about the config's unused suppressions, which ``add``
        was given too."""


def every_result(results: list[FileResult], unused: FileResult | None) -> list[FileResult]:
    """The files' results, then the unused suppressions' (the findings ``end`` counts)."""
    return [*results, *([unused] if unused else [])]


def message_with_path(diagnostic: Diagnostic) -> str:
    """The message, followed by ``[json.path]`` unless the message already names it."""
    d = diagnostic
    return f"{d.message} [{d.path}]" if d.path and d.path not in d.message else d.message


def formats(kind: str) -> tuple[str, ...]:
    """The format names of one kind of output, the first being the default."""
    return tuple(OUTPUTS[kind])


def get_output(kind: str, name: str) -> Any:
    """The formatter class or render function of ``kind`` in format ``name`` (KeyError for
    an unknown one, naming the choices)."""
    choices = OUTPUTS[kind]
    if name not in choices:
        raise KeyError(f"unknown format {name!r}; choose from {', '.join(choices)}")
    module, attribute = choices[name].split(":")
    return getattr(importlib.import_module(f"{__name__}.{module}"), attribute)


def get_formatter(name: str) -> type[Formatter]:
    """The findings formatter class of the named format."""
    return get_output("findings", name)
