"""The GitHub Action's install: a virtual environment of pinned dependencies, cached.

Run by action.yml with the interpreter ``actions/setup-python`` provides (standard library
only; ``tunelint`` itself runs from the action's own ``src/`` through ``PYTHONPATH``):

- ``python -m tunelint.action_venv key`` writes ``venv=`` and ``key=`` to ``$GITHUB_OUTPUT``:
  where the environment lives and the ``actions/cache`` key, from the runner's OS and
  architecture, the Python version, the action's ref and the hash of the constraints file.
- ``python -m tunelint.action_venv install`` reuses the environment the cache restored when
  it was built from the same constraints and imports; otherwise it builds it: ``venv``, then
  ``pip install --no-deps --only-binary=:all: -r ci/action-constraints.txt`` (every package
  pinned, wheels only, nothing resolved at run time). It writes ``python=`` (the
  environment's interpreter: ``Scripts\\python.exe`` on Windows, ``bin/python`` elsewhere).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

CONSTRAINTS = Path("ci") / "action-constraints.txt"
"""The pinned dependencies, relative to the action's directory."""
MARKER = "tunelint-constraints.sha256"
"""Written into a finished environment: the hash of the constraints it was built from."""
IMPORTS = ("yaml", "tiktoken", "tqdm")
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def constraints_hash(action_path: Path) -> str:
    return hashlib.sha256((action_path / CONSTRAINTS).read_bytes()).hexdigest()


def venv_python(venv: Path, windows: bool = os.name == "nt") -> Path:
    return venv / "Scripts" / "python.exe" if windows else venv / "bin" / "python"


def cache_key(env: Mapping[str, str], digest: str) -> str:
    """The cache key: one environment per OS, architecture, Python, action ref and pins."""
    parts = [
        env.get("RUNNER_OS", sys.platform),
        env.get("RUNNER_ARCH", ""),
        f"py{sys.version.split()[0]}",
        env.get("TUNELINT_ACTION_REF", "") or "local",
        digest[:16],
    ]
    return "tunelint-venv-" + "-".join(_KEY_UNSAFE.sub("_", part)[:60] for part in parts if part)


def _usable(venv: Path, digest: str) -> bool:
    """The environment was finished from these constraints and its packages import."""
    python = venv_python(venv)
    marker = venv / MARKER
    if not python.is_file() or not marker.is_file() or marker.read_text().strip() != digest:
        return False
    probe = [str(python), "-c", f"import {', '.join(IMPORTS)}"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


def install(venv: Path, action_path: Path, out) -> Path:
    """The environment's interpreter, building the environment unless the cache had it."""
    digest = constraints_hash(action_path)
    python = venv_python(venv)
    if _usable(venv, digest):
        out.write(f"tunelint: reusing the cached environment {venv}\n")
        return python
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-input", "--no-deps", "--only-binary=:all:", "-r",
         str(action_path / CONSTRAINTS)],
        check=True,
    )  # fmt: skip
    (venv / MARKER).write_text(digest + "\n")
    return python


def _output(env: Mapping[str, str], **values: str) -> None:
    with open(env["GITHUB_OUTPUT"], "a", encoding="utf-8") as handle:
        handle.writelines(f"{name}={value}\n" for name, value in values.items())


def main(argv: list[str], env: Mapping[str, str]) -> int:
    action_path = Path(env["TUNELINT_ACTION_PATH"])
    venv = Path(env["RUNNER_TEMP"]) / "tunelint-venv"
    if argv == ["key"]:
        _output(env, venv=str(venv), key=cache_key(env, constraints_hash(action_path)))
    elif argv == ["install"]:
        try:
            python = install(venv, action_path, sys.stdout)
        except subprocess.CalledProcessError as error:
            command = " ".join(error.cmd[1:4])
            sys.stdout.write(f"::error title=tunelint::{command} exited with {error.returncode}\n")
            return 1
        _output(env, python=str(python))
    else:
        sys.stderr.write("usage: python -m tunelint.action_venv key|install\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], os.environ))
