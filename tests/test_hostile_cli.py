"""Hostile input end to end: each case's exit code and exact message, and never a traceback."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, assistant, chat, system, user
from tunelint.profile import available_profiles

pytestmark = pytest.mark.slow
GOOD = chat(system(), user(), assistant())
BAD = chat(user(), assistant(""))


def tunelint(*args, cwd=REPO, **kwargs):
    return subprocess.Popen(
        [sys.executable, "-m", "tunelint", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1"},
        **kwargs,
    )


def run(*args, cwd=REPO):
    process = tunelint(*args, cwd=cwd)
    out, err = process.communicate(timeout=300)
    assert b"Traceback" not in err, err.decode()
    return process.returncode, out.decode(), err.decode()


def fails_with(message, *args, cwd=REPO):
    code, _, err = run(*args, cwd=cwd)
    assert (code, err) == (2, f"tunelint: {message}\n")


def test_missing_path(tmp_path):
    fails_with(
        f"{tmp_path}/nope.jsonl: no such file or directory", "check", f"{tmp_path}/nope.jsonl"
    )


def test_directory_and_directory_without_jsonl(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "notes.txt").write_text("x")
    fails_with(f"{tmp_path}/data: directory holds no .jsonl file", "check", f"{tmp_path}/data")
    (tmp_path / "data" / "a.jsonl").write_text(GOOD + "\n")
    code, out, _ = run("check", "--rule", "too_few_examples=off", str(tmp_path / "data"))
    assert (code, out) == (0, "Checked 1 file, 1 line: 0 errors, 0 warnings\n")


def test_file_without_read_permission(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads any file; test_file_whose_read_fails covers the error path")
    path = tmp_path / "secret.jsonl"
    path.write_text(GOOD)
    path.chmod(0)
    fails_with(f"{path}: permission denied", "check", str(path))


@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="needs Linux /proc")
def test_file_whose_read_fails():
    fails_with("/proc/self/mem: Input/output error", "check", "/proc/self/mem")


def test_symlink_loop(tmp_path):
    (tmp_path / "a.jsonl").symlink_to(tmp_path / "b.jsonl")
    (tmp_path / "b.jsonl").symlink_to(tmp_path / "a.jsonl")
    fails_with(
        f"{tmp_path}/a.jsonl: Too many levels of symbolic links", "check", f"{tmp_path}/a.jsonl"
    )


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    fails_with(f"{fifo}: is not a regular file (a FIFO, socket or device)", "check", str(fifo))


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules: [unclosed\n", "2: not valid YAML: expected ',' or ']', but got '<stream end>'"),
        ("- a\n- b\n", "1: the config must be a mapping, not list"),
        ("colour: red\n", "1: unknown key 'colour' (known: extends, rules, "),
        ("rules:\n  blank_line: {level: 3}\n", "2: level must be error, warning or off, not 3"),
        ("ignore: 5\n", "1: ignore: must be a list or a string, not 5"),
        ("profile: 5\n", "1: profile: must be a string, not 5"),
        (
            "profile: nope\n",
            f"1: unknown profile 'nope'; did you mean 'openai'? (known: {', '.join(available_profiles())})",
        ),
        ("rules:\n  blank_lines: off\n", "2: unknown rule 'blank_lines'; did you mean 'blank_line'?"),
        ("!!python/object/apply:os.system [echo hi]\n", "1: not valid YAML: could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
        (BOMB, "6: YAML aliases expand to more than 250,000 values here"),
        ("rules: {}\nprofile: \x1b[31m\n", "2: not valid YAML: unacceptable character #x001b: special characters are not allowed"),
        ("epochs: 2024-99-99\n", "1: not valid YAML: cannot read this value: month must be in 1..12"),
        ("epochs: 1" + "0" * 5000 + "\n", "1: not valid YAML: an integer of 5,001 characters; at most 100 are read"),
        ("epochs: " + ":".join(["1"] * 300_000) + "\n", "1: not valid YAML: an integer of 599,999 characters"),
    ],
    ids=["not-yaml", "not-mapping", "unknown-key", "bad-level", "bad-ignore", "bad-type", "unknown-profile", "unknown-rule", "python-tag", "alias-bomb", "control-character", "bad-date", "long-integer", "sexagesimal-integer"],
)  # fmt: skip
def test_bad_config(tmp_path, text, message):
    (tmp_path / ".tunelint.yaml").write_text(text)
    (tmp_path / "a.jsonl").write_text(GOOD + "\n")
    code, out, err = run("check", "a.jsonl", cwd=tmp_path)
    # The list of known keys grows with other features: the message is exact up to it.
    assert (code, out) == (2, "") and err.startswith(
        f"tunelint: {tmp_path}/.tunelint.yaml:{message}"
    )
    assert err.count("\n") == 1


def test_config_that_is_not_utf8(tmp_path):
    (tmp_path / "c.yaml").write_bytes(b"\xff\xfe")
    fails_with(
        f"{tmp_path}/c.yaml: cannot read: 'utf-8' codec can't decode byte 0xff in position 0:"
        " invalid start byte",
        "check", "--config", str(tmp_path / "c.yaml"), "examples/clean.jsonl",
    )  # fmt: skip


def test_unknown_format_and_option():
    code, out, err = run("check", "--format", "xml", "examples")
    assert (code, out) == (2, "")
    assert err.startswith("usage: tunelint check ")
    last = err.splitlines()[-1]  # argparse quotes the choices on some Python versions
    assert last.startswith("tunelint check: error: argument --format: invalid choice: 'xml'")
    assert all(name in last for name in ("text", "json", "github", "sarif", "gitlab", "html"))
    for command in ("check", "stats"):
        code, out, err = run(command, "--model", "gpt-9", "examples")
        assert (code, out) == (2, "")
        assert err.startswith("tunelint: unknown model 'gpt-9'; known models: gpt-3.5-turbo,")
        assert "gpt-4o-mini-2024-07-18" in err and "Traceback" not in err


def test_lone_surrogates_print_escaped(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"messages": [{"role": "\\udc80", "content": "\\ud800"}]}\n')
    for fmt in ("text", "json"):
        code, out, _ = run("check", "--format", fmt, str(path))
        assert code == 1 and "role '\\udc80' is not one of" in out


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    """50,000 lines with a finding each: long enough to interrupt, output larger than a pipe."""
    path = tmp_path_factory.mktemp("big") / "big.jsonl"
    path.write_text((BAD + "\n") * 50_000)
    return path


@pytest.fixture(scope="module")
def more_output_than_a_pipe_holds(tmp_path_factory):
    """5,000 lines with a finding each: several hundred KB of output, a pipe holds 64 KB."""
    path = tmp_path_factory.mktemp("piped") / "piped.jsonl"
    path.write_text((BAD + "\n") * 5_000)
    return path


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_output_piped_into_head(more_output_than_a_pipe_holds, fmt):
    process = tunelint("check", "--format", fmt, str(more_output_than_a_pipe_holds))
    first = process.stdout.readline()
    process.stdout.close()  # what `| head -1` does
    err = process.stderr.read()
    assert process.wait(timeout=300) == 1
    assert first and err == b""


def test_ctrl_c_exits_130_with_whole_lines(big_file, tmp_path):
    small = tmp_path / "small.jsonl"
    small.write_text(BAD + "\n")
    process = tunelint("check", str(small), str(big_file))
    first = process.stdout.readline()  # the small file is out: the big one is being checked
    process.send_signal(signal.SIGINT)
    rest, err = process.communicate(timeout=300)
    assert (process.returncode, err) == (130, b"tunelint: interrupted\n")
    output = (first + rest).decode()
    assert output.endswith("\n") and "Checked" not in output
    partial = [
        line for line in output.splitlines() if not line.startswith((str(small), str(big_file)))
    ]
    assert partial == []


def test_fifty_megabyte_line(tmp_path):
    path = tmp_path / "huge.jsonl"
    line = chat(system(), user("x" * 50_000_000), assistant(""))
    path.write_text(line + "\n" + GOOD + "\n")
    code, out, _ = run("check", "--rule", "too_few_examples=off", "--format", "json", str(path))
    assert code == 1
    assert [(d["line"], d["column"], d["rule"]) for d in json.loads(out)] == [
        (1, 1, "over_token_limit"),
        (1, len(line) - 4, "missing_content"),
    ]


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_sigterm_with_two_jobs_exits_143_and_leaves_no_worker(tmp_path):
    path = tmp_path / "large.jsonl"
    path.write_text((BAD + "\n") * 120_000)  # over 8 MB: split over the workers
    process = tunelint("check", "--jobs", "2", str(path))
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
        workers = _children(process.pid)
        time.sleep(0.05)
    assert len(workers) >= 2, "the workers never started"
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert (process.returncode, err) == (143, b"tunelint: terminated\n")
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in workers if _alive(pid)] == []
