"""Statistics before training: token and message distributions, epochs and cost.

``Stats`` is mergeable state: exact histograms (value -> count) and counters, so the totals of
several files, or of byte ranges of one file counted in parallel, are exactly what one pass over
everything gives. Figures that depend on the model (limit, billing, epochs, cost) are derived
from that state in ``summarize``; formatting lives in ``tunelint.report.stats_*``.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import math
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from tunelint.chat.training import ExampleAnalysis, LengthAggregate, Training, training_for
from tunelint.config import Config, ConfigError
from tunelint.costing import TokenSource, choose, model_facts, price_of
from tunelint.models import Model, load_catalog
from tunelint.profile import DEFAULT_PROFILE, ProfileModel, load_profile
from tunelint.results import FileResult
from tunelint.tokens import ExampleTokens, TextCounter, conversation, count_example

PERCENTILES = {
    "median": Fraction(1, 2),
    "p5": Fraction(5, 100),
    "p10": Fraction(10, 100),
    "p90": Fraction(90, 100),
    "p95": Fraction(95, 100),
}
HISTOGRAM_BINS = 10


@dataclass
class Distribution:
    """An exact histogram of integer values; percentiles as numpy's default (linear)."""

    counts: Counter[int] = field(default_factory=Counter)

    def add(self, value: int) -> None:
        self.counts[value] += 1

    def merge(self, other: Distribution) -> Distribution:
        return Distribution(self.counts + other.counts)

    @property
    def count(self) -> int:
        return sum(self.counts.values())

    @property
    def total(self) -> int:
        return sum(value * n for value, n in self.counts.items())

    def _sorted_runs(self) -> list[tuple[int, int]]:
        """(value, cumulative count up to and including it), in value order."""
        runs, seen = [], 0
        for value in sorted(self.counts):
            seen += self.counts[value]
            runs.append((value, seen))
        return runs

    @staticmethod
    def _at(runs: list[tuple[int, int]], rank: int) -> int:
        """The value at 0-based ``rank`` in sorted order."""
        for value, seen in runs:
            if rank < seen:
                return value
        raise IndexError(rank)

    def percentile(self, q: Fraction, runs: list[tuple[int, int]] | None = None) -> float:
        """The q-quantile with linear interpolation, computed exactly then rounded once."""
        runs = runs or self._sorted_runs()
        position = (self.count - 1) * q
        low = math.floor(position)
        below = self._at(runs, low)
        if position == low:
            return float(below)
        return float(below + (position - low) * (self._at(runs, low + 1) - below))

    def summary(self) -> dict[str, float | int] | None:
        """min, max, mean, median, p5, p10, p90, p95 and sum; None when empty."""
        if not self.counts:
            return None
        runs = self._sorted_runs()
        figures: dict[str, float | int] = {
            "min": min(self.counts),
            "max": max(self.counts),
            "mean": self.total / self.count,
        }
        figures |= {name: self.percentile(q, runs) for name, q in PERCENTILES.items()}
        figures["sum"] = self.total
        return figures

    def capped_total(self, limit: int) -> int:
        return sum(min(value, limit) * n for value, n in self.counts.items())

    def count_over(self, limit: int) -> int:
        return sum(n for value, n in self.counts.items() if value > limit)

    def histogram(self, bins: int = HISTOGRAM_BINS) -> list[dict[str, int]]:
        """Equal-width bins from min to max: ``[{"from", "to", "count"}]`` (inclusive)."""
        if not self.counts:
            return []
        low, high = min(self.counts), max(self.counts)
        width = max(1, math.ceil((high - low + 1) / bins))
        counts: Counter[int] = Counter()
        for value, n in self.counts.items():
            counts[(value - low) // width] += n
        return [
            {
                "from": low + i * width,
                "to": min(high, low + (i + 1) * width - 1),
                "count": counts[i],
            }
            for i in range(max(counts) + 1)
        ]


@dataclass
class Stats:
    """Mergeable statistics of the examples of one file, a part of one, or several files."""

    tokens: Distribution = field(default_factory=Distribution)
    trained_tokens: Distribution = field(default_factory=Distribution)
    messages: Distribution = field(default_factory=Distribution)
    untrained_tokens: int = 0
    missing_system: int = 0
    missing_user: int = 0
    skipped_lines: int = 0
    line_format: str | None = None
    """The line format of the file (or files) counted; None when unknown or mixed."""
    truncation: LengthAggregate = field(default_factory=LengthAggregate)
    """What a trainer's ``max_seq_length`` cuts off (tokens, trained tokens, examples)."""

    @property
    def examples(self) -> int:
        return self.tokens.count

    def add(self, example: Any, counted: ExampleTokens) -> None:
        """Fold one valid example and its token count in."""
        self.tokens.add(counted.total)
        self.trained_tokens.add(counted.trained)
        self.messages.add(counted.messages)
        self.untrained_tokens += counted.untrained
        roles = {m.get("role") for m in conversation(example).messages if isinstance(m, dict)}
        self.missing_system += "system" not in roles
        self.missing_user += "user" not in roles

    def merge(self, other: Stats) -> Stats:
        return Stats(
            self.tokens.merge(other.tokens),
            self.trained_tokens.merge(other.trained_tokens),
            self.messages.merge(other.messages),
            self.untrained_tokens + other.untrained_tokens,
            self.missing_system + other.missing_system,
            self.missing_user + other.missing_user,
            self.skipped_lines + other.skipped_lines,
            self.line_format if self.line_format == other.line_format else None,
            self.truncation.merge(other.truncation),
        )


@dataclass(frozen=True)
class Estimate:
    """What the money figures depend on: the model, the token cap, and how epochs are set."""

    model: Model | ProfileModel
    token_limit: int | None
    """None: the profile publishes no per-example limit (nothing is capped)."""
    epochs: int | None = None
    epoch_constants: Mapping[str, int] = field(default_factory=lambda: load_catalog().epochs)
    tokens: TokenSource | None = None
    """How tokens are counted; None: exactly, with the catalog model's encoding."""
    profile: str = DEFAULT_PROFILE
    training: Training = field(default_factory=Training)
    """The trainer's loss and ``max_seq_length`` (the config's, else the profile's)."""


def default_epochs(examples: int, constants: Mapping[str, int]) -> int:
    """The cookbook's heuristic: ``target`` epochs, moved so examples x epochs stays in range."""
    epochs = constants["target"]
    if examples * epochs < constants["min_examples_x_epochs"]:
        epochs = min(constants["max"], constants["min_examples_x_epochs"] // examples)
    elif examples * epochs > constants["max_examples_x_epochs"]:
        epochs = max(constants["min"], constants["max_examples_x_epochs"] // examples)
    return epochs


def summarize(stats: Stats, estimate: Estimate) -> dict[str, Any]:
    """Every figure of one file (or the total), as plain JSON-ready values.

    Without a published limit nothing is capped (``over_token_limit`` is None); without a
    published price ``cost_usd`` is None, not 0.
    """
    limit, price = estimate.token_limit, price_of(estimate.model)
    figures: dict[str, Any] = {
        "examples": stats.examples,
        "skipped_lines": stats.skipped_lines,
        "messages_per_example": stats.messages.summary(),
        "tokens_per_example": stats.tokens.summary(),
        "assistant_tokens_per_example": stats.trained_tokens.summary(),
        "untrained_assistant_tokens": stats.untrained_tokens,
        "missing_system": stats.missing_system,
        "missing_user": stats.missing_user,
        "over_token_limit": None if limit is None else stats.tokens.count_over(limit),
        "billing_tokens": stats.tokens.capped_total(limit) if limit else stats.tokens.total,
        "epochs": None,
        "charged_tokens": 0,
        "cost_usd": None if price is None else 0.0,
        "histogram": stats.tokens.histogram(),
        "truncation": _truncation(stats.truncation, estimate.training.max_seq_length),
    }
    if stats.examples:
        epochs = estimate.epochs or default_epochs(stats.examples, estimate.epoch_constants)
        charged = figures["billing_tokens"] * epochs
        figures["epochs"] = epochs
        figures["charged_tokens"] = charged
        if price is not None:
            figures["cost_usd"] = charged * price / 1_000_000
    return figures


def _truncation(cut: LengthAggregate, max_seq_length: int | None) -> dict[str, int] | None:
    """What ``max_seq_length`` cuts off; None when no trainer length is known."""
    if max_seq_length is None:
        return None
    return {
        "max_seq_length": max_seq_length,
        "truncated_examples": cut.truncated_examples,
        "truncated_tokens": cut.truncated_tokens,
        "lost_trained_tokens": cut.lost_trained_tokens,
        "examples_losing_trained_tokens": cut.examples_losing_trained_tokens,
        "examples_keeping_no_trained_token": cut.examples_keeping_no_trained_token,
    }


def _heuristic(profile: str) -> str:
    if profile == DEFAULT_PROFILE:
        return "default heuristic"
    return "OpenAI's default heuristic; give --epochs for this provider's"


def _merged(group: list[Stats]) -> Stats:
    return functools.reduce(Stats.merge, group) if group else Stats()


def grand_total(
    files: list[Stats], per_format: list[dict[str, Any]], estimate: Estimate
) -> dict[str, Any]:
    """The total over every file. Over files of one line format: one training job's figures.
    Over several formats (separate jobs: a DPO file is not trained with chat files) only
    what adds up: the token figures of every example, and the charged tokens and cost as the
    sums of the formats' totals; ``epochs`` is None (each format has its own)."""
    total = summarize(_merged(files), estimate)
    if len(per_format) > 1:
        costs = [figures["cost_usd"] for figures in per_format]
        total["epochs"] = None
        total["charged_tokens"] = sum(figures["charged_tokens"] for figures in per_format)
        total["cost_usd"] = None if None in costs else sum(costs)
    return total


def build_report(
    files: list[tuple[str, Stats]], estimate: Estimate, today: datetime.date | None = None
) -> dict[str, Any]:
    """The whole stats report: the model, each file's figures, a total per line format (each
    format's files as one training job) and the total over all files (``grand_total``)."""
    by_format: dict[str | None, list[Stats]] = {}
    for _, stats in files:
        by_format.setdefault(stats.line_format, []).append(stats)
    per_format = [
        {"line_format": fmt, "files": len(group), **summarize(_merged(group), estimate)}
        for fmt, group in by_format.items()
    ]
    return {
        "model": model_facts(
            estimate.model,
            estimate.token_limit,
            estimate.tokens,
            estimate.profile,
            today or datetime.date.today(),
        ),
        "epochs_source": "given" if estimate.epochs else _heuristic(estimate.profile),
        "files": [
            {"file": path, "line_format": stats.line_format, **summarize(stats, estimate)}
            for path, stats in files
        ],
        "formats": per_format,
        "total": grand_total([stats for _, stats in files], per_format, estimate),
    }


NO_TRAINER = Training()
"""No trainer's settings known: nothing is cut."""


class StatsObserver:
    """The engine observer that folds every example without errors into ``stats``.

    With a chat model (``tokenizer:``), an example's tokens and trained tokens are those of
    its rendering under the model's template and loss mask (the analysis the template rules
    made of the same example); otherwise the cookbook's count, whose trained tokens are the
    assistant's, taken as the end of the example when ``max_seq_length`` cuts it.
    ``on_example`` receives each example's record (``tunelint stats --per-example``).
    """

    def __init__(
        self,
        count: TextCounter,
        tool_constants: Mapping[str, int],
        training: Training = NO_TRAINER,
        chat: Any = None,
        on_example: Callable[[ExampleAnalysis], None] | None = None,
        path: str = "",
    ) -> None:
        self.count = count
        self.tool_constants = tool_constants
        self.training = training
        self.chat = chat
        """What ``tunelint.chat.cache.analysis_for`` needs (settings, profile), or None."""
        self.on_example = on_example
        self.path = path
        self.state = Stats()

    @property
    def prepares(self) -> bool:
        """Whether ``prepare`` does anything: under a chat model."""
        return self.chat is not None

    def prepare(self, examples: list[Any]) -> None:
        """Have a window of examples, which the engine hands over before they are observed,
        analysed under the chat model in one batch."""
        if self.chat is not None:
            from tunelint.chat.cache import prepare

            prepare(examples, self.chat)

    def __call__(self, line: int, example: Any, has_error: bool) -> None:
        if has_error:
            self.state.skipped_lines += 1
            return
        counted = self._counted(example)
        record = self._analysis(line, example, counted)
        if record.error is not None:  # the template refuses it: a chat_template_error
            self.state.skipped_lines += 1
            return
        self.state.add(
            example,
            ExampleTokens(
                record.tokens, record.trained_tokens, counted.untrained, counted.messages
            ),
        )
        self.state.truncation.add(record)
        if self.on_example is not None:
            self.on_example(record)

    def _counted(self, example: Any) -> ExampleTokens:
        """The cookbook's count; under a chat model only its message count and weight-0
        tokens are used, so the text is tokenized again only where weight 0 appears."""
        if self.chat is None:
            return count_example(example, self.count, self.tool_constants)
        messages = conversation(example).messages
        if any(
            isinstance(m, dict) and m.get("role") == "assistant" and m.get("weight") == 0
            for m in messages
        ):
            return count_example(example, self.count, self.tool_constants)
        return ExampleTokens(0, 0, 0, len(messages))

    def _analysis(self, line: int, example: Any, counted: ExampleTokens) -> ExampleAnalysis:
        if self.chat is not None:
            from tunelint.chat.cache import analysis_for

            found = analysis_for(example, self.chat)
            return dataclasses.replace(found, file=self.path, line=line, text=None)
        length = self.training.max_seq_length
        cut = max(0, counted.total - length) if length else 0
        return ExampleAnalysis(
            self.path, line, counted.total, counted.trained, cut, min(cut, counted.trained)
        )

    def file_stats(self, result: FileResult) -> Stats:
        """The statistics of the file checked into ``result``: lines that are no example at
        all (bad JSON, another line format) are counted as skipped too."""
        self.state.skipped_lines += sum(result.skipped.values())
        self.state.line_format = result.line_format
        return self.state


class ChatSettings:
    """What the chat-template analysis reads of a rule context: the settings and profile."""

    def __init__(self, config: Config) -> None:
        self.settings = config.settings
        self.profile = load_profile(config.settings["profile"])


def stats_observer(
    config: Config,
    count: TextCounter,
    tool_constants: Mapping[str, int],
    on_example: Callable[[ExampleAnalysis], None] | None = None,
    path: str = "",
) -> StatsObserver:
    """The observer a run counts one file's statistics with, in whichever process checks it:
    the trainer's settings from the config and profile, and the chat model when the config
    names one (``tokenizer:``, loaded from that directory by the process that renders)."""
    training = training_for(load_profile(config.settings["profile"]), config.settings)
    chat = ChatSettings(config) if config.settings.get("tokenizer") else None
    return StatsObserver(count, tool_constants, training, chat, on_example, path)


def stats_config(config: Config) -> Config:
    """The config statistics are collected with: an over-long example, or one the trainer's
    max_seq_length cuts, is counted (and its cut reported), not skipped."""
    from tunelint.rules.over_token_limit import OverTokenLimit
    from tunelint.rules.truncated_assistant_turn import (
        PartlyTruncatedAssistantTurn,
        TruncatedAssistantTurn,
    )

    cut = (OverTokenLimit, TruncatedAssistantTurn, PartlyTruncatedAssistantTurn)
    return config.with_rule_levels([f"{rule.id}=off" for rule in cut])


def counting_config(config: Config) -> Config:
    """``stats_config`` for a run whose findings are not shown (``tunelint stats``). An
    example is left out of the statistics only when a rule finds an error in it, so the
    rules that cannot leave one out are not run: those at another level, and those on the file
    or the dataset as a whole (their findings come after its examples were counted). The
    statistics are the same."""
    from tunelint.diagnostics import Level
    from tunelint.rules import all_rules
    from tunelint.rules.base import DatasetRule, FileRule

    rules = all_rules()
    return stats_config(config).with_rules_off(
        lambda rule_id, setting: (
            setting.level is not Level.ERROR or issubclass(rules[rule_id], (DatasetRule, FileRule))
        )
    )


def counted_estimate(
    config: Config,
    model: str | None = None,
    epochs: int | None = None,
    tokenizer: str | None = None,
) -> tuple[Estimate, TextCounter]:
    """``estimate_for`` and the text counter statistics use. Under a chat model (a model
    directory in ``tokenizer:``) the ``tokenizer`` file is set aside, and text is counted
    only for weight-0 turns, so the bundled encoding loads on the first text it counts (it
    is hash-verified package data)."""
    directory = config.settings.get("tokenizer")
    estimate = estimate_for(config, model, epochs, None if directory else tokenizer)
    tokens = estimate.tokens
    return estimate, (tokens.count if not directory else lambda text: tokens.count(text))


def estimate_for(
    config: Config,
    model: str | None = None,
    epochs: int | None = None,
    tokenizer: str | None = None,
) -> Estimate:
    """The estimate settings from the config and its profile, with command-line overrides.

    Raises ``UnknownModel`` for a model the profile does not know, ``TokenizerError`` for a
    ``tokenizer`` file that cannot be used and ``ConfigError`` for a bad ``epochs`` setting.
    """
    settings = config.settings
    choice = choose(
        settings["profile"],
        model or settings["model"],
        settings["max_tokens_per_example"],
        tokenizer,
    )
    constants = dict(load_catalog().epochs)
    configured = config.settings.get("epochs")
    if isinstance(configured, dict):
        unknown = sorted(set(configured) - set(constants))
        if unknown or not all(isinstance(v, int) and v >= 0 for v in configured.values()):
            raise ConfigError(
                f"'epochs' takes a number, or a mapping of whole numbers with the keys"
                f" {', '.join(constants)}; got {configured!r}",
                config.source,
            )
        constants |= configured
    elif isinstance(configured, int):
        if configured < 1:
            raise ConfigError(f"'epochs' must be at least 1, not {configured}", config.source)
        epochs = epochs or configured
    return Estimate(
        choice.model, choice.token_limit, epochs, constants, choice.tokens, choice.profile.name
    )
