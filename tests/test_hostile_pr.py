"""A hostile pull request against the gate: data that tries to be output syntax, diffs that
try to hide findings, paths that try to leave the tree or hang the run, input that tries to
exhaust memory. Each test is named after what it proves."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from conftest import assistant, chat, git, small_file_config, system, user
from tunelint.config import load_config
from tunelint.engine import FileChecker, check_file
from tunelint.escape import html, markdown, sarif_text, terminal, workflow_data, workflow_property
from tunelint.gitdiff import changed_lines
from tunelint.paths import expand
from tunelint.reader import read_lines
from tunelint.report import get_formatter

GOOD = chat(system(), user(), assistant())
HOSTILE = (
    "\x1b[2J\x1b[H"  # clear the screen
    "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"  # OSC 8 link
    "\x1b]52;c;ZXZpbA==\x07"  # OSC 52 clipboard write
    "\x07\rAll checks passed\x00\u2028\x85\x9b\u202e\u200b\ufeff"
    "\n::add-mask::Checked\n::set-output name=errors::0\n ::stop-commands::x\n##[add-mask]s"
    "<script>alert(1)</script>![x](https://evil.example/p.png) [LGTM](https://evil.example)"
    " www.evil.example a@evil.example | # *b* _i_ `c`"
)
NAME = (
    "::add-mask::n\x1b[2J\x07\r\n::set-output name=x::1 <img src=x>`#|\u202e\u2028"
    " ![i](https:evil.example) [a](b).jsonl"
)
INVISIBLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
OUR_COMMANDS = ("::error file=", "::warning file=", "::notice title=tunelint::")


def hostile_line() -> str:
    """An example whose role, content and a top-level key carry HOSTILE (each reported)."""
    return json.dumps(
        {"messages": [{"role": HOSTILE, "content": HOSTILE}, assistant(HOSTILE)], HOSTILE: 1}
    )


@pytest.fixture
def hostile_file(tmp_path: Path) -> Path:
    """14 hostile lines (28 errors: past GitHub's 10 annotations) in a hostile file name."""
    path = tmp_path / NAME
    path.write_text("\n".join([hostile_line()] * 14) + "\n")
    return path


def formatted(name: str, path: Path) -> str:
    result = check_file(path, small_file_config())
    out = io.StringIO()
    formatter = get_formatter(name)(out)
    formatter.begin()
    formatter.add(result)
    formatter.end([result])
    return out.getvalue()


def assert_safe_log(output: str, commands: tuple[str, ...] = ()) -> None:
    """Nothing invisible or raw reaches a terminal or CI log, and only our commands start a
    line with ``::`` (runners read ``::cmd`` at a line's start, ``##[cmd]`` anywhere)."""
    assert INVISIBLE.search(output.replace("\n", "")) is None
    assert "##[" not in output and "##vso[" not in output
    for line in output.split("\n"):
        assert not line.lstrip().startswith("::") or line.startswith(commands), line


def test_text_format_shows_control_bidi_and_command_characters_visibly(hostile_file):
    output = formatted("text", hostile_file)
    assert_safe_log(output)
    assert terminal(HOSTILE) in output and terminal(str(hostile_file)) in output
    assert "\\x1b]52;c;ZXZpbA==\\x07" in output and "\\u202e" in output and "\\x00" in output


def test_github_format_escapes_the_lines_past_the_annotation_cap_too(hostile_file):
    output = formatted("github", hostile_file)
    assert_safe_log(output, OUR_COMMANDS)
    lines = output.split("\n")
    annotated = [line for line in lines if line.startswith(OUR_COMMANDS[:2])]
    plain = [line for line in lines if line.startswith(terminal(str(hostile_file)))]
    assert len(annotated) == 10 + 10 and plain  # the cap was passed, the rest is plain text
    assert all(f"file={workflow_property(str(hostile_file))}," in line for line in annotated)
    role = f"role '{HOSTILE}' is not one of system, user, assistant, tool, function"
    assert any(line.endswith(f"::{workflow_data(role)} [messages[0].role]") for line in annotated)


def test_check_through_the_cli_prints_no_workflow_command_from_data(hostile_file):
    for fmt, commands in (("text", ()), ("github", OUR_COMMANDS)):
        done = subprocess.run(
            [sys.executable, "-m", "tunelint", "check", "--format", fmt, hostile_file.name],
            capture_output=True, text=True, cwd=hostile_file.parent,
        )  # fmt: skip
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert_safe_log(done.stdout, commands)


@pytest.mark.parametrize("fmt", ["json", "gitlab", "sarif"])
def test_json_outputs_stay_valid_json_with_the_data_intact(hostile_file, fmt):
    output = formatted(fmt, hostile_file)
    assert INVISIBLE.search(output.replace("\n", "")) is None  # every one is a JSON escape
    document = json.loads(output)
    if fmt == "json":
        texts = [d["message"] for d in document]
        files = {d["file"] for d in document}
    elif fmt == "gitlab":
        texts = [issue["description"] for issue in document]
        files = {issue["location"]["path"] for issue in document}
    else:
        results = document["runs"][0]["results"]
        texts = [re.sub(r"\\([\\\[\]])", r"\1", r["message"]["text"]) for r in results]
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
        files = {unquote(urlparse(uri).path) for uri in uris}
    assert files == {str(hostile_file)}
    assert any(HOSTILE in text for text in texts)


def test_sarif_messages_hold_no_embedded_link_from_data():
    escaped = sarif_text("[LGTM](1) \\[x](2) \\")
    assert escaped == "\\[LGTM\\](1) \\\\\\[x\\](2) \\\\"
    assert re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", escaped) is None


def tunelint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tunelint", *args], capture_output=True, text=True, cwd=cwd,
        env={**os.environ, "NO_COLOR": "1"}, timeout=300,
    )  # fmt: skip


