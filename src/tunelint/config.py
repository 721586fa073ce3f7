"""Load, validate and resolve the configuration.

A config is found by walking up from the current directory (``.tunelint.yaml``,
``.tunelint.yml``, or ``[tool.tunelint]`` in ``pyproject.toml``) unless ``--config`` names one.
Every key is declared here (``KEYS``, ``SETTINGS``) or by a rule (its ``Option``s) and checked
at load with ``tunelint.schema``: an unknown key, a wrong type, a value out of range, an
unknown profile, model or format is a ``ConfigError`` naming the file, the line and what is
allowed. Files are read as ``tunelint.documents`` reads them: regular files of at most 1 MiB,
YAML with the safe loader and its aliases' expansion bounded.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, TypedDict, TypeVar

from tunelint.costing import choose
from tunelint.diagnostics import Level
from tunelint.documents import parse_yaml, read_document, read_pyproject_section
from tunelint.globs import GlobSet
from tunelint.ignores import IGNORE_EXAMPLES, PER_FILE_IGNORES, RuleId, Suppression
from tunelint.models import MAX_EPOCHS, EpochConstants, UnknownModel
from tunelint.profile import available_profiles, load_profile
from tunelint.rules import all_rules
from tunelint.schema import (
    AtLeast,
    AtMost,
    OneOf,
    Parse,
    SchemaError,
    Where,
    convert,
    describe,
    did_you_mean,
    shown,
)

CONFIG_NAMES = (".tunelint.yaml", ".tunelint.yml")
TOKEN_RULE, TOKEN_OPTION = "over_token_limit", "max_tokens_per_example"
"""The rule option that the top-level ``max_tokens_per_example`` is an alias of."""


class ConfigError(SchemaError):
    """A config that cannot be used; the message names the file and, where known, the line."""


@dataclass(frozen=True)
class Setting:
    """One declared config key: its type hint (``tunelint.schema``), default and meaning."""

    hint: Any
    default: Any
    help: str


class AxolotlFields(TypedDict, total=False):
    """Axolotl's dataset options of the same names (``type: chat_template``): the key of the
    message list, each message property's key in the line (role and content default to
    themselves), and the names in the line that mean each role (replacing the defaults)."""

    field_messages: str
    message_property_mappings: dict[str, str]
    roles: dict[str, list[str]]


PositiveInt = Annotated[int, AtLeast(1)]
Paths = list[str] | str

SETTINGS: dict[str, Setting] = {
    "profile": Setting(
        Annotated[str, OneOf("profile", available_profiles)],
        "openai",
        "provider profile whose format facts the rules use",
    ),
    "model": Setting(
        str | None, None, "model whose tokenizer, token limit and price apply (the profile's)"
    ),
    "baseline": Setting(
        str | None, None, "baseline file of accepted findings (relative to the config)"
    ),
    "epochs": Setting(
        Annotated[int, AtLeast(1), AtMost(MAX_EPOCHS)] | EpochConstants | None,
        None,
        "stats: epochs to estimate, or the default-epochs heuristic's constants",
    ),
    "format": Setting(
        str | None,
        None,
        "line format to check files as (the profile's: chat, ...); default: detected",
    ),
    "tokenizer": Setting(
        str | None,
        None,
        "a local model directory (or tokenizer.json) whose tokenizer counts tokens",
    ),
    "chat_template": Setting(
        str | None,
        None,
        "a Jinja chat template file to render examples with (default: the model's)",
    ),
    "max_seq_length": Setting(
        PositiveInt | None,
        None,
        "the trainer's sequence length in tokens (default: the profile's training.max_seq_length)",
    ),
    "loss": Setting(
        Literal["assistant", "completion", "all"] | None,
        None,
        "what the trainer's loss covers (default: the profile's training.loss)",
    ),
    "contamination": Setting(
        list[str], [], "files of evaluation data that no training example may contain"
    ),
    "line_cap_bytes": Setting(
        PositiveInt, 64 << 20, "longest line read (bytes); a longer one is a finding, skipped"
    ),
    "axolotl": Setting(
        AxolotlFields,
        {
            "field_messages": "messages",
            "message_property_mappings": {"role": "role", "content": "content"},
        },
        "how Axolotl reads a line: the key of its message list (field_messages), each"
        " message's keys (message_property_mappings) and role names (roles); Axolotl's"
        " defaults, docs.axolotl.ai config reference: datasets",
    ),
}
MAPPING_SETTINGS = frozenset({"axolotl"})
"""Settings whose mapping is merged key by key over the inherited one."""


@dataclass(frozen=True)
class RuleSetting:
    level: Level
    options: dict[str, Any]


@dataclass(frozen=True)
class RuleLayer:
    """What one config entry says about one rule: a level, options, or both."""

    level: Level | None
    options: dict[str, Any]

    def over(self, rule_id: str, base: RuleSetting | None) -> RuleSetting:
        rule = all_rules()[rule_id]
        current = base or RuleSetting(rule.level, rule.default_options())
        return RuleSetting(self.level or current.level, {**current.options, **self.options})


def _parse_level(value: Any, where: Where) -> Level:
    if value is False:  # YAML 1.1 reads a bare `off` as false
        return Level.OFF
    try:
        return Level(value)
    except ValueError:  # "level must be ..." says what it is: no key path needed
        raise SchemaError(
            f"level must be error, warning or off, not {shown(value)}"
            f"{did_you_mean(value, [level.value for level in Level])}",
            where.source,
            where.line,
        ) from None


def _rule_layer(rule_id: str, value: Any, where: Where) -> RuleLayer:
    rule = all_rules()[rule_id]
    if value is True:
        return RuleLayer(rule.level, {})
    if not isinstance(value, dict):
        return RuleLayer(_parse_level(value, where), {})
    level, options = None, {}
    for name, option_value in value.items():
        if name == "level":
            level = _parse_level(option_value, where / "level")
        elif name in rule.options:
            options[name] = convert(rule.options[name].type, option_value, where / name)
        else:
            known = ["level", *rule.options]
            raise where.error(
                f"rule '{rule_id}' has no option {shown(name)}{did_you_mean(name, known)}"
                f" (options: {', '.join(known)})",
                str(name),
            )
    return RuleLayer(level, options)


def _rule_table(value: Any, where: Where) -> dict[str, RuleLayer]:
    if value is None:
        return {}
    table = convert(dict[RuleId, Any], value, where)
    return {rule_id: _rule_layer(rule_id, item, where / rule_id) for rule_id, item in table.items()}


RuleTable = Annotated[dict[str, RuleLayer], Parse(_rule_table, "a mapping")]


class _OverrideFiles(TypedDict):
    files: Paths


class Override(_OverrideFiles, total=False):
    rules: RuleTable


KEYS: dict[str, Setting] = {
    "extends": Setting(str | None, None, "'default', or a config file this one is laid over"),
    "rules": Setting(RuleTable, {}, "rule id -> level (error, warning, off) or {level, options}"),
    "ignore": Setting(Paths, [], "globs of paths not to check"),
    "overrides": Setting(list[Override], [], "per-path rule settings: [{files: [globs], rules}]"),
    "per-file-ignores": Setting(PER_FILE_IGNORES, {}, "glob -> rule ids silenced in those files"),
    "ignore-examples": Setting(
        IGNORE_EXAMPLES, {}, "rule id -> examples silenced: [{hash or line, file?, reason}]"
    ),
    **SETTINGS,
    TOKEN_OPTION: Setting(
        all_rules()[TOKEN_RULE].options[TOKEN_OPTION].type,
        None,
        f"alias of rules.{TOKEN_RULE}.{TOKEN_OPTION}",
    ),
}
ConfigFile = TypedDict("ConfigFile", {key: s.hint for key, s in KEYS.items()}, total=False)  # type: ignore[misc]
"""The schema of one config file (``.tunelint.yaml`` or ``[tool.tunelint]``)."""


def settings_reference() -> str:
    """Every config key with its type and meaning, as Markdown lines (for the README)."""
    return "".join(f"- `{key}` ({describe(s.hint)}): {s.help}\n" for key, s in KEYS.items())


@dataclass
class Config:
    """The effective configuration: rule settings, per-path overrides, ignores, settings."""

    rules: dict[str, RuleSetting]
    settings: dict[str, Any] = field(
        default_factory=lambda: copy.deepcopy({k: s.default for k, s in SETTINGS.items()})
    )
    ignore: list[str] = field(default_factory=list)
    overrides: list[tuple[list[str], dict[str, RuleSetting]]] = field(default_factory=list)
    source: str | None = None
    root: Path = field(default_factory=Path.cwd)
    suppressions: tuple[Suppression, ...] = ()
    """``tunelint.ignores.Suppression``s from ``per-file-ignores`` and ``ignore-examples``."""

    def __post_init__(self) -> None:
        if TOKEN_RULE in self.rules:
            self.settings.setdefault(TOKEN_OPTION, self.rules[TOKEN_RULE].options[TOKEN_OPTION])
        self._ignored = GlobSet(self.ignore)
        self._overridden = [(GlobSet(patterns), rules) for patterns, rules in self.overrides]

    @classmethod
    def default(cls) -> Config:
        return cls(
            rules={
                rule_id: RuleSetting(rule.level, rule.default_options())
                for rule_id, rule in all_rules().items()
            }
        )

    def relative(self, path: str | Path) -> str:
        """``path`` relative to the config's directory (absolute when outside it), POSIX."""
        absolute = Path(path).resolve()
        try:
            return absolute.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return absolute.as_posix()

    def is_ignored(self, path: str | Path) -> bool:
        return bool(self._ignored) and self._ignored.matches(self.relative(path))

    def rules_for(self, path: str | Path | None = None) -> dict[str, RuleSetting]:
        """Rule settings for one file, with the overrides whose globs match it applied."""
        if path is None or not self.overrides:
            return self.rules
        relative = self.relative(path)
        rules = dict(self.rules)
        for globs, overridden in self._overridden:
            if globs.matches(relative):
                rules.update(overridden)
        return rules

    def _copy(self, rules: dict[str, RuleSetting], settings: dict[str, Any]) -> Config:
        return Config(
            rules, settings, self.ignore, self.overrides, self.source, self.root, self.suppressions
        )

    def with_rule_levels(self, assignments: list[str]) -> Config:
        """Apply ``--rule ID=LEVEL`` assignments from the command line."""
        return _as_config_error(self._with_rule_levels)(assignments)

    def _with_rule_levels(self, assignments: list[str]) -> Config:
        rules = dict(self.rules)
        where = Where("command line")
        for assignment in assignments:
            rule_id, sep, level = (part.strip() for part in assignment.partition("="))
            if not sep:
                raise where.error(f"--rule wants ID=LEVEL, got {shown(assignment)}")
            convert(RuleId, rule_id, where)
            rules[rule_id] = RuleSetting(_parse_level(level, where), rules[rule_id].options)
        return self._copy(rules, dict(self.settings))

    def with_rules_off(self, turned_off: Callable[[str, RuleSetting], bool]) -> Config:
        """A copy with each rule setting ``turned_off`` picks (by rule id and setting, in the
        base rules and in every override) at level ``off``, its options kept."""

        def apply(rules: dict[str, RuleSetting]) -> dict[str, RuleSetting]:
            return {
                rule_id: RuleSetting(Level.OFF, setting.options)
                if turned_off(rule_id, setting)
                else setting
                for rule_id, setting in rules.items()
            }

        overrides = [(patterns, apply(rules)) for patterns, rules in self.overrides]
        return dataclasses.replace(
            self, rules=apply(self.rules), settings=dict(self.settings), overrides=overrides
        )

    def with_settings(self, **values: Any) -> Config:
        """These settings (from the command line: ``profile=``, ``model=``, ``format=``)
        checked as a config file's would be; raises ``ConfigError``."""
        return _as_config_error(self._with_settings)(values)

    def _with_settings(self, values: dict[str, Any]) -> Config:
        where = Where("command line")
        settings = dict(self.settings)
        for key, value in values.items():
            settings[key] = convert(SETTINGS[key].hint, value, where / key)
        _check_against_profile(settings, where, set(values))
        return self._copy(dict(self.rules), settings)

    def as_dict(self) -> dict[str, Any]:
        """The effective configuration, defaults filled in (for ``tunelint config``)."""

        def shown_rules(rules: dict[str, RuleSetting]) -> dict[str, Any]:
            return {k: {"level": str(v.level), **v.options} for k, v in rules.items()}

        return {
            "source": self.source,
            **self.settings,
            "ignore": list(self.ignore),
            "rules": shown_rules(self.rules),
            "overrides": [
                {"files": patterns, "rules": shown_rules(rules)}
                for patterns, rules in self.overrides
            ],
            "suppressions": [suppression.describe() for suppression in self.suppressions],
        }


