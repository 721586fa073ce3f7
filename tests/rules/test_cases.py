r"""Rule case files: what each rule reports, as data (like sqlfluff's YAML rule tests).

Every registered rule has ``tests/rules/cases/<rule_id>.yaml`` in the format of CASES.md::

    rule: missing_content              # the rule id this file is about
    cases:
      - name: empty assistant content is an error
        config: {profile: openai}      # optional: the case's .tunelint.yaml, as a mapping
        filename: data/train.jsonl     # optional, default case.jsonl
        lines:                         # the file's lines, verbatim (one YAML string each)
          - '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": ""}]}'
        expect:                        # every finding of THIS rule, in order: LINE:COL PATH MESSAGE
          - "1:74 messages[1].content messages[1].content is empty (assistant)"  # PATH - if empty

Findings of other rules are ignored. Each case is checked as ``tunelint check`` would check
it: in a fresh directory holding the file and the case's config as ``.tunelint.yaml`` (so
``per-file-ignores`` and ``ignore-examples`` apply; the file is ``yaml.safe_dump`` of
``config``, keys sorted, so an ``unused_suppression`` is at its line there). Three optional
extensions of CASES.md, for what lines of text cannot say:

* ``bytes:`` the whole file, instead of ``lines``, as a Python bytes escape string in single
  quotes (``'\xef\xbb\xbf{"messages": []}\n'``): a byte-order mark, invalid UTF-8, UTF-16.
  A backslash of the JSON itself is written ``\\``.
* ``training:`` lines of a training file ``train.jsonl``; the case's file is then checked as
  its validation file (``tunelint check train.jsonl --validation case.jsonl``).
* ``eval:`` lines of an eval file ``eval.txt`` beside the case's file, given to the check as
  ``contamination: [eval.txt]`` (``--contamination eval.txt``).
* ``limits:`` fields of the profile's limits (``tunelint.profile.Limits``) replaced for the
  case, for caps no test file reaches (``max_file_bytes: 1000`` instead of 512 MB).

To add a rule's case file: write ``tests/rules/cases/<rule_id>.yaml`` with at least one case
that expects a finding and one that expects none, with ``expect: []`` where you do not know
the findings yet, and run ``pytest tests/rules/test_cases.py -k <rule_id>``: a failing case
prints the findings it got as ``expect`` lines; check each against the rule before you copy it.

The rules' documentation is run too: in the ``## Example`` and ``## Use instead`` sections of
a rule's docstring, every fenced ```` ```json ```` block whose lines are each a complete JSON
value (an object; a list for ``data_type``) is checked as a JSONL file, and so is every
```` ```jsonl ```` block, verbatim (a file as written: a blank line, a line that is not JSON).
Under Example it must get a finding of the rule, under Use instead none. A ```` ```yaml ````
block whose first line is the marker comment ``# .tunelint.yaml`` is the config of the blocks
after it in that docstring (another profile, a rule that is off by default). ``json`` blocks
that elide (``...``) or wrap an example are illustrations and are not run: write an example as
whole lines to have it run. Every rule shows both sections as run blocks, except the few in
``DESCRIBED_ONLY``, whose data a docstring cannot hold.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any
from unittest import mock

import pytest
import yaml

from tunelint import engine
from tunelint.config import load_config
from tunelint.diagnostics import Diagnostic
from tunelint.profile import Profile, load_profile
from tunelint.rules import all_rules
from tunelint.run import RunOptions, run

CASES = Path(__file__).parent / "cases"
CONFIG_FILE = ".tunelint.yaml"
TRAINING_FILE = "train.jsonl"
EVAL_FILE = "eval.txt"
CASE_KEYS = {"name", "config", "filename", "lines", "bytes", "expect", "training", "eval", "limits"}


@dataclasses.dataclass(frozen=True)
class Case:
    """One case of a rule's case file."""

    rule: str
    name: str
    content: bytes
    expect: list[str]
    config: dict[str, Any]
    filename: str
    training: list[str] | None
    eval: list[str] | None
    limits: dict[str, Any] | None

    @property
    def id(self) -> str:
        return f"{self.rule}:{self.name}"


@contextmanager
def profile_limits(limits: dict[str, Any] | None) -> Iterator[None]:
    """Profiles as loaded, with the given ``Limits`` fields replaced while the block runs."""
    if not limits:
        yield
        return

    def with_limits(name: str) -> Profile:
        profile = load_profile(name)
        return dataclasses.replace(profile, limits=dataclasses.replace(profile.limits, **limits))

    with mock.patch.object(engine, "load_profile", with_limits):
        yield


def run_check(
    filename: str, training: str | None = None, limits: dict[str, Any] | None = None
) -> list[Diagnostic]:
    """Every finding of ``tunelint check`` on ``filename`` (``--validation`` of ``training``
    when given) under ./.tunelint.yaml, suppressions applied. The one place in these tests
    that knows the config and run API."""
    config = load_config(CONFIG_FILE)
    options = RunOptions([training], [filename]) if training else RunOptions([filename])
    with profile_limits(limits):
        outcome = run(config, options)
    checked = outcome.results[-1]  # the validation file comes after the training file
    unused = outcome.unused_suppressions
    return checked.diagnostics + (unused.diagnostics if unused else [])


