"""Load, validate and resolve the YAML configuration.

A config is found by walking up from the current directory (``.tunelint.yaml``,
``.tunelint.yml``, or ``[tool.tunelint]`` in ``pyproject.toml``) unless ``--config`` names one.
Every key is checked against the declarations of the rules and of ``SETTINGS``; a mistake is
a ``ConfigError`` naming the file and line. YAML is loaded with the safe loader only.
"""

from __future__ import annotations

import difflib
import fnmatch
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from tunelint.diagnostics import Level
from tunelint.profile import available_profiles
from tunelint.rules import all_rules

CONFIG_NAMES = (".tunelint.yaml", ".tunelint.yml")


@dataclass(frozen=True)
class Setting:
    """A top-level config key other than ``rules``, ``extends``, ``ignore`` and ``overrides``."""

    type: type | tuple[type, ...]
    default: Any
    help: str


SETTINGS: dict[str, Setting] = {
    "profile": Setting(str, "openai", "provider profile whose format facts the rules use"),
    "model": Setting(str, None, "model whose tokenizer, token limit and price apply"),
    "max_tokens_per_example": Setting(int, None, "token limit per example (default: the model's)"),
    "baseline": Setting(str, None, "baseline file of accepted findings (relative to the config)"),
    "epochs": Setting(
        (int, dict), None, "stats: epochs to estimate, or the default-epochs heuristic's constants"
    ),
    "format": Setting(
        str, None, "line format to check files as (chat, preference, ...); default: detected"
    ),
    "tokenizer": Setting(
        str, None, "a local model directory (tokenizer.json, tokenizer_config.json): exact tokens"
    ),
    "chat_template": Setting(str, None, "a chat template file instead of the tokenizer's own"),
    "max_seq_length": Setting(int, None, "the trainer's max_seq_length (default: the profile's)"),
    "line_cap_bytes": Setting(int, None, "longest line read (default 64 MiB); longer are skipped"),
    "contamination": Setting(list, None, "eval files training examples must not quote"),
}


class ConfigError(Exception):
    """A config that cannot be used; the message names the file and, where known, the line."""

    def __init__(self, message: str, source: str | None = None, line: int | None = None) -> None:
        where = source or "<config>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class RuleSetting:
    level: Level
    options: dict[str, Any]


@dataclass
class Config:
    """The effective configuration: rule settings, per-path overrides, ignores, settings."""

    rules: dict[str, RuleSetting]
    settings: dict[str, Any] = field(
        default_factory=lambda: {k: s.default for k, s in SETTINGS.items()}
    )
    ignore: list[str] = field(default_factory=list)
    overrides: list[tuple[list[str], dict[str, RuleSetting]]] = field(default_factory=list)
    source: str | None = None
    root: Path = field(default_factory=Path.cwd)
    suppressions: tuple[Any, ...] = ()
    """``tunelint.suppress.Suppression``s from ``per-file-ignores`` and ``ignore-examples``."""

    @classmethod
    def default(cls) -> Config:
        return cls(
            rules={
                rule_id: RuleSetting(rule.level, rule.default_options())
                for rule_id, rule in all_rules().items()
            }
        )

    def _relative(self, path: str | Path) -> str:
        absolute = Path(path).resolve()
        try:
            return absolute.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return absolute.as_posix()

    def is_ignored(self, path: str | Path) -> bool:
        return _matches(self._relative(path), self.ignore)

    def matches(self, path: str | Path, patterns: list[str] | tuple[str, ...]) -> bool:
        """Whether ``path`` (relative to the config's directory) matches one of the globs."""
        return _matches(self._relative(path), list(patterns))

    def rules_for(self, path: str | Path | None = None) -> dict[str, RuleSetting]:
        """Rule settings for one file, with the overrides whose globs match it applied."""
        if path is None or not self.overrides:
            return self.rules
        relative = self._relative(path)
        rules = dict(self.rules)
        for patterns, overridden in self.overrides:
            if _matches(relative, patterns):
                rules.update(overridden)
        return rules

    def with_rule_levels(self, assignments: list[str]) -> Config:
        """Apply ``--rule ID=LEVEL`` assignments from the command line."""
        rules = dict(self.rules)
        for assignment in assignments:
            rule_id, sep, level = assignment.partition("=")
            if not sep:
                raise ConfigError(f"--rule wants ID=LEVEL, got {assignment!r}", "command line")
            _check_rule_id(rule_id.strip(), "command line", None)
            rules[rule_id.strip()] = RuleSetting(
                _parse_level(level.strip(), "command line", None), rules[rule_id.strip()].options
            )
        return Config(
            rules,
            dict(self.settings),
            self.ignore,
            self.overrides,
            self.source,
            self.root,
            self.suppressions,
        )

    def as_dict(self) -> dict[str, Any]:
        """The effective configuration, defaults filled in (for ``tunelint config``)."""
        return {
            "source": self.source,
            **self.settings,
            "ignore": list(self.ignore),
            "rules": {
                rule_id: {"level": str(setting.level), **setting.options}
                for rule_id, setting in self.rules.items()
            },
            "overrides": [
                {
                    "files": patterns,
                    "rules": {k: {"level": str(v.level), **v.options} for k, v in rules.items()},
                }
                for patterns, rules in self.overrides
            ],
            "suppressions": [suppression.describe() for suppression in self.suppressions],
        }


