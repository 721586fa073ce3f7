"""``--dask``: checking in shards on a real Dask cluster (two worker processes) prints exactly
what a plain run prints, for ``check`` and ``stats``, JSONL and Parquet, whatever the shard
layout (whole files, a few shards, many; examples repeated across shards), with a chat model's
template and ``--max-seq-length`` too; and the example of the public API on Dask gives the
findings and statistics of a plain run."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from conftest import REPO, assistant, user
from shard_data import messy_rows, write_jsonl, write_parquet
from tunelint import dask_run
from tunelint.cli import main
from tunelint.config import config_from_dict
from tunelint.run import RunError, RunOptions, run

distributed = pytest.importorskip("distributed")
pytest.importorskip("pyarrow")
pytestmark = pytest.mark.slow
TOKENIZERS = Path(__file__).parent / "data" / "tokenizers"
MISTRAL_NEMO = TOKENIZERS / "templates" / "mistralai-Mistral-Nemo-Instruct-2407.jinja"


@pytest.fixture(scope="module")
def scheduler() -> str:
    """The address of a LocalCluster of two worker processes, shared by this module."""
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    yield cluster.scheduler_address
    cluster.close()


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory of shards: JSONL and Parquet, the same examples in several files."""
    directory = tmp_path_factory.mktemp("shards")
    for number in range(3):
        rows = messy_rows(500, seed=number)
        write_jsonl(directory / f"train-{number:05}.jsonl", rows, broken_every=61 + number)
        write_parquet(directory / f"train-{number:05}.parquet", rows, row_group_size=40)
    return directory


