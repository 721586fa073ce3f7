"""Every profile: a valid file per accepted line format, and each rule it changes (the case
that passes at OpenAI and fails there, and the other way round), citing providers.md."""

from __future__ import annotations

import json
import re

import pytest
from tests.conftest import REPO, assistant, chat, lint, system, user

from tunelint.cli import main
from tunelint.profile import available_profiles, load_profile
from tunelint.report.profiles_table import profiles_markdown

PROFILES = [
    "openai",
    "azure-openai",
    "together",
    "fireworks",
    "mistral",
    "bedrock-nova",
    "vertex-gemini",
    "trl",
    "axolotl",
    "unsloth",
]
BOM = b"\xef\xbb\xbf"
CHAT = chat(system(), user(), assistant())
DPO = json.dumps(
    {
        "input": {"messages": [user()]},
        "preferred_output": [assistant("Hello!")],
        "non_preferred_output": [assistant("Go away.")],
    }
)
NOVA = json.dumps(
    {
        "schemaVersion": "bedrock-conversation-2024",
        "system": [{"text": "Be brief."}],
        "messages": [
            {
                "role": "user",
                "content": [
                    {"text": "What is this?"},
                    {
                        "image": {
                            "format": "png",
                            "source": {"s3Location": {"uri": "s3://bucket/cat.png"}},
                        }
                    },
                ],
            },
            {"role": "assistant", "content": [{"text": "A cat."}]},
        ],
    }
)
GEMINI = json.dumps(
    {
        "systemInstruction": {"role": "system", "parts": [{"text": "Be brief."}]},
        "contents": [
            {
                "role": "user",
                "parts": [
                    {"text": "What is this?"},
                    {"fileData": {"mimeType": "image/png", "fileUri": "gs://bucket/cat.png"}},
                ],
            },
            {"role": "model", "parts": [{"text": "A cat."}]},
        ],
    }
)
SHAREGPT = json.dumps(
    {
        "conversations": [
            {"from": "system", "value": "Be brief."},
            {"from": "human", "value": "Hi"},
            {"from": "gpt", "value": "Hello"},
        ]
    }
)
TEXT = json.dumps({"text": "Paris is the capital of France."})
PROMPT_COMPLETION = json.dumps({"prompt": "Capital of France?", "completion": "Paris"})
TRL_MESSAGES_PC = json.dumps({"prompt": [system(), user()], "completion": [assistant("Paris")]})
TRL_DPO = json.dumps({"prompt": "Hi", "chosen": "Hello!", "rejected": "Go away."})

# (profile, format, a valid line): every format each profile accepts.
VALID = [
    ("openai", "chat", CHAT),
    ("openai", "preference", DPO),
    ("openai", "completion", json.dumps({"prompt": "Q?\n\n###\n\n", "completion": " A\n"})),
    ("openai", "reinforcement", chat({"role": "developer", "content": "Be brief."}, user())),
    ("azure-openai", "chat", CHAT),
    ("azure-openai", "preference", DPO),
    ("together", "chat", CHAT),
    ("together", "preference", DPO),
    ("together", "instruction", PROMPT_COMPLETION),
    ("together", "text", TEXT),
    ("fireworks", "chat", CHAT),
    ("mistral", "chat", CHAT),
    ("mistral", "text", TEXT),
    ("bedrock-nova", "bedrock", NOVA),
    ("vertex-gemini", "contents", GEMINI),
    ("trl", "chat", CHAT),
    ("trl", "preference", TRL_DPO),
    ("trl", "completion", TRL_MESSAGES_PC),
    ("trl", "text", TEXT),
    ("axolotl", "chat", CHAT),
    ("axolotl", "sharegpt", SHAREGPT),
    ("unsloth", "chat", CHAT),
    ("unsloth", "preference", TRL_DPO),
    ("unsloth", "completion", TRL_MESSAGES_PC),
    ("unsloth", "text", TEXT),
    ("unsloth", "sharegpt", SHAREGPT),
]


def errors(*lines: str | bytes, profile: str, **rules: str) -> list[tuple[str, str, str]]:
    result = lint(*lines, config={"profile": profile, "rules": rules})
    return [(d.rule, d.path, d.message) for d in result.diagnostics if d.level.value == "error"]


def rules_found(*lines: str | bytes, profile: str) -> set[str]:
    return {d.rule for d in lint(*lines, config={"profile": profile}).diagnostics}


def test_every_profile_is_listed_and_loads():
    assert sorted(PROFILES) == available_profiles()
    for name in PROFILES:
        profile = load_profile(name)
        assert profile.name == name and re.fullmatch(r"\d{4}-\d{2}-\d{2}", profile.checked)


