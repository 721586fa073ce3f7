import datetime
import json
import subprocess
import sys
from fractions import Fraction

import pytest

from conftest import DATA, REPO, assistant, chat, collect_stats, system, user
from tunelint.config import ConfigError, config_from_dict
from tunelint.models import load_catalog
from tunelint.report import stats_markdown, stats_text
from tunelint.stats import (
    Distribution,
    Estimate,
    Stats,
    build_report,
    default_epochs,
    estimate_for,
)
from tunelint.tokens import text_counter

TOY = DATA / "cookbook-toy-chat.jsonl"


def report_for(*paths, model="gpt-3.5-turbo-0125", cli_epochs=None, **settings):
    config = config_from_dict(settings)
    estimate = estimate_for(config, model, cli_epochs)
    count = text_counter(estimate.model.encoding)
    constants = load_catalog().encodings[estimate.model.encoding].tool_constants
    files = [(str(p), collect_stats(p, config, count, constants)[1]) for p in paths]
    return build_report(files, estimate, today=datetime.date(2026, 11, 25))


def test_the_notebooks_toy_figures_exactly():
    total = report_for(TOY)["total"]
    assert {k: total["tokens_per_example"][k] for k in ("min", "max", "mean", "median")} == {
        "min": 26,
        "max": 8032,
        "mean": 1648.4,
        "median": 45,
    }
    assert (total["tokens_per_example"]["p10"], total["tokens_per_example"]["p90"]) == (
        26.8,
        4863.6,
    )
    trained = total["assistant_tokens_per_example"]
    assert (trained["min"], trained["max"], trained["mean"], trained["median"]) == (
        4,
        8000,
        1610.2,
        10,
    )
    assert (trained["p10"], trained["p90"]) == (6.0, 4811.2)
    messages = total["messages_per_example"]
    assert (messages["min"], messages["max"], messages["mean"], messages["median"]) == (
        2,
        9,
        3.8,
        3,
    )
    assert (messages["p10"], messages["p90"]) == (2.0, 6.6)
    assert (total["missing_system"], total["missing_user"]) == (1, 1)
    assert (total["billing_tokens"], total["epochs"], total["charged_tokens"]) == (8242, 20, 164840)
    assert total["over_token_limit"] == 0
    assert total["cost_usd"] == pytest.approx(164840 * 8 / 1e6)


def test_the_notebooks_printed_cost_with_a_4096_cap():
    total = report_for(TOY, max_tokens_per_example=4096)["total"]
    assert (total["billing_tokens"], total["charged_tokens"], total["over_token_limit"]) == (
        4306,
        86120,
        1,
    )


def test_p5_and_p95_are_the_5th_and_95th_percentiles():
    tokens = report_for(TOY)["total"]["tokens_per_example"]
    assert (tokens["p5"], tokens["p95"]) == (26.4, 6447.8)


def test_totals_over_files_equal_one_pass_and_merge_is_exact(tmp_path):
    lines = TOY.read_text().splitlines(keepends=True)
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("".join(lines[:2]))
    second.write_text("".join(lines[2:]))
    split = report_for(first, second)
    whole = report_for(TOY)["total"]
    assert split["total"] == whole
    assert [f["examples"] for f in split["files"]] == [2, 3]


def test_percentiles_match_numpys_linear_method():
    distribution = Distribution()
    for value in (7, 1, 3, 3, 10, 2):
        distribution.add(value)
    sorted_values = [1, 2, 3, 3, 7, 10]
    for q in (Fraction(5, 100), Fraction(1, 2), Fraction(95, 100)):
        position = (len(sorted_values) - 1) * q
        low = int(position)
        expected = sorted_values[low] + (position - low) * (
            sorted_values[min(low + 1, 5)] - sorted_values[low]
        )
        assert distribution.percentile(q) == float(expected)


def test_lines_with_errors_are_skipped_and_counted(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "\n".join(
            [
                chat(system(), user(), assistant()),
                "{not json",
                chat(user()),  # no assistant message: an error
                json.dumps(
                    {"messages": [user(), {"role": "assistant", "content": "x", "weight": 0}]}
                ),
                "",
            ]
        )
        + "\n"
    )
    total = report_for(path)["total"]
    assert (total["examples"], total["skipped_lines"]) == (2, 3)
    assert total["untrained_assistant_tokens"] == 1


def test_a_file_without_valid_examples_has_no_nan(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text("{oops\n[1, 2]\n")
    report = report_for(path)
    total = report["total"]
    assert total["examples"] == 0 and total["tokens_per_example"] is None
    assert total["epochs"] is None and total["cost_usd"] == 0
    assert "no valid examples (2 lines skipped" in stats_text.render(report)
    assert "nan" not in json.dumps(report).lower()


def test_epochs_heuristic_override_and_constants():
    constants = load_catalog().epochs
    assert [default_epochs(n, constants) for n in (5, 34, 100, 9000, 30000)] == [20, 3, 3, 2, 1]
    assert report_for(TOY, cli_epochs=2)["total"]["charged_tokens"] == 8242 * 2
    assert report_for(TOY, cli_epochs=4)["epochs_source"] == "given"
    assert report_for(TOY, epochs=5)["total"]["epochs"] == 5
    assert report_for(TOY, epochs={"max": 10})["total"]["epochs"] == 10
    with pytest.raises(ConfigError, match="epochs: unknown key 'maximum'; did you mean 'max'"):
        report_for(TOY, epochs={"maximum": 10})


def test_model_that_cannot_be_trained_is_noted():
    assert "shut down on 2026-10-23" in report_for(TOY)["model"]["note"]
    assert report_for(TOY, model="gpt-4o-mini")["model"]["note"] is None
    estimate = Estimate(load_catalog().resolve("gpt-4o-mini"), 65536)
    late = build_report([("x", Stats())], estimate, today=datetime.date(2027, 1, 6))
    assert "cannot be fine-tuned since 2027-01-06" in late["model"]["note"]


def test_markdown_has_tables_and_histogram():
    text = stats_markdown.render(report_for(TOY))
    assert "| tokens per example | 26 | 8,032 | 1,648.4 | 45 |" in text
    assert "| charged tokens | 164,840 |" in text
    assert "```text" in text and "█" in text
    assert "> **Note:** gpt-3.5-turbo-0125 was shut down" in text


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "tunelint", *args], capture_output=True, text=True, cwd=REPO
    )


