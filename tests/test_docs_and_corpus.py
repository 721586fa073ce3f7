import re

from conftest import DATA, REPO
from tunelint.engine import check_file
from tunelint.report.rules_table import markdown as rules_markdown_table
from tunelint.rules import all_rules


def test_readme_rules_table_is_generated_from_the_rules():
    readme = (REPO / "README.md").read_text()
    table = re.search(r"<!-- rules-table:start -->\n(.*)<!-- rules-table:end -->", readme, re.S)
    assert table and table.group(1) == rules_markdown_table(), "run: tunelint rules --markdown"


def test_every_rule_has_documentation_sections():
    # that every rule has tests: tests/rules/test_cases.py, one case file per rule
    for rule_id, rule in all_rules().items():
        doc = rule.documentation()
        for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
            assert section in doc, (rule_id, section)


def test_real_tool_calling_corpus_has_no_errors(corpus):
    result = check_file(corpus / "msft-zava-retail-toolcalls.jsonl")
    assert result.examples == 103
    assert [d for d in result.diagnostics if str(d.level) == "error"] == []


def test_cookbook_toy_file_gets_its_two_warnings():
    result = check_file(DATA / "cookbook-toy-chat.jsonl")
    assert [(d.line, d.rule) for d in result.diagnostics] == [
        (1, "too_few_examples"),  # five examples: OpenAI wants ten
        (3, "missing_system_message"),
        (4, "missing_user_message"),
    ]


def test_real_preference_corpus_is_detected_and_has_no_findings(corpus):
    result = check_file(corpus / "msft-orca-dpo-validation.jsonl")
    assert result.examples == 284
    assert result.diagnostics == []
