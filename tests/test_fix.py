"""tunelint fix: every fix keeps the examples (json.loads-equal, in order), writes are atomic."""

import json
import os
import signal
import subprocess
import sys
import threading

import pytest

from conftest import assistant, chat, user
from tunelint.cli import main
from tunelint.fix import Fixer, FixOptions, FixRefused, fix_file

A = chat(user("Hi"), assistant("Hello"))
B = chat(user("Ünïcode ✓ 你好"), assistant("Bye"))
C = '{"z": 1, "a": {"y": [1.5, 1e3, -0.0, "x"]}, "messages": []}'
TOOL = {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {}}]}


def examples(data: bytes) -> list:
    return [json.loads(line) for line in data.decode("utf-8").split("\n") if line.strip()]


def fixed(data: bytes, **options) -> tuple[bytes, Fixer]:
    fixer = Fixer(FixOptions(**options))
    return b"".join(fixer.run(data.splitlines(keepends=True))), fixer


def pretty(line: str) -> str:
    return json.dumps(json.loads(line), indent=2, ensure_ascii=False)


def with_arguments(arguments) -> str:
    call = {**TOOL["tool_calls"][0], "function": {"name": "f", "arguments": arguments}}
    return json.dumps({"messages": [user(), {**TOOL, "tool_calls": [call]}]}, ensure_ascii=False)


SAME = [json.loads(line) for line in (A, B, C)]
CASES = {
    "bom": (b"\xef\xbb\xbf" + f"{A}\n{B}\n{C}\n".encode(), "byte-order mark"),
    "crlf": (f"{A}\r\n{B}\r\n{C}\r\n".encode(), None),
    "blank lines": (f"\n{A}\n  \n{B}\n\n{C}\n\n".encode(), "blank line"),
    "final newline": (f"{A}\n{B}\n{C}".encode(), "final newline"),
    "json array": (json.dumps(SAME, indent=2, ensure_ascii=False).encode(), "JSON array"),
    "one-line array": (json.dumps(SAME, ensure_ascii=False).encode(), "JSON array"),
    "pretty example": (f"{A}\n{pretty(B)}\n{pretty(C)}\n".encode(), "joined lines 2-"),
}


@pytest.mark.parametrize("case", CASES)
def test_each_fix_keeps_the_examples_in_order(case):
    data, message = CASES[case]
    output, fixer = fixed(data)
    assert examples(output) == SAME
    assert output.endswith(b"\n") and b"\r" not in output and b"\n\n" not in output
    assert fixer.changed and not fixer.unfixable
    if message:
        assert any(message in change.message for change in fixer.changes), fixer.changes
    assert fixed(output)[1].changed is False  # a fixed file needs no more fixing


def test_untouched_lines_stay_byte_for_byte():
    data = f'{A}\n{{"messages" :  []}}\n\n{B}\n'.encode()
    assert fixed(data)[0] == f'{A}\n{{"messages" :  []}}\n{B}\n'.encode()


def test_rewritten_examples_keep_key_order_and_unicode():
    output, _ = fixed(f"{pretty(B)}\n{pretty(C)}\n".encode())
    assert output.decode() == (
        json.dumps(json.loads(B), ensure_ascii=False, separators=(",", ":"))
        + "\n"
        + '{"z":1,"a":{"y":[1.5,1000.0,-0.0,"x"]},"messages":[]}\n'
    )


def test_lone_surrogate_is_escaped_not_written_as_bad_utf8():
    line = '{"messages": [{"role": "user", "content": "\\ud800"}]}'
    output, _ = fixed(f"[{line}]".encode())
    assert output == b'{"messages":[{"role":"user","content":"\\ud800"}]}\n'
    assert examples(output) == [json.loads(line)]


def test_arguments_object_becomes_a_json_string():
    output, fixer = fixed(f"{with_arguments({'city': 'Zürich', 'n': 2})}\n".encode())
    (example,) = examples(output)
    arguments = example["messages"][1]["tool_calls"][0]["function"]["arguments"]
    assert json.loads(arguments) == {"city": "Zürich", "n": 2}
    assert fixer.changes[0].message.startswith("messages[1].tool_calls[0].function.arguments")
    assert fixed(f"{with_arguments('{}')}\n".encode())[1].changed is False