@pytest.mark.slow
def test_cli_stats_json_text_and_errors(tmp_path):
    done = run("stats", str(TOY), "--model", "gpt-3.5-turbo-0125", "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["files"][0]["file"] == str(TOY)
    assert report["total"]["charged_tokens"] == 164840
    text = run("stats", "examples/clean.jsonl")
    assert text.returncode == 0 and "estimated cost" in text.stdout and "│█" in text.stdout
    unknown = run("stats", str(TOY), "--model", "gpt-5")
    assert unknown.returncode == 2 and "known models: " in unknown.stderr
    config = tmp_path / ".tunelint.yaml"
    config.write_text("model: davinci-9\n")
    check = run("check", "--config", str(config), str(TOY))
    assert check.returncode == 2 and "unknown model 'davinci-9'" in check.stderr
    missing = run("stats", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2


def test_corpus_tool_calls_have_sensible_figures(corpus):
    total = report_for(corpus / "msft-zava-retail-toolcalls.jsonl", model="gpt-4o-mini")["total"]
    assert (total["examples"], total["skipped_lines"]) == (103, 0)
    assert total["tokens_per_example"]["min"] > 500  # tool definitions and system prompt
    assert total["assistant_tokens_per_example"]["min"] > 0  # tool calls are trained on


def test_corpus_preference_records_are_counted(corpus):
    path = corpus / "msft-orca-dpo-validation.jsonl"
    total = report_for(path, model="gpt-4o")["total"]
    if total["skipped_lines"]:
        pytest.skip("preference lines need format detection (issue 4) to pass the chat rules")
    assert total["examples"] == 284
    assert total["messages_per_example"]["min"] >= 3


def test_readme_model_table_matches_the_catalog():
    readme = (REPO / "README.md").read_text()
    for model in load_catalog().models.values():
        row = next(line for line in readme.splitlines() if line.startswith(f"| {model.name}"))
        assert f"| {model.encoding} |" in row, model.name
        assert model.shut_down is None or row.endswith(f"| {model.shut_down} |"), model.name
        assert f"| {int(model.token_limit.value):,} |" in row, model.name
        assert f"| {model.price_per_million.value:.2f} (" in row, model.name
        assert f"| {model.fine_tunable_until} |" in row, model.name


def test_stats_alone_runs_only_the_rules_that_can_leave_an_example_out(tmp_path):
    """``tunelint stats`` turns off the rules that cannot make an example an error (other
    levels, whole-file and dataset rules): the statistics stay those of every rule run, per-file
    overrides included."""
    from tunelint.config import load_config
    from tunelint.run import RunOptions, run
    from tunelint.stats import counting_config, stats_config

    lines = [
        chat(system(), user(), assistant()),
        chat(user("Write to ann.lee@proton.me"), assistant("Done.")),  # personal_data: warning
        chat(user(), user(), assistant()),  # consecutive_same_role: warning
        '{"messages": [{"role": "user", "content": "a", "content": "b"}, '
        '{"role": "assistant", "content": "c"}]}',  # duplicate_key: warning
        chat(user()),  # no assistant message: an error
        chat(system(), user(), assistant()),  # duplicate_example (a dataset rule)
        "{oops",
    ]
    for name in ("plain", "strict"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "data.jsonl").write_text("\n".join(lines) + "\n")
    (tmp_path / ".tunelint.yaml").write_text(
        "rules: {consecutive_same_role: error}\n"
        "overrides:\n  - files: ['strict/*.jsonl']\n    rules: {personal_data: error}\n"
    )
    config = load_config(tmp_path / ".tunelint.yaml")
    paths = [str(tmp_path / name / "data.jsonl") for name in ("plain", "strict")]
    every_rule, counting = (
        run(make(config), RunOptions(paths, use_baseline=False, stats=True))
        for make in (stats_config, counting_config)
    )
    today = datetime.date(2026, 12, 1)
    expected = build_report(every_rule.stats, every_rule.estimate, today=today)
    assert build_report(counting.stats, counting.estimate, today=today) == expected
    plain, strict = expected["files"]
    assert (plain["skipped_lines"], strict["skipped_lines"]) == (3, 4)
    shown = {d.rule for result in every_rule.results for d in result.diagnostics}
    run_alone = {d.rule for result in counting.results for d in result.diagnostics}
    assert {"duplicate_key", "duplicate_example", "personal_data"} <= shown
    assert run_alone == {
        "consecutive_same_role",
        "example_missing_assistant_message",
        "invalid_json",
        "personal_data",
    }