def as_expected(diagnostic: Diagnostic) -> str:
    """A finding in the ``expect`` syntax: LINE:COL PATH MESSAGE."""
    return f"{diagnostic.line}:{diagnostic.column} {diagnostic.path or '-'} {diagnostic.message}"


TEST_DATA = Path(__file__).parent.parent / "data"
DATA_PATH_KEYS = ("tokenizer", "chat_template")
"""Config keys whose value in a case file is a path under tests/data."""


def findings_of(rule_id: str, directory: Path, config: dict[str, Any], **run: Any) -> list[str]:
    """Write ``config`` as ``directory``'s .tunelint.yaml, run the check there, and give
    ``rule_id``'s findings in the ``expect`` syntax."""
    paths = {key: str(TEST_DATA / config[key]) for key in DATA_PATH_KEYS if key in config}
    (directory / CONFIG_FILE).write_text(yaml.safe_dump({**config, **paths}), "utf-8")
    return [as_expected(d) for d in run_check(**run) if d.rule == rule_id]


# --- case files ----------------------------------------------------------------------------


def _file_bytes(case: dict[str, Any], where: str) -> bytes:
    if ("lines" in case) == ("bytes" in case):
        raise ValueError(f"{where}: give either 'lines' or 'bytes'")
    if "bytes" in case:
        escaped = case["bytes"]
        try:
            if not isinstance(escaped, str) or not escaped.isascii():
                raise UnicodeError
            return escaped.encode("ascii").decode("unicode_escape").encode("latin-1")
        except UnicodeError:
            raise ValueError(f"{where}: 'bytes' must be ASCII with \\xNN escapes") from None
    lines = _strings(case["lines"], "lines", where)
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def _strings(value: Any, key: str, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{where}: '{key}' must be a list of strings")
    return value


def _relative_file(name: Any, where: str) -> str:
    path = PurePosixPath(str(name))
    if (
        path.is_absolute()
        or ".." in path.parts
        or str(path) in (CONFIG_FILE, TRAINING_FILE, EVAL_FILE)
    ):
        raise ValueError(f"{where}: 'filename' must be a file name inside the case's directory")
    return str(path)


def _case(rule_id: str, case: Any, where: str) -> Case:
    if not isinstance(case, dict) or not isinstance(case.get("name"), str):
        raise ValueError(f"{where}: a case must be a mapping with a 'name'")
    where = f"{where} ({case['name']!r})"
    unknown = set(case) - CASE_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)} (known: {sorted(CASE_KEYS)})")
    for key in ("config", "limits"):
        if not isinstance(case.get(key) or {}, dict):
            raise ValueError(f"{where}: '{key}' must be a mapping")
    training = case.get("training")
    return Case(
        rule=rule_id,
        name=case["name"],
        content=_file_bytes(case, where),
        expect=_strings(case.get("expect"), "expect", where),
        config=case.get("config") or {},
        filename=_relative_file(case.get("filename", "case.jsonl"), where),
        training=None if training is None else _strings(training, "training", where),
        eval=None if case.get("eval") is None else _strings(case["eval"], "eval", where),
        limits=case.get("limits"),
    )


def load_case_file(path: Path) -> list[Case]:
    """The cases of one case file; a malformed file is a ValueError naming it."""
    data = yaml.safe_load(path.read_text("utf-8"))
    if not isinstance(data, dict) or set(data) != {"rule", "cases"}:
        raise ValueError(f"{path.name}: wants exactly the keys 'rule' and 'cases'")
    if data["rule"] != path.stem:
        raise ValueError(f"{path.name}: names rule {data['rule']!r}, not {path.stem!r}")
    if not isinstance(data["cases"], list):
        raise ValueError(f"{path.name}: 'cases' must be a list")
    return [_case(path.stem, case, path.name) for case in data["cases"]]


CASE_FILES = sorted(CASES.glob("*.yaml"))
ALL_CASES = [case for path in CASE_FILES for case in load_case_file(path)]


@pytest.mark.parametrize("case", ALL_CASES, ids=[case.id for case in ALL_CASES])
def test_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / case.filename
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(case.content)
    training = None
    if case.training is not None:
        (tmp_path / TRAINING_FILE).write_text("".join(f"{t}\n" for t in case.training), "utf-8")
        training = TRAINING_FILE
    config = case.config
    if case.eval is not None:
        (tmp_path / EVAL_FILE).write_text("".join(f"{t}\n" for t in case.eval), "utf-8")
        config = {**config, "contamination": [EVAL_FILE]}
    found = findings_of(
        case.rule,
        tmp_path,
        config,
        filename=case.filename,
        training=training,
        limits=case.limits,
    )
    got = "\n".join(f"      - {json.dumps(line, ensure_ascii=False)}" for line in found)
    where = f"tests/rules/cases/{case.rule}.yaml, case {case.name!r}"
    assert found == case.expect, f"{where} got:\n{got or '    expect: []'}"


