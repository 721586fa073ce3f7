"""Every speed-up gives exactly the figures of the plain path: split files, the token cache,
and the byte bound that spares the tokenizer."""

import json
import random

import pytest

from conftest import DATA, collect_stats, small_file_config
from tunelint import parallel
from tunelint.config import config_from_dict
from tunelint.models import load_catalog
from tunelint.progress import Progress
from tunelint.tokens import count_example, text_counter


def messy_file(path, lines=400):
    """Valid chat examples mixed with every kind of line that feeds a dataset rule."""
    rng = random.Random(7)
    system = {"role": "system", "content": "You are terse. " * 40}
    out = []
    for n in range(lines):
        kind = rng.random()
        example = {
            "messages": [
                system,
                {"role": "user", "content": f"question {n % 37} " * rng.randint(1, 30)},
                {"role": "assistant", "content": f"answer {n % 37}"},
            ]
        }
        if kind < 0.05:
            out.append("{not json")
        elif kind < 0.08:
            out.append("")
        elif kind < 0.11:
            out.append(json.dumps({"prompt": "p", "completion": " c"}))  # another format
        elif kind < 0.15:
            example["messages"][2]["content"] = ""
            out.append(json.dumps(example))
        else:
            out.append(json.dumps(example, ensure_ascii=False))  # repeats: duplicate_example
    path.write_text("\n".join(out) + "\n")
    return path


def fingerprint(result, stats=None):
    return (
        [d.to_dict() for d in result.diagnostics],
        result.lines,
        result.examples,
        dict(result.skipped),
        result.example_hashes,
        stats,
    )


@pytest.fixture
def split_everything(monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)


def files(tmp_path, corpus_dir):
    paths = [messy_file(tmp_path / "messy.jsonl"), DATA / "cookbook-toy-chat.jsonl"]
    if corpus_dir is not None:
        paths += sorted(corpus_dir.glob("*.jsonl"))
    return paths


@pytest.fixture
def corpus_dir(request):
    try:
        return request.getfixturevalue("corpus")
    except pytest.skip.Exception:
        return None


@pytest.mark.parametrize("jobs", [2, 3, 7])
def test_split_files_give_the_same_findings(tmp_path, corpus_dir, split_everything, jobs):
    config = config_from_dict({})
    for path in files(tmp_path, corpus_dir):
        serial = parallel.check_path(str(path), config, 1)
        split = parallel.check_path(str(path), config, jobs)
        assert fingerprint(*split) == fingerprint(*serial), path


def test_split_files_give_the_same_statistics(tmp_path, corpus_dir, split_everything):
    config = small_file_config()
    count = text_counter("o200k_base")
    constants = load_catalog().encodings["o200k_base"].tool_constants
    for path in files(tmp_path, corpus_dir):
        serial = collect_stats(str(path), config, count, constants, jobs=1)
        split = collect_stats(str(path), config, count, constants, jobs=2)
        assert fingerprint(*split) == fingerprint(*serial), path


def test_the_file_really_is_split(tmp_path, split_everything):
    path = messy_file(tmp_path / "messy.jsonl")
    parts = parallel._parts(str(path), path.stat().st_size, 3)
    assert len(parts) == 3 and parts[0][2] == 1
    text = path.read_bytes()
    for start, _, first_line in parts:
        assert start == 0 or text[start - 1 : start] == b"\n"
        assert first_line == text[:start].count(b"\n") + 1
    assert parallel._decided_format(str(path), config_from_dict({})) == (True, "chat")


def test_documents_and_binary_files_stay_in_one_process(tmp_path, split_everything):
    document = tmp_path / "doc.jsonl"
    document.write_text(json.dumps([{"messages": []}] * 3, indent=2))
    assert parallel._decided_format(str(document), config_from_dict({})) == (False, None)
    serial = parallel.check_path(str(document), config_from_dict({}), 1)
    assert fingerprint(*parallel.check_path(str(document), config_from_dict({}), 2)) == (
        fingerprint(*serial)
    )


def test_token_cache_and_byte_bound_change_no_figure(tmp_path, corpus_dir):
    constants = load_catalog().encodings["o200k_base"].tool_constants
    config = small_file_config()
    for path in files(tmp_path, corpus_dir):
        cached = collect_stats(str(path), config, text_counter("o200k_base"), constants)[1]
        plain = collect_stats(
            str(path), config, text_counter("o200k_base", cached=False), constants
        )[1]
        assert cached == plain, path
    # The byte bound only skips examples that cannot be over the limit: with a limit that
    # makes some examples too long, the rule reports exactly those a full count finds.
    path = DATA / "cookbook-toy-chat.jsonl"
    limit = 45
    limited = small_file_config({"model": "gpt-3.5-turbo-0125", "max_tokens_per_example": limit})
    reported = [
        d.line
        for d in parallel.check_path(str(path), limited, 1)[0].diagnostics
        if d.rule == "over_token_limit"
    ]
    count = text_counter("cl100k_base", cached=False)
    tool_constants = load_catalog().encodings["cl100k_base"].tool_constants
    expected = [
        number
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if count_example(json.loads(line), count, tool_constants).total > limit
    ]
    assert reported == expected and 0 < len(expected) < 5


def test_the_bar_gets_every_byte_the_workers_read_with_the_same_result(
    tmp_path, split_everything, monkeypatch
):
    """Workers count the bytes they read into shared memory, which the parent shows while it
    waits (every ``PROGRESS_SECONDS``) and as each part arrives; in the end the bar holds the
    file's size, and the merged result is still one pass's."""
    path = messy_file(tmp_path / "messy.jsonl", lines=2_000)
    size = path.stat().st_size
    monkeypatch.setattr(parallel, "PART_BYTES", size // 8)
    monkeypatch.setattr(parallel, "PROGRESS_SECONDS", 0.001)

    class Recorder:
        def __init__(self):
            self.updates = []

        def update(self, count):
            self.updates.append(count)

    progress = Progress(0, False)
    progress.bar = Recorder()
    config = config_from_dict({})
    split = parallel.check_path(str(path), config, 2, progress=progress)
    assert sum(progress.bar.updates) == size and min(progress.bar.updates) >= 0
    assert fingerprint(*split) == fingerprint(*parallel.check_path(str(path), config, 1))


def test_every_worker_gets_as_many_parts():
    part = parallel.PART_BYTES
    assert parallel.part_count(5 * part, 2) == 6
    assert parallel.part_count(part // 2, 2) == 2
    assert parallel.part_count(8 * part, 2) == 8
    assert parallel.part_count(9 * part, 4) == 12