@pytest.mark.slow
def test_stats_and_compare_text_show_a_hostile_file_name_visibly(tmp_path):
    path = tmp_path / NAME
    path.write_text("\n".join([GOOD, hostile_line()]) + "\n")
    for args in (("stats", path.name), ("compare", "--profiles", "openai,mistral", path.name)):
        done = tunelint(*args, cwd=tmp_path)
        assert "Traceback" not in done.stderr and terminal(NAME) in done.stdout, done.stderr
        assert_safe_log(done.stdout)


def rendered(text: str) -> str:
    cmarkgfm = pytest.importorskip("cmarkgfm")
    return cmarkgfm.github_flavored_markdown_to_html(text)


@pytest.mark.slow
def test_stats_markdown_renders_a_hostile_file_name_as_text_only(tmp_path):
    path = tmp_path / NAME
    path.write_text(GOOD + "\n")
    done = tunelint("stats", "--format", "markdown", path.name, cwd=tmp_path)
    html = rendered(done.stdout)
    assert "<a " not in html and "<img" not in html and "<script" not in html
    assert re.findall(r"<h[1-6]>", html) == ["<h3>", "<h4>"]  # ours: none from the name


def test_markdown_escaping_leaves_no_link_image_html_or_cell_break():
    html = rendered(
        f"| where | message |\n| --- | --- |\n| {markdown(NAME)} | {markdown(HOSTILE)} |"
    )
    assert "<a " not in html and "<img" not in html and "<script" not in html
    assert html.count("<td>") == 2  # no `|` in the data split a cell
    assert "![x](https://evil.example/p.png)" in html.replace("&quot;", '"')  # shown as text


def test_html_escaping_leaves_no_tag_or_attribute_break():
    assert html('<img src=x onerror="a">\x1b') == "&lt;img src=x onerror=&quot;a&quot;&gt;\\x1b"


def test_terminal_escape_names_each_hidden_character_and_breaks_log_commands():
    assert terminal("a\tb\x1b\x07\r\n\x00\x7f\x85\x9b\u202e\u2066\u200b\u2028\ufeff\udcff") == (
        "a\tb\\x1b\\x07\\r\\n\\x00\\x7f\\x85\\x9b\\u202e\\u2066\\u200b\\u2028\\ufeff\\udcff"
    )
    assert terminal(" ::set-output name=x::1") == " \\x3a:set-output name=x::1"
    assert terminal("x ##[add-mask]y ##vso[task.setvariable]") == (
        "x #\\x23[add-mask]y #\\x23vso[task.setvariable]"
    )
    assert terminal(terminal(HOSTILE)) == terminal(HOSTILE)


LINE = '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "%s"}]}'


