import ast
import os
import subprocess
import sys
import tracemalloc

import pytest

from conftest import REPO, assistant, chat, lint, user
from tunelint.cli import main
from tunelint.config import ConfigError, RuleSetting, load_config, settings_reference
from tunelint.diagnostics import Level
from tunelint.globs import GlobSet


def write(tmp_path, text, name=".tunelint.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def error_of(tmp_path, text):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    return str(caught.value)


def test_levels_options_shorthand_and_off(tmp_path):
    config = load_config(
        write(tmp_path, "rules:\n  missing_system_message: off\n  blank_line: {level: error}\n")
    )
    assert config.rules["missing_system_message"].level is Level.OFF
    assert config.rules["blank_line"].level is Level.ERROR
    assert config.rules["missing_content"].level is Level.ERROR


def test_unknown_rule_names_file_line_and_suggestion(tmp_path):
    message = error_of(tmp_path, "rules:\n  blank_line: off\n  missing_contnet: off\n")
    assert message.endswith(
        ".tunelint.yaml:3: unknown rule 'missing_contnet'; did you mean 'missing_content'?"
    )


def test_unknown_top_level_key(tmp_path):
    assert "1: unknown key 'rulez'; did you mean 'rules'?" in error_of(tmp_path, "rulez: {}\n")


def test_bad_level_and_bad_yaml(tmp_path):
    assert "level must be error, warning or off, not 'loud'" in error_of(
        tmp_path, "rules:\n  blank_line: loud\n"
    )
    assert ".tunelint.yaml:3: not valid YAML" in error_of(tmp_path, "rules:\n  - [unclosed\n")


def test_not_a_mapping_and_wrong_setting_type(tmp_path):
    assert ":1: the config must be a mapping, not list" in error_of(tmp_path, "- a\n- b\n")
    assert ":1: max_tokens_per_example: must be an integer >= 1 or null, not 'many'" in error_of(
        tmp_path, "max_tokens_per_example: many\n"
    )


def test_alias_bomb_is_rejected_quickly(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    assert "YAML aliases expand to more than 250,000 values" in error_of(tmp_path, bomb)


def test_extends_and_overrides(tmp_path):
    write(tmp_path, "rules:\n  blank_line: error\n", "base.yaml")
    config = load_config(
        write(
            tmp_path,
            "extends: base.yaml\noverrides:\n  - files: ['legacy/*.jsonl']\n    rules: {blank_line: off}\n",
        )
    )
    assert config.rules["blank_line"].level is Level.ERROR
    assert config.rules_for(tmp_path / "legacy" / "a.jsonl")["blank_line"].level is Level.OFF
    assert config.rules_for(tmp_path / "new" / "a.jsonl")["blank_line"].level is Level.ERROR


def test_ignore_globs(tmp_path):
    config = load_config(write(tmp_path, "ignore: ['scratch/*.jsonl']\n"))
    assert config.is_ignored(tmp_path / "scratch" / "x.jsonl")
    assert not config.is_ignored(tmp_path / "data" / "x.jsonl")


def test_discovery_walks_up_and_reads_pyproject(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.tunelint.rules]\nblank_line = "error"\n')
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert load_config().rules["blank_line"].level is Level.ERROR


def test_rule_option_assignments_from_the_command_line():
    config = load_config(discover=False).with_rule_levels(["blank_line=off"])
    assert config.rules["blank_line"].level is Level.OFF
    with pytest.raises(ConfigError, match="unknown rule 'blank_lines'; did you mean 'blank_line'"):
        config.with_rule_levels(["blank_lines=off"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("format: chatt\n", ":1: unknown format 'chatt' for profile openai; did you mean 'chat'?"),
        ("\nmodel: gpt-9\n", ":2: unknown model 'gpt-9'; known models: gpt-3.5-turbo"),
        ("epochs: {bogus: -3}\n", ":1: epochs: unknown key 'bogus' (known: target, min, max"),
        ("profile: opneai\n", ":1: unknown profile 'opneai'; did you mean 'openai'?"),
        (
            "max_tokens_per_example: -5\n",
            ":1: max_tokens_per_example: must be an integer >= 1, not -5",
        ),
    ],
)
def test_each_bad_value_is_exit_2_naming_file_line_and_what_is_allowed(
    tmp_path, capsys, text, expected
):
    path = write(tmp_path, text)
    assert main(["config", "--config", str(path)]) == 2
    assert f"{path}{expected}" in capsys.readouterr().err


def test_model_of_another_profile_names_the_config_line_of_the_model(tmp_path):
    message = error_of(tmp_path, "profile: bedrock-nova\nmodel: gpt-4o\n")
    assert ".tunelint.yaml:2: unknown model 'gpt-4o' for profile bedrock-nova" in message


def test_epochs_constants_are_whole_numbers_and_a_count_is_at_least_one(tmp_path):
    assert ":1: epochs.max: must be an integer >= 0 and <= 10000, not -3" in error_of(
        tmp_path, "epochs: {max: -3}\n"
    )
    assert ":1: epochs: must be an integer >= 1 and <= 10000, not 0" in error_of(
        tmp_path, "epochs: 0\n"
    )


def test_epochs_are_bounded_so_that_a_cost_stays_a_number(tmp_path):
    """Before, ``epochs = 10**400`` in pyproject.toml (or as --epochs) made stats crash:
    the cost overflowed a float."""
    huge = "1" + "0" * 400
    for epochs in (huge, f"{{max = {huge}}}", f"{{target = {huge}}}"):
        path = write(tmp_path, f"[tool.tunelint]\nepochs = {epochs}\n", "pyproject.toml")
        with pytest.raises(
            ConfigError, match=r":2: epochs(\.max|\.target)?: must be an .* <= 10000"
        ):
            load_config(path)
    with pytest.raises(SystemExit) as usage_error:
        main(["stats", "--epochs", huge, str(REPO / "examples" / "clean.jsonl")])
    assert usage_error.value.code == 2


def test_a_pyproject_integer_of_thousands_of_digits_is_a_config_error(tmp_path):
    path = write(tmp_path, f"[tool.tunelint]\nepochs = 1{'0' * 5000}\n", "pyproject.toml")
    with pytest.raises(ConfigError, match="not valid TOML: Exceeds the limit"):
        load_config(path)


def test_pyproject_errors_name_the_line_of_the_key(tmp_path):
    pyproject = write(
        tmp_path,
        '[project]\nname = "x"\n\n[tool.tunelint]\nprofile = "openai"\nformat = "chatt"\n\n'
        '[tool.tunelint.rules]\nblank_line = "off"\nmissing_contnet = "off"\n',
        "pyproject.toml",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(pyproject)
    assert str(caught.value).startswith(f"{pyproject}:10: unknown rule 'missing_contnet'")
    pyproject.write_text(pyproject.read_text().replace("missing_contnet", "missing_content"))
    with pytest.raises(ConfigError) as caught:
        load_config(pyproject)
    assert str(caught.value).startswith(f"{pyproject}:6: unknown format 'chatt'")


def test_max_tokens_per_example_is_an_option_of_over_token_limit_with_a_top_level_alias(tmp_path):
    alias = load_config(write(tmp_path, "max_tokens_per_example: 100\n"))
    assert alias.rules["over_token_limit"].options == {"max_tokens_per_example": 100}
    assert alias.settings["max_tokens_per_example"] == 100
    option = load_config(
        write(tmp_path, "rules:\n  over_token_limit: {max_tokens_per_example: 7, level: error}\n")
    )
    assert option.rules["over_token_limit"] == RuleSetting(
        Level.ERROR, {"max_tokens_per_example": 7}
    )
    assert option.settings["max_tokens_per_example"] == 7


def test_rule_options_are_checked_against_the_rules_declared_options(tmp_path):
    assert (
        ":2: rules.over_token_limit: rule 'over_token_limit' has no option 'max_tokens';"
        " did you mean 'max_tokens_per_example'?"
    ) in error_of(tmp_path, "rules:\n  over_token_limit: {max_tokens: 5}\n")
    assert ":2: rules.over_token_limit.max_tokens_per_example: must be an integer >= 1" in (
        error_of(tmp_path, "rules:\n  over_token_limit: {max_tokens_per_example: many}\n")
    )


@pytest.mark.parametrize(
    ("rule_options", "message"),
    [
        ("near_duplicate_example: {threshold: -1}", "threshold: must be a number >= 0 and <= 1, not -1"),
        ("near_duplicate_example: {threshold: .nan}", "threshold: must be a number >= 0 and <= 1, not nan"),
        ("near_duplicate_example: {shingle_words: 0}", "shingle_words: must be an integer >= 1, not 0"),
        ("eval_contamination: {ngram_words: -5}", "ngram_words: must be an integer >= 1, not -5"),
        ("eval_contamination: {min_item_words: 0}", "min_item_words: must be an integer >= 1, not 0"),
        ("personal_data: {kinds: [email, 5]}", "kinds[1]: must be one of email, phone, card, iban, not 5"),
    ],
)  # fmt: skip
def test_rule_options_out_of_their_range_are_refused(tmp_path, rule_options, message):
    """Before, each was taken: a negative threshold reported every pair, ``kinds: [nope]``
    silently looked for nothing."""
    assert f":2: rules.{rule_options.split(':')[0]}.{message}" in error_of(
        tmp_path, f"rules:\n  {rule_options}\n"
    )


def test_over_token_limit_reports_against_its_option():
    long_example = chat(user("word " * 200), assistant())
    result = lint(
        long_example, config={"rules": {"over_token_limit": {"max_tokens_per_example": 5}}}
    )
    found = [d.message for d in result.diagnostics if d.rule == "over_token_limit"]
    assert len(found) == 1 and "over the limit of 5 for gpt-4o-mini-2024-07-18" in found[0]


def test_new_settings_have_their_defaults():
    settings = load_config(discover=False).settings
    assert settings["line_cap_bytes"] == 64 * 1024 * 1024
    assert settings["axolotl"] == {
        "field_messages": "messages",
        "message_property_mappings": {"role": "role", "content": "content"},
    }
    assert (settings["tokenizer"], settings["chat_template"], settings["max_seq_length"]) == (
        None,
        None,
        None,
    )
    assert settings["contamination"] == []


def test_new_settings_are_typed_and_axolotl_merges_over_its_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # contamination files are relative to where tunelint runs
    config = load_config(
        write(
            tmp_path,
            "tokenizer: models/qwen\nchat_template: t.jinja\nmax_seq_length: 4096\n"
            "contamination: [eval/a.jsonl]\nline_cap_bytes: 1000\nloss: completion\n"
            "axolotl: {field_messages: conversations}\n",
        )
    )
    assert config.settings["axolotl"] == {
        "field_messages": "conversations",
        "message_property_mappings": {"role": "role", "content": "content"},
    }
    assert config.settings["contamination"] == ["eval/a.jsonl"]
    assert (config.settings["max_seq_length"], config.settings["loss"]) == (4096, "completion")
    for text, expected in [
        ("max_seq_length: 0\n", "max_seq_length: must be an integer >= 1, not 0"),
        ("line_cap_bytes: -1\n", "line_cap_bytes: must be an integer >= 1, not -1"),
        ("contamination: [1]\n", "contamination[0]: must be a string, not 1"),
        (
            "axolotl: {field_mesages: x}\n",
            "unknown key 'field_mesages'; did you mean 'field_messages'?",
        ),
        ("tokenizer: 3\n", "tokenizer: must be a string or null, not 3"),
        ("loss: prompt\n", "loss: must be one of assistant, completion, all or null, not 'prompt'"),
    ]:
        assert expected in error_of(tmp_path, text)


def test_with_settings_checks_command_line_values_like_the_config():
    config = load_config(discover=False)
    assert config.with_settings(profile="together").settings["profile"] == "together"
    with pytest.raises(ConfigError, match="command line: unknown model 'gpt-9'"):
        config.with_settings(model="gpt-9")
    with pytest.raises(ConfigError, match="unknown profile 'opneai'; did you mean 'openai'"):
        config.with_settings(profile="opneai")


def test_nine_levels_of_aliases_under_model_are_refused_in_little_memory(tmp_path):
    levels = ["  - &l0 [" + ", ".join(["lol"] * 9) + "]"]
    levels += [f"  - &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)]
    path = write(
        tmp_path, "model:\n" + "\n".join(levels) + "\n  - [" + ", ".join(["*l8"] * 9) + "]\n"
    )
    tracemalloc.start()
    try:
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert f"{path}:" in str(caught.value)
    assert "YAML aliases expand to more than 250,000 values" in str(caught.value)
    assert peak < 20 * 1024 * 1024


def test_error_messages_show_values_truncated(tmp_path):
    for key in ("model", "format", "profile", "baseline"):
        huge = "x" * 100_000
        value = f"[{huge}]" if key == "baseline" else huge
        message = error_of(tmp_path, f"{key}: {value}\n")
        assert len(message) < len(str(tmp_path)) + 400, key
        assert "xxx..." in message


def test_special_files_as_config_or_extends_are_clear_errors(tmp_path):
    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "folder").mkdir()
    for target, kind in (("/dev/zero", "device"), ("fifo.yaml", "FIFO"), ("folder", "directory")):
        message = error_of(tmp_path, f"extends: {target}\n")
        assert f".tunelint.yaml:1: extends: names '{target}'" in message
        assert f"a config must be a regular file, not a {kind}" in message
    with pytest.raises(
        ConfigError, match="/dev/zero: a config must be a regular file, not a device"
    ):
        load_config("/dev/zero")


def test_config_files_over_one_mib_are_refused(tmp_path):
    message = error_of(tmp_path, "# padding\n" * 120_000)
    assert "a config is at most 1,048,576 bytes; this one is larger" in message


def test_deeply_nested_yaml_is_a_clear_error(tmp_path):
    assert "nested too deeply" in error_of(tmp_path, "rules: " + "[" * 500_000)


def test_missing_extends_names_the_line_that_names_it(tmp_path):
    message = error_of(tmp_path, "rules: {}\nextends: nowhere.yaml\n")
    assert ".tunelint.yaml:2: extends: names 'nowhere.yaml': cannot read this config" in message


def test_globs_match_the_whole_path_its_last_components_or_the_file_name():
    globs = GlobSet(["data/*.jsonl", "legacy/*.jsonl", "scratch.jsonl"])
    assert globs.matching("data/a/b.jsonl") == {"data/*.jsonl"}  # * crosses "/"
    assert globs.matching("x/legacy/a.jsonl") == {"legacy/*.jsonl"}  # last components
    assert globs.matching("deep/down/scratch.jsonl") == {"scratch.jsonl"}  # file name
    assert not globs.matches("legacy.jsonl")


def test_config_does_not_import_suppress_and_no_module_imports_configs_private_names():
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, tunelint.config; print('tunelint.suppress' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "False"
    for module in (REPO / "src" / "tunelint").rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "tunelint.config":
                assert not [a.name for a in node.names if a.name.startswith("_")], module


def test_settings_reference_documents_every_key_with_its_type():
    reference = settings_reference()
    for key in ("extends", "per-file-ignores", "tokenizer", "line_cap_bytes", "axolotl"):
        assert f"- `{key}` (" in reference
    assert (
        "- `max_seq_length` (an integer >= 1 or null): the trainer's sequence length" in reference
    )


def test_a_config_reads_files_only_inside_its_repository(tmp_path, monkeypatch):
    """The baseline and contamination files a committed config names must resolve inside the
    repository holding it: a pull request cannot aim them at the rest of the machine."""
    outside = tmp_path / "secret.txt"
    outside.write_text("a passage the pull request must not learn about\n")
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    (repository / "data").mkdir()
    (repository / "evals.jsonl").write_text("{}\n")
    monkeypatch.chdir(repository)
    for setting in (
        "contamination: [../secret.txt]",
        f"contamination: ['{outside}']",
        "baseline: ../../secret.txt",
    ):
        config = write(repository / "data", setting + "\n")
        with pytest.raises(ConfigError, match=r"outside .*: a config reads files only inside"):
            load_config(config)
    config = write(repository / "data", "contamination: [evals.jsonl]\nbaseline: ../b.json\n")
    assert load_config(config).settings["contamination"] == ["evals.jsonl"]