def _matches(relative: str, patterns: list[str]) -> bool:
    path = PurePosixPath(relative)
    return any(
        fnmatch.fnmatch(relative, pattern)
        or path.match(pattern)
        or fnmatch.fnmatch(path.name, pattern)
        for pattern in patterns
    )


# --- finding and reading config files ---------------------------------------------------


def find_config(start: Path | None = None) -> Path | None:
    """The nearest config file at or above ``start``."""
    directory = (start or Path.cwd()).resolve()
    for folder in (directory, *directory.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.tunelint" in pyproject.read_text("utf-8", "replace"):
            return pyproject
    return None


def _read_pyproject(path: Path) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read: {error}", str(path)) from None
    section = data.get("tool", {}).get("tunelint", {})
    if not isinstance(section, dict):
        raise ConfigError("[tool.tunelint] must be a table", str(path))
    return section


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """1-based line of each mapping key, by key path (depth-limited: alias bombs stay cheap)."""
    lines: dict[tuple[str, ...], int] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return lines

    def walk(node: yaml.Node, prefix: tuple[str, ...]) -> None:
        if isinstance(node, yaml.SequenceNode) and len(prefix) <= 3:
            for index, item in enumerate(node.value):
                lines.setdefault((*prefix, str(index)), item.start_mark.line + 1)
                walk(item, (*prefix, str(index)))
        if not isinstance(node, yaml.MappingNode) or len(prefix) > 3:
            return
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                path = (*prefix, str(key.value))
                lines.setdefault(path, key.start_mark.line + 1)
                walk(value, path)

    if root is not None:
        walk(root, ())
    return lines


def _read_yaml(path: Path) -> tuple[Any, dict[tuple[str, ...], int]]:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read: {error}", str(path)) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(
            f"not valid YAML: {problem}", str(path), mark.line + 1 if mark else None
        ) from None
    return data, _key_lines(text)


# --- validation --------------------------------------------------------------------------


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _check_rule_id(rule_id: str, source: str | None, line: int | None) -> None:
    if rule_id not in all_rules():
        raise ConfigError(
            f"unknown rule '{rule_id}'{_suggest(rule_id, list(all_rules()))}", source, line
        )


def _parse_level(value: Any, source: str | None, line: int | None) -> Level:
    if value is False:  # YAML 1.1 reads a bare `off` as false
        return Level.OFF
    try:
        return Level(value)
    except ValueError:
        raise ConfigError(
            f"level must be error, warning or off, not {value!r}", source, line
        ) from None


def _type_name(expected: type | tuple[type, ...]) -> str:
    types = expected if isinstance(expected, tuple) else (expected,)
    names = {
        int: "an integer",
        float: "a number",
        str: "a string",
        bool: "true or false",
        list: "a list",
        dict: "a mapping",
    }
    return " or ".join(names.get(t, t.__name__) for t in types)


def _check_type(value: Any, expected: type | tuple[type, ...]) -> bool:
    types = expected if isinstance(expected, tuple) else (expected,)
    if isinstance(value, bool) and bool not in types:
        return False
    if isinstance(value, int) and float in types:
        return True
    return value is None or isinstance(value, types)


def _parse_rules(
    section: Any,
    base: dict[str, RuleSetting],
    source: str | None,
    lines: dict[tuple[str, ...], int],
    prefix: tuple[str, ...],
) -> dict[str, RuleSetting]:
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise ConfigError(
            "'rules' must be a mapping of rule id to settings", source, lines.get(prefix)
        )
    parsed: dict[str, RuleSetting] = {}
    for rule_id, value in section.items():
        line = lines.get((*prefix, str(rule_id)))
        _check_rule_id(str(rule_id), source, line)
        rule = all_rules()[rule_id]
        current = base.get(rule_id) or RuleSetting(rule.level, rule.default_options())
        if value is True:
            parsed[rule_id] = RuleSetting(rule.level, current.options)
            continue
        if not isinstance(value, dict):
            parsed[rule_id] = RuleSetting(_parse_level(value, source, line), current.options)
            continue
        options = dict(current.options)
        level = current.level
        for name, option_value in value.items():
            option_line = lines.get((*prefix, str(rule_id), str(name)), line)
            if name == "level":
                level = _parse_level(option_value, source, option_line)
                continue
            if name not in rule.options:
                known = ["level", *rule.options]
                raise ConfigError(
                    f"rule '{rule_id}' has no option '{name}'{_suggest(str(name), known)}"
                    f" (options: {', '.join(known)})",
                    source,
                    option_line,
                )
            declared = rule.options[name]
            if not _check_type(option_value, declared.type):
                raise ConfigError(
                    f"option '{rule_id}.{name}' must be {_type_name(declared.type)}, "
                    f"not {option_value!r}",
                    source,
                    option_line,
                )
            options[name] = option_value
        parsed[rule_id] = RuleSetting(level, options)
    return parsed


