"""Personal data in text: email addresses, international phone numbers, payment card numbers
and IBANs, each validated beyond its shape (a real domain, E.164 length, Luhn with a known
issuer prefix, the IBAN's mod-97 check digits and country length) to keep prose, ids and
numbers in examples from matching.

Documentation values are not findings: RFC 2606 / 6761 domains (``example.com``, ``*.test``,
``*.invalid``, ``localhost``, ...), numbers reserved for fiction (``_FICTIONAL``),
the card numbers payment providers publish for testing, the IBANs banks print as samples.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import islice

from tunelint.hygiene.matches import MAX_MATCHES, Match

KINDS = ("email", "phone", "card", "iban")

_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
    r"[A-Za-z0-9])?\.)+[A-Za-z]{2,24})(?![\w-])"
)
_DOCUMENTATION_DOMAINS = ("example.com", "example.org", "example.net", "localhost")
_DOCUMENTATION_TLDS = ("example", "test", "invalid", "localhost", "local")
_FILE_SUFFIXES = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "pdf", "js", "py", "ts"})


def _emails(text: str) -> Iterator[Match]:
    if "@" not in text:
        return
    for hit in _EMAIL.finditer(text):
        domain = hit.group(1).lower()
        tld = domain.rsplit(".", 1)[-1]
        documentation = domain in _DOCUMENTATION_DOMAINS or any(
            domain.endswith(f".{name}") for name in _DOCUMENTATION_DOMAINS
        )
        if documentation or tld in _DOCUMENTATION_TLDS or tld in _FILE_SUFFIXES:
            continue
        yield Match("email address", hit.start(), hit.end() - hit.start(), hit.group())


_PHONE = re.compile(r"(?<![\w+])\+[1-9](?:[ -]?\(?[0-9]{1,4}\)?){2,6}(?![\w+]|[.,][0-9])")
_FICTIONAL = re.compile(r"^(?:1[0-9]{3}55501[0-9]{2}|447700900[0-9]{3}|442079460[0-9]{3})$")
"""Numbers reserved for fiction: North-American 555-01XX, Ofcom's drama ranges (UK mobile
07700 900XXX, London 020 7946 0XXX)."""


def _phones(text: str) -> Iterator[Match]:
    for hit in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", hit.group())
        if 8 <= len(digits) <= 15 and len(set(digits)) > 2 and not _FICTIONAL.match(digits):
            yield Match("phone number", hit.start(), hit.end() - hit.start(), hit.group())


_CARD = re.compile(r"(?<![0-9.,-])[0-9](?:[ -]?[0-9]){12,18}(?![0-9]|[.,-][0-9])")
_CARD_ISSUERS: tuple[tuple[str, tuple[int, ...]], ...] = (
    (r"4", (13, 16, 19)),  # Visa
    (r"5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720", (16,)),  # Mastercard
    (r"3[47]", (15,)),  # American Express
    (r"6011|65|64[4-9]", (16, 17, 18, 19)),  # Discover
    (r"35(?:2[89]|[3-8]\d)", (16, 17, 18, 19)),  # JCB
    (r"3(?:0[0-5]|[689])", (14, 15, 16, 17, 18, 19)),  # Diners Club
    (r"62", (16, 17, 18, 19)),  # UnionPay
)
_ISSUER_PREFIX = [(re.compile(prefix), lengths) for prefix, lengths in _CARD_ISSUERS]
_TEST_CARDS = frozenset(
    {
        "4111111111111111", "4242424242424242", "4012888888881881", "4000056655665556",
        "4222222222222", "5555555555554444", "5105105105105100", "5200828282828210",
        "2223003122003222", "378282246310005", "371449635398431", "378734493671000",
        "6011111111111117", "6011000990139424", "3530111333300000", "3566002020360505",
        "30569309025904", "38520000023237", "6200000000000005",
    }
)  # fmt: skip


def luhn_valid(digits: str) -> bool:
    """Whether a digit string passes the Luhn check (every card number does)."""
    total = 0
    for index, character in enumerate(reversed(digits)):
        value = int(character)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card_issuer_known(digits: str) -> bool:
    return any(
        prefix.match(digits) and len(digits) in lengths for prefix, lengths in _ISSUER_PREFIX
    )


def _cards(text: str) -> Iterator[Match]:
    for hit in _CARD.finditer(text):
        digits = re.sub(r"\D", "", hit.group())
        if (
            digits not in _TEST_CARDS
            and len(set(digits)) > 2
            and _card_issuer_known(digits)
            and luhn_valid(digits)
        ):
            yield Match("payment card number", hit.start(), hit.end() - hit.start(), hit.group())


IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20,
    "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18,
    "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
    "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
    "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15,
    "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24,
    "XK": 20,
}  # fmt: skip
"""Characters in each country's IBAN (the SWIFT IBAN registry)."""
_SAMPLE_IBANS = frozenset({"GB82WEST12345698765432", "DE89370400440532013000"})
"""The sample IBANs the registry and bank documentation print."""
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])")


def iban_valid(iban: str) -> bool:
    """Whether ``iban`` (no spaces) has its country's length and valid mod-97 check digits."""
    if IBAN_LENGTHS.get(iban[:2]) != len(iban):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _ibans(text: str) -> Iterator[Match]:
    for hit in _IBAN.finditer(text):
        compact = hit.group().replace(" ", "")
        if compact not in _SAMPLE_IBANS and iban_valid(compact):
            yield Match("IBAN", hit.start(), hit.end() - hit.start(), hit.group())


_SCANNERS: dict[str, Callable[[str], Iterator[Match]]] = {
    "email": _emails,
    "phone": _phones,
    "card": _cards,
    "iban": _ibans,
}


_NUMBERS = re.compile(r"[0-9](?:[0-9 -]{12}|[0-9][0-9A-Z ]{11})")
_INTERNATIONAL = re.compile(r"\+[1-9]")
"""Where a card number or an IBAN could start: digits are rare in prose, so the regex skips
most text at C speed."""


def might_contain_personal_data(text: str, kinds: tuple[str, ...] | list[str] = KINDS) -> bool:
    """False when no datum of ``kinds`` can be in ``text`` (most text); True means: search it."""
    return (
        ("email" in kinds and "@" in text)
        or ("phone" in kinds and _INTERNATIONAL.search(text) is not None)
        or (("card" in kinds or "iban" in kinds) and _NUMBERS.search(text) is not None)
    )


def find_personal_data(text: str, kinds: tuple[str, ...] | list[str] = KINDS) -> Iterator[Match]:
    """The personal data of the given ``kinds`` in ``text`` (the first ``MAX_MATCHES`` of each
    kind), by position; a span claimed by an earlier kind (in ``KINDS`` order) is not
    reported again."""
    found: list[Match] = []
    for kind in KINDS:
        if kind not in kinds:
            continue
        for match in islice(_SCANNERS[kind](text), MAX_MATCHES):
            end = match.start + match.length
            if not any(match.start < m.start + m.length and m.start < end for m in found):
                found.append(match)
    yield from sorted(found, key=lambda match: match.start)
