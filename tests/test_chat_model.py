"""Loading a model directory: where the template comes from, and clear errors for bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tunelint.chat.model import ChatModelError, load_model
from tunelint.chat.template import TemplateRefused, compile_template, render

pytest.importorskip("tokenizers")
pytest.importorskip("jinja2")

QWEN2 = Path(__file__).parent / "data" / "tokenizers" / "qwen2"
CONFIG = json.loads((QWEN2 / "tokenizer_config.json").read_text(encoding="utf-8"))
HELLO = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]


def model_dir(
    tmp_path: Path, config: dict | None = None, files: dict[str, str] | None = None
) -> Path:
    """A model directory with the test tokenizer, ``config`` and the given files by name."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    shutil.copy(QWEN2 / "tokenizer.json.gz", tmp_path)
    (tmp_path / "tokenizer_config.json").write_text(
        json.dumps(config if config is not None else CONFIG)
    )
    for name, text in (files or {}).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def rendered(model, messages=HELLO, tools=None) -> str:
    return render(model.template_for(tools), messages, tools, model.variables).text


def test_the_config_template_and_special_tokens(tmp_path: Path):
    model = load_model(str(model_dir(tmp_path)))
    assert rendered(model).endswith("<|im_start|>assistant\nHello<|im_end|>\n")
    assert model.variables == {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"}
    assert model.stop_tokens == ("<|im_end|>",)
    assert "<|im_start|>" in model.special_tokens


def test_chat_template_jinja_replaces_the_config_template(tmp_path: Path):
    folder = model_dir(tmp_path, files={"chat_template.jinja": "{{ eos_token }}"})
    assert rendered(load_model(str(folder))) == "<|im_end|>"


def test_chat_template_json_is_read_when_no_other_template(tmp_path: Path):
    config = {k: v for k, v in CONFIG.items() if k != "chat_template"}
    folder = model_dir(tmp_path, config, {"chat_template.json": json.dumps({"chat_template": "J"})})
    assert rendered(load_model(str(folder))) == "J"


def test_named_templates_pick_tool_use_when_tools_are_given(tmp_path: Path):
    named = [{"name": "default", "template": "D"}, {"name": "tool_use", "template": "T"}]
    model = load_model(str(model_dir(tmp_path, {**CONFIG, "chat_template": named})))
    assert rendered(model) == "D"
    assert rendered(model, tools=[]) == "T"


def test_an_override_file_replaces_the_directory_template(tmp_path: Path):
    override = tmp_path / "train.jinja"
    override.write_text("{% for m in messages %}[{{ m.role }}]{% endfor %}")
    assert (
        rendered(load_model(str(model_dir(tmp_path / "m")), str(override))) == "[user][assistant]"
    )


def test_generation_config_adds_stop_tokens(tmp_path: Path):
    folder = model_dir(
        tmp_path, files={"generation_config.json": json.dumps({"eos_token_id": [151643, 151645]})}
    )
    assert load_model(str(folder)).stop_tokens == ("<|im_end|>", "<|endoftext|>")


def test_missing_special_tokens_are_added_as_the_tokenizer_does(tmp_path: Path):
    model = load_model(str(model_dir(tmp_path, {**CONFIG, "bos_token": "<|my_bos|>"})))
    assert model.tokenizer.encode("<|my_bos|>", add_special_tokens=False).tokens == ["<|my_bos|>"]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: p, "not a directory"),
        (lambda p: (p.mkdir(), p)[1], "no tokenizer.json"),
        (
            lambda p: model_dir(p, {k: v for k, v in CONFIG.items() if k != "chat_template"}),
            "no chat template",
        ),
        (lambda p: model_dir(p, {**CONFIG, "chat_template": 3}), "'chat_template' must be"),
        (
            lambda p: model_dir(p, {**CONFIG, "chat_template": "{% if %}"}),
            ":1: chat template syntax",
        ),
        (
            lambda p: model_dir(p, {**CONFIG, "chat_template": [{"name": "x", "template": "X"}]}),
            "none named 'default'",
        ),
        (
            lambda p: (model_dir(p), (p / "tokenizer_config.json").write_text("{,"))[0],
            "not valid JSON",
        ),
        (
            lambda p: (model_dir(p), (p / "tokenizer.json.gz").write_bytes(b"junk"))[0],
            "cannot read",
        ),
        (  # before: a RecursionError traceback
            lambda p: (model_dir(p), (p / "tokenizer_config.json").write_text("[" * 100_000))[0],
            "tokenizer_config.json: not valid JSON: nested too deeply",
        ),
        (  # before: a ValueError traceback
            lambda p: (model_dir(p), (p / "tokenizer_config.json").write_text("1" * 5000))[0],
            "tokenizer_config.json: not valid JSON: Exceeds the limit",
        ),
    ],
)
def test_unusable_directories_are_clear_errors(tmp_path: Path, setup, message: str):
    folder = setup(tmp_path / "model")
    with pytest.raises(ChatModelError, match=message):
        load_model(str(folder))


def test_a_missing_override_file_is_an_error(tmp_path: Path):
    with pytest.raises(ChatModelError, match="no such chat template file"):
        load_model(str(model_dir(tmp_path)), str(tmp_path / "absent.jinja"))


@pytest.mark.parametrize(
    ("source", "messages", "tools", "expected"),
    [
        ("{{ raise_exception('no ' + messages[0].role) }}", HELLO, None, "no user"),
        ("{{ messages[0].missing.deeper }}", HELLO, None, "has no attribute 'missing'"),
        ("{{ messages[0].content + 1 }}", HELLO, None, "TypeError"),
        ("{% set ns = namespace(_x=1) %}", HELLO, None, "underscore-prefixed"),
        ("x", [], None, "the conversation is empty"),
        ("x", ["not a message"], None, "not an object"),
        ("x", HELLO, {"name": "f"}, "tools must be a list"),
        ("{{ 'a' * 3000000000 }}", HELLO, None, "a repetition of 1 x 3,000,000,000 is longer"),
        ("{{ messages * 100000000 }}", HELLO, None, "a repetition of 2 x 100,000,000"),
        ("{{ 10 ** 100000000 }}", HELLO, None, r"a power of more than 65,536 bits \(10 \*\* "),
    ],
)
def test_what_a_template_refuses(source, messages, tools, expected):
    """Before, the repetition took 12 GB to compile (jinja folded it) and the power hung."""
    template = compile_template(source, "test.jinja")
    with pytest.raises(TemplateRefused, match=expected):
        render(template, messages, tools, {})


@pytest.mark.parametrize(
    "source", ["{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}", "{% if 1 %}" * 3000]
)
def test_a_template_nested_past_the_parser_is_an_error_naming_it(source):
    with pytest.raises(ChatModelError, match=r"deep\.jinja: chat template too deeply nested"):
        compile_template(source, "deep.jinja")


def test_multiplying_within_bounds_still_works():
    template = compile_template("{{ messages[0].content * 2 }}{{ [1] * 2 }}{{ 2 ** 10 }}", "t")
    assert render(template, HELLO, None, {}).text == "HiHi[1, 1]1024"


def test_the_environment_is_transformers(tmp_path: Path):
    template = compile_template(
        "{% for m in messages %}{% if loop.first %}{% continue %}{% endif %}"
        "{{ m | tojson(indent=1, sort_keys=True) }}{% endfor %}{{ strftime_now('%Y') | length }}",
        "test.jinja",
    )
    messages = [{"role": "user", "content": "é"}, {"role": "assistant", "content": None, "b": 1}]
    assert render(template, messages, None, {}).text == '{\n "b": 1,\n "role": "assistant"\n}4'
