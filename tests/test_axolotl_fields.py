"""Axolotl's dataset options in the config (``axolotl: {field_messages, message_property_mappings,
roles}``): a file in the fields they name is read as Axolotl reads it, and checks and counts as
its twin in the OpenAI shape does, with findings at the line's own paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tunelint.cli import main

TOKENIZERS = Path(__file__).parent / "data" / "tokenizers"
QWEN25 = TOKENIZERS / "templates" / "Qwen-Qwen2.5-7B-Instruct.jinja"
AXOLOTL = {
    "field_messages": "dialogue",
    "message_property_mappings": {"role": "speaker", "content": "text"},
    "roles": {"user": ["customer"], "assistant": ["agent"]},
}
NAMES = {"system": "system", "user": "customer", "assistant": "agent"}
# A support-desk export: ticket columns beside the turns, one reviewed-out answer (weight 0),
# and one answer left empty by the exporter (line 4).
TICKETS = [
    (
        {"ticket": "T-1041", "channel": "email", "tags": ["billing"]},
        [
            ("system", "You are Acme's support agent. Answer in two sentences at most."),
            ("user", "I was charged twice for my March invoice, can you refund one?"),
            ("assistant", "I'm sorry about that. I've refunded the duplicate charge of $24.00."),
        ],
    ),
    (
        {"ticket": "T-1042", "channel": "chat", "tags": []},
        [
            ("user", "How do I export my data?"),
            ("assistant", "Go to Settings > Account > Export.", 0),
            ("user", "It's greyed out."),
            ("assistant", "Exports need the Owner role: ask your workspace owner to grant it."),
        ],
    ),
    (
        {"ticket": "T-1043", "channel": "phone", "tags": ["login"], "csat": 5},
        [
            ("system", "You are Acme's support agent."),
            ("user", "Reset link never arrives."),
            ("assistant", "Please check your spam folder; links expire after 30 minutes."),
        ],
    ),
    (
        {"ticket": "T-1044", "channel": "email", "tags": ["api"]},
        [("user", "Is there a rate limit?"), ("assistant", "")],
    ),
]


def _lines(custom: bool) -> list[str]:
    """The tickets as JSONL: in the configured fields, or in the OpenAI shape."""
    lines = []
    for columns, turns in TICKETS:
        messages = []
        for role, text, *weight in turns:
            if custom:
                message = {"speaker": NAMES[role], "text": text}
            else:
                message = {"role": role, "content": text}
            messages.append({**message, **({"weight": weight[0]} if weight else {})})
        lines.append(json.dumps({**columns, "dialogue" if custom else "messages": messages}))
    return lines


@pytest.fixture
def files(tmp_path: Path) -> dict[str, tuple[Path, Path]]:
    """(data file, config) for the configured fields and for the OpenAI twin."""
    made = {}
    for name, custom in (("custom", True), ("twin", False)):
        folder = tmp_path / name
        folder.mkdir()
        config = {"profile": "axolotl", **({"axolotl": AXOLOTL} if custom else {})}
        (folder / ".tunelint.yaml").write_text(json.dumps(config))
        data = folder / "tickets.jsonl"
        data.write_text("\n".join(_lines(custom)) + "\n")
        made[name] = (data, folder / ".tunelint.yaml")
    return made


def _json_out(capsys, *args: str) -> str:
    capsys.readouterr()
    main(list(args))
    return capsys.readouterr().out


def test_findings_are_the_twins_at_the_lines_own_paths(files, capsys):
    found = {}
    for name, (data, config) in files.items():
        report = json.loads(_json_out(capsys, "check", str(data), "--config", str(config),
                                      "--format", "json"))  # fmt: skip
        found[name] = [(d["line"], d["rule"], d["path"]) for d in report]
    assert found["custom"] == [
        (line, rule, path.replace("messages", "dialogue").replace("content", "text"))
        for line, rule, path in found["twin"]
    ]
    assert (4, "missing_content", "dialogue[1].text") in found["custom"]
    assert {rule for _, rule, _ in found["custom"]} == {"missing_content", "missing_system_message"}


@pytest.mark.parametrize("output", [["--format", "json"], ["--per-example"]], ids=str)
def test_stats_count_them_as_the_twin(files, capsys, output):
    pytest.importorskip("tokenizers")
    pytest.importorskip("jinja2")
    counted = {}
    for name, (data, config) in files.items():
        out = _json_out(capsys, "stats", str(data), "--config", str(config), "--tokenizer",
                        str(TOKENIZERS / "qwen2"), "--chat-template", str(QWEN25), *output)  # fmt: skip
        counted[name] = out.replace(str(data), "tickets.jsonl")
    # the one difference: the format each was read in (the configured fields are sharegpt's)
    shown = '"line_format": "sharegpt"'
    assert (shown in counted["custom"]) == (output != ["--per-example"])
    assert counted["custom"].replace(shown, '"line_format": "chat"') == counted["twin"]
    if output == ["--per-example"]:
        records = [json.loads(line) for line in counted["custom"].splitlines()]
        assert [r["line"] for r in records] == [1, 2, 3]  # line 4 has an error: not counted
        assert all(r["tokens"] > r["trained_tokens"] > 0 for r in records)
