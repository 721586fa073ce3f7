"""Load a local model directory: its tokenizer, chat template(s) and special tokens, offline.

What is read, as ``transformers.AutoTokenizer.from_pretrained(DIR)`` reads it:

* ``tokenizer.json`` (or ``tokenizer.json.gz``): the ``tokenizers`` pipeline. Where
  transformers (5.x) rebuilds a tokenizer class's pipeline from its own definition instead of
  the file's (``Qwen2Tokenizer``: an NFC normalizer and its split pattern), the same is done.
* ``tokenizer_config.json``: the named special tokens (``bos_token``, ``eos_token``, ...), which
  are the template's variables and are added to the vocabulary when missing;
  ``added_tokens_decoder``; ``split_special_tokens``; and ``chat_template`` (a string, or a list
  of ``{name, template}``).
* ``chat_template.jinja`` (and ``additional_chat_templates/*.jinja``), which replace the config's
  template as in transformers; ``chat_template.json`` (``{"chat_template": ...}``) when neither
  has one.
* ``generation_config.json``: its ``eos_token_id`` (one id or a list), the tokens generation stops
  on, with the tokenizer's ``eos_token``.

An override template file (``--chat-template FILE``; ``.json`` files are read as
``chat_template.json``) replaces the directory's templates. Anything unusable is a
``ChatModelError`` naming the file and what is wrong.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tunelint.chat.encode import ChatEncoder
from tunelint.chat.template import (
    HF_EXTRA_MISSING,
    ChatModelError,
    ChatTemplate,
    compile_template,
)

MAX_FILE_BYTES = 512 * 1024 * 1024
"""No tokenizer or template file is read past this size (decompressed)."""

NAMED_SPECIAL_TOKENS = (
    "bos_token",
    "eos_token",
    "unk_token",
    "sep_token",
    "pad_token",
    "cls_token",
    "mask_token",
)
"""transformers' ``SPECIAL_TOKENS_ATTRIBUTES``: the special tokens a template sees by name."""

_QWEN2_SPLIT = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)
_REBUILT_CLASSES = frozenset({"Qwen2Tokenizer", "Qwen2TokenizerFast"})
"""Tokenizer classes whose pipeline transformers 5 builds itself (``tokenization_qwen2.py``)."""