_Result = TypeVar("_Result")


def _as_config_error(function: Callable[..., _Result]) -> Callable[..., _Result]:
    """``function`` with every ``SchemaError`` it raises turned into a ``ConfigError``."""

    @functools.wraps(function)
    def checked(*args: Any, **kwargs: Any) -> _Result:
        try:
            return function(*args, **kwargs)
        except ConfigError:
            raise
        except SchemaError as error:
            raise ConfigError(error.message, error.source, error.line) from None

    return checked


def _check_against_profile(settings: Mapping[str, Any], where: Where, given: set[str]) -> None:
    """The model and format must be the profile's; errors point at the key this layer set
    (the model or format, else the profile that no longer has them)."""
    profile = settings["profile"]
    model, fmt = settings.get("model"), settings.get("format")
    if model is not None and given & {"model", "profile"}:
        try:
            choose(profile, model)
        except UnknownModel as error:
            raise where.error(str(error), "model" if "model" in given else "profile") from None
    if fmt is not None and given & {"format", "profile"}:
        known = list(load_profile(profile).formats)
        if fmt not in known:
            raise where.error(
                f"unknown format {shown(fmt)} for profile {profile}{did_you_mean(fmt, known)}"
                f" (known: {', '.join(known)})",
                "format" if "format" in given else "profile",
            )


