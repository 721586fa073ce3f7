"""action.yml: pinned actions and dependencies, every runner OS, a cached install, and a
pull request on a default (depth 1) checkout annotated like one with the whole history."""

import re
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

from action_runner import ACTION, ActionRunner, shallow_checkout, shared_cache
from conftest import REPO, git
from tunelint import action_venv
from tunelint.action_inputs import ActionInputs

TEXT = (REPO / "action.yml").read_text()
STEPS = ACTION["runs"]["steps"]
PINS = {
    canonicalize_name(Requirement(line).name): Requirement(line)
    for line in (REPO / action_venv.CONSTRAINTS).read_text().splitlines()
    if line.strip() and not line.startswith("#")
}


def test_third_party_actions_are_pinned_by_commit_with_the_tag_in_a_comment():
    uses = re.findall(r"uses: (\S+)(.*)", TEXT)
    assert {name.split("@")[0] for name, _ in uses} == {
        "actions/setup-python",
        "actions/cache",
        "actions/upload-artifact",
    }
    for name, comment in uses:
        assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", name), name
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), comment


def test_run_steps_use_bash_never_inline_expressions_nor_a_posix_only_venv_path():
    runs = [step for step in STEPS if "run" in step]
    assert runs and all(step["shell"] == "bash" for step in runs)  # bash is on all three OSes
    assert all("${{" not in step["run"] for step in runs)
    assert "bin/python" not in TEXT and "python3" not in TEXT


def test_the_setup_python_step_leaves_the_jobs_own_python_alone():
    setup = next(step for step in STEPS if "setup-python" in step.get("uses", ""))
    assert setup["with"]["update-environment"] is False


def test_every_input_reaches_the_check_step_through_env_and_is_parsed():
    check = next(step for step in STEPS if step.get("id") == "check")
    passed = {
        re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", value).group(1): name
        for name, value in check["env"].items()
        if value.startswith("${{ inputs.")
    }
    assert set(passed) == set(ACTION["inputs"])
    assert all(name == "TUNELINT_" + i.upper().replace("-", "_") for i, name in passed.items())
    parsed = ActionInputs.from_env({name: "" for name in passed.values()})
    assert {"profile", "strict", "baseline", "config", "args"} <= set(passed)
    assert parsed.fail_on == "error" and parsed.args == []


def test_constraints_pin_every_dependency_of_pyproject_within_its_range():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert all(str(pin.specifier).startswith("==") for pin in PINS.values())
    for line in project["dependencies"]:
        wanted = Requirement(line)
        pin = PINS[canonicalize_name(wanted.name)]
        assert wanted.specifier.contains(str(pin.specifier)[2:]), (wanted, pin)
        assert str(wanted.marker) == str(pin.marker) or wanted.marker is None


@pytest.mark.parametrize("system", ["Linux", "Darwin", "Windows"])
def test_constraints_are_closed_under_the_pinned_packages_requirements(system):
    """Every requirement of a pinned package (as installed here, at the pinned version) is
    pinned too, so pip --no-deps installs a complete environment on each OS."""
    environment = {**default_environment(), "platform_system": system, "python_version": "3.12"}
    checked = 0
    for name, pin in PINS.items():
        if pin.marker is not None and not pin.marker.evaluate(environment):
            continue
        try:
            installed = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        if installed.version != str(pin.specifier)[2:]:
            continue  # another version here: its requirements say nothing about the pin's
        checked += 1
        for line in installed.requires or []:
            needed = Requirement(line)
            if needed.marker is None or needed.marker.evaluate({**environment, "extra": ""}):
                assert canonicalize_name(needed.name) in PINS, f"{name} needs {needed}"
    assert checked >= 5


def test_cache_key_names_os_arch_python_action_ref_and_the_constraints():
    env = {"RUNNER_OS": "Windows", "RUNNER_ARCH": "ARM64", "TUNELINT_ACTION_REF": "feature/x,y"}
    key = action_venv.cache_key(env, "ab" * 32)
    assert key.startswith("tunelint-venv-Windows-ARM64-py3.")
    assert key.endswith("-feature_x_y-abababababababab") and "," not in key
    assert action_venv.cache_key({}, "0" * 64).split("-")[-2] == "local"


def test_the_venvs_python_is_scripts_python_exe_on_windows():
    assert action_venv.venv_python(Path("v"), windows=True) == Path("v/Scripts/python.exe")
    assert action_venv.venv_python(Path("v"), windows=False) == Path("v/bin/python")


