"""Configuration of ``twitchpolicy check``: ``[tool.twitchpolicy]`` in pyproject.toml, or twitchpolicy.toml.

Keys:

- ``select``, ``ignore``, ``extend-select``: rule codes, code prefixes such as ``TP3``, rule names, or ``ALL``.
- ``per-file-ignores``: a glob mapped to selectors.
- ``exclude``: globs. ``policy``: extra policy files. Paths are relative to the file.
- ``scopes``: the scopes the application requests, when the code does not show them.
- ``tokens``: variable names, attributes such as ``self.app_token``, or ``env:NAME``
  environment variables, mapped to ``app`` or ``user``.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from twitchpolicy.rules import RULES

CONFIG_FILES = ("twitchpolicy.toml", "pyproject.toml")
KNOWN_KEYS = ("select", "ignore", "extend-select", "per-file-ignores", "exclude", "policy", "scopes", "tokens")
TOKEN_KINDS = ("app", "user")


class ConfigError(Exception):
    """An invalid configuration file or value; the message names the file, line, key and value."""


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    policy: tuple[str, ...] = ()
    scopes: tuple[str, ...] | None = None
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.path.parent if self.path is not None else Path.cwd()

    def enabled_codes(self) -> frozenset[str]:
        chosen = {rule.code for selector in self.select + self.extend_select for rule in RULES if matches(selector, rule)}
        return frozenset(code for code in chosen if not any(matches(selector, _rule(code)) for selector in self.ignore))

    def ignored_for(self, path: str) -> tuple[str, ...]:
        """Return the selectors that ``per-file-ignores`` applies to ``path``."""
        candidates = {Path(path).as_posix()}
        try:
            candidates.add(Path(path).resolve().relative_to(self.root.resolve()).as_posix())
        except ValueError:
            pass
        selectors: list[str] = []
        for pattern, chosen in self.per_file_ignores:
            if any(fnmatch.fnmatch(candidate, pattern) or fnmatch.fnmatch(Path(candidate).name, pattern) for candidate in candidates):
                selectors += chosen
        return tuple(selectors)


def _rule(code: str):
    return next(rule for rule in RULES if rule.code == code)


def matches(selector: str, rule) -> bool:
    """Tell whether a selector (code, code prefix, rule name or ALL) selects ``rule``."""
    normalized = selector.strip()
    return normalized.upper() == "ALL" or rule.code.startswith(normalized.upper()) or rule.name == normalized.lower()


def valid_selector(selector: str) -> bool:
    return any(matches(selector, rule) for rule in RULES) and bool(selector.strip())


def find_config(start: Path) -> Path | None:
    """Return the nearest twitchpolicy.toml, or pyproject.toml with a [tool.twitchpolicy] table, at or above ``start``."""
    directory = start.resolve()
    if directory.is_file():
        directory = directory.parent
    for candidate in [directory, *directory.parents]:
        own = candidate / CONFIG_FILES[0]
        if own.is_file():
            return own
        project = candidate / CONFIG_FILES[1]
        if project.is_file() and "[tool.twitchpolicy" in project.read_text(encoding="utf-8", errors="replace"):
            return project
    return None


def load_config(path: Path) -> Config:
    """Read and validate a configuration file; raise ConfigError naming the file, line, key and value."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read configuration: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: invalid configuration: the file is not UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("twitchpolicy", {})
        prefix = "tool.twitchpolicy."
    else:
        table = data
        prefix = ""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {prefix.rstrip('.') or 'file'} must be a table")
    reader = _Reader(path, text, table, prefix)
    return reader.read()


class _Reader:
    def __init__(self, path: Path, text: str, table: dict, prefix: str):
        self.path = path
        self.lines = text.splitlines()
        self.table = table
        self.prefix = prefix

    def fail(self, key: str, value: object, reason: str, line_key: str | None = None) -> ConfigError:
        line = self._line_of(line_key or key)
        where = f"{self.path}:{line}" if line else str(self.path)
        return ConfigError(f"{where}: invalid {self.prefix}{key} value {value!r}: {reason}")

    def _line_of(self, key: str) -> int | None:
        """Find the line of ``key`` inside this tool's tables, in a plain or an inline-table assignment."""
        pattern = re.compile(r'(?:^|[{,])\s*["\']?' + re.escape(key) + r'["\']?\s*=')
        inside = not self.prefix
        for number, line in enumerate(self.lines, start=1):
            header = re.match(r"^\s*\[+\s*([^\]]+?)\s*\]", line)
            if header and self.prefix:
                inside = header.group(1).startswith(self.prefix.rstrip("."))
                continue
            if inside and pattern.search(line):
                return number
        return None

    def read(self) -> Config:
        for key in self.table:
            if key not in KNOWN_KEYS:
                raise self.fail(key, self.table[key], f"unknown key; known keys are {', '.join(KNOWN_KEYS)}")
        tokens = self._tokens()
        scopes = self._strings("scopes") if "scopes" in self.table else None
        return Config(
            path=self.path,
            select=self._selectors("select") if "select" in self.table else ("ALL",),
            ignore=self._selectors("ignore"),
            extend_select=self._selectors("extend-select"),
            per_file_ignores=self._per_file_ignores(),
            exclude=self._strings("exclude"),
            policy=tuple(str((self.path.parent / name)) for name in self._strings("policy")),
            scopes=scopes,
            tokens=tokens,
        )

    def _strings(self, key: str) -> tuple[str, ...]:
        value = self.table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(key, value, "expected a list of strings")
        return tuple(value)

    def _selectors(self, key: str) -> tuple[str, ...]:
        selectors = self._strings(key)
        for selector in selectors:
            if not valid_selector(selector):
                raise self.fail(key, selector, "not a rule code, code prefix or rule name; run `twitchpolicy rules`")
        return selectors

    def _per_file_ignores(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        value = self.table.get("per-file-ignores", {})
        if not isinstance(value, dict):
            raise self.fail("per-file-ignores", value, "expected a table of glob = [selectors]")
        result = []
        for pattern, selectors in value.items():
            if not isinstance(selectors, list) or not all(isinstance(item, str) for item in selectors):
                raise self.fail(f"per-file-ignores.{pattern}", selectors, "expected a list of rule codes or names", pattern)
            for selector in selectors:
                if not valid_selector(selector):
                    raise self.fail(f"per-file-ignores.{pattern}", selector, "not a rule code, code prefix or rule name", pattern)
            result.append((pattern, tuple(selectors)))
        return tuple(result)

    def _tokens(self) -> dict[str, str]:
        value = self.table.get("tokens", {})
        if not isinstance(value, dict):
            raise self.fail("tokens", value, "expected a table of name = \"app\" or \"user\"")
        for name, kind in value.items():
            if kind not in TOKEN_KINDS:
                raise self.fail(f"tokens.{name}", kind, 'expected "app" or "user"', name)
        return dict(value)
