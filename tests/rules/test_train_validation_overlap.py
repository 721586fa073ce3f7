from conftest import assistant, chat, user
from tunelint.config import config_from_dict
from tunelint.run import RunOptions, run

RULE = "train_validation_overlap"


def validation_findings(tmp_path, config):
    options = RunOptions([str(tmp_path / "train.jsonl")], [str(tmp_path / "valid.jsonl")])
    *_, validation = run(config, options).results
    return validation


def test_validation_example_also_in_training_is_reported_at_its_line(tmp_path):
    train = [chat(user(str(n)), assistant()) for n in range(10)]
    (tmp_path / "train.jsonl").write_text("\n".join(train) + "\n")
    (tmp_path / "valid.jsonl").write_text(chat(user("new"), assistant()) + "\n" + train[4] + "\n")
    config = config_from_dict({"rules": {"missing_system_message": "off"}})
    result = validation_findings(tmp_path, config)
    train_path = tmp_path / "train.jsonl"
    assert [(d.line, d.column, d.rule, d.message) for d in result.diagnostics] == [
        (2, 1, RULE, f"validation example is also in training ({train_path}:5)")
    ]  # and no too_few_examples: the validation file has no minimum


def test_no_overlap_no_finding(tmp_path):
    (tmp_path / "train.jsonl").write_text(chat(user("a"), assistant()) + "\n")
    (tmp_path / "valid.jsonl").write_text(chat(user("b"), assistant()) + "\n")
    result = validation_findings(tmp_path, config_from_dict({}))
    assert [d for d in result.diagnostics if d.rule == RULE] == []
