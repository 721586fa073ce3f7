"""``tunelint compare``: one file checked and costed under several profiles, side by side.

Per profile: pass or fail (errors after the config's suppressions), the errors by rule, the
warnings, and the figures of ``tunelint stats`` over the examples that profile accepts (lines
with errors are skipped, as in ``stats``). Each profile uses its own default model, unless it
is the config's profile, whose ``model:`` applies; ``--tokenizer`` applies to the profiles whose
model reads a Hugging Face ``tokenizer.json``. It is a report: it exits 0 whatever it finds.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from tunelint.config import Config
from tunelint.costing import choose, model_facts
from tunelint.diagnostics import Level
from tunelint.run import RunError, RunOptions, run
from tunelint.stats import stats_config, summarize


def _profile_config(config: Config, profile: str) -> Config:
    copy = config.with_rule_levels([])
    if profile != config.settings["profile"]:
        copy.settings["model"] = None
    copy.settings["profile"] = profile
    return copy


def compare_profile(
    path: str,
    config: Config,
    profile: str,
    epochs: int | None = None,
    tokenizer: str | None = None,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """Findings and figures of ``path`` under one profile (JSON-ready).

    Raises ``RunError`` for a model, tokenizer or setting that cannot be used, or a file that
    cannot be read.
    """
    config = _profile_config(config, profile)
    settings = config.settings
    choice = choose(profile, settings["model"], settings["max_tokens_per_example"])
    options = RunOptions(
        [path],
        use_baseline=False,
        stats=True,
        epochs=epochs,
        tokenizer=tokenizer if choice.takes_tokenizer_json else None,
    )
    outcome = run(stats_config(config), options)
    if outcome.path_errors:
        raise RunError(outcome.path_errors[0])
    if len(outcome.results) != 1:
        raise RunError(f"{path}: compare takes one file")
    assert outcome.estimate is not None
    estimate, (result,), ((_, stats),) = outcome.estimate, outcome.results, outcome.stats
    errors = Counter(d.rule for d in result.diagnostics if d.level is Level.ERROR)
    figures = summarize(stats, estimate)
    model = model_facts(
        estimate.model,
        estimate.token_limit,
        estimate.tokens,
        profile,
        today or datetime.date.today(),
    )
    return {
        "profile": profile,
        "title": choice.profile.title,
        "passed": not errors,
        "errors": sum(errors.values()),
        "errors_by_rule": dict(sorted(errors.items(), key=lambda item: (-item[1], item[0]))),
        "warnings": result.count(Level.WARNING),
        "model": model,
        **{
            key: figures[key]
            for key in (
                "examples",
                "skipped_lines",
                "billing_tokens",
                "over_token_limit",
                "epochs",
                "charged_tokens",
                "cost_usd",
            )
        },
        "tokens": figures["tokens_per_example"]["sum"] if stats.examples else 0,
        "tokens_are_estimate": model["tokens_are_estimate"],
        "tokenizer": model["tokenizer"],
    }


def compare(
    path: str,
    config: Config,
    profiles: list[str],
    epochs: int | None = None,
    tokenizer: str | None = None,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """The compare report of one file under each profile, in the order given."""
    return {
        "file": path,
        "profiles": [
            compare_profile(path, config, profile, epochs, tokenizer, today) for profile in profiles
        ],
    }
