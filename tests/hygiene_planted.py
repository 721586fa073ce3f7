"""Planted secrets and personal data, in every line format tunelint reads, for the tests of
``secret_in_content`` and ``personal_data`` and the precision/recall figures.

Every secret-shaped value is built at run time from a seeded generator, so this repository
holds no string a secret scanner would flag, and the same values come back on every run.
Each value is planted after text with JSON escapes (a newline, quotes, an accented letter,
an emoji outside the BMP), so its column in the raw line differs from its offset in the
decoded string.
"""

from __future__ import annotations

import base64
import json
import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tunelint.hygiene.pii import IBAN_LENGTHS, luhn_valid

_rng = random.Random(20261201)
ALNUM = string.ascii_letters + string.digits


def _pick(alphabet: str, count: int) -> str:
    return "".join(_rng.choice(alphabet) for _ in range(count))


def _b64url(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _pem() -> str:
    body = base64.b64encode(bytes(_rng.randrange(256) for _ in range(144))).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return (
        "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END RSA PRIVATE KEY-----"
    )


def _card(prefix: str, length: int) -> str:
    digits = prefix + "".join(_rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    check = next(d for d in string.digits if luhn_valid(digits + d))
    return digits + check


def _iban(country: str) -> str:
    bban = "".join(_rng.choice(string.digits) for _ in range(IBAN_LENGTHS[country] - 4))
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(numeric) % 97:02d}{bban}"


def _grouped(value: str) -> str:
    """``value`` in groups of four, as cards and IBANs are printed."""
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


@dataclass(frozen=True)
class Planted:
    """A value planted in text: ``shown`` is where the finding must start (a suffix of the
    planted text, e.g. the value of ``password=...``)."""

    kind: str
    text: str
    shown: str


def _assigned(prefix: str, value: str, kind: str) -> Planted:
    return Planted(kind, prefix + value, value)


SECRETS = [
    Planted("private key", _pem(), "-----BEGIN"),
    Planted("AWS access key id", "AKIA" + _pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16), "AKIA"),
    _assigned("aws_secret_access_key = ", _pick(ALNUM + "/+", 40), "AWS secret access key"),
    Planted("GitHub token", "ghp_" + _pick(ALNUM, 36), "ghp_"),
    Planted("GitHub token", "gho_" + _pick(ALNUM, 36), "gho_"),
    Planted("GitHub token", "github_pat_" + _pick(ALNUM, 22) + "_" + _pick(ALNUM, 59), "gith"),
    Planted(
        "OpenAI API key", "sk-proj-" + _pick(ALNUM, 20) + "T3BlbkFJ" + _pick(ALNUM, 20), "sk-p"
    ),
    Planted("OpenAI API key", "sk-" + _pick(ALNUM, 48), "sk-"),
    Planted("Anthropic API key", "sk-ant-api03-" + _pick(ALNUM + "_-", 93) + "AA", "sk-a"),
    Planted(
        "Slack token",
        f"xoxb-{_pick(string.digits, 12)}-{_pick(string.digits, 13)}-{_pick(ALNUM, 24)}",
        "xoxb",
    ),
    Planted(
        "Slack webhook",
        f"https://hooks.slack.com/services/T{_pick(string.ascii_uppercase, 8)}"
        f"/B{_pick(string.ascii_uppercase, 10)}/{_pick(ALNUM, 24)}",
        "hooks",
    ),
    Planted("Google API key", "AIza" + _pick(ALNUM + "_-", 35), "AIza"),
    Planted("Stripe live key", "sk_live_" + _pick(ALNUM, 24), "sk_l"),
    Planted(
        "JSON Web Token",
        _b64url({"alg": "HS256", "typ": "JWT"})
        + "."
        + _b64url({"sub": _pick(string.digits, 9), "name": "Jane"})
        + "."
        + _pick(ALNUM + "_-", 43),
        "eyJ",
    ),
    _assigned("password=", _pick(ALNUM, 6) + "#" + _pick(ALNUM, 9) + "7", "password or secret"),
    _assigned('"client_secret": "', _pick(ALNUM, 32), "password or secret"),
]

PERSONAL_DATA = [
    Planted("email address", "m.keller@northwind-mail.de", "m.ke"),
    Planted("email address", "j.smith+news@mail.co.uk", "j.sm"),
    Planted("phone number", "+44 20 3946 0958", "+44"),
    Planted("phone number", "+49 30 901820", "+49"),
    Planted("phone number", "+1 (415) 622-0132", "+1"),
    Planted("payment card number", _card("4", 16), "4"),
    Planted(
        "payment card number", " ".join([_card("51", 16)[i : i + 4] for i in range(0, 16, 4)]), "5"
    ),
    Planted("payment card number", _card("37", 15), "37"),
    Planted("IBAN", _iban("DE"), "DE"),
    Planted("IBAN", _grouped(_iban("GB")), "GB"),
    Planted("IBAN", _iban("FR"), "FR"),
]

