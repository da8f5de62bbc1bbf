"""Read scenario files for the mock Twitch: YAML with line numbers, the JSON Schema, then the names.

A scenario file (``*.twitch.yaml``) sets up a world, names its tokens and lists steps:
calls with expected responses, and events such as revoke, expire and refresh. Every
problem is reported as ``FILE:LINE: field: message`` before anything runs: invalid
YAML, a schema violation, an unknown token, user, scope, client or endpoint.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from twitchpolicy.policyfile import LineMap, Problem, format_path, schema_problems
from twitchpolicy.registry import Registry, load_registry

SCENARIO_SUFFIXES = (".twitch.yaml", ".twitch.yml")
ACTIONS = (
    "call",
    "refresh",
    "revoke",
    "expire",
    "exhaust_rate_limit",
    "advance",
    "disconnect",
    "change_password",
    "take_scope",
    "grant",
    "add_role",
    "remove_role",
    "fail_next",
)
# The steps whose action value names a token.
TOKEN_ACTIONS = ("refresh", "revoke", "expire", "exhaust_rate_limit", "take_scope")
# Scenario client names and the World attributes they stand for.
CLIENTS = {"default": "client", "public": "public_client", "extension": "extension"}
RESERVED_NAMES = frozenset(CLIENTS) | {"none"}
# ${name}, ${name.access_token}, ${name.refresh_token}, ${default.client_id}, ${default.client_secret}
REFERENCE = re.compile(r"\$\{([^}]*)\}")
TOKEN_FIELDS = ("access_token", "refresh_token")
CLIENT_FIELDS = ("client_id", "client_secret")
TOKEN_ENDPOINT = ("POST", "/oauth2/token")

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ScenarioFileError(Exception):
    """Raised when a scenario file is invalid. ``problem`` names the file, line and field."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class Step:
    """One step: ``action`` is its key in ACTIONS, ``fields`` the whole mapping as written.

    ``method`` and ``path`` are set for calls, resolved from an endpoint id where the file gives one.
    """

    number: int
    line: int
    action: str
    fields: dict[str, Any]
    method: str = ""
    path: str = ""


@dataclass(frozen=True)
class ScenarioFile:
    """A validated scenario file. ``file`` is the name used in output."""

    file: str
    line: int
    name: str
    description: str
    world: dict[str, Any]
    users: dict[str, dict[str, Any]]
    roles: list[dict[str, Any]]
    grants: list[dict[str, Any]]
    tokens: dict[str, dict[str, Any]]
    steps: list[Step] = field(default_factory=list)


def is_scenario_file(path: Path) -> bool:
    return path.name.endswith(SCENARIO_SUFFIXES)


def find_scenario_files(path: Path) -> list[Path]:
    """Return ``path`` itself when it is a file, else every ``*.twitch.yaml`` and ``*.twitch.yml`` below it, sorted."""
    if path.is_dir():
        return sorted(found for found in path.rglob("*") if found.is_file() and is_scenario_file(found))
    return [path]


