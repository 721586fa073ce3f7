"""The GitHub Action's inputs, parsed from the ``TUNELINT_*`` environment (pure; no I/O).

action.yml passes every input through ``env:`` (never inlined into shell text). Lists
(``paths``, ``args``) are words separated by spaces or newlines; a word that starts with a
quote (``'`` or ``"``) runs to the same quote and may hold spaces (``'my data/a.jsonl'``).
Only ASCII whitespace separates. Nothing else is special: a quote inside a word (``don't.jsonl``) or one that is never closed
is a plain character, backslashes are kept (``data\\a.jsonl`` on Windows), and nothing is
expanded. Unlike ``shlex.split``, no input makes the parser fail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

FAIL_ON = ("error", "warning", "never")
PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target")
RESERVED_OPTIONS = ("--format", "--write-baseline", "--diff-base", "--output-file", "--stats")
"""Options the Action sets itself (annotations, the job summary, the changed lines)."""
_QUOTES = "'\""
_SPACE = frozenset(" \t\n\r\f\v")
"""ASCII whitespace only: U+00A0, U+2028 and the like can be part of a file name."""


class InputError(Exception):
    """An input the Action cannot use; the message names it."""


def split_words(text: str) -> list[str]:
    """The words of a list input: split at whitespace, quotes group, nothing else special."""
    words: list[str] = []
    for line in text.split("\n"):
        i = 0
        while i < len(line):
            if line[i] in _SPACE:
                i += 1
                continue
            close = _closing_quote(line, i)
            if close is not None:
                words.append(line[i + 1 : close])
                i = close + 1
                continue
            end = i
            while end < len(line) and line[end] not in _SPACE:
                end += 1
            words.append(line[i:end])
            i = end
    return [word for word in words if word]


def _closing_quote(line: str, start: int) -> int | None:
    """Where the quote opening a word at ``start`` closes (before whitespace or the end)."""
    if line[start] not in _QUOTES:
        return None
    close = start
    while (close := line.find(line[start], close + 1)) != -1:
        if close + 1 == len(line) or line[close + 1] in _SPACE:
            return close
    return None


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(f"TUNELINT_{name.upper().replace('-', '_')}", "").strip().lower()
    if value in ("", "auto"):
        return default
    if value not in ("true", "false"):
        raise InputError(f"{name} must be true, false or auto, not {value[:40]!r}")
    return value == "true"


def _text(env: Mapping[str, str], name: str) -> str | None:
    return env.get(f"TUNELINT_{name.upper().replace('-', '_')}", "").strip() or None


def _check_args(args: list[str]) -> list[str]:
    """``args`` unless one sets what the Action sets (an abbreviation of it counts too)."""
    for word in args:
        option = word.split("=", 1)[0]
        taken = [o for o in RESERVED_OPTIONS if len(option) > 2 and o.startswith(option)]
        if option.startswith("--") and taken:
            raise InputError(f"args: {taken[0]} is set by the action itself; remove {word[:40]!r}")
    return args


@dataclass(frozen=True)
class ActionInputs:
    """The Action's inputs, parsed and checked."""

    paths: list[str]
    config: str | None
    model: str | None
    profile: str | None
    baseline: str | None
    args: list[str]
    only_changed: bool
    fail_on: str
    summary: bool
    html_report: bool
    """Write the HTML page for the upload-artifact step (``html-report``)."""
    base: str | None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ActionInputs:
        """Parse ``TUNELINT_PATHS``, ``TUNELINT_CONFIG``, ... (InputError if one is wrong).

        ``strict: true`` is ``fail-on: warning``; with ``fail-on: never`` it is an error.
        """
        fail_on = _text(env, "fail-on") or "error"
        if fail_on not in FAIL_ON:
            raise InputError(f"fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on[:40]!r}")
        if _flag(env, "strict", False):
            if fail_on == "never":
                raise InputError("strict: true and fail-on: never contradict each other")
            fail_on = "warning"
        on_pull_request = env.get("GITHUB_EVENT_NAME", "") in PULL_REQUEST_EVENTS
        return cls(
            paths=split_words(env.get("TUNELINT_PATHS", "")),
            config=_text(env, "config"),
            model=_text(env, "model"),
            profile=_text(env, "profile"),
            baseline=_text(env, "baseline"),
            args=_check_args(split_words(env.get("TUNELINT_ARGS", ""))),
            only_changed=_flag(env, "only-changed", on_pull_request),
            fail_on=fail_on,
            summary=_flag(env, "summary", True),
            html_report=_flag(env, "html-report", True),
            base=_text(env, "base-sha"),
        )

    def check_arguments(self, paths: list[str]) -> list[str]:
        """The arguments of ``tunelint check`` these inputs mean, for the CLI's parser.

        ``paths`` (the inputs' paths, or the tracked files when none were given) come last,
        after ``--``, so a path that starts with ``-`` is never an option.
        """
        options = [
            *self.args,
            *(["--config", self.config] if self.config else []),
            *(["--model", self.model] if self.model else []),
            *(["--profile", self.profile] if self.profile else []),
            *(["--baseline", self.baseline] if self.baseline else []),
            *(["--strict"] if self.fail_on == "warning" else []),
        ]
        return [*options, "--", *paths]