def commit(repo: Path, files: dict[str, str]) -> str:
    for name, text in files.items():
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "data")
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.mark.slow
def test_deleting_examples_in_a_pull_request_still_fails_too_few_examples(git_repo):
    examples = [LINE % f"answer {n}" for n in range(12)]
    base = commit(git_repo, {"train.jsonl": "\n".join(examples) + "\n"})
    (git_repo / "train.jsonl").write_text("\n".join(examples[:4]) + "\n")
    done = tunelint("check", "--diff-base", base, "train.jsonl", cwd=git_repo)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "train.jsonl:1:1: error too_few_examples" in done.stdout


@pytest.mark.slow
def test_a_changed_line_holding_u2028_and_a_fake_header_cannot_switch_the_filter_off(git_repo):
    examples = [LINE % f"answer {n}" for n in range(12)]
    base = commit(git_repo, {"train.jsonl": "\n".join(examples) + "\n"})
    examples[2] = LINE % "a\u2028+++ /dev/null\u2028b"  # U+2028 split the old parser's lines
    examples[3] = "++ /dev/null"  # its diff line reads "+++ /dev/null"
    examples[5] = LINE % ""  # the error the fake headers tried to hide
    (git_repo / "train.jsonl").write_text("\n".join(examples) + "\n", encoding="utf-8")
    done = tunelint("check", "--diff-base", base, "train.jsonl", cwd=git_repo)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "train.jsonl:4:1: error invalid_json" in done.stdout
    assert re.search(r"train\.jsonl:6:\d+: error missing_content", done.stdout)


@pytest.mark.slow
def test_changed_lines_of_files_named_with_newline_quote_and_non_utf8_bytes(git_repo):
    names = [
        "new\nline.jsonl",
        'quo"te\\.jsonl',
        os.fsdecode(b"caf\xe9 \xff.jsonl"),
        "sp ace.jsonl",
    ]
    base = commit(git_repo, {name: LINE % "a" + "\n" + LINE % "b" + "\n" for name in names})
    for name in names:
        (git_repo / name).write_text(LINE % "a" + "\n" + LINE % "changed" + "\n")
    changed = changed_lines(base, cwd=str(git_repo))
    for name in names:
        path = str(git_repo / name)
        assert (changed.contains(path, 1), changed.contains(path, 2)) == (False, True), name


def symlink_repo(tmp_path: Path) -> tuple[Path, Path]:
    """A checked tree holding symlinks to a secret outside it: (root, secret)."""
    root, outside = tmp_path / "repo", tmp_path / "outside"
    (root / "data").mkdir(parents=True)
    outside.mkdir()
    secret = outside / "secret.jsonl"
    secret.write_text('{"SECRET_KEY": "hunter2"}\n')
    (root / "data" / "good.jsonl").write_text(GOOD + "\n")
    (root / "data" / "train.jsonl").symlink_to(secret)
    (root / "data" / "shared").symlink_to(outside)
    (root / "data" / "self").symlink_to(root / "data")  # a loop inside the root
    return root, secret


def test_symlinks_out_of_the_root_are_reported_and_not_read_in_dirs_globs_and_names(
    tmp_path, monkeypatch
):
    root, secret = symlink_repo(tmp_path)
    monkeypatch.chdir(root)
    train = f"data/train.jsonl: is a symlink to {secret}, outside {root}; not read"
    shared = f"data/shared: is a symlink to {secret.parent}, outside {root}; not read"
    for argument, files, errors in (
        ("data", ["data/good.jsonl"], [shared, train]),
        ("data/*", ["data/good.jsonl"], [f"data/self/{shared[5:]}", f"data/self/{train[5:]}"]),
        ("data/**/*.jsonl", ["data/good.jsonl"], [train]),
        ("data/train.jsonl", [], [train]),
    ):
        found = expand([argument], lambda _: False)
        assert (found.files, found.errors) == (files, errors), argument


@pytest.mark.slow
def test_check_never_prints_what_an_outside_symlink_points_at(tmp_path):
    root, _ = symlink_repo(tmp_path)
    done = tunelint("check", "data", cwd=root)
    assert done.returncode == 2 and "hunter2" not in done.stdout + done.stderr
    assert "data/shared: is a symlink to" in done.stderr


