"""Which model, tokenizer, token limit and price apply under a profile.

The OpenAI profile takes its models from the catalog (``data/models.yaml``). Every other
profile takes them from its own ``models:`` list; a profile that records none (the open-weight
providers, whose price depends on the base model's size) accepts any ``--model`` name as a
label for the user's base model. Tokens are counted:

* exactly with tiktoken, when the model's tokenizer is a bundled encoding (OpenAI, Azure);
* with the text tokens of a local Hugging Face ``tokenizer.json`` given with ``--tokenizer``
  (the optional ``tokenizers`` package; never downloaded), for open-weight models;
* otherwise as an ESTIMATE: ``o200k_base`` counts as a proxy. No offline tokenizer exists for
  Gemini or Nova; o200k_base is a modern byte-level BPE with a vocabulary (200k) of the same
  order as Gemini's (256k), so it tracks text, code and non-English text far better than the
  "4 characters per token" rule of thumb, and it keeps the cookbook's per-message counting, so
  the figures of different profiles stay comparable in ``tunelint compare``.

The per-message and tool-definition overheads are the cookbook's (OpenAI's chat format) for
every tokenizer: a model's chat template is not in ``tokenizer.json`` and is not applied.
Prices are shown only where the profile records one with its source; otherwise the cost is
``None`` ("price not published").
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tunelint.models import Model, UnknownModel, load_catalog, resolve_model
from tunelint.profile import Profile, ProfileModel, load_profile
from tunelint.schema import shown
from tunelint.tokens import TextCounter, text_counter

PROXY_ENCODING = "o200k_base"
"""The encoding whose counts stand in for a tokenizer that cannot be run offline."""
HF_TOKENIZER = "hf-tokenizer-json"
"""A profile model's ``tokenizer:`` when it is the base model's Hugging Face tokenizer.json."""
BASE_MODEL = "base model"
"""The model's label under a profile that records no models, when ``--model`` is not given."""


class TokenizerError(ValueError):
    """``--tokenizer`` cannot be used: the extra is missing, the file unreadable, or no use."""


@dataclass(frozen=True)
class TokenSource:
    """How tokens are counted: the counter (built on first use), its tool constants, a label."""

    label: str
    """Shown in reports: "o200k_base", "tokenizer.json PATH" or "estimate: ... (how)"."""
    is_estimate: bool
    make_counter: Callable[[], TextCounter]
    tool_constants: Mapping[str, int]
    max_token_bytes: int | None = None
    """The longest token's UTF-8 bytes, where known: a text is at least its bytes over this
    many tokens."""

    @functools.cached_property
    def count(self) -> TextCounter:
        """The text counter; tiktoken loads only here, so validating a model stays cheap."""
        return self.make_counter()


@dataclass(frozen=True)
class ProfileChoice:
    """The model a profile estimates for, its token limit, and how its tokens are counted."""

    profile: Profile
    model: Model | ProfileModel
    token_limit: int | None
    tokens: TokenSource

    @property
    def takes_tokenizer_json(self) -> bool:
        """Whether ``--tokenizer`` (a Hugging Face tokenizer.json) applies to this model."""
        return isinstance(self.model, ProfileModel) and self.model.tokenizer == HF_TOKENIZER


def _tiktoken(encoding: str) -> TokenSource:
    spec = load_catalog().encodings[encoding]
    counter = functools.partial(text_counter, encoding)
    return TokenSource(encoding, False, counter, spec.tool_constants, spec.max_token_bytes)


@functools.cache
def _proxy(reason: str) -> TokenSource:
    source = _tiktoken(PROXY_ENCODING)
    label = f"estimate: {PROXY_ENCODING} counts as a proxy ({reason})"
    return dataclasses.replace(source, label=label, is_estimate=True)


@functools.cache
def hf_tokenizer(path: str) -> TokenSource:
    """The text-token counter of a local ``tokenizer.json``; raises ``TokenizerError``."""
    try:
        from tokenizers import Tokenizer
    except ImportError:
        raise TokenizerError(
            "--tokenizer needs the optional 'tokenizers' package: pip install 'tunelint[hf]'"
        ) from None
    try:
        tokenizer = Tokenizer.from_file(path)
    except Exception as error:  # the library raises plain Exception for any bad file
        raise TokenizerError(f"{path}: cannot read this tokenizer.json: {error}") from None

    def count(text: str) -> int:
        return len(tokenizer.encode(text, add_special_tokens=False).ids)

    constants = load_catalog().encodings[PROXY_ENCODING].tool_constants
    return TokenSource(f"tokenizer.json {path}", False, lambda: count, constants)


