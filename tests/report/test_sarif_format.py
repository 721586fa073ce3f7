"""``--format sarif``: a SARIF 2.1.0 log that code scanning accepts."""

import hashlib
import io
import json
import os

import jsonschema
import pytest

from conftest import DATA, REPO, small_file_config
from tunelint.engine import check_file
from tunelint.report.sarif_format import Formatter, artifact_uri
from tunelint.rules import all_rules

OFFICIAL_SCHEMA = DATA / "sarif-schema-2.1.0.json"
"""The OASIS schema, vendored with its sha256 beside it (``sha256sum`` format)."""

CODE_SCANNING_SUBSET = json.loads((DATA / "sarif-code-scanning-subset.json").read_text())
"""What GitHub code scanning requires of an uploaded log (docs: "SARIF support for code
scanning"), as a schema, so the shape is checked even without the official schema file."""


@pytest.fixture
def log(monkeypatch) -> dict:
    monkeypatch.chdir(REPO)
    out = io.StringIO()
    results = [
        check_file("examples/broken.jsonl", small_file_config()),
        check_file("examples/clean.jsonl", small_file_config()),
    ]
    Formatter(out).end(results)
    return json.loads(out.getvalue())


def test_log_has_the_shape_code_scanning_requires(log):
    jsonschema.validate(log, CODE_SCANNING_SUBSET)


def test_log_is_valid_against_the_official_schema(log):
    if not OFFICIAL_SCHEMA.exists():
        pytest.skip(f"{OFFICIAL_SCHEMA.name} is not vendored in tests/data")
    recorded = (DATA / f"{OFFICIAL_SCHEMA.name}.sha256").read_text().split()[0]
    assert hashlib.sha256(OFFICIAL_SCHEMA.read_bytes()).hexdigest() == recorded
    schema = json.loads(OFFICIAL_SCHEMA.read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(log)


def test_rules_carry_their_documentation_and_results_point_at_them(log):
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(all_rules())
    content = next(rule for rule in rules if rule["id"] == "missing_content")
    assert content["shortDescription"]["text"] == all_rules()["missing_content"].summary
    assert "## Why is this bad?" in content["help"]["text"]
    first = run["results"][0]
    assert rules[first["ruleIndex"]]["id"] == first["ruleId"] == "missing_content"
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "examples/broken.jsonl"},
        "region": {"startLine": 2, "startColumn": 176, "endColumn": 178},
    }
    assert len(run["results"]) == 11


def test_artifact_uris_are_relative_references_or_file_uris():
    assert artifact_uri("data/my set #1.jsonl") == "data/my%20set%20%231.jsonl"
    assert artifact_uri("/tmp/a.jsonl") == "file:///tmp/a.jsonl"


def test_a_file_name_that_is_not_utf8_is_percent_encoded_as_its_bytes():
    name = os.fsdecode(b"data/bad\xffname.jsonl")
    assert artifact_uri(name) == "data/bad%FFname.jsonl"
    assert artifact_uri("/" + name) == "file:///data/bad%FFname.jsonl"
