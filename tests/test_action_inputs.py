"""The Action's inputs: lists never crash the parser, new inputs reach the check's arguments."""

import re

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from conftest import REPO
from tunelint.action_inputs import RESERVED_OPTIONS, ActionInputs, InputError, split_words


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("data/ extra.jsonl", ["data/", "extra.jsonl"]),
        ("data/a.jsonl\n  data/b.jsonl  \r\n\n", ["data/a.jsonl", "data/b.jsonl"]),
        ("a b\n'c d'", ["a", "b", "c d"]),
        ('"my data/x.jsonl" y', ["my data/x.jsonl", "y"]),
        ("data/don't.jsonl", ["data/don't.jsonl"]),  # shlex: "No closing quotation"
        ("'unclosed name.jsonl", ["'unclosed", "name.jsonl"]),
        ("'it's here.jsonl'", ["it's here.jsonl"]),
        ("data\\train.jsonl", ["data\\train.jsonl"]),  # Windows separators are kept
        ("$(touch pwned) `id`", ["$(touch", "pwned)", "`id`"]),  # never expanded
        ("''", []),
        (
            "a\u2028b.jsonl c\u00a0d.jsonl",
            ["a\u2028b.jsonl", "c\u00a0d.jsonl"],
        ),  # names, not spaces
    ],
)
def test_paths_are_split_at_spaces_and_newlines_with_quotes_grouping(text, words):
    assert split_words(text) == words


@given(st.text())
def test_no_list_input_makes_the_parser_fail(text):
    words = split_words(text)
    assert all(word and "\n" not in word for word in words)
    if not any(quote in text for quote in "'\""):
        assert words == re.split(r"[ \t\n\r\f\v]+", text.strip(" \t\n\r\f\v")) or not words


def test_defaults_follow_the_event():
    inputs = ActionInputs.from_env({"GITHUB_EVENT_NAME": "pull_request"})
    assert (inputs.only_changed, inputs.fail_on, inputs.summary) == (True, "error", True)
    assert (inputs.paths, inputs.args, inputs.base) == ([], [], None)
    assert not ActionInputs.from_env({"GITHUB_EVENT_NAME": "push"}).only_changed


@pytest.mark.parametrize("event", ["pull_request", "push"])
def test_an_input_left_empty_means_its_default_in_action_yml(event):
    inputs = yaml.safe_load((REPO / "action.yml").read_text())["inputs"]
    variables = {
        f"TUNELINT_{name.upper().replace('-', '_')}": spec["default"]
        for name, spec in inputs.items()
    }
    defaults = ActionInputs.from_env({"GITHUB_EVENT_NAME": event, **variables})
    empty = ActionInputs.from_env({"GITHUB_EVENT_NAME": event, **dict.fromkeys(variables, "")})
    assert empty == defaults


def test_the_args_input_names_the_options_the_action_sets_itself():
    described = yaml.safe_load((REPO / "action.yml").read_text())["inputs"]["args"]["description"]
    assert [option for option in RESERVED_OPTIONS if option not in described] == []


def test_new_inputs_become_the_checks_arguments_with_paths_after_the_options():
    inputs = ActionInputs.from_env(
        {
            "TUNELINT_PATHS": "data/\n-odd name.jsonl",
            "TUNELINT_CONFIG": "ci/tunelint.yaml",
            "TUNELINT_PROFILE": "azure-openai",
            "TUNELINT_STRICT": "true",
            "TUNELINT_BASELINE": "tunelint-baseline.json",
            "TUNELINT_ARGS": "--select missing_content --jobs 2",
        }
    )
    assert inputs.fail_on == "warning"
    assert inputs.check_arguments(inputs.paths) == [
        "--select", "missing_content", "--jobs", "2", "--config", "ci/tunelint.yaml",
        "--profile", "azure-openai", "--baseline", "tunelint-baseline.json", "--strict",
        "--", "data/", "-odd", "name.jsonl",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TUNELINT_FAIL_ON": "sometimes"}, "fail-on must be one of error, warning, never"),
        ({"TUNELINT_SUMMARY": "yes"}, "summary must be true, false or auto, not 'yes'"),
        ({"TUNELINT_STRICT": "1"}, "strict must be true, false or auto"),
        (
            {"TUNELINT_STRICT": "true", "TUNELINT_FAIL_ON": "never"},
            "strict: true and fail-on: never contradict each other",
        ),
        ({"TUNELINT_ARGS": "--format json"}, "args: --format is set by the action itself"),
        ({"TUNELINT_ARGS": "--forma=json"}, "args: --format is set by the action itself"),
        ({"TUNELINT_ARGS": "--write-baseline"}, "args: --write-baseline is set by the action"),
    ],
)
def test_bad_inputs_are_named(env, message):
    with pytest.raises(InputError, match=message):
        ActionInputs.from_env(env)
