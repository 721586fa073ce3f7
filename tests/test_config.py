import pytest

from tunelint.config import ConfigError, load_config
from tunelint.diagnostics import Level


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
        ".tunelint.yaml:3: rules: unknown rule 'missing_contnet'; did you mean 'missing_content'?"
    )


def test_unknown_top_level_key(tmp_path):
    assert "1: unknown key 'rulez'; did you mean 'rules'?" in error_of(tmp_path, "rulez: {}\n")


def test_bad_level_and_bad_yaml(tmp_path):
    assert "level must be error, warning or off, not 'loud'" in error_of(
        tmp_path, "rules:\n  blank_line: loud\n"
    )
    assert ".tunelint.yaml:3: not valid YAML" in error_of(tmp_path, "rules:\n  - [unclosed\n")


def test_not_a_mapping_and_wrong_setting_type(tmp_path):
    assert ":1: must be a mapping, not ['a', 'b']" in error_of(tmp_path, "- a\n- b\n")
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