def tunelint(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


COMMANDS = {
    "check --stats": ["check", "--stats"],
    "check --format json": ["check", "--format", "json"],
    "stats --format json": ["stats", "--format", "json"],
}


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
@pytest.mark.parametrize("shard_bytes", [10**9, 60_000, 7_000])
def test_a_dask_run_prints_what_a_plain_run_prints(
    scheduler: str, shards: Path, monkeypatch, command: list[str], shard_bytes: int
) -> None:
    monkeypatch.setattr(dask_run, "SHARD_BYTES", shard_bytes)
    plain = tunelint(*command, str(shards), "--jobs", "1")
    assert command[0] == "stats" or (plain[0] == 1 and "duplicate_example" in plain[1])
    assert tunelint(*command, str(shards), "--dask", scheduler) == plain


@pytest.fixture(scope="module")
def chat_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two files of messy chat rows, with turns the Mistral-Nemo template refuses (two users
    in a row) and a first answer of weight 0, every so often."""
    directory = tmp_path_factory.mktemp("chat")
    weighted = [user("a"), {**assistant("not this one"), "weight": 0}, user("b"), assistant()]
    for number in range(2):
        rows = messy_rows(600, seed=11 + number)
        for index in range(0, len(rows), 45):
            rows.insert(index, {"messages": [user("a"), user("b"), assistant()]})
            rows.insert(index + 20, {"messages": weighted})
        write_jsonl(directory / f"chat-{number}.jsonl", rows, broken_every=97)
    return directory


@pytest.mark.parametrize("shard_bytes", [10**9, 9_000])
def test_chat_template_statistics_on_dask_are_a_plain_runs(
    scheduler: str, chat_files: Path, monkeypatch, shard_bytes: int
) -> None:
    """The workers render under the model directory and template given (the Qwen2 tokenizer,
    Mistral-Nemo's template) and count truncation at --max-seq-length: the report, as text
    and JSON, and the --per-example records, in file order, are the plain run's byte for
    byte."""
    pytest.importorskip("tokenizers")
    pytest.importorskip("jinja2")
    monkeypatch.setattr(dask_run, "SHARD_BYTES", shard_bytes)
    model = ["--tokenizer", str(TOKENIZERS / "qwen2"), "--chat-template", str(MISTRAL_NEMO)]
    model += ["--max-seq-length", "48"]
    outputs = {}
    for output in ([], ["--format", "json"], ["--per-example"]):
        plain = tunelint("stats", str(chat_files), *model, *output, "--jobs", "1")
        assert tunelint("stats", str(chat_files), *model, *output, "--dask", scheduler) == plain
        outputs[output[0] if output else "text"] = plain[1]
    report = json.loads(outputs["--format"])
    for counted in report["files"]:
        assert counted["truncation"]["truncated_examples"] > 0, counted
        assert counted["untrained_assistant_tokens"] > 0 and counted["skipped_lines"] > 0
    records = [json.loads(line) for line in outputs["--per-example"].splitlines()]
    assert len(records) == sum(counted["examples"] for counted in report["files"])
    assert [r["file"][-7:] for r in records] == sorted(r["file"][-7:] for r in records)


def test_per_example_records_wait_on_the_cluster_within_a_window(
    scheduler: str, chat_files: Path, monkeypatch
) -> None:
    """With --per-example, at most RECORD_WINDOW shards per worker thread are checked ahead
    of the one whose records are written next: the records held on the cluster are bounded."""
    monkeypatch.setattr(dask_run, "SHARD_BYTES", 9_000)
    waiting = []
    submit = dask_run.DaskChecks._submit

    def watched(checks: dask_run.DaskChecks) -> None:
        submit(checks)
        waiting.append(len(checks.unread))

    monkeypatch.setattr(dask_run.DaskChecks, "_submit", watched)
    status, out, _ = tunelint("stats", str(chat_files), "--per-example", "--dask", scheduler)
    assert status == 0 and len(out.splitlines()) > 1000
    assert max(waiting) == dask_run.RECORD_WINDOW * 2  # two workers of one thread


def test_a_file_that_cannot_be_read_is_the_same_path_error(scheduler: str, tmp_path: Path):
    write_jsonl(tmp_path / "good.jsonl", messy_rows(30))
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 but truncated PAR1")
    (tmp_path / "unreadable.jsonl").mkdir()  # a directory: planning it raises OSError
    paths = [str(tmp_path / name) for name in ("good.jsonl", "bad.parquet")]
    paths.append(str(tmp_path / "unreadable.jsonl"))
    plain = tunelint("check", *paths)
    assert tunelint("check", *paths, "--dask", scheduler) == plain
    assert "invalid_parquet" in plain[1]
    records = tunelint("stats", *paths[::-1], "--per-example")
    assert tunelint("stats", *paths[::-1], "--per-example", "--dask", scheduler) == records
    assert records[0] == 2 and "good.jsonl" in records[1] and "unreadable.jsonl" in records[2]


def test_dask_local_starts_a_cluster_of_its_own(shards: Path) -> None:
    command = [sys.executable, "-m", "tunelint", "check", str(shards), "--stats"]
    plain = subprocess.run(command, capture_output=True, text=True)
    on_dask = subprocess.run([*command, "--dask", "local:2"], capture_output=True, text=True)
    assert (on_dask.returncode, on_dask.stdout) == (plain.returncode, plain.stdout)
    assert on_dask.stderr == plain.stderr


def test_bad_addresses_and_options_are_usage_errors(shards: Path) -> None:
    status, _, err = tunelint("check", str(shards), "--dask", "local:0")
    assert (status, err) == (
        2,
        "tunelint: --dask local:0: want local, local:N (N at least 1) or an address\n",
    )
    for address in ("tcp://127.0.0.1:9", "no-port"):
        status, _, err = tunelint("check", str(shards), "--dask", address)
        assert status == 2 and err.startswith(f"tunelint: --dask {address}: cannot connect")
    options = RunOptions(
        [str(shards)], validation=[str(shards / "train-00000.jsonl")], dask="local"
    )
    with pytest.raises(RunError, match="without --validation"):
        run(config_from_dict({}), options)


def test_without_dask_the_message_names_the_extra(shards: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    status, _, err = tunelint("check", str(shards), "--dask", "local")
    assert (status, err) == (
        2,
        "tunelint: --dask needs distributed: pip install 'tunelint[dask]'\n",
    )


def test_the_dask_example_maps_the_public_api(scheduler: str, shards: Path) -> None:
    paths = sorted(str(path) for path in shards.iterdir())
    done = subprocess.run(
        [sys.executable, str(REPO / "examples" / "dask_map.py"), "--scheduler", scheduler, *paths],
        capture_output=True,
        text=True,
        check=True,
    )
    config = config_from_dict({})
    outcome = run(config, RunOptions(paths, stats=True))
    findings = [
        f"{d.file}:{d.line}: {d.rule} {d.message}" for r in outcome.results for d in r.diagnostics
    ]
    examples = sum(stats.examples for _, stats in outcome.stats)
    tokens = sum(stats.tokens.total for _, stats in outcome.stats)
    assert done.stdout.splitlines() == [*findings, f"{examples} examples, {tokens} tokens"]
