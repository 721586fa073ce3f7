from collections.abc import Iterator
from typing import Any

from tunelint.diagnostics import Level, Problem
from tunelint.hygiene.secrets import SECRET_KEYS, find_secrets, might_contain_secret
from tunelint.rules._scan import ClearedStrings, scan_strings
from tunelint.rules.base import ExampleRule, RuleContext


class SecretInContent(ExampleRule):
    """
    ## What it does
    Reports a credential inside any string of an example, in every line format and shape
    (message content, tool-call arguments, tool definitions, any other key): PEM private
    keys, AWS access key ids and secret keys, GitHub tokens (`ghp_`, `gho_`, `github_pat_`,
    ...), OpenAI and Anthropic API keys, Slack tokens and webhooks, Google API keys, Stripe
    live keys, JSON Web Tokens, `password=`/`secret=`/`api_key:` assignments with a
    high-entropy value, and such a value under a key named like a secret (`password`,
    `apiKey`, `client_secret`, ...: tool-call arguments given as objects). The column is the secret's first character in the line (JSON escapes
    accounted for); the message names the kind and its first 4 characters only, so no
    report, baseline or CI annotation repeats it.

    Documentation placeholders are not reported: `AKIAIOSFODNN7EXAMPLE`, `sk-xxxx...`,
    `YOUR_API_KEY`, `${TOKEN}`, one character repeated, `abcdefgh`/`12345678` runs, jwt.io's
    sample token. Patterns are anchored on each issuer's fixed prefix and length, as
    gitleaks' are; at most 50 findings per example.

    ## Why is this bad?
    A fine-tuned model memorises its training data and can repeat a key to anyone who asks
    the right question; a dataset shared with a provider or a team leaks it too. A key that
    reached a training file must be treated as exposed.

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "My key is AKIA2E7A4F3B244C2356, why does S3 deny me?"}, {"role": "assistant", "content": "Check the bucket policy."}]}
    ```

    ## Use instead
    Revoke the key, then replace it in the data with a placeholder
    (`AKIAIOSFODNN7EXAMPLE`, `<AWS_ACCESS_KEY_ID>`).
    ```json
    {"messages": [{"role": "user", "content": "My key is <AWS_ACCESS_KEY_ID>, why does S3 deny me?"}, {"role": "assistant", "content": "Check the bucket policy."}]}
    ```
    """

    id = "secret_in_content"
    level = Level.ERROR
    summary = "A string of the example contains a credential (API key, token, private key)."
    applies_to = ("*",)
    checks_any_value = True
    reads_line_as_written = True

    def __init__(self) -> None:
        self.cleared = ClearedStrings()

    def check(self, example: Any, ctx: RuleContext) -> Iterator[Problem]:
        yield from scan_strings(
            example,
            might_contain_secret,
            find_secrets,
            "in training data: revoke it and remove it from the file",
            self.cleared,
            SECRET_KEYS,
        )