def test_every_accepted_format_has_a_valid_test_line():
    covered = {(profile, fmt) for profile, fmt, _ in VALID}
    assert covered == {(p, f) for p in PROFILES for f in load_profile(p).formats}


@pytest.mark.parametrize(("profile", "fmt", "line"), VALID, ids=lambda v: str(v)[:20])
def test_valid_file_per_profile_and_format_has_no_errors(profile, fmt, line):
    data = (BOM + line.encode()) if load_profile(profile).limits.requires_bom else line
    result = lint(data, config={"profile": profile, "format": fmt})
    assert [d for d in result.diagnostics if d.level.value == "error"] == []
    assert result.examples == 1


# Azure: "must be encoded in UTF-8 and include a byte-order mark (BOM)" (fine-tuning-rest.md).
def test_azure_requires_the_bom_openai_warns_about():
    assert "missing_utf8_bom" in rules_found(CHAT, profile="azure-openai")
    assert "utf8_bom" not in rules_found(BOM + CHAT.encode(), profile="azure-openai")
    assert "utf8_bom" in rules_found(BOM + CHAT.encode(), profile="openai")
    assert "missing_utf8_bom" not in rules_found(CHAT, profile="openai")


# Together: roles system, user, assistant only (constants.py POSSIBLE_ROLES_CONVERSATION);
# the SDK checker allows no tool role; `messages` only.
TOOL_EXAMPLE = json.dumps(
    {
        "messages": [
            user("Weather?"),
            {
                "role": "assistant",
                "tool_calls": [
                    {
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "weather", "arguments": "{}"},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "c1", "content": "sunny"},
            assistant("Sunny."),
        ],
        "tools": [{"type": "function", "function": {"name": "weather", "parameters": {}}}],
    }
)


def test_together_explains_it_does_not_accept_tools():
    assert errors(TOOL_EXAMPLE, profile="openai") == []
    found = errors(TOOL_EXAMPLE, profile="together")
    tools = [m for rule, path, m in found if rule == "example_unrecognized_key"]
    assert tools == [
        "unrecognized top-level key 'tools'; allowed: messages (Together AI: its checker reads"
        " only `messages` (or `prompt`/`completion`, `text`, preference keys); tool"
        " definitions (`tools`) are not accepted)"
    ]
    role = [m for rule, path, m in found if rule == "unrecognized_role"]
    assert role == [
        "role 'tool' is not one of system, user, assistant (Together AI: \"Possible roles:"
        ' system, user, assistant"; its checker accepts no tool role)'
    ]


# Together, Fireworks: system first, then strict user/assistant alternation (files.py;
# fine-tuning-models). OpenAI accepts any order.
@pytest.mark.parametrize("profile", ["together", "fireworks"])
def test_turn_order_fails_at_together_and_fireworks_not_at_openai(profile):
    line = chat(user(), user("again"), assistant())
    assert ("invalid_turn_order", "messages[1].role") in {
        (r, p) for r, p, _ in errors(line, profile=profile)
    }
    assert "invalid_turn_order" not in {r for r, _, _ in errors(line, profile="openai")}


def test_together_quotes_its_own_turn_order_message():
    (message,) = [
        m
        for r, _, m in errors(chat(assistant(), user()), profile="together")
        if r == "invalid_turn_order"
    ]
    assert message.endswith(
        '(Together AI: "After the optional system message, conversation roles must alternate'
        ' between user/assistant/user/assistant.")'
    )


# Together: "Messages with images cannot have non-zero weights." and base64 data URLs only.
def test_together_image_rules():
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}
    line = chat({"role": "user", "content": [image], "weight": 1}, assistant())
    found = {r for r, _, _ in errors(line, profile="together")}
    assert "weighted_image_message" in found
    https = {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}
    line = chat({"role": "user", "content": [https]}, assistant())
    assert "invalid_image_url" in {r for r, _, _ in errors(line, profile="together")}
    assert "invalid_image_url" not in {r for r, _, _ in errors(line, profile="openai")}


# Together: SDK minimum 1 sample; OpenAI 10. Fireworks: min 3 examples.
def test_minimum_examples_per_profile():
    def count(profile: str) -> int:
        config = {"profile": profile, "rules": {"too_few_examples": "error"}}
        return len(
            [d for d in lint(CHAT, config=config).diagnostics if d.rule == "too_few_examples"]
        )

    assert (count("openai"), count("together"), count("fireworks")) == (1, 0, 1)


# Mistral: "Multiple messages with role 'system' encountered. Only one is allowed."
def test_mistral_allows_one_system_message_openai_several():
    line = chat(system(), user(), system("Be kind."), assistant())
    assert "multiple_system_messages" in {r for r, _, _ in errors(line, profile="mistral")}
    assert errors(line, profile="openai") == []


