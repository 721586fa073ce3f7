from tests.conftest import assistant, chat, found, user

from tunelint.profile import Limits
from tunelint.rules.base import RuleContext
from tunelint.rules.dataset import TooManyExamples


class _Profile:
    limits = Limits(max_examples=2)


def test_more_examples_than_the_maximum():
    rule, ctx = TooManyExamples(), RuleContext({}, _Profile())
    state = rule.merge(rule.add(rule.start(ctx), {}, 1, ctx), 2)
    (problem,) = rule.finish(state, ctx)
    assert (problem.line, problem.message) == (1, "file has 3 examples; at most 2 allowed")


def test_no_maximum_at_openai_and_within_fireworks():
    line = chat(user(), assistant())
    assert found(line, line, rule="too_many_examples") == []
    assert found(line, line, rule="too_many_examples", config={"profile": "fireworks"}) == []