@dataclass(frozen=True, eq=False)
class ChatModel:
    """A loaded model directory: what rendering and counting need."""

    directory: Path
    tokenizer: Any
    """A ``tokenizers.Tokenizer``."""
    templates: Mapping[str, ChatTemplate]
    """By name; a single template is ``default``."""
    variables: Mapping[str, str]
    """The named special tokens, as the template sees them."""
    stop_tokens: tuple[str, ...]
    """The text of the tokens generation stops on (EOS and generation_config's)."""
    special_tokens: tuple[str, ...]
    """The text of every added token flagged special, longest first."""

    @functools.cached_property
    def encoder(self) -> ChatEncoder:
        """The batch encoder (with its cache of repeated pieces) of this tokenizer."""
        return ChatEncoder(self.tokenizer)

    def template_for(self, tools: Any) -> ChatTemplate:
        """The template transformers picks: ``tool_use`` when tools are given and it exists."""
        if tools is not None and "tool_use" in self.templates:
            return self.templates["tool_use"]
        return self.templates["default"]

    @property
    def has_generation_markers(self) -> bool:
        """Whether every template marks assistant tokens with ``{% generation %}``."""
        return all(t.has_generation_markers for t in self.templates.values())


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ChatModelError(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MB")
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except (OSError, EOFError) as error:
        raise ChatModelError(f"{path}: cannot read: {error}") from None
    if len(data) > MAX_FILE_BYTES:
        raise ChatModelError(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MB decompressed")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ChatModelError(f"{path}: not UTF-8 ({error.reason} at byte {error.start})") from None


def _read_json_object(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(_read_text(path))
    except json.JSONDecodeError as error:
        raise ChatModelError(f"{path}:{error.lineno}: not valid JSON: {error.msg}") from None
    except RecursionError:
        raise ChatModelError(f"{path}: not valid JSON: nested too deeply") from None
    except ValueError as error:  # an integer of over 4,300 digits
        raise ChatModelError(f"{path}: not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise ChatModelError(f"{path}: expected a JSON object")
    return value


def _token_text(value: Any) -> str | None:
    """A special token as the config writes it: a string or a serialized AddedToken."""
    if isinstance(value, dict):
        value = value.get("content")
    return value if isinstance(value, str) else None


def _templates_from_value(value: Any, path: Path) -> dict[str, str]:
    """``chat_template`` as a config stores it: one string, or a list of {name, template}."""
    if isinstance(value, str):
        return {"default": value}
    if isinstance(value, list) and all(
        isinstance(item, dict)
        and isinstance(item.get("name"), str)
        and isinstance(item.get("template"), str)
        for item in value
    ):
        return {item["name"]: item["template"] for item in value}
    raise ChatModelError(
        f"{path}: 'chat_template' must be a string or a list of {{name, template}} objects"
    )


def _directory_templates(directory: Path, config: dict[str, Any]) -> tuple[dict[str, str], Path]:
    """The model's template sources and the file they come from (transformers' precedence)."""
    jinja = directory / "chat_template.jinja"
    extra_dir = directory / "additional_chat_templates"
    files: dict[str, str] = {}
    if jinja.is_file():
        files["default"] = _read_text(jinja)
    if extra_dir.is_dir():
        for extra in sorted(extra_dir.glob("*.jinja")):
            files[extra.stem] = _read_text(extra)
    if files:
        return files, jinja if jinja.is_file() else extra_dir
    config_path = directory / "tokenizer_config.json"
    if "chat_template" in config and config["chat_template"] is not None:
        return _templates_from_value(config["chat_template"], config_path), config_path
    json_path = directory / "chat_template.json"
    if json_path.is_file():
        return _templates_from_value(
            _read_json_object(json_path).get("chat_template"), json_path
        ), json_path
    raise ChatModelError(
        f"{directory}: no chat template (none in tokenizer_config.json, chat_template.jinja or"
        " chat_template.json); give one with --chat-template FILE"
    )


def _override_templates(path: Path) -> dict[str, str]:
    if not path.is_file():
        raise ChatModelError(f"{path}: no such chat template file")
    if path.suffix == ".json":
        return _templates_from_value(_read_json_object(path).get("chat_template"), path)
    return {"default": _read_text(path)}


def _tokenizer_file(directory: Path) -> Path:
    for name in ("tokenizer.json", "tokenizer.json.gz"):
        if (directory / name).is_file():
            return directory / name
    raise ChatModelError(f"{directory}: no tokenizer.json (or tokenizer.json.gz)")


def _build_tokenizer(path: Path, config: dict[str, Any], named: dict[str, str]) -> Any:
    """The ``tokenizers`` pipeline transformers would run for this directory."""
    try:
        from tokenizers import AddedToken, Regex, Tokenizer, normalizers, pre_tokenizers
    except ImportError:
        raise ChatModelError(HF_EXTRA_MISSING) from None
    try:
        tokenizer = Tokenizer.from_str(_read_text(path))
    except ChatModelError:
        raise
    except Exception as error:  # the library raises plain Exception for any bad file
        raise ChatModelError(f"{path}: not a tokenizer.json: {error}") from None
    if config.get("tokenizer_class") in _REBUILT_CLASSES:
        tokenizer.normalizer = normalizers.NFC()
        tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
            [
                pre_tokenizers.Split(Regex(_QWEN2_SPLIT), behavior="isolated", invert=False),
                pre_tokenizers.ByteLevel(
                    add_prefix_space=bool(config.get("add_prefix_space")), use_regex=False
                ),
            ]
        )
    present = {token.content for token in tokenizer.get_added_tokens_decoder().values()}
    declared = config.get("added_tokens_decoder")
    missing = [
        AddedToken(
            entry["content"],
            single_word=bool(entry.get("single_word", False)),
            lstrip=bool(entry.get("lstrip", False)),
            rstrip=bool(entry.get("rstrip", False)),
            normalized=bool(entry.get("normalized", not entry.get("special", False))),
            special=bool(entry.get("special", False)),
        )
        for entry in (declared.values() if isinstance(declared, dict) else ())
        if isinstance(entry, dict)
        and isinstance(entry.get("content"), str)
        and entry["content"] not in present
    ]
    present |= {token.content for token in missing}
    missing += [
        AddedToken(t, special=True) for t in dict.fromkeys(named.values()) if t not in present
    ]
    if missing:
        tokenizer.add_tokens(missing)
    tokenizer.encode_special_tokens = bool(config.get("split_special_tokens", False))
    return tokenizer


def _named_special_tokens(config: dict[str, Any]) -> dict[str, str]:
    named = {key: _token_text(config.get(key)) for key in NAMED_SPECIAL_TOKENS}
    extra = config.get("extra_special_tokens")
    if isinstance(extra, dict):
        named.update({str(key): _token_text(value) for key, value in extra.items()})
    return {key: text for key, text in named.items() if text is not None}


def _stop_tokens(directory: Path, tokenizer: Any, eos: str | None) -> tuple[str, ...]:
    stops = [eos] if eos else []
    generation = directory / "generation_config.json"
    if generation.is_file():
        ids = _read_json_object(generation).get("eos_token_id")
        for token_id in ids if isinstance(ids, list) else [ids]:
            text = tokenizer.id_to_token(token_id) if isinstance(token_id, int) else None
            if text is not None:
                stops.append(text)
    return tuple(dict.fromkeys(stops))


@functools.lru_cache(maxsize=4)
def load_model(directory: str, chat_template: str | None = None) -> ChatModel:
    """Load the model directory (``tokenizer.json`` given directly means its directory), with
    ``chat_template`` (a file) replacing its templates; raises ``ChatModelError``."""
    folder = Path(directory)
    if folder.is_file() and folder.name.startswith("tokenizer"):
        folder = folder.parent
    if not folder.is_dir():
        raise ChatModelError(f"{directory}: not a directory")
    tokenizer_file = _tokenizer_file(folder)
    config_path = folder / "tokenizer_config.json"
    config = _read_json_object(config_path) if config_path.is_file() else {}
    if chat_template is not None:
        sources, origin = _override_templates(Path(chat_template)), Path(chat_template)
    else:
        sources, origin = _directory_templates(folder, config)
    if "default" not in sources:
        raise ChatModelError(
            f"{origin}: named chat templates ({', '.join(sorted(sources))}) but none named 'default'"
        )
    templates = {name: compile_template(source, f"{origin}") for name, source in sources.items()}
    named = _named_special_tokens(config)
    tokenizer = _build_tokenizer(tokenizer_file, config, named)
    special = sorted(
        {t.content for t in tokenizer.get_added_tokens_decoder().values() if t.special},
        key=lambda text: (-len(text), text),
    )
    return ChatModel(
        folder,
        tokenizer,
        templates,
        named,
        _stop_tokens(folder, tokenizer, named.get("eos_token")),
        tuple(special),
    )