def test_drop_duplicates_only_when_asked_keeping_the_first():
    reordered = json.dumps({"messages": json.loads(A)["messages"]}, separators=(",", ":"))
    data = f"{A}\n{B}\n{A}\n{reordered}\n".encode()
    assert examples(fixed(data)[0]) == examples(data)
    output, fixer = fixed(data, drop_duplicates=True)
    assert examples(output) == [json.loads(A), json.loads(B)]
    assert [c.line for c in fixer.changes] == [3, 4]


def test_strip_whitespace_only_when_asked():
    parts = [{"type": "text", "text": " a "}]
    data = (chat(user("  Hi\n"), assistant(" ok")) + "\n" + chat(user(parts)) + "\n").encode()
    assert not fixed(data)[1].changed
    output, fixer = fixed(data, strip_whitespace=True)
    assert examples(output) == [
        json.loads(chat(user("Hi"), assistant("ok"))),
        json.loads(chat(user([{"type": "text", "text": "a"}]))),
    ]
    assert [c.message.split(":")[0] for c in fixer.changes] == [
        "messages[0].content",
        "messages[1].content",
        "messages[0].content[0].text",
    ]


def test_broken_json_is_unfixable_and_the_lines_after_it_still_count():
    data = f'{{"messages": [\n{A}\n\n{{"a":\n  1\n'.encode()
    output, fixer = fixed(data)
    assert [c.line for c in fixer.unfixable] == [1, 4]
    assert output == f'{{"messages": [\n{A}\n{{"a":\n  1\n'.encode()


def test_invalid_utf8_and_binary_are_unfixable():
    assert fixed(b'{"a": "caf\xe9"}\n')[1].unfixable[0].message == "bytes that are not UTF-8"
    assert "gzip" in fixed(b"\x1f\x8b\x08\x00rest")[1].unfixable[0].message


