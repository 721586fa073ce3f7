"""The habits ruff users bring (issue 19): each flag, default and output, one test each."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO, assistant, chat, system, user
from tunelint.cli import main
from tunelint.engine import check_lines
from tunelint.report import WIDTH


@dataclass
class Done:
    code: int
    out: str
    err: str


@pytest.fixture
def tunelint(tmp_path, monkeypatch):
    """Run ``tunelint ARGS`` in-process in ``tmp_path`` (or ``cwd``), with ``stdin`` bytes and
    environment variables; colour off and 80 columns unless the test says otherwise."""
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)

    def run(*args: str, cwd: Path = tmp_path, stdin: bytes = b"", **env: str) -> Done:
        out, err = io.StringIO(), io.StringIO()
        with monkeypatch.context() as patch:
            patch.chdir(cwd)
            patch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
            for name, value in env.items():
                if value is None:
                    patch.delenv(name, raising=False)
                else:
                    patch.setenv(name, value)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = main(list(args))
                except SystemExit as exit_:  # argparse: usage errors, --version
                    code = exit_.code if isinstance(exit_.code, int) else 2
        return Done(code, out.getvalue(), err.getvalue())

    return run


def examples(count: int, text: str = "Hi") -> str:
    """``count`` distinct valid chat examples, one per line."""
    return "".join(
        chat(system(), user(f"{text} {number}"), assistant()) + "\n" for number in range(count)
    )


PREFERENCE = "".join(
    json.dumps(
        {
            "input": {"messages": [user(f"Question {number}?")]},
            "preferred_output": [assistant("A good answer.")],
            "non_preferred_output": [assistant("A worse one.")],
        }
    )
    + "\n"
    for number in range(20)
)
BROKEN = chat(system(), user(), assistant("")) + "\n"  # missing_content: an error
TEN = examples(10)


def test_check_without_a_path_checks_the_current_directory(tunelint, tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.jsonl").write_text(TEN)
    done = tunelint("check")
    assert done.code == 0, done.err
    assert done.out == "Checked 1 file, 10 lines: 0 errors, 0 warnings\n"


def test_dash_reads_stdin_named_by_stdin_filename(tunelint):
    done = tunelint("check", "-", "--stdin-filename", "piped.jsonl", stdin=(TEN + BROKEN).encode())
    assert done.code == 1
    assert done.out.startswith("piped.jsonl:11:")
    assert "missing_content" in done.out and "Checked 1 file, 11 lines" in done.out


def test_quiet_prints_only_the_findings(tunelint, tmp_path):
    (tmp_path / "t.jsonl").write_text(TEN + BROKEN)
    done = tunelint("check", "-q", "t.jsonl")
    assert done.code == 1
    assert [line.split()[2] for line in done.out.splitlines()] == ["missing_content"]


def test_output_file_gets_the_report_and_stdout_stays_empty(tunelint, tmp_path):
    (tmp_path / "t.jsonl").write_text(TEN + BROKEN)
    done = tunelint("check", "t.jsonl", "--format", "json", "--output-file", "report.json")
    assert done.code == 1 and done.out == ""
    [finding] = json.loads((tmp_path / "report.json").read_text())
    assert (finding["rule"], finding["line"]) == ("missing_content", 11)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_an_output_file_on_a_full_disk_is_a_usage_error_naming_it(tunelint, tmp_path):
    """Before, the failed write at close was an OSError traceback."""
    (tmp_path / "t.jsonl").write_text(TEN + BROKEN)
    done = tunelint("check", "t.jsonl", "--output-file", "/dev/full")
    assert (done.code, done.err) == (
        2,
        "tunelint: /dev/full: cannot write: No space left on device\n",
    )


def test_exit_zero_exits_0_despite_errors(tunelint, tmp_path):
    (tmp_path / "t.jsonl").write_text(TEN + BROKEN)
    assert tunelint("check", "t.jsonl").code == 1
    done = tunelint("check", "t.jsonl", "--exit-zero")
    assert done.code == 0 and "missing_content" in done.out


def test_statistics_counts_findings_per_rule_most_first(tunelint, tmp_path):
    (tmp_path / "t.jsonl").write_text(BROKEN + BROKEN.replace("Hi", "Yo") + "\n")
    done = tunelint("check", "t.jsonl", "--statistics")
    rows = [line.split() for line in done.out.splitlines()]
    assert rows[0] == ["2", "missing_content", "error"]
    counts = [int(row[0]) for row in rows]
    assert counts == sorted(counts, reverse=True)
    assert {row[1] for row in rows} >= {"blank_line", "too_few_examples", "missing_content"}


def test_check_fix_applies_the_safe_fixes_then_checks_the_result(tunelint, tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + TEN.replace("\n", "\r\n").encode())
    assert "utf8_bom" in tunelint("check", "t.jsonl").out
    done = tunelint("check", "--fix", "t.jsonl")
    assert done.code == 0 and "utf8_bom" not in done.out
    assert "t.jsonl:1: removed the UTF-8 byte-order mark" in done.err
    assert path.read_bytes() == TEN.encode()


def test_color_always_never_auto_with_force_color_and_no_color(tunelint, tmp_path):
    (tmp_path / "t.jsonl").write_text(TEN + BROKEN)
    escape = "\033["
    assert escape in tunelint("check", "t.jsonl", "--color", "always").out
    assert escape not in tunelint("check", "t.jsonl", "--color", "never", FORCE_COLOR="1").out
    assert escape in tunelint("check", "t.jsonl", FORCE_COLOR="1").out
    assert escape not in tunelint("check", "t.jsonl", NO_COLOR="1").out  # not a terminal


def test_select_extend_select_and_ignore_choose_the_rules(tunelint, tmp_path):
    (tmp_path / "t.jsonl").write_text(chat(user(" padded "), assistant("")) + "\n")

    def rules(*flags: str) -> set[str]:
        return {
            line.split()[2] for line in tunelint("check", "-q", "t.jsonl", *flags).out.splitlines()
        }

    assert rules() == {"missing_content", "missing_system_message", "too_few_examples"}
    assert rules("--select", "missing_") == {"missing_content", "missing_system_message"}
    assert rules("--ignore", "missing_system_message,too_few_examples") == {"missing_content"}
    assert "untrimmed_content" in rules("--extend-select", "untrimmed_content")  # off by default
    done = tunelint("check", "t.jsonl", "--select", "missing_contnet")
    assert done.code == 2 and "missing_content" in done.err and done.out == ""


def test_exclude_extend_exclude_and_gitignore_leave_files_out(tunelint, tmp_path):
    (tmp_path / ".git").mkdir()  # a repository: its .gitignore applies
    (tmp_path / ".gitignore").write_text("scratch/\n")
    for name in ("keep.jsonl", "old.jsonl", "scratch/tmp.jsonl"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(TEN)
    (tmp_path / ".tunelint.yaml").write_text("ignore: ['keep.jsonl']\n")

    def checked(*flags: str) -> str:
        return tunelint("check", ".", *flags).out.splitlines()[-1]

    assert checked() == "Checked 1 file, 10 lines: 0 errors, 0 warnings"  # old.jsonl
    assert checked("--extend-exclude", "old.jsonl").startswith("Checked 0 files")
    assert checked("--exclude", "old.jsonl").startswith("Checked 1 file")  # keep.jsonl again
    assert checked("--no-respect-gitignore").startswith("Checked 2 files")  # + scratch/


def test_completion_prints_argcomplete_shell_code_for_bash_zsh_fish(tunelint):
    marks = {"bash": "complete ", "zsh": "#compdef tunelint", "fish": "complete --command"}
    for shell, mark in marks.items():
        done = tunelint("completion", shell)
        assert done.code == 0 and mark in done.out and "_ARGCOMPLETE" in done.out, shell
    assert tunelint("completion", "ksh").code == 2


def _complete(line: str, tmp_path: Path) -> list[str]:
    """The completions tunelint offers for the command line ``line`` (cursor at its end)."""
    answer = tmp_path / "completions"
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "src"),
        "_ARGCOMPLETE": "1",
        "COMP_LINE": line,
        "COMP_POINT": str(len(line)),
        "_ARGCOMPLETE_STDOUT_FILENAME": str(answer),
    }
    subprocess.run([sys.executable, "-m", "tunelint"], env=env, check=True, timeout=60)
    return answer.read_text().split()


@pytest.mark.slow
def test_the_shell_code_completes_commands_and_options(tmp_path):
    assert _complete("tunelint ch", tmp_path) == ["check"]
    assert "--exit-zero" in _complete("tunelint check --ex", tmp_path)


@pytest.mark.slow
def test_argcomplete_is_imported_only_when_a_shell_asks():
    probe = (
        "import sys\nfrom tunelint.cli import main\n"
        "main(['rules', 'blank_line'])\nprint('argcomplete' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop("_ARGCOMPLETE", None)
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.splitlines()[-1] == "False"


def test_a_mistyped_command_suggests_the_closest(tunelint):
    done = tunelint("chek", "x.jsonl")
    assert done.code == 2 and "unknown command 'chek'; did you mean 'check'?" in done.err
    assert "did you mean 'stats'?" in tunelint("stat").err


def test_an_unknown_option_prints_its_commands_usage(tunelint):
    done = tunelint("check", "--nope", "x.jsonl")
    assert done.code == 2
    assert done.err.startswith("usage: tunelint check ")
    assert "tunelint check: error: unrecognized arguments: --nope" in done.err
    assert tunelint("stats", "x.jsonl", "--bogus").err.startswith("usage: tunelint stats ")


def _too_wide(text: str) -> list[str]:
    return [line for line in text.splitlines() if len(line) > WIDTH]


def _fit(done: Done, name: str) -> None:
    assert done.code == 0, (name, done.err)
    assert [line for line in done.out.splitlines() if len(line) > WIDTH] == [], name


def test_every_table_fits_in_80_columns(tunelint, tmp_path):
    (tmp_path / "dpo.jsonl").write_text(PREFERENCE)
    clean = str(REPO / "examples" / "clean.jsonl")
    _fit(tunelint("rules"), "rules")
    _fit(tunelint("profiles"), "profiles")
    _fit(tunelint("stats", clean, "dpo.jsonl"), "stats")
    _fit(tunelint("stats", clean, "--profile", "vertex-gemini"), "stats vertex-gemini")
    _fit(tunelint("compare", clean, "dpo.jsonl"), "compare")


def test_the_tool_call_files_stats_and_compare_fit_in_80_columns(tunelint, corpus):
    tool_calls = str(corpus / "msft-zava-retail-toolcalls.jsonl")
    _fit(tunelint("stats", tool_calls), "stats")
    _fit(tunelint("compare", tool_calls), "compare")


def test_a_wider_terminal_gets_one_line_per_rule(tunelint):
    from tunelint.rules import all_rules

    assert len(tunelint("rules", COLUMNS="200").out.splitlines()) == len(all_rules())
    assert len(tunelint("rules").out.splitlines()) > len(all_rules())


def test_stats_totals_per_line_format_never_mix_epochs_or_cost(tunelint, tmp_path):
    (tmp_path / "a.jsonl").write_text(examples(12, "a"))
    (tmp_path / "b.jsonl").write_text(examples(40, "b"))
    (tmp_path / "dpo.jsonl").write_text(PREFERENCE)
    dpo = "dpo.jsonl"
    done = tunelint("stats", dpo, "a.jsonl", "b.jsonl", "--format", "json")
    report = json.loads(done.out)
    assert [f["line_format"] for f in report["files"]] == ["preference", "chat", "chat"]
    preference, chats = report["formats"]
    assert (preference["line_format"], preference["files"]) == ("preference", 1)
    assert (chats["line_format"], chats["files"], chats["examples"]) == ("chat", 2, 52)
    assert preference["epochs"] == report["files"][0]["epochs"]  # the DPO file's own
    total = report["total"]
    assert total["epochs"] is None
    assert total["charged_tokens"] == preference["charged_tokens"] + chats["charged_tokens"]
    assert total["cost_usd"] == pytest.approx(preference["cost_usd"] + chats["cost_usd"])
    assert total["billing_tokens"] == sum(f["billing_tokens"] for f in report["files"])
    text = tunelint("stats", dpo, "a.jsonl", "b.jsonl").out
    assert "total of the chat files (2 files)" in text
    assert "total (3 files in 2 line formats, each its own training job)" in text
    assert f"{dpo} (preference)" in text


def test_usage_errors_print_no_part_of_the_report(tunelint, tmp_path):
    (tmp_path / "t.jsonl").write_text(TEN)
    for args in (
        ("check", "missing.jsonl"),
        ("check", "missing.jsonl", "--format", "json"),
        ("check", "t.jsonl", "--format", "json", "--baseline", "nope.json"),
        ("check", "t.jsonl", "--stats", "--model", "gpt-9"),
    ):
        done = tunelint(*args)
        assert (done.code, done.out) == (2, ""), args
        assert done.err.startswith("tunelint: "), args
    done = tunelint("check", "t.jsonl", "missing.jsonl")  # one file was checked: its summary
    assert done.code == 2 and done.out.startswith("Checked 1 file")


def test_write_baseline_prints_only_the_summary_line(tunelint, tmp_path):
    (tmp_path / "t.jsonl").write_text(BROKEN * 2)
    done = tunelint("check", "t.jsonl", "--write-baseline")
    assert done.code == 0
    assert done.out.splitlines() == ["Checked 1 file, 2 lines: 3 errors, 1 warning"]
    assert done.err == "tunelint: wrote 4 findings to baseline tunelint-baseline.json\n"


def test_json_gives_null_for_an_absent_path_and_end_column(tunelint, tmp_path):
    (tmp_path / "t.jsonl").write_text(TEN + "{oops\n")
    findings = json.loads(tunelint("check", "t.jsonl", "--format", "json").out)
    [invalid] = [f for f in findings if f["rule"] == "invalid_json"]
    assert invalid["path"] is None and invalid["end_column"] is None
    assert all(f["path"] is None or f["path"] for f in findings)  # never ""


def test_profiles_say_min_1_example_not_1_examples(tunelint):
    out = tunelint("profiles").out + tunelint("profiles", "--markdown").out
    assert "min 1 example;" in out and "min 1 examples" not in out
    assert "min 10 examples" in out


def test_an_unused_suppression_does_not_count_the_config_as_a_checked_file(tunelint, tmp_path):
    (tmp_path / "t.jsonl").write_text(TEN)
    (tmp_path / ".tunelint.yaml").write_text("per-file-ignores:\n  't.jsonl': [blank_line]\n")
    done = tunelint("check", "t.jsonl")
    assert "warning unused_suppression" in done.out
    assert done.out.splitlines()[-1] == "Checked 1 file, 10 lines: 0 errors, 1 warning"


def test_a_pretty_printed_example_is_one_invalid_json_finding_naming_its_lines():
    pretty = json.dumps(json.loads(chat(system(), user("pretty"), assistant())), indent=2)
    assert len(pretty.splitlines()) == 16
    lines = [*examples(8).splitlines(), *pretty.splitlines(), *examples(3, "after").splitlines()]
    result = check_lines(lines)
    assert [(d.line, d.rule) for d in result.diagnostics] == [(9, "invalid_json")]
    assert "one pretty-printed example spread over lines 9-24" in result.diagnostics[0].message
    assert (result.lines, result.examples, result.skipped["invalid_json"]) == (27, 11, 16)
    broken_after = check_lines([*pretty.splitlines(), '{"messages": ['])
    assert [d.line for d in broken_after.diagnostics if d.rule == "invalid_json"] == [1, 17]


def test_a_baselined_too_few_examples_still_matches_after_one_more_example(tunelint, tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(examples(3))
    tunelint("check", "t.jsonl", "--write-baseline")
    path.write_text(examples(1, "new") + examples(3))  # one more, even at the top
    done = tunelint("check", "t.jsonl", "--baseline", "tunelint-baseline.json")
    assert done.code == 0 and "too_few_examples" not in done.out, done.out


def test_a_baseline_written_with_an_example_hash_for_too_few_examples_still_loads(
    tunelint, tmp_path
):
    (tmp_path / "t.jsonl").write_text(examples(4))
    old = {  # as --write-baseline wrote it before: the hash of the example at line 1
        "tool": "tunelint",
        "version": 1,
        "findings": [
            {"file": "t.jsonl", "rule": "too_few_examples", "path": "", "hash": "0123456789abcdef"}
        ],
    }
    (tmp_path / "old.json").write_text(json.dumps(old))
    done = tunelint("check", "t.jsonl", "--baseline", "old.json")
    assert done.code == 0 and "too_few_examples" not in done.out and done.err == ""


def test_compare_takes_several_paths_and_defaults_to_every_profile(tunelint, tmp_path):
    from tunelint.profile import available_profiles

    (tmp_path / "a.jsonl").write_text(TEN)
    (tmp_path / "b.jsonl").write_text(examples(12))
    report = json.loads(tunelint("compare", "a.jsonl", "b.jsonl", "--format", "json").out)
    assert [f["file"] for f in report["files"]] == ["a.jsonl", "b.jsonl"]
    for file_report in report["files"]:
        assert [p["profile"] for p in file_report["profiles"]] == list(available_profiles())
    text = tunelint("compare", ".", "--profiles", "openai").out
    assert "a.jsonl: 1 profile\n" in text and "b.jsonl: 1 profile\n" in text
