"""Find a key that appears twice in one JSON object of a line that parsed.

``json.loads`` keeps the last of duplicate keys and says nothing, so the earlier value is lost
without a trace. Checking every line exactly would double the cost of parsing, so the check
narrows down in three steps, each exact and each cheaper than the next:

1. Every key ends at a colon, so if the line has no more colons than the parsed value has
   members, no key was dropped (C-speed counts, and the member count of the walk the
   content scanners share, ``tunelint.walk``).
   Colons inside strings (``"Note: ..."``, URLs) make this unsure, so the same test runs
   on ``":`` minus ``\\":`` (a quote escaped inside a string, as in embedded JSON tool
   arguments). That one count can miss a duplicate whose key ends in a backslash, the one
   blind spot of the check.
2. Otherwise count the key tokens in the text.
3. Only when there are more key tokens than members, scan the text for the repeated key.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tunelint.walk import contents

_STRING_OR_KEY = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"([ \t\n\r]*:)?', re.S)
_SPACE_BEFORE_COLON = re.compile(r'"[ \t\n\r]+:')
_TOKEN = re.compile(r'("[^"\\]*(?:\\.[^"\\]*)*")([ \t\n\r]*:)?|[{}]', re.S)


def _key(token: str) -> str:
    return json.loads(token) if "\\" in token else token[1:-1]


def duplicate_key(text: str, value: Any) -> tuple[str, int] | None:
    """(key, 1-based column of its second occurrence) of the first duplicate key, or None.

    ``text`` must be the JSON text ``value`` was parsed from.
    """
    if not isinstance(value, (dict, list)):
        return None
    members = contents(value).members
    if text.count(":") <= members:
        return None
    if (
        text.count('":') - text.count('\\":') <= members
        and _SPACE_BEFORE_COLON.search(text) is None
    ):
        return None
    if sum(1 for colon in _STRING_OR_KEY.findall(text) if colon) <= members:
        return None
    open_objects: list[set[str]] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token == "{":
            open_objects.append(set())
        elif token == "}":
            open_objects.pop()
        elif match.group(2) and open_objects:
            key = _key(match.group(1))
            if key in open_objects[-1]:
                return key, match.start() + 1
            open_objects[-1].add(key)
    return None
