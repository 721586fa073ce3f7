"""Runs action.yml's steps as a GitHub runner would: its ``run:`` steps in subprocesses,
its third-party actions by stand-ins (setup-python: this interpreter; cache: a folder of
saved directories, restored before the install step and saved after the run;
upload-artifact: the file copied to ``artifacts/NAME`` in the runner's temp folder)."""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import REPO, git

ACTION = yaml.safe_load((REPO / "action.yml").read_text())


def evaluate(text: str, context: dict[str, str]) -> str:
    """Substitute ``${{ name }}`` expressions (plain names only, as action.yml uses)."""
    return re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", lambda m: context.get(m.group(1), ""), text)


def shared_cache(tmp_path_factory) -> Path:
    """One actions/cache store for the whole test session: the install is built once."""
    cache = tmp_path_factory.getbasetemp() / "actions-cache"
    cache.mkdir(exist_ok=True)
    return cache


def shallow_checkout(origin: Path, target: Path, branch: str) -> Path:
    """What actions/checkout does by default: one commit of the branch, nothing else."""
    git(target.parent, "-c", "protocol.file.allow=always", "clone", "-q", "--depth", "1",
        "--branch", branch, f"file://{origin}", str(target))  # fmt: skip
    git(target, "config", "protocol.file.allow", "always")  # the base is fetched from file://
    return target


class ActionRunner:
    """One job's runner: a workspace, a temp folder and a cache that outlives runs."""

    def __init__(self, workspace: Path, temp: Path, cache: Path) -> None:
        self.workspace, self.temp, self.cache = workspace, temp, cache
        self.context: dict[str, str] = {}
        self.log: list[str] = []

    def _reset(self, inputs: dict[str, str], base: str) -> None:
        self.context = {
            "github.action_path": str(REPO),
            "github.action_ref": "v0.1.0",
            "runner.temp": str(self.temp),
            "github.event.pull_request.base.sha": base,
        }
        for name, spec in ACTION["inputs"].items():
            self.context[f"inputs.{name}"] = inputs.get(name, spec["default"])
        self.log = []

    def _uses(self, step: dict) -> list[tuple[str, Path]]:
        """Stand in for a third-party action; return the caches to save after the run."""
        name = step["uses"].split("@")[0]
        given = {k: evaluate(str(v), self.context) for k, v in step.get("with", {}).items()}
        if name == "actions/setup-python":
            outputs = {"python-path": sys.executable, "python-version": platform.python_version()}
        elif name == "actions/cache":
            key, path = given["key"], Path(given["path"])
            saved = self.cache / key
            hit = saved.is_dir()
            if hit:
                shutil.rmtree(path, ignore_errors=True)
                shutil.copytree(saved, path, symlinks=True)
            self.log.append(f"cache {'hit' if hit else 'miss'}: {key}")
            outputs = {"cache-hit": str(hit).lower()}
            if not hit:
                return [(key, path)]
        elif name == "actions/upload-artifact":
            if given["path"] and Path(given["path"]).is_file():  # its `if:` asks for a path
                target = self.temp / "artifacts" / given["name"]
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy(given["path"], target)
            outputs = {}
        else:
            raise AssertionError(
                f"action.yml uses an action this runner cannot stand in for: {name}"
            )
        for output, value in outputs.items():
            self.context[f"steps.{step.get('id', '')}.outputs.{output}"] = value
        return []

    def _step(self, step: dict, env: dict[str, str]) -> subprocess.CompletedProcess:
        output = self.temp / f"output-{step['id']}"
        output.write_text("")
        step_env = {k: evaluate(str(v), self.context) for k, v in step.get("env", {}).items()}
        done = subprocess.run(
            [step["shell"], "-e", "-c", step["run"]],
            cwd=self.workspace,
            env={
                **os.environ, "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64",
                "RUNNER_TEMP": str(self.temp), **env, **step_env, "GITHUB_OUTPUT": str(output),
            },
            capture_output=True,
            text=True,
        )  # fmt: skip
        for line in output.read_text().splitlines():
            name, _, value = line.partition("=")
            self.context[f"steps.{step['id']}.outputs.{name}"] = value
        return done

    def run(
        self, inputs: dict[str, str], env: dict[str, str], base: str = ""
    ) -> subprocess.CompletedProcess:
        """Every step in order; the last ``run:`` step's result (earlier ones must succeed)."""
        self._reset(inputs, base)
        to_save: list[tuple[str, Path]] = []
        steps = ACTION["runs"]["steps"]
        last = [s for s in steps if "run" in s][-1]
        for step in steps:
            if "uses" in step:
                to_save += self._uses(step)
                continue
            result = self._step(step, env)
            self.log.append(result.stdout)
            assert result.returncode == 0 or step is last, result.stdout + result.stderr
            if step is last:
                done = result
        for key, path in to_save:  # actions/cache saves in its post step, at the job's end
            if not (self.cache / key).exists():
                shutil.copytree(path, self.cache / key, symlinks=True)
        return done

    def outputs(self) -> dict[str, str]:
        return {
            name: evaluate(spec["value"], self.context) for name, spec in ACTION["outputs"].items()
        }
