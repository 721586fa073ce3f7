from conftest import assistant, chat, found, user

RULE = "duplicate_example"
CONFIG = {"rules": {"duplicate_example": "warning"}}


def test_duplicate_example_reported_at_line_column_and_path():
    lines = [chat(user(), assistant()), chat(user("x"), assistant()), chat(user(), assistant())]
    assert found(*lines, rule=RULE, config=CONFIG) == [(3, 1, "", "duplicate of line 1")]


def test_duplicate_example_good_case_passes():
    lines = [chat(user(), assistant()), chat(user("x"), assistant())]
    assert found(*lines, rule=RULE, config=CONFIG) == []


def test_states_of_two_parts_merge_to_the_whole_files_findings():
    from tunelint.profile import load_profile
    from tunelint.rules.base import RuleContext
    from tunelint.rules.dataset import DuplicateExample

    rule, ctx = DuplicateExample(), RuleContext({}, load_profile())
    examples = [{"a": 1}, {"b": 2}, {"a": 1}, {"b": 2}, {"a": 1}]
    whole, first, second = rule.start(ctx), rule.start(ctx), rule.start(ctx)
    for number, example in enumerate(examples, 1):
        whole = rule.add(whole, example, number, ctx)
        part = first if number <= 2 else second
        if number <= 2:
            first = rule.add(part, example, number, ctx)
        else:
            second = rule.add(part, example, number, ctx)
    merged = rule.merge(first, second)
    assert list(rule.finish(merged, ctx)) == list(rule.finish(whole, ctx))
    assert [p.line for p in rule.finish(merged, ctx)] == [3, 4, 5]