SECRET_PLACEHOLDERS = [
    "AKIAIOSFODNN7EXAMPLE",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "sk-" + "x" * 48,
    "sk-" + "a" * 48,
    "api_key = YOUR_API_KEY",
    "OPENAI_API_KEY=sk-...",
    "password=changeme",
    "password: ${DB_PASSWORD}",
    "token: {{ secrets.GITHUB_TOKEN }}",
    "password = <your-password>",
    "ghp_" + "x" * 36,
    "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwi"
    "aWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "sk_live_" + "0" * 24,
    "AIza" + "X" * 35,
    "https://hooks.slack.com/services/T00000000/B00000000/" + "X" * 24,
    "xoxb-" + "0" * 12 + "-" + "0" * 13 + "-" + "x" * 24,
    "sk_live_abcdefghijklmnopqrstuvwx",
    "my password is hunter2 and the key is on a sticky note",
    "the sky-is-blue-and-the-grass-is-green kind of day",
    "ratio: 1234567890abcdefXYZ",
]

PERSONAL_DATA_PLACEHOLDERS = [
    "bob@example.com",
    "alice@mail.example.org",
    "support@corp.example",
    "x@foo.test",
    "nobody@nowhere.invalid",
    "root@localhost",
    "icon@2x.png",
    "+1 212 555 0100",
    "+1 (415) 555-0132",
    "2+2=4 and 3 +4 = 7",
    "4111 1111 1111 1111",
    "4242424242424242",
    "5555555555554444",
    "4111 1111 1111 1112",
    "ISBN 978-3-16-148410-0",
    "timestamp 1700000000000 ms",
    "order 12345678901234",
    "GB82 WEST 1234 5698 7654 32",
    "DE89370400440532013000",
    "GB00NWBK60161331926819",
    "version 1.2.3.4567.8901.2345",
]

BEFORE = 'Line one\n"quoted" café \U0001f600 then '
"""Text before each planted value: a newline, quotes, é and an emoji (a surrogate pair when
escaped), so raw columns and decoded offsets differ."""


def _chat(text: str) -> dict:
    return {
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": text},
            {"role": "assistant", "content": "Noted."},
        ]
    }


def _content_parts(text: str) -> dict:
    example = _chat("hi")
    example["messages"][2]["content"] = [{"type": "text", "text": text}]
    return example


def _tool_arguments(text: str) -> dict:
    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "lookup", "arguments": json.dumps({"note": text})},
    }
    return {
        "messages": [
            {"role": "user", "content": "Look it up."},
            {"role": "assistant", "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "call_1", "content": "done"},
            {"role": "assistant", "content": "Done."},
        ]
    }


def _tool_definition(text: str) -> dict:
    tool = {
        "type": "function",
        "function": {
            "name": "lookup",
            "description": text,
            "parameters": {"type": "object", "properties": {}},
        },
    }
    return {**_chat("hi"), "tools": [tool]}


FORMATS: dict[str, tuple[dict[str, Any], Callable[[str], dict]]] = {
    "chat": ({}, _chat),
    "chat content parts": ({}, _content_parts),
    "tool-call arguments": ({}, _tool_arguments),
    "tool definition": ({}, _tool_definition),
    "preference": (
        {},
        lambda text: {
            "input": {"messages": [{"role": "user", "content": "Q?"}]},
            "preferred_output": [{"role": "assistant", "content": text}],
            "non_preferred_output": [{"role": "assistant", "content": "no"}],
        },
    ),
    "completion": ({"format": "completion"}, lambda text: {"prompt": text, "completion": " ok"}),
    "reinforcement": (
        {"format": "reinforcement"},
        lambda text: {
            "messages": [
                {"role": "developer", "content": "Answer."},
                {"role": "user", "content": text},
            ],
            "reference_answer": "42",
        },
    ),
    "bedrock": (
        {"profile": "bedrock-nova"},
        lambda text: {
            "schemaVersion": "bedrock-conversation-2024",
            "system": [{"text": "Be brief."}],
            "messages": [
                {"role": "user", "content": [{"text": text}]},
                {"role": "assistant", "content": [{"text": "ok"}]},
            ],
        },
    ),
    "vertex": (
        {"profile": "vertex-gemini"},
        lambda text: {
            "contents": [
                {"role": "user", "parts": [{"text": "hi"}]},
                {"role": "model", "parts": [{"functionCall": {"name": "f", "args": {"q": text}}}]},
            ]
        },
    ),
    "sharegpt": (
        {"profile": "axolotl"},
        lambda text: {
            "conversations": [{"from": "human", "value": text}, {"from": "gpt", "value": "ok"}]
        },
    ),
    "trl prompt-completion": (
        {"profile": "trl", "format": "completion"},
        lambda text: {
            "prompt": [{"role": "user", "content": text}],
            "completion": [{"role": "assistant", "content": "ok"}],
        },
    ),
    "trl preference": (
        {"profile": "trl", "format": "preference"},
        lambda text: {"prompt": text, "chosen": "yes", "rejected": "no"},
    ),
    "text": ({"profile": "together", "format": "text"}, lambda text: {"text": text}),
}


def planted_line(build: Callable[[str], dict], planted: Planted, ascii_only: bool) -> str:
    return json.dumps(build(BEFORE + planted.text + " end."), ensure_ascii=ascii_only)


def expected_column(line: str, planted: Planted) -> int:
    """1-based column of the planted value's reported start in the raw line: its ``shown``
    part, after the prefix text (which ends with "then ", found once in every line)."""
    return line.index(planted.shown, line.index("then ")) + 1