# --- finding and layering config files --------------------------------------------------


def find_config(start: Path | None = None) -> Path | None:
    """The nearest config file at or above ``start``."""
    directory = (start or Path.cwd()).resolve()
    for folder in (directory, *directory.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.tunelint" in read_document(pyproject):
            return pyproject
    return None


def _read(path: Path) -> tuple[Any, Where]:
    if path.name == "pyproject.toml":
        data, lines = read_pyproject_section(path)
    else:
        data, lines = parse_yaml(read_document(path), str(path))
    return data, Where(str(path), lines)


def _apply(data: Any, config: Config, path: Path | None, seen: tuple[Path, ...]) -> Config:
    """Layer one config file's data (already read) over ``config``."""
    where = Where(str(path) if path else None)
    if path is not None:
        data, where = _read(path)
    if data is not None and not isinstance(data, dict):
        raise where.error(f"the config must be a mapping, not {type(data).__name__}")
    parsed = convert(ConfigFile, {} if data is None else data, where)
    if parsed.get("extends") not in (None, "default"):
        config = _extends(parsed["extends"], path, seen, where / "extends", config)
    rules = dict(config.rules)
    if TOKEN_OPTION in parsed:
        layer = RuleLayer(None, {TOKEN_OPTION: parsed[TOKEN_OPTION]})
        rules[TOKEN_RULE] = layer.over(TOKEN_RULE, rules[TOKEN_RULE])
    for rule_id, layer in parsed.get("rules", {}).items():
        rules[rule_id] = layer.over(rule_id, rules.get(rule_id))
    settings = dict(config.settings)
    for key in SETTINGS.keys() & parsed.keys():
        merge = key in MAPPING_SETTINGS and isinstance(settings.get(key), dict)
        settings[key] = {**settings[key], **parsed[key]} if merge else parsed[key]
    settings[TOKEN_OPTION] = rules[TOKEN_RULE].options[TOKEN_OPTION]
    _check_against_profile(settings, where, set(parsed))
    if path is not None:
        _check_read_inside_repository(parsed, path, where)
    ignore = list(config.ignore)
    extra = parsed.get("ignore", [])
    ignore += [extra] if isinstance(extra, str) else extra
    overrides = list(config.overrides)
    for entry in parsed.get("overrides", []):
        patterns = [entry["files"]] if isinstance(entry["files"], str) else entry["files"]
        layers = entry.get("rules", {}).items()
        overrides.append(
            (patterns, {rid: layer.over(rid, rules.get(rid)) for rid, layer in layers})
        )
    suppressions = (
        *config.suppressions,
        *parsed.get("per-file-ignores", []),
        *parsed.get("ignore-examples", []),
    )
    root = path.parent if path else config.root
    return Config(
        rules, settings, ignore, overrides, where.source or config.source, root, suppressions
    )


def _check_read_inside_repository(parsed: Mapping[str, Any], path: Path, where: Where) -> None:
    """A committed config names the files it reads (the baseline, relative to the config; the
    contamination files, relative to where tunelint runs) only inside the repository that
    holds it (or the config's own directory outside git): a pull request cannot point a run at
    a file elsewhere on the machine and learn from its findings what that file holds."""
    from tunelint.exclusion import repository_root

    tree = repository_root(path.parent.resolve()) or path.parent.resolve()
    named = [("baseline", path.parent / parsed["baseline"])] if parsed.get("baseline") else []
    named += [("contamination", Path(value)) for value in parsed.get("contamination", [])]
    for key, file in named:
        if not file.resolve().is_relative_to(tree):
            raise (where / key).error(
                f"names {shown(str(file))}, outside {shown(str(tree))}: a config reads files"
                " only inside its repository (give it on the command line instead)"
            )


def _extends(
    value: str, path: Path | None, seen: tuple[Path, ...], where: Where, config: Config
) -> Config:
    base_path = ((path.parent if path else Path.cwd()) / value).resolve()
    if base_path in seen:
        raise where.error(f"loops back to {shown(str(base_path))}")
    try:
        return _load_file(base_path, config, (*seen, base_path))
    except SchemaError as error:
        if error.source != str(base_path) or error.line is not None:
            raise
        raise where.error(f"names {shown(value)}: {error.message}") from None


def _load_file(path: Path, base: Config, seen: tuple[Path, ...] = ()) -> Config:
    return _apply(None, base, path, (*seen, path.resolve()))


@_as_config_error
def load_config(path: str | Path | None = None, discover: bool = True) -> Config:
    """The effective config from ``path``, else the discovered file, else the defaults."""
    config_path = Path(path) if path is not None else find_config() if discover else None
    config = Config.default()
    if config_path is None:
        return config
    return _load_file(config_path, config)


@_as_config_error
def config_from_dict(data: dict) -> Config:
    """Build a config from a mapping, as if read from a file (for the Python API and tests)."""
    return _apply(data, Config.default(), None, ())
