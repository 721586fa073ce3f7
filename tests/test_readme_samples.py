"""The README's sample outputs are what the commands print: every ```console block is a
list of ``$ tunelint ...`` commands, each followed by its output (at 80 columns).

Regenerate the blocks with ``PYTHONPATH=src python tests/test_readme_samples.py``.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys
from pathlib import Path
from unittest import mock

REPO = Path(__file__).parent.parent
README = REPO / "README.md"
BLOCK = re.compile(r"```console\n(.*?)```\n", re.S)
HEAD = re.compile(r"\s*\|\s*head -(\d+)$")


def commands(block: str) -> list[tuple[str, str]]:
    """(command, the output shown under it) of each ``$ `` line of a console block."""
    found: list[tuple[str, list[str]]] = []
    for line in block.splitlines(keepends=True):
        if line.startswith("$ "):
            found.append((line[2:].rstrip("\n"), []))
        else:
            found[-1][1].append(line)
    return [(command, "".join(output)) for command, output in found]


def output_of(command: str) -> str:
    """What ``command`` (``tunelint ...``, optionally ``| head -N``) prints on stdout in the
    repository, at 80 columns and without colour."""
    from tunelint.cli import main

    head = HEAD.search(command)
    words = shlex.split(HEAD.sub("", command))
    assert words[0] == "tunelint", command
    out = io.StringIO()
    environment = {"COLUMNS": "80", "NO_COLOR": "1"}
    with (
        mock.patch.dict(os.environ, environment),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(io.StringIO()),
        contextlib.chdir(REPO) if sys.version_info >= (3, 11) else _chdir(REPO),
    ):
        main(words[1:])
    text = out.getvalue()
    if head:
        text = "".join(text.splitlines(keepends=True)[: int(head.group(1))])
    return text


@contextlib.contextmanager
def _chdir(path: Path):
    previous = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def regenerated(readme: str) -> str:
    """The README with every console block's outputs as the commands print them now."""

    def block(match: re.Match[str]) -> str:
        parts = [f"$ {command}\n{output_of(command)}" for command, _ in commands(match[1])]
        return "```console\n" + "".join(parts) + "```\n"

    return BLOCK.sub(block, readme)


def test_every_readme_sample_is_what_its_command_prints():
    readme = README.read_text(encoding="utf-8")
    samples = [sample for block in BLOCK.findall(readme) for sample in commands(block)]
    assert len(samples) >= 5  # check broken.jsonl, --profile, stats, compare, ...
    for command, shown in samples:
        assert shown == output_of(command), f"{command}: run python {Path(__file__).name}"


if __name__ == "__main__":
    README.write_text(regenerated(README.read_text(encoding="utf-8")), encoding="utf-8")
