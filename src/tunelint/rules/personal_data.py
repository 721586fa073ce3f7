from collections.abc import Iterator
from typing import Any, Literal

from tunelint.diagnostics import Level, Problem
from tunelint.hygiene.pii import KINDS, find_personal_data, might_contain_personal_data
from tunelint.rules._scan import ClearedStrings, scan_strings
from tunelint.rules.base import ExampleRule, Option, RuleContext


class PersonalData(ExampleRule):
    """
    ## What it does
    Reports personal data inside any string of an example, in every line format and shape:
    email addresses, phone numbers in international form (`+44 20 7946 0958`), payment card
    numbers (a known issuer prefix and length, passing the Luhn check) and IBANs (the
    country's length and valid mod-97 check digits). The column is the datum's first
    character in the line; the message shows its kind and first 4 characters only.

    Documentation values are not reported: RFC 2606 domains (`example.com`, `.org`, `.net`,
    `*.example`, `*.test`, `*.invalid`, `localhost`), North-American 555-01XX numbers, the
    card numbers payment providers publish for tests, the registry's sample IBANs. The
    `kinds` option chooses what to look for; at most 50 findings per example.

    ## Why is this bad?
    A fine-tuned model can reproduce a customer's email address or card number verbatim, and
    a training set with personal data falls under data-protection law (GDPR, CCPA) wherever
    it is copied or uploaded.

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "I'm jane.doe@acme-corp.io, card 4539 1488 0343 6467"}, {"role": "assistant", "content": "Thanks, Jane."}]}
    ```

    ## Use instead
    Pseudonymise before training: `jane.doe@example.com`, `<CARD_NUMBER>`. To look for some
    kinds only: `rules: {personal_data: {kinds: [email, iban]}}`.
    ```json
    {"messages": [{"role": "user", "content": "I'm jane.doe@example.com, card <CARD_NUMBER>"}, {"role": "assistant", "content": "Thanks, Jane."}]}
    ```
    """

    id = "personal_data"
    level = Level.WARNING
    summary = "A string of the example contains personal data (email, phone, card, IBAN)."
    applies_to = ("*",)
    checks_any_value = True
    reads_line_as_written = True
    options = {
        "kinds": Option(
            list[Literal[KINDS]], list(KINDS), f"what to look for, any of: {', '.join(KINDS)}"
        ),
    }

    def __init__(self) -> None:
        self.cleared = ClearedStrings()  # a rule object checks one file under one set of kinds

    def check(self, example: Any, ctx: RuleContext) -> Iterator[Problem]:
        kinds = tuple(ctx.options.get("kinds") or ())
        if not kinds:
            return
        yield from scan_strings(
            example,
            lambda text: might_contain_personal_data(text, kinds),
            lambda text, _key: find_personal_data(text, kinds),
            "in training data: remove or pseudonymise it",
            self.cleared,
        )
