"""What case files cannot check: a file checked in parts (``tunelint.parallel``) gets the
findings of the whole, because dataset rules merge the states of its parts."""

import dataclasses

from conftest import small_file_config
from tunelint import engine, parallel
from tunelint.profile import Limits, load_profile
from tunelint.rules.base import RuleContext
from tunelint.rules.dataset import DuplicateExample, TooManyExamples


def test_duplicate_example_states_of_two_parts_merge_to_the_whole_files_findings():
    rule, ctx = DuplicateExample(), RuleContext({}, load_profile())
    examples = [{"a": 1}, {"b": 2}, {"a": 1}, {"b": 2}, {"a": 1}]
    whole, first, second = rule.start(ctx), rule.start(ctx), rule.start(ctx)
    for number, example in enumerate(examples, 1):
        whole = rule.add(whole, example, number, ctx)
        if number <= 2:
            first = rule.add(first, example, number, ctx)
        else:
            second = rule.add(second, example, number, ctx)
    merged = rule.merge(first, second)
    assert list(rule.finish(merged, ctx)) == list(rule.finish(whole, ctx))
    assert [p.line for p in rule.finish(merged, ctx)] == [3, 4, 5]


def test_too_many_examples_counts_of_two_parts_add_up():
    capped = dataclasses.replace(load_profile(), limits=Limits(max_examples=2))
    rule, ctx = TooManyExamples(), RuleContext({}, capped)
    state = rule.merge(rule.add(rule.start(ctx), {}, 1, ctx), 2)
    (problem,) = rule.finish(state, ctx)
    assert (problem.line, problem.message) == (1, "file has 3 examples; at most 2 allowed")


def test_the_file_size_cap_is_reported_once_when_the_file_is_split(tmp_path, monkeypatch):
    azure = load_profile("azure-openai")
    small = dataclasses.replace(
        azure, limits=dataclasses.replace(azure.limits, max_file_bytes=1000)
    )
    monkeypatch.setattr(engine, "load_profile", lambda name: small)
    config = small_file_config({"profile": "azure-openai"})
    path = tmp_path / "big.jsonl"
    path.write_text('{"messages": [{"role": "user", "content": "a"}]}\n' * 40)

    def sizes(jobs: int) -> list[tuple[int, int, str]]:
        result, _ = parallel.check_path(str(path), config, jobs)
        return [
            (d.line, d.column, d.message) for d in result.diagnostics if d.rule == "file_too_large"
        ]

    whole = sizes(jobs=1)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    assert len(whole) == 1 and sizes(jobs=2) == whole
