from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from tunelint.config import Config, config_from_dict
from tunelint.engine import check_lines
from tunelint.parallel import check_path
from tunelint.results import FileResult
from tunelint.stats import StatsObserver, stats_config

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent
SHARED_CORPUS = next(
    (p / "shared" / "corpus" for p in REPO.parents if (p / "shared" / "corpus").is_dir()),
    REPO.parent / "shared" / "corpus",
)  # beside the checkout, or above a worktree folder


def chat(*messages: dict, **top_level: Any) -> str:
    """One JSONL line of a chat example."""
    return json.dumps({"messages": list(messages), **top_level})


def user(text: str = "Hi") -> dict:
    return {"role": "user", "content": text}


def assistant(text: str = "Hello") -> dict:
    return {"role": "assistant", "content": text}


def system(text: str = "Be brief.") -> dict:
    return {"role": "system", "content": text}


def small_file_config(config: dict | None = None) -> Config:
    """A config for test inputs of a few lines, often the same one twice: the file-size and
    duplicate rules are off unless ``config`` sets them."""
    config = config or {}
    rules = {"too_few_examples": "off", "duplicate_example": "off", **(config.get("rules") or {})}
    return config_from_dict({**config, "rules": rules})


def collect_stats(path, config: Config, count, constants, jobs: int = 1) -> tuple:
    """(result, Stats) of one file read as ``tunelint stats`` reads it, with the given token
    counter and tool constants."""
    observer = lambda: StatsObserver(count, constants)  # noqa: E731
    result, seen = check_path(str(path), stats_config(config), jobs, observer)
    return result, seen.file_stats(result)


def lint(*lines: str | bytes, config: dict | None = None) -> FileResult:
    return check_lines(lines, small_file_config(config))


def found(*lines: str | bytes, rule: str, config: dict | None = None) -> list[tuple]:
    """(line, column, path, message) of every finding of ``rule``."""
    return [
        (d.line, d.column, d.path, d.message)
        for d in lint(*lines, config=config).diagnostics
        if d.rule == rule
    ]


@pytest.fixture(autouse=True, scope="session")
def _private_cache_directory(tmp_path_factory):
    """The verified encoding cache (``tunelint.rank_cache``) goes to a temporary directory,
    never the user's ~/.cache, and subprocesses inherit it."""
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous


@pytest.fixture
def corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip("shared/corpus is not beside this checkout")
    return SHARED_CORPUS


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` with a fixed identity; return its stdout."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    """An empty git repository with one empty commit, as the current directory."""
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "commit", "-q", "--allow-empty", "-m", "start")
    return tmp_path


# Property tests stay quick in CI; HYPOTHESIS_PROFILE=long searches harder by hand.
# The CI profile is derandomized, so a run is reproducible; "long" explores new inputs.
settings.register_profile("ci", max_examples=150, deadline=None, derandomize=True)
settings.register_profile("long", max_examples=5_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
