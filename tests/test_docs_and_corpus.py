import re

from conftest import DATA, REPO
from tunelint.cli import COMMANDS, _subparser, build_parser
from tunelint.config import settings_reference
from tunelint.engine import check_file
from tunelint.report.rules_table import markdown as rules_markdown_table
from tunelint.rules import all_rules


def test_readme_rules_table_is_generated_from_the_rules():
    readme = (REPO / "README.md").read_text()
    table = re.search(r"<!-- rules-table:start -->\n(.*)<!-- rules-table:end -->", readme, re.S)
    assert table and table.group(1) == rules_markdown_table(), "run: tunelint rules --markdown"


def test_readme_config_reference_is_generated_from_the_config_keys():
    readme = (REPO / "README.md").read_text()
    keys = re.search(r"<!-- config-keys:start -->\n(.*)<!-- config-keys:end -->", readme, re.S)
    assert keys and keys.group(1) == settings_reference(), (
        "paste: python -c 'from tunelint.config import settings_reference as s; print(s(), end=\"\")'"
    )


FENCED_BLOCK = re.compile(r"^```\w*\n(.*?)^```", re.M | re.S)
COMMAND_LINE = re.compile(rf"\btunelint ({'|'.join(COMMANDS)})\b([^`#|&>]*)")
LONG_OPTION = re.compile(r"(?<![\w-])--[a-z][\w-]*")


def test_every_option_the_readme_names_is_one_of_its_commands():
    """An option after ``tunelint CMD`` is CMD's; any other is some command's, or an option
    of a script in benchmarks/ (``python benchmarks/run.py --sizes 20``)."""
    parser = build_parser()
    options = {
        name: {
            flag for action in _subparser(parser, name)._actions for flag in action.option_strings
        }
        for name in COMMANDS
    }
    readme = (REPO / "README.md").read_text()
    code = [line for block in FENCED_BLOCK.findall(readme) for line in block.splitlines()]
    spans = re.findall(r"`([^`]+)`", FENCED_BLOCK.sub("", readme))
    misplaced = [
        (command[1], option)
        for text in code + spans
        for command in COMMAND_LINE.finditer(text)
        for option in LONG_OPTION.findall(command[2])
        if option not in options[command[1]]
    ]
    assert misplaced == []
    scripts = "".join(path.read_text() for path in (REPO / "benchmarks").glob("*.py"))
    top_level = [flag for action in parser._actions for flag in action.option_strings]
    benchmarks = re.findall(r'add_argument\(\s*"(--[\w-]+)', scripts)
    known = set().union(*options.values(), top_level, benchmarks)
    assert sorted(set(LONG_OPTION.findall(readme)) - known) == []


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