def test_file_is_fixed_in_place_keeping_its_mode(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_bytes(f"{A}\r\n\r\n{B}".encode())
    path.chmod(0o640)
    result = fix_file(str(path), FixOptions())
    assert result.written and path.read_bytes() == f"{A}\n{B}\n".encode()
    assert (path.stat().st_mode & 0o777) == 0o640
    assert os.listdir(tmp_path) == ["d.jsonl"]


def test_a_file_with_unfixable_problems_is_left_alone_unless_forced(tmp_path):
    path = tmp_path / "d.jsonl"
    original = f"{A}\n\n{{broken\n".encode()
    path.write_bytes(original)
    assert fix_file(str(path), FixOptions()).refused and path.read_bytes() == original
    assert fix_file(str(path), FixOptions(), force=True).written
    assert path.read_bytes() == f"{A}\n{{broken\n".encode()


def test_failed_rename_leaves_the_original_and_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "d.jsonl"
    path.write_bytes(f"{A}\n\n".encode())

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        fix_file(str(path), FixOptions())
    assert path.read_bytes() == f"{A}\n\n".encode() and os.listdir(tmp_path) == ["d.jsonl"]


@pytest.mark.slow
def test_fix_killed_mid_write_leaves_the_original_intact(tmp_path):
    path = tmp_path / "big.jsonl"
    original = "".join(f"{A}\r\n" for _ in range(200_000)).encode()
    path.write_bytes(original)
    # The child kills itself with SIGKILL after writing part of the fixed file.
    script = (
        "import io, os, signal, sys\n"
        "from tunelint import fix\n"
        "writes = 0\n"
        "real = io.BufferedWriter.write\n"
        "class Dying(io.BufferedWriter):\n"
        "    def write(self, data):\n"
        "        global writes\n"
        "        writes += 1\n"
        "        if writes == 50_000:\n"
        "            os.kill(os.getpid(), signal.SIGKILL)\n"
        "        return real(self, data)\n"
        "fdopen = os.fdopen\n"
        "def dying_fdopen(fd, mode, buffering=-1):\n"
        "    if 'w' not in mode:\n"
        "        return fdopen(fd, mode)\n"
        "    return Dying(fdopen(fd, 'wb', 0), buffering)\n"
        "fix.os.fdopen = dying_fdopen\n"
        "fix.fix_file(sys.argv[1], fix.FixOptions())\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(path)], env=os.environ)
    assert done.returncode == -signal.SIGKILL
    assert path.read_bytes() == original
    leftovers = [name for name in os.listdir(tmp_path) if name != "big.jsonl"]
    assert leftovers and all(name.startswith(".big.jsonl.") for name in leftovers)


def test_cli_diff_and_check_change_nothing(tmp_path, capsys):
    path = tmp_path / "d.jsonl"
    path.write_bytes(f"{A}\n\n{B}".encode())
    assert main(["fix", "--diff", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"--- a/{path}\n+++ b/{path}\n") and "\n-\n" in out
    assert f"{path}:2: would fix: removed a blank line" in err
    assert main(["fix", "--check", str(path)]) == 1
    assert "Would fix 2 problems in 1 file" in capsys.readouterr().out
    assert path.read_bytes() == f"{A}\n\n{B}".encode()
    assert main(["fix", str(path)]) == 0
    assert f"{path}:3: added the final newline" in capsys.readouterr().out
    assert main(["fix", "--check", str(path)]) == 0


def test_cli_refuses_unfixable_file_with_exit_1(tmp_path, capsys):
    path = tmp_path / "d.jsonl"
    path.write_bytes(b"\n{oops\n")
    assert main(["fix", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:2: cannot fix: invalid JSON" in err and "--force fixes the rest" in err
    assert path.read_bytes() == b"\n{oops\n"


DIRTY = f"{A}\n\n{B}\n"  # a blank line to remove
CLEAN = f"{A}\n{B}\n"


def pausing_run(monkeypatch, when, action):
    """Make Fixer.run call ``action()`` after its first line, for fixers where ``when(fixer)``."""
    real = Fixer.run

    def run(self, lines):
        for n, line in enumerate(real(self, lines)):
            if n == 1 and when(self):
                action()
            yield line

    monkeypatch.setattr(Fixer, "run", run)


def test_lines_appended_while_fixing_are_never_lost(tmp_path, monkeypatch):
    path = tmp_path / "d.jsonl"
    path.write_text(DIRTY)

    def append():
        with open(path, "a") as handle:
            handle.write(f"{C}\n")

    pausing_run(monkeypatch, lambda fixer: True, append)
    with pytest.raises(FixRefused, match="changed while it was being fixed; left as it was"):
        fix_file(str(path), FixOptions())
    assert path.read_text() == DIRTY + f"{C}\n"
    assert os.listdir(tmp_path) == ["d.jsonl"]


def test_a_file_replaced_while_fixing_is_not_overwritten(tmp_path, monkeypatch):
    path = tmp_path / "d.jsonl"
    path.write_text(DIRTY)
    newer = tmp_path / "newer"
    newer.write_text(f"{C}\n")
    pausing_run(monkeypatch, lambda fixer: True, lambda: os.replace(newer, path))
    with pytest.raises(FixRefused, match="changed while"):
        fix_file(str(path), FixOptions())
    assert path.read_text() == f"{C}\n"


def test_symlink_is_refused_unless_forced_then_fixed_through_the_kept_link(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # the tree the CLI's links must stay in
    real, link = tmp_path / "real.jsonl", tmp_path / "link.jsonl"
    real.write_text(DIRTY)
    link.symlink_to(real.name)
    with pytest.raises(FixRefused, match="a symbolic link; not changed"):
        fix_file(str(link), FixOptions(), root=tmp_path)
    assert main(["fix", str(link)]) == 2
    assert f"tunelint: {link}: a symbolic link; not changed (--force" in capsys.readouterr().err
    inode = real.stat().st_ino
    assert fix_file(str(link), FixOptions(), force=True, root=tmp_path).written
    assert link.is_symlink() and real.read_text() == CLEAN and real.stat().st_ino == inode
    assert sorted(os.listdir(tmp_path)) == ["link.jsonl", "real.jsonl"]


def test_hard_linked_file_is_refused_unless_forced_then_every_name_sees_the_fix(tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    one.write_text(DIRTY)
    os.link(one, two)
    with pytest.raises(FixRefused, match="one of 2 hard links to the same file"):
        fix_file(str(one), FixOptions())
    assert two.read_text() == DIRTY
    assert fix_file(str(one), FixOptions(), force=True).written
    assert one.read_text() == two.read_text() == CLEAN and one.stat().st_nlink == 2


def test_symlink_out_of_the_tree_is_never_read_even_forced(tmp_path):
    tree, outside = tmp_path / "repo", tmp_path / "secret.jsonl"
    tree.mkdir()
    outside.write_text(DIRTY)
    link = tree / "data.jsonl"
    link.symlink_to(outside)
    for write, diff in [(True, False), (False, True), (False, False)]:
        with pytest.raises(FixRefused, match=f"a symbolic link to {outside}, outside {tree}"):
            fix_file(str(link), FixOptions(), write=write, diff=diff, force=True, root=tree)
    assert outside.read_text() == DIRTY


def test_a_file_named_outside_the_tree_is_fixed_even_through_a_linked_directory(tmp_path):
    tree, real = tmp_path / "repo", tmp_path / "private"
    tree.mkdir()
    real.mkdir()
    (tmp_path / "var").symlink_to(real)  # as /var -> /private/var on macOS
    (real / "d.jsonl").write_text(DIRTY)
    assert fix_file(str(tmp_path / "var" / "d.jsonl"), FixOptions(), root=tree).written
    assert (real / "d.jsonl").read_text() == CLEAN


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "d.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(FixRefused, match="not a regular file"):
        fix_file(str(fifo), FixOptions())


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_owner_group_and_mode_are_kept(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(DIRTY)
    os.chown(path, 12345, 23456)
    path.chmod(0o604)
    assert fix_file(str(path), FixOptions()).written
    info = path.stat()
    assert (info.st_uid, info.st_gid, info.st_mode & 0o777) == (12345, 23456, 0o604)
    assert path.read_text() == CLEAN


def test_where_the_owner_cannot_be_given_the_file_is_fixed_in_place(tmp_path, monkeypatch):
    path = tmp_path / "d.jsonl"
    path.write_text(DIRTY)
    inode = path.stat().st_ino

    def refuse(*args):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chown", refuse)
    assert fix_file(str(path), FixOptions()).written
    assert path.read_text() == CLEAN and path.stat().st_ino == inode
    assert os.listdir(tmp_path) == ["d.jsonl"]


def test_second_fix_waits_for_the_first_and_works_on_its_result(tmp_path, monkeypatch):
    path = tmp_path / "d.jsonl"
    path.write_text(f"{A}\n{A}\n" + chat(user("  padded  ")) + "\n")
    first_holds_lock, second_waits, results = threading.Event(), threading.Event(), {}

    def hold():
        first_holds_lock.set()
        assert second_waits.wait(30)

    # The first fix (drop duplicates) pauses, holding the lock, until the second one waits.
    pausing_run(monkeypatch, lambda fixer: fixer.options.drop_duplicates, hold)

    def fix(name, **options):
        results[name] = fix_file(str(path), FixOptions(**options), on_wait=second_waits.set)

    first = threading.Thread(target=fix, args=("first",), kwargs={"drop_duplicates": True})
    second = threading.Thread(target=fix, args=("second",), kwargs={"strip_whitespace": True})
    first.daemon = second.daemon = True
    first.start()
    assert first_holds_lock.wait(30)
    second.start()
    first.join(30)
    second.join(30)
    assert results["first"].written and results["second"].written  # each fixed its part
    neither_lost = [json.loads(A), json.loads(chat(user("padded")))]
    assert examples(path.read_bytes()) == neither_lost


def test_a_lock_held_too_long_fails_clearly_and_changes_nothing(tmp_path):
    fcntl = pytest.importorskip("fcntl")
    path = tmp_path / "d.jsonl"
    path.write_text(DIRTY)
    with open(path, "rb") as holder:
        fcntl.flock(holder.fileno(), fcntl.LOCK_EX)
        with pytest.raises(FixRefused, match=r"another process \(another tunelint fix\?\) held"):
            fix_file(str(path), FixOptions(), lock_timeout=0)
    assert path.read_text() == DIRTY
