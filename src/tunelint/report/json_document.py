"""``--format json`` of the stats and compare reports: every figure, numbers as numbers."""

from __future__ import annotations

import json
from typing import Any


def render(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2) + "\n"  # ASCII: no bidi or C1 character reaches a terminal
