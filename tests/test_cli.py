"""End to end through a subprocess: exit codes, output formats, subcommands."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO

pytestmark = pytest.mark.slow


def run(*args, cwd=REPO, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "tunelint", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1"},
        **kwargs,
    )


def test_clean_file_exits_0():
    done = run("check", "examples/clean.jsonl")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "Checked 1 file, 13 lines: 0 errors, 0 warnings"


def test_broken_file_exits_1_with_file_line_col():
    done = run("check", "examples/")
    assert done.returncode == 1
    assert (
        "examples/broken.jsonl:2:176: error missing_content messages[2].content is empty (assistant)"
        in done.stdout
    )
    assert done.stdout.splitlines()[-1].startswith("Checked 2 files")


def test_json_format_is_a_list_of_diagnostics():
    done = run("check", "--format", "json", "examples/broken.jsonl")
    diagnostics = json.loads(done.stdout)
    assert {"file", "line", "column", "end_column", "level", "rule", "message", "path"} == set(
        diagnostics[0]
    )
    assert [d["line"] for d in diagnostics] == sorted(d["line"] for d in diagnostics)


def test_strict_fails_on_warnings(tmp_path):
    path = tmp_path / "w.jsonl"
    line = (
        '{"messages": [{"role": "user", "content": "%d"}, {"role": "assistant", "content": "b"}]}\n'
    )
    path.write_text("".join(line % number for number in range(10)))
    assert run("check", str(path)).returncode == 0
    assert run("check", "--strict", str(path)).returncode == 1


def test_missing_path_and_unknown_format_exit_2():
    done = run("check", "nope.jsonl")
    assert done.returncode == 2 and "nope.jsonl: no such file or directory" in done.stderr
    done = run("check", "--format", "xml", "examples/clean.jsonl")
    assert done.returncode == 2 and "invalid choice: 'xml'" in done.stderr


def test_bad_config_exits_2_naming_file_and_line(tmp_path):
    (tmp_path / ".tunelint.yaml").write_text("rules:\n  missing_contnet: off\n")
    (tmp_path / "a.jsonl").write_text("{}\n")
    done = run("check", "a.jsonl", cwd=tmp_path)
    assert done.returncode == 2
    assert (
        ".tunelint.yaml:2: unknown rule 'missing_contnet'; did you mean 'missing_content'?"
        in done.stderr
    )
    assert "Traceback" not in done.stderr


def test_rule_flag_and_rules_docs():
    assert (
        run(
            "check",
            "--rule",
            "missing_content=off",
            "--rule",
            "unrecognized_role=off",
            "--rule",
            "invalid_json=off",
            "--rule",
            "example_unrecognized_key=off",
            "--rule",
            "example_missing_assistant_message=off",
            "--rule",
            "missing_messages_list=off",
            "--rule",
            "message_missing_key=off",
            "--rule",
            "too_few_examples=off",
            "examples/broken.jsonl",
        ).returncode
        == 0
    )
    listing = run("rules").stdout
    assert "missing_content" in listing and "error" in listing
    doc = run("rules", "missing_content").stdout
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert section in doc


def test_version_help_and_config():
    assert run("--version").stdout.startswith("tunelint ")
    for command in ("check", "rules", "config"):
        assert run(command, "--help").returncode == 0
    assert "missing_content:" in run("config").stdout


def test_glob_and_directory_without_jsonl(tmp_path):
    (tmp_path / "empty").mkdir()
    done = run("check", str(tmp_path / "empty"))
    assert done.returncode == 2 and "holds no .jsonl file" in done.stderr
    assert run("check", "examples/*.jsonl").stdout.splitlines()[-1].startswith("Checked 2 files")


def test_baseline_cycle_show_suppressed_and_unused(tmp_path):
    shutil.copy(REPO / "examples" / "broken.jsonl", tmp_path / "d.jsonl")
    (tmp_path / ".tunelint.yaml").write_text(
        "baseline: tunelint-baseline.json\nper-file-ignores:\n  'd.jsonl': [blank_line]\n"
    )
    done = run("check", "d.jsonl", "--write-baseline", cwd=tmp_path)
    assert done.returncode == 0 and "wrote 12 findings to baseline" in done.stderr
    done = run("check", "d.jsonl", "--show-suppressed", cwd=tmp_path)
    assert done.returncode == 0, done.stdout
    assert ".tunelint.yaml:3:1: warning unused_suppression" in done.stdout
    assert "d.jsonl:2:176: suppressed missing_content" in done.stdout
    lines = (tmp_path / "d.jsonl").read_text().splitlines()
    (tmp_path / "d.jsonl").write_text("\n".join([lines[0], *reversed(lines[2:])]) + "\n")
    done = run("check", "d.jsonl", cwd=tmp_path)
    assert done.returncode == 0
    assert "1 baseline entry no longer matches; run --write-baseline to prune" in done.stderr
    assert run("check", "d.jsonl", "--baseline", "nope.json", cwd=tmp_path).returncode == 2


def test_validation_flag_and_format_type(tmp_path):
    line = (
        '{"messages": [{"role": "user", "content": "%d"}, {"role": "assistant", "content": "b"}]}\n'
    )
    (tmp_path / "train.jsonl").write_text("".join(line % n for n in range(10)))
    (tmp_path / "valid.jsonl").write_text(line % 3)
    done = run("check", "train.jsonl", "--validation", "valid.jsonl", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid.jsonl:1:1: warning train_validation_overlap" in done.stdout
    done = run("check", "train.jsonl", "--format-type", "preference", cwd=tmp_path)
    assert done.returncode == 1 and "fine-tune-chat format" in done.stdout
    done = run("check", "train.jsonl", "--format-type", "dpo", cwd=tmp_path)
    assert done.returncode == 2 and "unknown format type 'dpo'" in done.stderr