def _token_source(kind: str, name: str, tokenizer_path: str | None) -> TokenSource:
    """The counter for a model whose profile says its tokenizer is ``kind``."""
    if kind in load_catalog().encodings:
        if tokenizer_path:
            raise TokenizerError(f"--tokenizer: {name} is counted exactly with {kind} (tiktoken)")
        return _tiktoken(kind)
    if kind == HF_TOKENIZER:
        if tokenizer_path:
            return hf_tokenizer(tokenizer_path)
        return _proxy("give the base model's tokenizer.json with --tokenizer for exact counts")
    if tokenizer_path:
        raise TokenizerError(f"--tokenizer: {name} has no Hugging Face tokenizer to load")
    return _proxy(f"no tokenizer for {name} can run offline")


def _profile_model(profile: Profile, name: str | None) -> ProfileModel:
    """The named model of a profile with its own model list (its first when unnamed)."""
    if not profile.models:
        source = f"{profile.name} records no models: {profile.source}"
        return ProfileModel(name or BASE_MODEL, source, profile.tokenizer)
    if name is None:
        return profile.models[0]
    for model in profile.models:
        if name == model.name:
            return model
    try:  # a catalog snapshot or alias of one of the profile's OpenAI models
        catalog = resolve_model(name)
    except UnknownModel:
        catalog = None
    for model in profile.models:
        if catalog is not None and model.name in (catalog.name, *catalog.aliases):
            return model
    known = ", ".join(model.name for model in profile.models)
    raise UnknownModel(
        f"unknown model {shown(name)} for profile {profile.name}; known models: {known}"
    )


@functools.cache
def choose(
    profile_name: str,
    model: str | None,
    max_tokens: int | None = None,
    tokenizer_path: str | None = None,
) -> ProfileChoice:
    """The model, limit and token counting for one profile.

    ``max_tokens`` overrides the model's limit. Raises ``UnknownModel`` for a model the
    profile does not have and ``TokenizerError`` for a ``tokenizer_path`` that cannot be used.
    """
    profile = load_profile(profile_name)
    if profile.models is None:  # the catalog's models (OpenAI)
        resolved = resolve_model(model)
        limit = max_tokens or int(resolved.token_limit.value)
        return ProfileChoice(
            profile,
            resolved,
            limit,
            _token_source(resolved.encoding, resolved.name, tokenizer_path),
        )
    chosen = _profile_model(profile, model)
    tokens = _token_source(chosen.tokenizer, chosen.name, tokenizer_path)
    return ProfileChoice(profile, chosen, max_tokens or chosen.max_tokens, tokens)


def price_of(model: Model | ProfileModel) -> float | None:
    """USD per million training tokens, where a source is recorded; None: not published."""
    if isinstance(model, Model):
        return model.price_per_million.value
    return model.price_per_million


def model_facts(
    model: Model | ProfileModel,
    token_limit: int | None,
    tokens: TokenSource | None,
    profile: str,
    today: datetime.date,
) -> dict[str, Any]:
    """The stats report's ``model`` section: name, tokenizer, limits, price and its source."""
    if isinstance(model, Model):
        tokens = tokens or _tiktoken(model.encoding)
        return {
            "name": model.name,
            "encoding": model.encoding,
            "tokenizer": tokens.label,
            "tokens_are_estimate": tokens.is_estimate,
            "profile": profile,
            "token_limit": token_limit,
            "model_token_limit": int(model.token_limit.value),
            "price_per_million_usd": model.price_per_million.value,
            "price_source": model.price_per_million.source,
            "price_checked": model.price_per_million.checked.isoformat(),
            "note": model.status_note(today),
        }
    tokens = tokens or _token_source(model.tokenizer, model.name, None)
    checked = load_profile(profile).checked
    return {
        "name": model.name,
        "encoding": model.tokenizer if model.tokenizer in load_catalog().encodings else None,
        "tokenizer": tokens.label,
        "tokens_are_estimate": tokens.is_estimate,
        "profile": profile,
        "token_limit": token_limit,
        "model_token_limit": model.max_tokens,
        "price_per_million_usd": model.price_per_million,
        "price_source": model.source,
        "price_checked": checked if model.price_per_million is not None else None,
        "note": None,
    }