def test_install_builds_from_the_pins_without_resolving_then_reuses_the_environment(
    tmp_path, monkeypatch, capsys
):
    commands = []

    def run(command, **kwargs):
        commands.append(command)
        if command[1:3] == ["-m", "venv"]:
            python = action_venv.venv_python(Path(command[3]))
            python.parent.mkdir(parents=True)
            python.symlink_to(action_venv.sys.executable)
        return action_venv.subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(action_venv.subprocess, "run", run)
    venv = tmp_path / "venv"
    python = action_venv.install(venv, REPO, action_venv.sys.stdout)
    assert python == action_venv.venv_python(venv)
    pip = commands[1]
    assert pip[1:4] == ["-m", "pip", "install"] and "--no-deps" in pip
    assert "--only-binary=:all:" in pip and pip[-2:] == ["-r", str(REPO / action_venv.CONSTRAINTS)]
    commands.clear()
    assert action_venv.install(venv, REPO, action_venv.sys.stdout) == python
    assert [c[1] for c in commands] == ["-c"]  # only the import probe: nothing rebuilt
    assert f"reusing the cached environment {venv}" in capsys.readouterr().out
    (venv / action_venv.MARKER).write_text("another constraints file\n")
    commands.clear()
    action_venv.install(venv, REPO, action_venv.sys.stdout)
    assert commands[0][1:3] == ["-m", "venv"]  # pins changed: built again


LINE = '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "%s"}]}\n'


@pytest.fixture(scope="module")
def shallow_pull_request(tmp_path_factory):
    """A pull request checked out as actions/checkout does by default: depth 1, no base."""
    work = tmp_path_factory.mktemp("work")
    git(work, "init", "-q", "-b", "main")
    (work / ".tunelint.yaml").write_text(
        "rules:\n  too_few_examples: off\n  duplicate_example: off\n"
    )
    (work / "data").mkdir()
    (work / "data" / "train.jsonl").write_text(LINE % "a" + LINE % "")
    git(work, "add", ".")
    git(work, "commit", "-qm", "base")
    base = git(work, "rev-parse", "HEAD").strip()
    git(work, "checkout", "-qb", "pr")
    (work / "data" / "train.jsonl").write_text(LINE % "a" + LINE % "" + LINE % "")
    git(work, "commit", "-qam", "pull request")
    origin = work.parent / "origin.git"
    git(work.parent, "clone", "-q", "--bare", str(work), str(origin))
    workspace = shallow_checkout(origin, work.parent / "workspace", "pr")
    runner = ActionRunner(
        workspace, tmp_path_factory.mktemp("temp"), shared_cache(tmp_path_factory)
    )
    return runner, base


def annotated_lines(stdout: str) -> list[int]:
    return [int(n) for n in re.findall(r"^::(?:error|warning) file=[^,]*,line=(\d+)", stdout, re.M)]


@pytest.mark.slow
def test_a_shallow_pull_request_is_annotated_on_its_changed_lines_and_the_install_cached(
    shallow_pull_request,
):
    runner, base = shallow_pull_request
    env = {"GITHUB_EVENT_NAME": "pull_request"}
    done = runner.run({}, env, base=base)
    assert done.returncode == 1, done.stdout + done.stderr  # not 2: the base was fetched
    assert annotated_lines(done.stdout) == [3, 3] and "unknown git revision" not in done.stdout
    assert runner.outputs()["errors"] == "1"
    (key,) = [line.split(": ")[1] for line in runner.log if line.startswith("cache ")]
    assert key.startswith("tunelint-venv-Linux-X64-py") and (runner.cache / key).is_dir()
    done = runner.run({}, env, base=base)  # the next run of the job restores the environment
    assert done.returncode == 1 and annotated_lines(done.stdout) == [3, 3]
    assert f"cache hit: {key}" in runner.log
    assert any("reusing the cached environment" in line for line in runner.log)


@pytest.mark.slow
def test_a_base_that_cannot_be_fetched_checks_every_line_with_one_warning(shallow_pull_request):
    runner, _ = shallow_pull_request
    done = runner.run({"fail-on": "never"}, {"GITHUB_EVENT_NAME": "pull_request"}, "e" * 40)
    assert done.returncode == 0, done.stdout + done.stderr
    warning = next(line for line in runner.log if "::warning" in line)
    assert warning.startswith(f"::warning title=tunelint::cannot fetch the base commit {'e' * 12}")
    assert annotated_lines(done.stdout) == [1, 2, 2, 3, 3]  # every line
