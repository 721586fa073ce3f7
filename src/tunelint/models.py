"""The model catalog (``data/models.yaml``): tokenizer, token limit, price and status per model.

Loading it needs only YAML, never tiktoken, so ``check`` can validate a model name cheaply.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from importlib import resources
from typing import Annotated, TypedDict

from tunelint.documents import parse_yaml
from tunelint.schema import AtLeast, AtMost, Where, convert, name_entries, shown


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
    encoding: str
    token_limit: Figure
    price_per_million: Figure
    fine_tunable_until: datetime.date
    aliases: tuple[str, ...] = ()
    shut_down: datetime.date | None = None

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


MAX_EPOCHS = 10_000
"""The most epochs an estimate is figured for (providers allow tens), so that a cost stays a
finite number: 10**400 epochs overflowed the float a cost is."""
EpochCount = Annotated[int, AtLeast(0), AtMost(MAX_EPOCHS)]


class EpochConstants(TypedDict, total=False):
    """The default-epochs heuristic's constants (the catalog's, or the config's overrides);
    the epochs it gives are within ``target``, ``min`` and ``max``."""

    target: EpochCount
    min: EpochCount
    max: EpochCount
    min_examples_x_epochs: Annotated[int, AtLeast(0)]
    max_examples_x_epochs: Annotated[int, AtLeast(0)]


@dataclass(frozen=True)
class EncodingSpec:
    file: str
    sha256: str
    pattern_parts: tuple[str, ...] = field(metadata={"key": "pattern"})
    special_tokens: dict[str, int]
    tool_constants: dict[str, int] = field(metadata={"key": "tools"})
    max_token_bytes: Annotated[int, AtLeast(1)]
    """The longest token's UTF-8 bytes: a text of n bytes is at least n / this many tokens."""
    name: str = ""

    @property
    def pattern(self) -> str:
        """The split pattern, its parts joined with "|" as tiktoken does."""
        return "|".join(self.pattern_parts)


@dataclass(frozen=True)
class Catalog:
    default_model: str
    epochs: EpochConstants
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
        raise UnknownModel(f"unknown model {shown(name)}; known models: {', '.join(self.names())}")


def parse_catalog(text: str, source: str, bundled: bool = False) -> Catalog:
    """A catalog document checked against ``Catalog`` (raises ``SchemaError``); each model and
    encoding takes its name from its key."""
    data, lines = parse_yaml(text, source, bundled)
    where = Where(source, lines)
    for section in ("models", "encodings"):
        name_entries(data.get(section) if isinstance(data, dict) else None, where / section)
    catalog = convert(Catalog, data, where)
    for name, model in catalog.models.items():
        if model.encoding not in catalog.encodings:
            raise (where / "models" / name / "encoding").error(
                f"unknown encoding {shown(model.encoding)} (known: {', '.join(catalog.encodings)})"
            )
    return catalog


@functools.cache
def load_catalog() -> Catalog:
    """The bundled catalog, parsed and validated once."""
    text = resources.files("tunelint.data").joinpath("models.yaml").read_text("utf-8")
    return parse_catalog(text, "tunelint/data/models.yaml", bundled=True)


def resolve_model(name: str | None) -> Model:
    """Shortcut for ``load_catalog().resolve(name)``; raises ``UnknownModel``."""
    return load_catalog().resolve(name)