def test_case_names_are_unique_within_a_file() -> None:
    ids = [case.id for case in ALL_CASES]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_every_rule_has_a_case_file_and_every_case_file_a_rule() -> None:
    files = {path.stem for path in CASE_FILES}
    assert sorted(set(all_rules()) - files) == [], "rules without tests/rules/cases/<id>.yaml"
    assert sorted(files - set(all_rules())) == [], "case files naming no registered rule"


def test_every_case_file_has_a_case_with_findings_and_one_without() -> None:
    kinds: dict[str, set[bool]] = {}
    for case in ALL_CASES:
        kinds.setdefault(case.rule, set()).add(bool(case.expect))
    lacking = sorted(rule for rule in all_rules() if kinds.get(rule) != {True, False})
    assert lacking == [], "each needs a case with findings and a case with expect: []"


# --- the rules' documentation --------------------------------------------------------------

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
SECTIONS = {"Example": True, "Use instead": False}  # section -> whether the rule must report
CONFIG_MARKER = f"# {CONFIG_FILE}"


@dataclasses.dataclass(frozen=True)
class DocExample:
    """A block of whole JSONL lines in a rule's docs, with the config it is shown under."""

    rule: str
    section: str
    number: int
    lines: tuple[str, ...]
    config: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.rule}:{self.section}:{self.number}"


def _whole_lines(block: str) -> tuple[str, ...] | None:
    """The lines of a block if each is one complete JSON value, else None."""
    lines = tuple(block.splitlines())
    try:
        for line in lines:
            json.loads(line)
    except ValueError:
        return None
    return lines or None


def _run_lines(language: str, block: str) -> tuple[str, ...] | None:
    """The file a block stands for: a ``jsonl`` block verbatim, a ``json`` block of whole
    lines; None for a block that is not run."""
    if language == "jsonl":
        return tuple(block.splitlines())
    return _whole_lines(block) if language == "json" else None


def doc_examples(rule_id: str, documentation: str) -> Iterator[DocExample]:
    config: dict[str, Any] = {}
    numbers: dict[str, int] = {}
    for section_text in re.split(r"^## ", documentation, flags=re.M)[1:]:
        heading, _, body = section_text.partition("\n")
        title = heading.strip()
        for language, block in FENCE.findall(body):
            if language == "yaml" and block.startswith(CONFIG_MARKER):
                config = yaml.safe_load(block) or {}
            lines = _run_lines(language, block)
            if title in SECTIONS and lines:
                numbers[title] = numbers.get(title, 0) + 1
                yield DocExample(rule_id, title, numbers[title], lines, config)


DOC_EXAMPLES = [
    example
    for rule_id, rule in all_rules().items()
    for example in doc_examples(rule_id, rule.documentation())
]


@pytest.mark.parametrize("example", DOC_EXAMPLES, ids=[e.id for e in DOC_EXAMPLES])
def test_documented_example_behaves_as_its_section_says(
    example: DocExample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "example.jsonl").write_text("".join(f"{x}\n" for x in example.lines), "utf-8")
    found = findings_of(example.rule, tmp_path, example.config, filename="example.jsonl")
    if SECTIONS[example.section]:
        assert found, f"the documented example gets no {example.rule} finding"
    else:
        assert found == [], f"the documented alternative still gets {example.rule} findings"


DESCRIBED_ONLY = {
    "chat_template_error": "needs a model's tokenizer and chat template",
    "dropped_reasoning": "needs a model's tokenizer and chat template",
    "missing_eos": "needs a model's tokenizer and chat template",
    "no_trainable_tokens": "needs a model's tokenizer and chat template",
    "template_without_generation_markers": "needs a model's tokenizer and chat template",
    "truncated_assistant_turn": "needs a tokenizer and examples longer than max_seq_length",
    "partly_truncated_assistant_turn": "needs a tokenizer and examples longer than max_seq_length",
    "file_too_large": "a file of hundreds of megabytes",
    "line_too_long": "a line longer than the reader's 64 MB cap",
    "too_many_examples": "millions of lines",
    "too_few_examples": "the alternative is ten examples",
    "too_many_images": "an example with more than ten images",
    "invalid_encoding": "bytes that are not UTF-8",
    "invalid_parquet": "a Parquet file",
    "utf8_bom": "an invisible byte-order mark",
    "missing_utf8_bom": "an invisible byte-order mark",
    "train_validation_overlap": "a training and a validation file",
    "eval_contamination": "an eval file beside the training file",
}
"""Rules whose documentation describes its Example or Use instead in words, and why."""


def test_every_rule_shows_a_run_example_and_alternative_unless_described_only() -> None:
    shown: dict[str, set[str]] = {}
    for example in DOC_EXAMPLES:
        shown.setdefault(example.rule, set()).add(example.section)
    lacking = {rule for rule in all_rules() if shown.get(rule) != set(SECTIONS)}
    assert sorted(lacking - set(DESCRIBED_ONLY)) == [], "give these a json block in both sections"
    assert sorted(set(DESCRIBED_ONLY) - lacking) == [], (
        "both sections run: drop from DESCRIBED_ONLY"
    )