def _string_list(value: Any, key: str, source: str | None, line: int | None) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"'{key}' must be a list of glob patterns", source, line)
    return list(value)


def _apply(data: Any, config: Config, path: Path | None, seen: tuple[Path, ...]) -> Config:
    """Layer one config file's data over ``config``."""
    source = str(path) if path else None
    lines: dict[tuple[str, ...], int] = {}
    if path is not None and path.name != "pyproject.toml":
        data, lines = _read_yaml(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"the config must be a mapping, not {type(data).__name__}", source, 1)
    known = ["extends", "rules", "ignore", "overrides", "per-file-ignores", "ignore-examples"]
    known += SETTINGS
    for key in data:
        if key not in known:
            raise ConfigError(
                f"unknown key '{key}'{_suggest(str(key), known)} (known: {', '.join(known)})",
                source,
                lines.get((str(key),)),
            )
    if "extends" in data:
        config = _extends(data["extends"], config, path, seen, lines.get(("extends",)))
    rules = dict(config.rules)
    rules.update(_parse_rules(data.get("rules"), config.rules, source, lines, ("rules",)))
    settings = dict(config.settings)
    for key, setting in SETTINGS.items():
        if key in data:
            if not _check_type(data[key], setting.type):
                raise ConfigError(
                    f"'{key}' must be {_type_name(setting.type)}, not {data[key]!r}",
                    source,
                    lines.get((key,)),
                )
            if key == "profile" and data[key] not in available_profiles():
                raise ConfigError(
                    f"unknown profile {data[key]!r} (known: {', '.join(available_profiles())})",
                    source,
                    lines.get((key,)),
                )
            settings[key] = data[key]
    ignore = list(config.ignore)
    if "ignore" in data:
        ignore += _string_list(data["ignore"], "ignore", source, lines.get(("ignore",)))
    overrides = list(config.overrides)
    if "overrides" in data:
        overrides += _parse_overrides(data["overrides"], rules, source, lines)
    from tunelint.suppress import parse_suppressions

    suppressions = (*config.suppressions, *parse_suppressions(data, source, lines))
    root = path.parent if path else config.root
    return Config(rules, settings, ignore, overrides, source or config.source, root, suppressions)


def _parse_overrides(
    value: Any, rules: dict[str, RuleSetting], source: str | None, lines: dict
) -> list[tuple[list[str], dict[str, RuleSetting]]]:
    line = lines.get(("overrides",))
    if not isinstance(value, list):
        raise ConfigError(
            "'overrides' must be a list of {files: [...], rules: {...}}", source, line
        )
    parsed = []
    for entry in value:
        if not isinstance(entry, dict) or set(entry) - {"files", "rules"} or "files" not in entry:
            raise ConfigError(
                "each override must be a mapping with 'files' (globs) and 'rules'", source, line
            )
        patterns = _string_list(entry["files"], "overrides.files", source, line)
        parsed.append((patterns, _parse_rules(entry.get("rules"), rules, source, {}, ())))
    return parsed


def _extends(
    value: Any, config: Config, path: Path | None, seen: tuple[Path, ...], line: int | None
) -> Config:
    source = str(path) if path else None
    if value == "default":
        return config
    if not isinstance(value, str):
        raise ConfigError("'extends' must be 'default' or a path to another config", source, line)
    base_path = ((path.parent if path else Path.cwd()) / value).resolve()
    if base_path in seen:
        raise ConfigError(f"'extends' loops back to {base_path}", source, line)
    if not base_path.is_file():
        raise ConfigError(f"'extends' names {value!r}, which does not exist", source, line)
    return _load_file(base_path, config, (*seen, base_path))


def _load_file(path: Path, base: Config, seen: tuple[Path, ...] = ()) -> Config:
    if path.name == "pyproject.toml":
        return _apply(_read_pyproject(path), base, path, seen)
    return _apply(None, base, path, (*seen, path.resolve()))


def load_config(path: str | Path | None = None, discover: bool = True) -> Config:
    """The effective config from ``path``, else the discovered file, else the defaults."""
    if path is not None:
        config_path = Path(path)
        if not config_path.is_file():
            raise ConfigError("config file does not exist", str(config_path))
    else:
        config_path = find_config() if discover else None
    config = Config.default()
    if config_path is None:
        return config
    return _load_file(config_path, config)


def config_from_dict(data: dict) -> Config:
    """Build a config from a mapping, as if read from a file (for the Python API and tests)."""
    return _apply(data, Config.default(), None, ())
