"""The model catalog (``data/models.yaml``): tokenizer, token limit, price and status per model.

Loading it needs only YAML, never tiktoken, so ``check`` can validate a model name cheaply.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml


class UnknownModel(KeyError):
    """A model name the catalog does not know; the message lists the known ones."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Figure:
    """One catalog figure with where it comes from and when it was checked."""

    value: float
    source: str
    checked: datetime.date


@dataclass(frozen=True)
class Model:
    name: str
    aliases: tuple[str, ...]
    encoding: str
    token_limit: Figure
    price_per_million: Figure
    fine_tunable_until: datetime.date
    shut_down: datetime.date | None

    def trainable_on(self, day: datetime.date) -> bool:
        """Whether a new fine-tuning job on this model can start on ``day``."""
        return day < self.fine_tunable_until

    def status_note(self, day: datetime.date) -> str | None:
        """A warning when the model can no longer be fine-tuned on ``day``, else None."""
        if self.trainable_on(day):
            return None
        if self.shut_down is not None and day >= self.shut_down:
            return f"{self.name} was shut down on {self.shut_down}: it can no longer be fine-tuned"
        return f"{self.name} cannot be fine-tuned since {self.fine_tunable_until}"


@dataclass(frozen=True)
class EncodingSpec:
    name: str
    file: str
    sha256: str
    pattern: str
    special_tokens: dict[str, int]
    tool_constants: dict[str, int]


@dataclass(frozen=True)
class Catalog:
    default_model: str
    epochs: dict[str, int]
    encodings: dict[str, EncodingSpec]
    models: dict[str, Model]

    def names(self) -> list[str]:
        """Every accepted name: snapshot names and their aliases."""
        return sorted({n for m in self.models.values() for n in (m.name, *m.aliases)})

    def resolve(self, name: str | None) -> Model:
        """The model for a name, alias or fine-tuned name (``ft:BASE:org::id``)."""
        if name is None:
            name = self.default_model
        base = name.split(":")[1] if name.startswith("ft:") else name
        for model in self.models.values():
            if base == model.name or base in model.aliases:
                return model
        raise UnknownModel(f"unknown model {name!r}; known models: {', '.join(self.names())}")


def _figure(raw: dict[str, Any]) -> Figure:
    return Figure(raw["value"], raw["source"], raw["checked"])


@functools.cache
def load_catalog() -> Catalog:
    """The bundled catalog, parsed once."""
    text = resources.files("tunelint.data").joinpath("models.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    encodings = {
        name: EncodingSpec(
            name,
            spec["file"],
            spec["sha256"],
            "|".join(spec["pattern"]),
            dict(spec["special_tokens"]),
            dict(spec["tools"]),
        )
        for name, spec in raw["encodings"].items()
    }
    models = {
        name: Model(
            name,
            tuple(spec.get("aliases", ())),
            spec["encoding"],
            _figure(spec["token_limit"]),
            _figure(spec["price_per_million"]),
            spec["fine_tunable_until"],
            spec.get("shut_down"),
        )
        for name, spec in raw["models"].items()
    }
    return Catalog(raw["default_model"], dict(raw["epochs"]), encodings, models)


def resolve_model(name: str | None) -> Model:
    """Shortcut for ``load_catalog().resolve(name)``; raises ``UnknownModel``."""
    return load_catalog().resolve(name)
