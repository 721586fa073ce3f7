"""Credentials in text: provider-specific token formats and high-entropy assignments.

Each pattern is anchored on what the issuer puts in every token (a fixed prefix, a length, a
character set, a checksum-like marker such as OpenAI's ``T3BlbkFJ``), the way gitleaks and
detect-secrets anchor theirs, so prose and identifiers do not match. A match that looks like
documentation (``AKIAIOSFODNN7EXAMPLE``, ``sk-xxxx...``, ``YOUR_API_KEY``, one repeated
character, ``abcdef...``) is dropped by ``is_placeholder``.

Cost: ``might_contain_secret`` is a few regex passes, each starting with a character rare
in prose (``A``, ``_``, ``-``, ``=``, ``:``, ...), so most text is skipped at C speed; only
text it accepts is searched with the patterns (each after a literal marker test).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from tunelint.hygiene.matches import MAX_MATCHES, Match, shannon_entropy


@dataclass(frozen=True)
class SecretPattern:
    """One kind of credential: ``markers`` any of which a text must contain to be searched,
    and a regex whose group ``value`` is the secret."""

    kind: str
    markers: tuple[str, ...]
    regex: re.Pattern[str]
    min_entropy: float = 0.0
    """Bits per character the value needs (for formats with no fixed structure)."""


def _pattern(kind: str, markers: tuple[str, ...], regex: str, min_entropy: float = 0.0):
    return SecretPattern(kind, markers, re.compile(regex), min_entropy)


_VALUE_CHARACTER = r"[^\s\"'`,;\\<>{}()\[\]]"
"""A character of an assigned secret: not space, quote, separator or bracket."""
_B64_BODY = r"(?:[A-Za-z0-9+/=\s]|\\[nr])"
_NOT_TOKEN = r"(?![A-Za-z0-9_-])"
_TOKEN_START = r"(?<![A-Za-z0-9_-])"
_ASSIGNED = r"""(?:\\?["']?\s*=>?\s*|\\?["']\s*:\s*|\s*:\s+)\\?["']?"""
"""``=``, ``=>``, or a colon after a quoted key or before a space (``"key": "v"``, ``key: v``);
not a bare colon, as in ARNs and URIs (``arn:aws:...:secret:name``)."""

_GENERIC = _pattern(
    "password or secret",
    ("ass", "ecret", "wd", "oken", "ey", "ASS", "ECRET", "WD", "OKEN", "EY"),
    r"(?i:(?<![a-z])(?:password|passwd|passphrase|pwd|secret|client_secret|api_?key"
    r"|access_?token|auth_?token|secret_?key|auth_?key|private_?key|client_?key|db_?pass))"
    + _ASSIGNED
    + rf"(?P<value>{_VALUE_CHARACTER}{{10,128}})(?![^\s\"'`,;\\])",
    min_entropy=3.0,
)
"""A secret assigned to a name that says so: ``password=...``, ``"api_key": "..."``."""

PATTERNS: tuple[SecretPattern, ...] = (
    _pattern(
        "private key",
        ("PRIVATE KEY",),
        r"-----BEGIN[ A-Z0-9]{0,30}PRIVATE KEY(?: BLOCK)?-----(?:\s|\\[nr])*"
        rf"(?:[A-Za-z][A-Za-z-]*: [^\n\\]*(?:\n|\\n)(?:\s|\\[nr])*)*(?P<value>{_B64_BODY}{{64,}})",
    ),
    _pattern(
        "AWS access key id",
        ("AKIA", "ASIA", "ABIA", "ACCA"),
        r"(?<![A-Z0-9])(?P<value>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Z0-9])",
    ),
    _pattern(
        "AWS secret access key",
        ("ecret", "ECRET"),
        r"(?i:aws.{0,20}?secret[a-z_ ]{0,20}?)"
        + _ASSIGNED
        + r"(?P<value>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
        min_entropy=4.0,
    ),
    _pattern(
        "GitHub token",
        ("gh", "github_pat_"),
        rf"{_TOKEN_START}(?P<value>gh[pousr]_[A-Za-z0-9]{{36}}|github_pat_[A-Za-z0-9]{{22}}_"
        rf"[A-Za-z0-9]{{59}}){_NOT_TOKEN}",
    ),
    _pattern(
        "Anthropic API key",
        ("sk-ant-",),
        rf"{_TOKEN_START}(?P<value>sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{{80,}}){_NOT_TOKEN}",
    ),
    _pattern(
        "OpenAI API key",
        ("T3BlbkFJ", "sk-proj-", "sk-svcacct-", "sk-admin-"),
        rf"{_TOKEN_START}(?P<value>sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{{16,}}"
        rf"T3BlbkFJ[A-Za-z0-9_-]{{16,}}|sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{{58,}}){_NOT_TOKEN}",
    ),
    _pattern(
        "OpenAI API key",
        ("sk-",),
        r"(?<![A-Za-z0-9_-])(?P<value>sk-[A-Za-z0-9]{48})(?![A-Za-z0-9_-])",
        min_entropy=4.0,
    ),
    _pattern(
        "Slack token",
        ("xox",),
        rf"{_TOKEN_START}(?P<value>xox[abposr]-\d{{8,}}-[0-9A-Za-z-]{{10,}}){_NOT_TOKEN}",
    ),
    _pattern(
        "Slack webhook",
        ("hooks.slack.com",),
        r"(?P<value>hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/+-]{30,})",
    ),
    _pattern(
        "Google API key",
        ("AIza",),
        rf"{_TOKEN_START}(?P<value>AIza[0-9A-Za-z_-]{{35}}){_NOT_TOKEN}",
    ),
    _pattern(
        "Stripe live key",
        ("_live_",),
        rf"{_TOKEN_START}(?P<value>(?:sk|rk)_live_[0-9A-Za-z]{{24,99}}){_NOT_TOKEN}",
    ),
    _pattern(
        "JSON Web Token",
        ("eyJ",),
        rf"{_TOKEN_START}(?P<value>eyJ[A-Za-z0-9_-]{{8,}}\.eyJ[A-Za-z0-9_-]{{8,}}"
        rf"\.[A-Za-z0-9_-]{{16,}}){_NOT_TOKEN}",
    ),
    _GENERIC,
)

KINDS = tuple(dict.fromkeys(pattern.kind for pattern in PATTERNS))

_ASSIGNED_VALUE = rf"\s*\\?[\"']?(?!//){_VALUE_CHARACTER}{{10}}"
_PREFILTERS = tuple(
    re.compile(branch)
    for branch in (
        r"-----BEGIN",
        r"A(?:KIA|SIA|BIA|CCA|Iza)",
        r"_[A-Za-z0-9]{36}|_live_",
        r"-[A-Za-z0-9_-]{18}",
        r"\.slack\.com/",
        r"J(?<=eyJ)",
        rf"=>?{_ASSIGNED_VALUE}",
        rf":{_ASSIGNED_VALUE}",
    )
)
"""Together they match wherever a pattern could (a superset of ``PATTERNS``: their prefixes,
the token bodies that follow an ``_`` or a ``-``, an assignment of a long value). Separate
regexes, each starting with one literal character, which the regex engine finds at memchr
speed; an alternation, or a character class first, is tried at every position instead."""


def _spellings(*names: str) -> frozenset[str]:
    """snake_case names as code writes them: lower, UPPER, Capitalised, camelCase, kebab."""
    found = set()
    for name in names:
        camel = name.split("_")[0] + "".join(part.title() for part in name.split("_")[1:])
        found |= {name, name.upper(), name.title(), camel, name.replace("_", "-")}
    return frozenset(found)


SECRET_KEYS = _spellings(
    "password", "passwd", "passphrase", "pwd", "secret", "client_secret", "secret_key",
    "api_key", "apikey", "access_token", "auth_token", "refresh_token", "private_key",
    "auth_key", "client_key", "db_pass", "db_password",
)  # fmt: skip
"""Object keys whose string value is a secret when it looks random (``{"password": ...}`` in
tool-call arguments given as objects, configs quoted as JSON)."""
_SECRET_VALUE = re.compile(rf"{_VALUE_CHARACTER}{{10,128}}")


_ANY_PREFILTER = re.compile("|".join(f"(?:{prefilter.pattern})" for prefilter in _PREFILTERS))
"""The prefilters as one regex, for short strings: one call instead of eight (measured three
times faster on a tool-calling file's strings, 81 characters on average)."""
_SHORT = 512


def might_contain_secret(text: str) -> bool:
    """False when no pattern can match ``text`` (most text); True means: search it. (A
    value of a key in ``SECRET_KEYS`` is searched whatever its text.)"""
    if len(text) <= _SHORT:
        return _ANY_PREFILTER.search(text) is not None
    return any(prefilter.search(text) for prefilter in _PREFILTERS)


_PLACEHOLDER_WORDS = re.compile(
    r"example|sample|dummy|placeholder|your|redacted|changeme|replace|fake|xxxx|\*\*\*|\.\.\."
    r"|^[$%]|\$\{|\$\(|%\(|\{\{",
    re.I,
)
_ONE_CHARACTER_RUN = re.compile(r"(.)\1{5,}")
_SEQUENCE = re.compile(
    "|".join(
        sequence[i : i + 8]
        for sequence in ("abcdefghijklmnopqrstuvwxyz", "0123456789")
        for i in range(len(sequence) - 7)
    ),
    re.I,
)
"""Eight letters or digits in order (``abcdefgh``, ``12345678``)."""
_JWT_DOCUMENTATION_SIGNATURE = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
"""The signature of jwt.io's sample token, quoted in countless tutorials."""


def is_placeholder(value: str) -> bool:
    """Whether a value that has a credential's shape is documentation, not a credential:
    a placeholder word (EXAMPLE, YOUR_..., xxxx), a variable (``$PASSWORD``, ``${...}``,
    ``{{...}}``), one character repeated six times, or an alphabet or digit sequence of
    eight."""
    return bool(
        _PLACEHOLDER_WORDS.search(value)
        or _ONE_CHARACTER_RUN.search(value)
        or _SEQUENCE.search(value)
    )


def _decodes_to_json(segment: str) -> bool:
    try:
        decoded = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        return isinstance(json.loads(decoded), dict)
    except (binascii.Error, ValueError):
        return False


def _plausible(pattern: SecretPattern, value: str) -> bool:
    if pattern.kind == "private key":
        return shannon_entropy(re.sub(r"\s|\\[nr]", "", value)) >= 4.5
    if pattern.kind == "JSON Web Token":
        header, payload, signature = value.split(".")
        return (
            signature != _JWT_DOCUMENTATION_SIGNATURE
            and _decodes_to_json(header)
            and _decodes_to_json(payload)
        )
    if pattern.kind == "password or secret" and not (
        re.search(r"[A-Za-z]", value) and re.search(r"[0-9]", value)
    ):
        return False
    return shannon_entropy(value) >= pattern.min_entropy


def _keyed_secret(text: str) -> Match | None:
    """``text`` as the value of a secret's key: a secret when it is random enough."""
    value = text.strip()
    if not _SECRET_VALUE.fullmatch(value) or is_placeholder(value):
        return None
    if not _plausible(_GENERIC, value):
        return None
    return Match(_GENERIC.kind, text.index(value), len(value), value)


def find_secrets(text: str, key: object = None) -> Iterator[Match]:
    """The credentials in ``text`` (the value of ``key``, where it has one; the first
    ``MAX_MATCHES`` of each pattern), in order of position, placeholders left out. One span
    is reported once, by the first pattern (most specific first) that claims it; a value of
    a secret's key (``SECRET_KEYS``) is the secret itself when nothing more specific is in
    it."""
    found: list[Match] = []
    for pattern in PATTERNS:
        if not any(marker in text for marker in pattern.markers):
            continue
        accepted = 0
        for hit in pattern.regex.finditer(text):
            if accepted == MAX_MATCHES:
                break
            value = hit.group("value")
            start = hit.start() if pattern.kind == "private key" else hit.start("value")
            end = hit.end()
            if is_placeholder(value) or not _plausible(pattern, value):
                continue
            if any(start < m.start + m.length and m.start < end for m in found):
                continue
            found.append(Match(pattern.kind, start, end - start, value.strip()))
            accepted += 1
    if not found and key in SECRET_KEYS:
        keyed = _keyed_secret(text)
        found = [keyed] if keyed else []
    yield from sorted(found, key=lambda match: match.start)