# Nova: reserved words in user or system prompts; first turn user, last assistant.
def test_nova_reserved_words_and_turn_order():
    value = json.loads(NOVA)
    value["messages"][0]["content"][0]["text"] = "User: what is this?"
    found = errors(json.dumps(value), profile="bedrock-nova")
    assert ("reserved_word", "messages[0].content[0].text") in {(r, p) for r, p, _ in found}
    value = json.loads(NOVA)
    value["messages"].append({"role": "user", "content": [{"text": "Thanks"}]})
    found = errors(json.dumps(value), profile="bedrock-nova")
    assert ("invalid_turn_order", "messages[2].role") in {(r, p) for r, p, _ in found}
    openai_line = chat(user("User: hi"), assistant(), user("Thanks"))
    assert errors(openai_line, profile="openai") == []


def test_nova_line_is_refused_at_openai_and_openai_line_at_nova():
    assert errors(NOVA, profile="openai")
    assert errors(CHAT, profile="bedrock-nova")


# Vertex: roles user and model, findings at the line's own paths.
def test_vertex_reports_at_its_own_paths():
    value = json.loads(GEMINI)
    value["contents"][1]["role"] = "assistant"
    value["contents"][0]["parts"][0]["text"] = " "
    result = lint(json.dumps(value), config={"profile": "vertex-gemini"})
    found = {(d.rule, d.path, d.message) for d in result.diagnostics}
    assert (
        "unrecognized_role",
        "contents[1].role",
        "role 'assistant' is not one of user, model",
    ) in found
    assert (
        "whitespace_only_content",
        "contents[0].parts[0].text",
        "contents[0].parts[0].text is only whitespace (user)",
    ) in found


def test_sharegpt_roles_and_keys():
    value = json.loads(SHAREGPT)
    value["conversations"][2]["from"] = "bot"
    found = errors(json.dumps(value), profile="axolotl")
    assert ("unrecognized_role", "conversations[2].from") in {(r, p) for r, p, _ in found}
    assert errors(SHAREGPT, profile="openai")


def test_unsloth_reads_sharegpt_that_openai_and_trl_refuse():
    # providers.md, Unsloth: `standardize_sharegpt` turns `from`/`value` into `role`/`content`.
    assert errors(SHAREGPT, profile="unsloth") == []
    assert errors(SHAREGPT, profile="openai")
    assert errors(SHAREGPT, profile="trl")


def test_trl_accepts_extra_columns_openai_refuses():
    line = chat(user(), assistant(), images=["cat.png"])
    assert errors(line, profile="trl") == []
    assert "example_unrecognized_key" in {r for r, _, _ in errors(line, profile="openai")}


def test_duplicates_work_on_other_shapes():
    config = {"profile": "vertex-gemini", "rules": {"duplicate_example": "warning"}}
    found = [
        d.line
        for d in lint(GEMINI, GEMINI, config=config).diagnostics
        if d.rule == "duplicate_example"
    ]
    assert found == [2]


def test_cli_profile_option_and_unknown_profile(tmp_path, capsys):
    path = tmp_path / "train.jsonl"
    path.write_text(CHAT + "\n")
    assert (
        main(["check", str(path), "--profile", "together", "--rule", "too_few_examples=off"]) == 0
    )
    assert (
        main(["check", str(path), "--profile", "azure-openai", "--rule", "too_few_examples=off"])
        == 1
    )
    assert "missing_utf8_bom" in capsys.readouterr().out
    assert main(["check", str(path), "--profile", "nope"]) == 2
    assert "unknown profile 'nope'" in capsys.readouterr().err


def test_fix_adds_the_bom_azure_asks_for(tmp_path, capsys):
    path = tmp_path / "train.jsonl"
    path.write_text(CHAT + "\n")
    assert main(["fix", str(path), "--profile", "azure-openai"]) == 0
    assert path.read_bytes() == BOM + CHAT.encode() + b"\n"
    assert "added the UTF-8 byte-order mark" in capsys.readouterr().out
    assert main(["fix", str(path), "--profile", "azure-openai", "--check"]) == 0
    assert main(["fix", str(path)]) == 0
    assert path.read_bytes() == CHAT.encode() + b"\n"


def test_profiles_command_lists_formats_limits_and_dates(capsys):
    assert main(["profiles"]) == 0
    out = capsys.readouterr().out
    assert "azure-openai (Azure OpenAI, facts checked 2026-11-25)" in out
    assert "limits: min 10 examples; file < 512 MB; UTF-8 with BOM" in out


def test_readme_profiles_table_is_generated_from_the_profiles():
    readme = (REPO / "README.md").read_text("utf-8")
    start, end = "<!-- profiles-table:start -->\n", "<!-- profiles-table:end -->"
    assert readme.split(start)[1].split(end)[0] == profiles_markdown()
