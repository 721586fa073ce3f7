"""The value every rule produces and every formatter consumes."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

PathPart = str | int
JsonPath = tuple[PathPart, ...]


class Level(str, enum.Enum):
    """How much a finding matters; ``off`` disables a rule."""

    ERROR = "error"
    WARNING = "warning"
    OFF = "off"

    def __str__(self) -> str:
        return self.value


def format_path(path: JsonPath) -> str:
    """Render a JSON path the way users write it: ``messages[2].content``."""
    out = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(f".{part}" if out else part)
    return "".join(out)


@dataclass(frozen=True)
class Problem:
    """What a rule reports: where in the example, and what is wrong.

    ``on_key`` points the column at the key of the last path part instead of its value.
    ``line`` is set only by dataset rules, which report after the whole file was seen;
    ``column`` only by rules that find the place in the line's text themselves.
    ``span`` is (offset, length) of the finding inside the decoded string at ``path``; the
    column then points at those characters of the raw line, escapes accounted for.
    """

    path: JsonPath
    message: str
    on_key: bool = False
    line: int | None = None
    column: int | None = None
    span: tuple[int, int] | None = None


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A finding placed in a file: what formatters print."""

    file: str
    line: int
    column: int
    rule: str
    level: Level = field(compare=False)
    message: str = field(compare=False)
    path: str = field(default="", compare=False)
    end_column: int | None = field(default=None, compare=False)

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "end_column": self.end_column,
            "level": str(self.level),
            "rule": self.rule,
            "message": self.message,
            "path": self.path,
        }
