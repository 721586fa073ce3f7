"""secret_in_content and personal_data on planted values, in every line format and shape."""

from __future__ import annotations

import json

import pytest

from conftest import lint
from hygiene_planted import (
    FORMATS,
    PERSONAL_DATA,
    PERSONAL_DATA_PLACEHOLDERS,
    SECRET_PLACEHOLDERS,
    SECRETS,
    Planted,
    expected_column,
    planted_line,
)

RULES = {"secret_in_content": SECRETS, "personal_data": PERSONAL_DATA}


def kind_of(message: str) -> str:
    return message.split(" (")[0]


def _findings(rule: str, config: dict, lines: list[str]) -> list[tuple[int, int, str]]:
    return [
        (d.line, d.column, d.message)
        for d in lint(*lines, config=config).diagnostics
        if d.rule == rule
    ]


@pytest.mark.parametrize("ascii_only", [True, False], ids=["escaped", "raw-utf8"])
@pytest.mark.parametrize("shape", sorted(FORMATS))
@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_planted_value_is_found_at_its_line_and_column(rule, shape, ascii_only):
    config, build = FORMATS[shape]
    planted: list[Planted] = RULES[rule]
    lines = [planted_line(build, value, ascii_only) for value in planted]
    expected = [
        (number, expected_column(line, value), value.kind)
        for number, (line, value) in enumerate(zip(lines, planted, strict=True), 1)
    ]
    found = [
        (line, column, kind_of(message)) for line, column, message in _findings(rule, config, lines)
    ]
    assert found == expected


@pytest.mark.parametrize("shape", ["chat", "tool-call arguments", "vertex"])
@pytest.mark.parametrize(
    ("rule", "placeholders"),
    [("secret_in_content", SECRET_PLACEHOLDERS), ("personal_data", PERSONAL_DATA_PLACEHOLDERS)],
)
def test_placeholders_are_silent(rule, placeholders, shape):
    config, build = FORMATS[shape]
    lines = [planted_line(build, Planted("", text, ""), True) for text in placeholders]
    assert _findings(rule, config, lines) == []


@pytest.mark.parametrize("rule", sorted(RULES))
def test_message_shows_the_kind_and_four_characters_never_the_value(rule):
    config, build = FORMATS["chat"]
    planted: list[Planted] = RULES[rule]
    lines = [planted_line(build, value, True) for value in planted]
    for (_, _, message), value in zip(_findings(rule, config, lines), planted, strict=True):
        secret = value.text[len(value.text) - len(value.text.lstrip()) :]
        assert message.startswith(f"{value.kind} (")
        assert secret[-8:] not in message


def test_end_column_covers_the_value_exactly():
    config, build = FORMATS["chat"]
    value = SECRETS[1]  # an AWS access key id: 20 characters, nothing to escape
    line = planted_line(build, value, True)
    [diagnostic] = [
        d for d in lint(line, config=config).diagnostics if d.rule == "secret_in_content"
    ]
    assert line[diagnostic.column - 1 : diagnostic.end_column] == value.text


def test_personal_data_kinds_option_turns_kinds_off():
    _, build = FORMATS["chat"]
    lines = [planted_line(build, value, True) for value in PERSONAL_DATA]
    config = {"rules": {"personal_data": {"kinds": ["iban"]}}}
    assert {
        message.split(" (")[0] for _, _, message in _findings("personal_data", config, lines)
    } == {"IBAN"}
    config = {"rules": {"personal_data": {"kinds": []}}}
    assert _findings("personal_data", config, lines) == []


def test_a_secret_in_a_line_that_is_not_an_object_is_found():
    value = SECRETS[3]
    line = f'["{value.text}"]'
    assert [(f[0], f[1]) for f in _findings("secret_in_content", {}, [line])] == [(1, 3)]


def test_findings_per_example_are_bounded():
    from tunelint.hygiene.matches import MAX_MATCHES

    _, build = FORMATS["chat"]
    text = " ".join(SECRETS[1].text for _ in range(MAX_MATCHES + 5))
    line = planted_line(build, Planted("", text, ""), True)
    assert len(_findings("secret_in_content", {}, [line])) == MAX_MATCHES


def _object_arguments(arguments: dict) -> str:
    call = {"id": "c1", "type": "function", "function": {"name": "login", "arguments": arguments}}
    return json.dumps(
        {
            "messages": [
                {"role": "user", "content": "Log in."},
                {"role": "assistant", "tool_calls": [call]},
            ]
        }
    )


def test_the_value_of_a_secrets_key_is_found_in_arguments_given_as_an_object():
    value = SECRETS[-1].shown  # random, 32 characters
    line = _object_arguments({"user": "ops", "apiKey": value})
    [(number, column, message)] = _findings("secret_in_content", {}, [line])
    assert (number, column, kind_of(message)) == (1, line.index(value) + 1, "password or secret")


@pytest.mark.parametrize(
    "arguments",
    [{"password": "changeme"}, {"api_key": "${API_KEY}"}, {"password": "hunter2"},
     {"secret": "not-a-secret-at-all"}, {"note": SECRETS[-1].shown}],
)  # fmt: skip
def test_placeholder_or_unkeyed_values_of_object_arguments_are_silent(arguments):
    assert _findings("secret_in_content", {}, [_object_arguments(arguments)]) == []


def test_short_and_long_strings_are_prefiltered_alike():
    """Short strings go through the prefilters joined in one regex, long text through each:
    both answer the same for every planted value, placeholder and corpus-like text."""
    from tunelint.hygiene.secrets import _ANY_PREFILTER, _PREFILTERS

    texts = [p.text for p in SECRETS] + list(SECRET_PLACEHOLDERS)
    texts += [f"token: {t}" for t in texts] + ['{"email": "a@b.c"}', "plain words", "x = 1"]
    for text in texts:
        assert (_ANY_PREFILTER.search(text) is not None) is any(p.search(text) for p in _PREFILTERS)