@lru_cache(maxsize=1)
def scenario_validator() -> jsonschema.Draft202012Validator:
    text = resources.files("twitchpolicy.mock").joinpath("scenario.schema.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def load_scenario(path: Path, display_name: str | None = None, registry: Registry | None = None) -> ScenarioFile:
    """Read and check one scenario file; raise ScenarioFileError with the first problem by line."""
    file = display_name or str(path)
    data, lines = _read_yaml(path, file)
    action_problems = _action_problems(data, lines, file)
    # The schema's one-action rule reports these steps again, in less helpful words.
    flagged_steps = {problem.field.split(".")[0] for problem in action_problems}
    schema = [problem for problem in schema_problems(data, lines, file, scenario_validator()) if problem.field not in flagged_steps]
    problems = action_problems + _value_problems(data, lines, file) + schema
    if problems:
        # A missing required field is often a misspelt one, so the unknown-field line comes first.
        raise ScenarioFileError(min(problems, key=lambda problem: (problem.message.endswith(" is required"), problem.line)))
    registry = registry or load_registry()
    scenario, problems = _build(data, lines, file, registry)
    problems += _NameChecker(scenario, lines, registry).problems()
    if problems:
        raise ScenarioFileError(min(problems, key=lambda problem: problem.line))
    return scenario


def _read_yaml(path: Path, file: str) -> tuple[Any, LineMap]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioFileError(Problem(file, 1, "", "file not found")) from None
    except IsADirectoryError:
        raise ScenarioFileError(Problem(file, 1, "", "is a directory; name a scenario file")) from None
    except UnicodeDecodeError as error:
        raise ScenarioFileError(Problem(file, 1, "", f"invalid UTF-8 at byte {error.start}")) from None
    except OSError as error:
        raise ScenarioFileError(Problem(file, 1, "", f"cannot read file: {error.strerror or error}")) from None
    lines = LineMap()
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ScenarioFileError(Problem(file, 1, "", "the file is empty; a scenario file starts with 'scenario: NAME'"))
        _record_lines(node, lines, file)
        data = loader.construct_document(node)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = ", ".join(part for part in (getattr(error, "context", None), getattr(error, "problem", None)) if part)
        raise ScenarioFileError(Problem(file, line, "", f"invalid YAML: {reason or error}")) from None
    finally:
        loader.dispose()
    return data, lines


def _record_lines(root: yaml.Node, lines: LineMap, file: str) -> None:
    """Record the line of every node; raise on duplicate keys and aliases, which scenario files do not need."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, tuple[Any, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        line = node.start_mark.line + 1
        if id(node) in seen:
            raise ScenarioFileError(Problem(file, line, format_path(path), "YAML aliases are not supported in scenario files; write the value out"))
        seen.add(id(node))
        lines.lines.setdefault(path, line)
        if isinstance(node, yaml.MappingNode):
            first_lines: dict[Any, int] = {}
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 1
                if not isinstance(key_node, yaml.ScalarNode):
                    raise ScenarioFileError(Problem(file, key_line, format_path(path), "invalid key; keys must be plain names"))
                key = key_node.value
                if key in first_lines:
                    message = f"duplicate key {key!r}; first defined on line {first_lines[key]}"
                    raise ScenarioFileError(Problem(file, key_line, format_path(path + (key,)), message))
                first_lines[key] = key_line
                lines.lines[path + (key,)] = key_line
                stack.append((value_node, path + (key,)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, path + (index,)))


def _action_problems(data: Any, lines: LineMap, file: str) -> list[Problem]:
    """Require exactly one action key in each step, with a clearer message than the schema's oneOf gives."""
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        return []
    problems = []
    for index, step in enumerate(data["steps"]):
        if not isinstance(step, dict):
            continue
        path = ("steps", index)
        actions = [key for key in step if key in ACTIONS]
        if not actions:
            message = f"step {index + 1} has no action; use one of {', '.join(ACTIONS)}"
            problems.append(Problem(file, lines.line_of(path), format_path(path), message))
        elif len(actions) > 1:
            message = f"step {index + 1} has two actions, {actions[0]} and {actions[1]}; write them as separate steps"
            problems.append(Problem(file, lines.line_of(path + (actions[1],)), format_path(path + (actions[1],)), message))
    return problems


def _value_problems(data: Any, lines: LineMap, file: str) -> list[Problem]:
    """Report values that JSON cannot hold, which the schema passes and the runner could not send.

    YAML turns an unquoted date into a timestamp, ``!!binary`` into bytes and ``!!set``
    into a set, and the JSON Schema type ``number`` accepts ``.nan`` and ``.inf``.
    """
    problems = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        message = None
        if isinstance(value, datetime.date):
            message = f"unquoted date {value.isoformat()} is a YAML timestamp, which JSON cannot hold; put it in quotes"
        elif isinstance(value, float) and not math.isfinite(value):
            message = f"invalid value {value}; give a finite number"
        elif isinstance(value, dict):
            stack.extend((item, path + (key,)) for key, item in value.items())
            # Keys are checked as values too, because json.dumps rejects a date or bytes key.
            stack.extend((key, path + (key,)) for key in value if not isinstance(key, str))
        elif isinstance(value, list):
            stack.extend((item, path + (index,)) for index, item in enumerate(value))
        elif value is not None and not isinstance(value, (str, int, float)):
            message = f"invalid value of YAML type {type(value).__name__}; a scenario file contains only strings, numbers, booleans, null, lists and mappings"
        if message is not None:
            problems.append(Problem(file, lines.line_of(path), format_path(path), message))
    return problems


def _build(data: dict[str, Any], lines: LineMap, file: str, registry: Registry) -> tuple[ScenarioFile, list[Problem]]:
    """Build the scenario from schema-valid data; return it with the problems of calls whose endpoint is unknown."""
    steps = []
    problems = []
    for index, raw in enumerate(data["steps"]):
        action = next(key for key in raw if key in ACTIONS)
        method = path = ""
        if action == "call":
            try:
                method, path = _resolve_call(raw["call"], registry, Problem(file, lines.line_of(("steps", index, "call")), f"steps[{index}].call", ""))
            except ScenarioFileError as error:
                problems.append(error.problem)
        steps.append(Step(index + 1, lines.line_of(("steps", index)), action, raw, method, path))
    scenario = ScenarioFile(
        file=file,
        line=lines.line_of(("scenario",)),
        name=data["scenario"],
        description=data["description"],
        world=data.get("world", {}),
        users=data.get("users", {}),
        roles=data.get("roles", []),
        grants=data.get("grants", []),
        tokens=data.get("tokens", {}),
        steps=steps,
    )
    return scenario, problems


def _resolve_call(target: str, registry: Registry, where: Problem) -> tuple[str, str]:
    """Return the method and path of a call written as an endpoint id or as ``METHOD /path``."""

    def invalid(message: str) -> ScenarioFileError:
        return ScenarioFileError(Problem(where.file, where.line, where.field, message))

    parts = target.split()
    if len(parts) == 1:
        endpoint = registry.endpoint(parts[0])
        if endpoint is None:
            hint = "list ids with 'twitchpolicy endpoints', or write a method and path such as 'GET /helix/users'"
            raise invalid(f"unknown endpoint id {parts[0]!r}; {hint}")
        return endpoint.method, endpoint.path
    if len(parts) != 2:
        raise invalid(f"invalid call {target!r}; write an endpoint id or a method and path such as 'GET /helix/users'")
    method, path = parts[0].upper(), parts[1]
    if "?" in path:
        raise invalid(f"invalid call {target!r}; put query parameters under 'query'")
    if path.startswith("/helix/"):
        lookup = registry.lookup(method, f"https://api.twitch.tv{path}")
    elif path.startswith("/oauth2/"):
        lookup = registry.lookup(method, f"https://id.twitch.tv{path}")
    else:
        raise invalid(f"invalid path {path!r}; calls go to /helix/... on api.twitch.tv or /oauth2/... on id.twitch.tv")
    if lookup.entry is None:
        if lookup.path_entries:
            raise invalid(f"unknown endpoint {method} {path}; that path takes {', '.join(lookup.allowed_methods)}")
        raise invalid(f"unknown endpoint {method} {path}; list Helix endpoints with 'twitchpolicy endpoints'")
    return method, path.rstrip("/")


class _NameChecker:
    """Check every name in a scenario against the world and the names defined so far, in step order."""

    def __init__(self, scenario: ScenarioFile, lines: LineMap, registry: Registry) -> None:
        from twitchpolicy.mock.world import World

        self.scenario = scenario
        self.lines = lines
        self.registry = registry
        self.world = World(seed=scenario.world.get("seed", 0), registry=registry)
        self.found: list[Problem] = []
        self.tokens = set(scenario.tokens)
        self.values: set[str] = set()

    def problems(self) -> list[Problem]:
        scenario = self.scenario
        for login, details in scenario.users.items():
            if login in {user.login for user in self.world.users.values()} or details["id"] in self.world.users:
                self._add(("users", login), f"user {login!r} or id {details['id']!r} already exists in the seeded world")
            else:
                self.world.add_user(details["id"], login, details.get("display_name"))
        for index, role in enumerate(scenario.roles):
            self._check_role(("roles", index), role)
        for index, grant in enumerate(scenario.grants):
            self._check_grant(("grants", index), grant)
        for name, token in scenario.tokens.items():
            path = ("tokens", name)
            if name in RESERVED_NAMES:
                self._add(path, f"the name {name!r} is reserved for a client; choose another token name")
            if token["kind"] == "user":
                self._check_user(path + ("user",), token["user"])
                self._check_scopes(path + ("scopes",), token.get("scopes", ()))
            for key, noun in (("user", "user"), ("scopes", "scopes"), ("refreshable", "refresh token")):
                if token["kind"] == "app" and key in token:
                    self._add(path + (key,), f"an app access token has no {noun}; set kind: user or remove {key!r}")
        for step in scenario.steps:
            self._check_step(step)
        return self.found

    def _add(self, path: tuple[Any, ...], message: str) -> None:
        self.found.append(Problem(self.scenario.file, self.lines.line_of(path), format_path(path), message))

    def _check_user(self, path: tuple[Any, ...], login: str) -> None:
        try:
            self.world.user(login)
        except KeyError as error:
            self._add(path, f"{error.args[0]}; add new users under 'users'")

    def _check_scopes(self, path: tuple[Any, ...], scopes: Any) -> None:
        try:
            self.world.check_scopes(scopes)
        except ValueError as error:
            self._add(path, str(error))

    def _check_role(self, path: tuple[Any, ...], role: dict[str, Any]) -> None:
        self._check_user(path + ("user",), role["user"])
        self._check_user(path + ("channel",), role["channel"])

    def _check_grant(self, path: tuple[Any, ...], grant: dict[str, Any]) -> None:
        self._check_user(path + ("user",), grant["user"])
        self._check_scopes(path + ("scopes",), grant["scopes"])

    def _check_token(self, path: tuple[Any, ...], name: str) -> None:
        if name not in self.tokens:
            defined = ", ".join(sorted(self.tokens)) or "none"
            self._add(path, f"unknown token {name!r}; tokens defined before this step: {defined}")

    def _check_step(self, step: Step) -> None:
        path: tuple[Any, ...] = ("steps", step.number - 1)
        fields = step.fields
        if step.action in TOKEN_ACTIONS:
            self._check_token(path + (step.action,), fields[step.action])
        if step.action == "take_scope":
            self._check_scopes(path + ("scope",), [fields["scope"]])
        elif step.action == "call":
            self._check_call(path, step)
        elif step.action in ("disconnect", "change_password"):
            self._check_user(path + (step.action,), fields[step.action])
        elif step.action == "grant":
            self._check_grant(path + ("grant",), fields["grant"])
        elif step.action in ("add_role", "remove_role"):
            self._check_role(path + (step.action,), fields[step.action])
        elif step.action == "fail_next":
            endpoint = fields["fail_next"].get("endpoint")
            if endpoint is not None and self.registry.endpoint(endpoint) is None:
                self._add(path + ("fail_next", "endpoint"), f"unknown endpoint id {endpoint!r}; list ids with 'twitchpolicy endpoints'")
        saved = fields.get("as")
        if saved is not None:
            saves_token = step.action == "refresh" or (step.method, step.path) == TOKEN_ENDPOINT
            # A token and a saved id under one name would make ${name} send the token.
            if saved in RESERVED_NAMES:
                self._add(path + ("as",), f"the name {saved!r} is reserved for a client; choose another name")
            elif saves_token and saved in self.values:
                self._add(path + ("as",), f"the name {saved!r} is a saved id, so ${{{saved}}} would send the token instead; choose another name")
            elif not saves_token and saved in self.tokens:
                self._add(path + ("as",), f"the name {saved!r} is a token, so ${{{saved}}} would send the token instead; choose another name")
            elif saves_token:
                self.tokens.add(saved)
            else:
                self.values.add(saved)

    def _check_call(self, path: tuple[Any, ...], step: Step) -> None:
        fields = step.fields
        if "token" in fields:
            self._check_token(path + ("token",), fields["token"])
        if "json" in fields and "form" in fields:
            self._add(path + ("form",), "a call sends either a json body or a form body, not both")
        for section in ("query", "json", "form"):
            if section in fields:
                for where, text in _strings(fields[section], path + (section,)):
                    for match in REFERENCE.finditer(text):
                        message = self._reference_problem(match.group(1))
                        if message is not None:
                            self._add(where, message)

    def _reference_problem(self, reference: str) -> str | None:
        name, _, part = reference.partition(".")
        if name in CLIENTS:
            return None if part in CLIENT_FIELDS else f"invalid reference ${{{reference}}}; a client has client_id and client_secret"
        if name in self.tokens:
            return None if part in ("",) + TOKEN_FIELDS else f"invalid reference ${{{reference}}}; a token has access_token and refresh_token"
        if name in self.values and not part:
            return None
        known = ", ".join(sorted(self.tokens | self.values)) or "none"
        return f"unknown name in ${{{reference}}}; names defined before this step: {known}"


def _strings(value: Any, path: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], str]]:
    """Return every string inside ``value`` with its path, for checking ${...} references."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _strings(item, path + (key,))]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in _strings(item, path + (index,))]
    return []