def test_a_thousand_level_tree_is_walked_and_globbed_without_recursion(tmp_path):
    deepest = tmp_path
    for _ in range(1000):
        deepest = deepest / "d"
        deepest.mkdir()
    data = deepest / "x.jsonl"
    data.write_text(GOOD + "\n")
    try:
        for argument in (str(tmp_path), f"{tmp_path}/**/*.jsonl"):
            found = expand([argument], lambda _: False, root=str(tmp_path))
            assert (found.files, found.errors) == ([str(data)], []), argument
        assert check_file(found.files[0], small_file_config()).diagnostics == []
    finally:  # bottom up: shutil.rmtree (pytest's clean-up) recurses
        data.unlink()
        while deepest != tmp_path:
            deepest.rmdir()
            deepest = deepest.parent


def test_fifo_socket_and_device_are_named_and_skipped_without_opening(tmp_path):
    import socket

    (tmp_path / "good.jsonl").write_text(GOOD + "\n")
    os.mkfifo(tmp_path / "pipe.jsonl")
    special = "is not a regular file (a FIFO, socket or device)"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "sock.jsonl"))
        for argument in (str(tmp_path), f"{tmp_path}/*.jsonl", f"{tmp_path}/**/*.jsonl"):
            found = expand([argument], lambda _: False, root=str(tmp_path))
            assert found.files == [str(tmp_path / "good.jsonl")]
            assert found.errors == [
                f"{tmp_path}/{name}: {special}" for name in ("pipe.jsonl", "sock.jsonl")
            ], argument
    assert expand(["/dev/null"], lambda _: False).errors == [f"/dev/null: {special}"]


def test_a_symlink_loop_in_a_walked_directory_is_named_and_the_rest_checked(tmp_path):
    (tmp_path / "good.jsonl").write_text(GOOD + "\n")
    (tmp_path / "a.jsonl").symlink_to("b.jsonl")
    (tmp_path / "b.jsonl").symlink_to("a.jsonl")
    (tmp_path / "loop").symlink_to("loop")  # not a .jsonl name: walked past silently
    loop = "Too many levels of symbolic links"
    for argument in (str(tmp_path), f"{tmp_path}/**/*.jsonl"):
        found = expand([argument], lambda _: False, root=str(tmp_path))
        assert found.files == [str(tmp_path / "good.jsonl")], argument
        assert found.errors == [f"{tmp_path}/{name}: {loop}" for name in ("a.jsonl", "b.jsonl")]


@pytest.mark.slow
@pytest.mark.parametrize("command", [["check"], ["stats"], ["fix", "--check"]])
def test_a_fifo_in_a_checked_directory_does_not_hang_any_command(tmp_path, command):
    (tmp_path / "data").mkdir()
    os.mkfifo(tmp_path / "data" / "x.jsonl")
    done = tunelint(*command, "data", cwd=tmp_path)  # would block forever opening the FIFO
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "data/x.jsonl: is not a regular file (a FIFO, socket or device)" in done.stderr


def sparse_file(path: Path, size: int) -> Path:
    subprocess.run(["truncate", "-s", str(size), str(path)], check=True)
    return path


@pytest.mark.slow
def test_a_one_gigabyte_sparse_file_of_nuls_is_one_finding_read_in_bounded_pieces(tmp_path):
    path = sparse_file(tmp_path / "zeros.jsonl", 1 << 30)
    checker = FileChecker(str(path), small_file_config())
    with open(path, "rb") as handle:
        result = checker.run(read_lines(handle))
    assert [(d.line, d.rule, d.message) for d in result.diagnostics] == [
        (1, "invalid_encoding", "file is binary data (NUL bytes), not JSONL text")
    ]
    assert (result.lines, result.examples) == (1, 0)


def test_a_line_over_the_cap_is_skipped_and_the_file_still_checked(tmp_path):
    path = tmp_path / "big.jsonl"
    long = LINE % ("x" * 5_000_000)
    path.write_text("\n".join([GOOD, long, GOOD]) + "\n")
    checker = FileChecker(str(path), load_config(discover=False))
    with open(path, "rb") as handle:
        result = checker.run(read_lines(handle, cap=1 << 20))
    found = [(d.line, d.rule) for d in result.diagnostics if d.rule == "line_too_long"]
    assert found == [(2, "line_too_long")] and result.examples == 2
