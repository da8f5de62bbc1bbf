"""Build a :class:`~twitchpolicy.registry.Registry` from policy files, with the checks the schema cannot express."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from twitchpolicy.policyfile import LineMap, PolicyError, Problem, bundled_policy_dir, format_path, read_policy_file, schema_problems
if TYPE_CHECKING:
    from twitchpolicy.cache import Cache

from twitchpolicy.registry import (
    AppTokenPolicy,
    Auth,
    Endpoint,
    EventSubType,
    Grant,
    IdentityRule,
    KrakenEndpoint,
    OAuthEndpoint,
    OptionalScope,
    Parameter,
    Registry,
    Scope,
    ScopeRequirement,
    Sdk,
    SdkArgument,
    SdkAuth,
    SdkCondition,
    SdkMethod,
    UserGrant,
    UnverifiedEndpoint,
    UserTokenPolicy,
)



def bundled_policy_files() -> list[Path]:
    root = bundled_policy_dir()
    folders = ("helix", "eventsub", "sdk")
    return sorted(root.glob("*.yaml")) + [path for folder in folders for path in sorted((root / folder).glob("*.yaml"))]


@lru_cache(maxsize=8)
def load(extra_files: tuple[str, ...], validate_bundled: bool) -> Registry:
    """Build the registry; cached, because the CLI and tests load the same files many times."""
    if _parse_cache is None:
        return _build(extra_files, validate_bundled)
    try:
        return _build(extra_files, validate_bundled)
    except PolicyError:
        raise
    except Exception:  # noqa: BLE001 - any failure on cached data means an entry this code did not write
        use_parse_cache(None)
        return _build(extra_files, validate_bundled)


def _build(extra_files: tuple[str, ...], validate_bundled: bool) -> Registry:
    builder = _Builder()
    bundled = bundled_policy_files()
    bundled_resolved = {path.resolve() for path in bundled}
    # A bundled file named again (policy validate policy/helix/chat.yaml) is validated, not loaded twice.
    named_bundled = any(Path(path).resolve() in bundled_resolved for path in extra_files)
    for path in bundled:
        builder.read(path, bundled=True, validate=validate_bundled or named_bundled)
    for path in extra_files:
        if Path(path).resolve() not in bundled_resolved:
            builder.read(Path(path), bundled=False, validate=True)
    return builder.build()


# The check command's cache, when it is on: parsed bundled files are kept there as JSON,
# which loads several times faster than YAML. Its shared key covers the bundled files' bytes.
_parse_cache: Cache | None = None


def use_parse_cache(cache: Cache | None) -> None:
    """Keep parsed bundled policy files in ``cache`` from now on, or stop with None."""
    global _parse_cache
    _parse_cache = cache
    _read_bundled_file.cache_clear()


@lru_cache(maxsize=None)
def _read_bundled_file(path: Path, display_name: str) -> tuple[Any, LineMap, list[Problem]]:
    """Parse a bundled policy file once per process, or take it from the parse cache.

    Each load with a new set of extra files reads every bundled file again, and parsing
    them is most of the cost. The builder never changes the parsed data, so registries
    can share it.
    """
    cache = _parse_cache
    if cache is None:
        return read_policy_file(path, display_name=display_name)
    name = cache.entry_key("policy", [display_name], shared=True)
    cached = _decode_parsed(cache.load(name, shared=True))
    if cached is not None:
        return cached
    data, lines, problems = read_policy_file(path, display_name=display_name)
    document = {"data": data, "lines": [[list(key), line] for key, line in lines.lines.items()]}
    # Only data that JSON gives back unchanged is kept: no dates, no keys other than strings.
    if data is not None and not problems and _round_trips(document, data, lines):
        cache.store(name, document, shared=True)
    return data, lines, problems


def _round_trips(document: dict[str, Any], data: Any, lines: LineMap) -> bool:
    try:
        decoded = _decode_parsed(json.loads(json.dumps(document)))
    except (TypeError, ValueError):
        return False
    return decoded is not None and decoded[0] == data and decoded[1].lines == lines.lines


def _decode_parsed(document: Any) -> tuple[Any, LineMap, list[Problem]] | None:
    if not isinstance(document, dict) or not isinstance(document.get("data"), dict) or not isinstance(document.get("lines"), list):
        return None
    lines = LineMap()
    for entry in document["lines"]:
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], list) and isinstance(entry[1], int)):
            return None
        lines.lines[tuple(entry[0])] = entry[1]
    return document["data"], lines, []


def _find_value(data: Any, value: Any, path: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    """Return the path of the first occurrence of ``value`` inside ``data``, depth first."""
    if data == value:
        return path
    if isinstance(data, Mapping):
        items = list(data.items())
    elif isinstance(data, list):
        items = list(enumerate(data))
    else:
        return None
    for key, item in items:
        found = _find_value(item, value, path + (key,))
        if found is not None:
            return found
    return None


def _is_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _tuple(values: Iterable[Any] | None) -> tuple[Any, ...]:
    return tuple(values or ())


def _scopes(data: Mapping[str, Any] | None) -> ScopeRequirement:
    data = data or {}
    return ScopeRequirement(_tuple(data.get("all_of")), _tuple(data.get("any_of")))


def _eventsub_scopes(data: Mapping[str, Any]) -> ScopeRequirement:
    groups = tuple(tuple(group) for group in data.get("any_of_groups", ()))
    return ScopeRequirement(_tuple(data.get("all_of")), _tuple(data.get("any_of")), groups)


def _parameters(rows: Iterable[Mapping[str, Any]] | None) -> tuple[Parameter, ...]:
    return tuple(Parameter(row["name"], bool(row["required"])) for row in rows or ())


def _auth(data: Mapping[str, Any]) -> Auth:
    user = app = None
    if "user" in data:
        raw = data["user"] or {}
        user = UserTokenPolicy(
            scopes=_scopes(raw.get("scopes")),
            identity=tuple(IdentityRule(rule["param"], rule["in"], rule["role"]) for rule in raw.get("identity", ())),
            optional_scopes=tuple(OptionalScope(item["scope"], item["unlocks"]) for item in raw.get("optional_scopes", ())),
            without_scopes=raw.get("without_scopes"),
            transports=_tuple(raw.get("transports")),
        )
    if "app" in data:
        raw = data["app"] or {}
        app = AppTokenPolicy(
            limited=raw.get("limited"),
            only_for=raw.get("only_for"),
            authorized_by=tuple(
                UserGrant(grant["param"], grant["in"], _scopes(grant["scopes"]), bool(grant.get("or_moderator", False)))
                for grant in raw.get("authorized_by", ())
            ),
            transports=_tuple(raw.get("transports")),
        )
    jwt_role = (data.get("jwt") or {}).get("role") if "jwt" in data else None
    return Auth(user=user, app=app, jwt_role=jwt_role, none="none" in data)


def _sdk_argument(data: Mapping[str, Any] | None) -> SdkArgument | None:
    if data is None:
        return None
    return SdkArgument(data.get("position"), data.get("keyword"))


def _sdk_condition(data: Mapping[str, Any] | None) -> SdkCondition | None:
    if data is None:
        return None
    return SdkCondition(data.get("position"), data.get("keyword"), data["value"])


class _Builder:
    """Collects entries from several files, then checks what the schema cannot."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.files: list[str] = []
        self.endpoints: dict[str, Endpoint] = {}
        self.scopes: dict[str, Scope] = {}
        self.scope_lines: dict[str, tuple[str, int]] = {}
        self.oauth_endpoints: dict[str, OAuthEndpoint] = {}
        self.grants: dict[str, Grant] = {}
        self.oauth_lines: dict[str, tuple[str, int]] = {}
        self.grant_lines: dict[str, tuple[str, int]] = {}
        self.kraken: dict[str, KrakenEndpoint] = {}
        self.kraken_lines: dict[str, tuple[str, int]] = {}
        self.unverified: dict[str, UnverifiedEndpoint] = {}
        self.unverified_lines: dict[str, tuple[str, int]] = {}
        self.sdks: dict[str, Sdk] = {}
        self.sdk_lines: dict[str, tuple[str, int]] = {}
        self.sdk_locations: dict[str, tuple[str, LineMap]] = {}
        self.kraken_shutdown_on: str | None = None
        self.kraken_reference: str | None = None
        self.endpoint_locations: dict[str, tuple[str, tuple[Any, ...], LineMap, Mapping[str, Any]]] = {}
        self.eventsub_types: dict[str, EventSubType] = {}
        self.eventsub_locations: dict[str, tuple[str, tuple[Any, ...], LineMap, Mapping[str, Any]]] = {}

    def read(self, path: Path, bundled: bool, validate: bool) -> None:
        file = str(path)
        if bundled:
            file = "policy/" + path.relative_to(bundled_policy_dir()).as_posix()
        self.files.append(file)

        if bundled:
            data, lines, problems = _read_bundled_file(path, file)
        else:
            data, lines, problems = read_policy_file(path, display_name=file)
        self.problems += problems
        if data is None:
            return
        problems = schema_problems(data, lines, file) if validate else []
        if problems:
            self.problems += problems
            return

        for index, raw in enumerate(data.get("endpoints", ())):
            self._add_endpoint(raw, file, lines, ("endpoints", index), bundled)
        for index, raw in enumerate(data.get("scopes", ())):
            self._add_scope(raw, file, lines, ("scopes", index), bundled)
        for index, raw in enumerate(data.get("eventsub_types", ())):
            self._add_eventsub_type(raw, file, lines, ("eventsub_types", index), bundled)
        if "oauth" in data:
            self._add_oauth(data["oauth"], file, lines)
        if "kraken" in data:
            self._add_kraken(data["kraken"], file, lines)
        for index, raw in enumerate(data.get("unverified", ())):
            self._add_unverified(raw, file, lines, ("unverified", index))
        if "sdk" in data:
            self._add_sdk(data["sdk"], file, lines)

    def _add_unverified(self, raw: Mapping[str, Any], file: str, lines: LineMap, path: tuple[Any, ...]) -> None:
        if not self._claim(self.unverified_lines, "unverified endpoint id", raw["id"], file, lines, path):
            return
        self.unverified[raw["id"]] = UnverifiedEndpoint(
            raw["id"], raw["name"], raw["category"], raw["path"].lower(), tuple(raw["methods"]), raw["reference"], raw["note"]
        )

    def _claim(self, known: dict[str, tuple[str, int]], what: str, key: str, file: str, lines: LineMap, path: tuple[Any, ...]) -> bool:
        """Record where ``key`` is defined; report a duplicate and return False if it was defined before."""
        if key in known:
            self._duplicate(file, lines, path + ("id",), what, key, known[key])
            return False
        known[key] = (file, lines.line_of(path))
        return True

    def _duplicate(self, file: str, lines: LineMap, path: tuple[Any, ...], what: str, name: str, first: tuple[str, int]) -> None:
        self.problems.append(
            Problem(file, lines.line_of(path), format_path(path), f"duplicate {what} {name!r}; first defined at {first[0]}:{first[1]}")
        )

    def _add_endpoint(self, raw: Mapping[str, Any], file: str, lines: LineMap, path: tuple[Any, ...], bundled: bool) -> None:
        endpoint = Endpoint(
            id=raw["id"],
            name=raw["name"],
            category=raw["category"],
            method=raw["method"],
            path=raw["path"],
            status=raw["status"],
            auth=_auth(raw["auth"]),
            reference=raw["reference"],
            query=_parameters(raw.get("query")),
            body=_parameters(raw.get("body")),
            deprecated_on=raw.get("deprecated_on"),
            removed_on=raw.get("removed_on"),
            replaced_by=_tuple(raw.get("replaced_by")),
            variant_of=raw.get("variant_of"),
            note=raw.get("note"),
            source=file,
            line=lines.line_of(path),
        )
        previous = self.endpoints.get(endpoint.id)
        if previous is not None and (bundled or previous.source == file):
            self._duplicate(file, lines, path + ("id",), "endpoint id", endpoint.id, (previous.source, previous.line))
            return
        self.endpoints[endpoint.id] = endpoint
        self.endpoint_locations[endpoint.id] = (file, path, lines, raw)

    def _add_scope(self, raw: Mapping[str, Any], file: str, lines: LineMap, path: tuple[Any, ...], bundled: bool) -> None:
        name = raw["name"]
        if name in self.scopes and (bundled or self.scope_lines[name][0] == file):
            self._duplicate(file, lines, path + ("name",), "scope", name, self.scope_lines[name])
            return
        self.scopes[name] = Scope(
            name=name,
            description=raw["description"],
            status=raw["status"],
            reference=raw["reference"],
            used_by=_tuple(raw.get("used_by")),
            replaced_by=tuple(raw["replaced_by"]) if "replaced_by" in raw else None,
            note=raw.get("note"),
        )
        self.scope_lines[name] = (file, lines.line_of(path))

    def _add_eventsub_type(self, raw: Mapping[str, Any], file: str, lines: LineMap, path: tuple[Any, ...], bundled: bool) -> None:
        """Add one subscription type version. An extra file may override a bundled one with the same type and version."""
        entry = EventSubType(
            type=raw["type"],
            version=raw["version"],
            name=raw["name"],
            status=raw["status"],
            condition=_parameters(raw["condition"]),
            scopes=_eventsub_scopes(raw["scopes"]),
            authorizer=raw.get("authorizer"),
            transports=_tuple(raw.get("transports")),
            replaced_by=_tuple(raw.get("replaced_by")),
            note=raw.get("note"),
            reference=raw["reference"],
            app_grants=tuple(
                UserGrant(grant["param"], "condition", _scopes(grant["scopes"]), bool(grant.get("or_moderator", False)))
                for grant in raw.get("app_grants", ())
            ),
            optional_scopes=tuple(OptionalScope(item["scope"], item["unlocks"]) for item in raw.get("optional_scopes", ())),
        )
        previous = self.eventsub_locations.get(entry.key)
        if previous is not None and (bundled or previous[0] == file):
            first = (previous[0], previous[2].line_of(previous[1]))
            self._duplicate(file, lines, path + ("version",), "EventSub type", entry.key, first)
            return
        self.eventsub_types[entry.key] = entry
        self.eventsub_locations[entry.key] = (file, path, lines, raw)

    def _add_oauth(self, raw: Mapping[str, Any], file: str, lines: LineMap) -> None:
        for index, item in enumerate(raw["endpoints"]):
            path = ("oauth", "endpoints", index)
            if not self._claim(self.oauth_lines, "OAuth endpoint id", item["id"], file, lines, path):
                continue
            self.oauth_endpoints[item["id"]] = OAuthEndpoint(
                id=item["id"],
                name=item["name"],
                method=item["method"],
                path=item["path"],
                reference=item["reference"],
                parameters=_parameters(item.get("parameters")),
                authorization_header=item.get("authorization_header"),
                note=item.get("note"),
            )
        for index, item in enumerate(raw["grants"]):
            path = ("oauth", "grants", index)
            if not self._claim(self.grant_lines, "grant id", item["id"], file, lines, path):
                continue
            self.grants[item["id"]] = Grant(
                id=item["id"],
                name=item["name"],
                endpoint=item["endpoint"],
                yields=item["yields"],
                refreshable=item["refreshable"],
                requires_client_secret=item["requires_client_secret"],
                reference=item["reference"],
                grant_type=item.get("grant_type"),
                response_type=item.get("response_type"),
                carries_scopes=item.get("carries_scopes"),
                typical_lifetime_seconds=item.get("typical_lifetime_seconds"),
                note=item.get("note"),
            )

    def _add_kraken(self, raw: Mapping[str, Any], file: str, lines: LineMap) -> None:
        self.kraken_shutdown_on = raw["shutdown_on"]
        self.kraken_reference = raw["reference"]
        for index, item in enumerate(raw["endpoints"]):
            path = ("kraken", "endpoints", index)
            if not self._claim(self.kraken_lines, "Kraken endpoint id", item["id"], file, lines, path):
                continue
            self.kraken[item["id"]] = KrakenEndpoint(
                id=item["id"],
                name=item["name"],
                method=item["method"],
                path=item["path"],
                replaced_by=tuple(item["replaced_by"]),
                reference=item["reference"],
                scopes=_tuple(item.get("scopes")),
                note=item.get("note"),
            )

    def _add_sdk(self, raw: Mapping[str, Any], file: str, lines: LineMap) -> None:
        """Add one SDK map. :meth:`_check_sdks` checks its endpoint ids once every file is read."""
        if not self._claim(self.sdk_lines, "SDK id", raw["id"], file, lines, ("sdk",)):
            return
        auth = []
        first_lines: dict[tuple[str, str, str], int] = {}
        for index, item in enumerate(raw["auth"]):
            entry = SdkAuth(item["name"], item["call"], item["token"], _sdk_argument(item.get("scopes")), _sdk_condition(item.get("unless")))
            key = (entry.name, entry.call, entry.token)
            path = ("sdk", "auth", index)
            if key in first_lines:
                message = f"duplicate auth entry {entry.name!r} ({entry.call}, {entry.token} token); first defined on line {first_lines[key]}"
                self.problems.append(Problem(file, lines.line_of(path), format_path(path), message))
                continue
            first_lines[key] = lines.line_of(path)
            auth.append(entry)
        methods = {
            name: SdkMethod(name, item["endpoint"], item.get("token"), item.get("note"))
            for name, item in raw["methods"].items()
        }
        self.sdks[raw["id"]] = Sdk(
            id=raw["id"],
            name=raw["name"],
            language=raw["language"],
            versions=raw["versions"],
            modules=tuple(raw["modules"]),
            source=raw["source"],
            auth=tuple(auth),
            methods=MappingProxyType(methods),
        )
        self.sdk_locations[raw["id"]] = (file, lines)

    # ------------------------------------------------------------ checks beyond the schema

    def _check(self) -> None:
        self._check_unverified()
        self._check_endpoints()
        self._check_eventsub_types()
        self._check_scopes()
        self._check_oauth()
        self._check_kraken()
        self._check_sdks()

    def _endpoint_problem(self, endpoint: Endpoint, message: str, field: tuple[Any, ...] = (), value: Any = None) -> None:
        """Report a problem on ``endpoint``, at ``field`` or at the first place ``value`` appears in the entry."""
        file, path, lines, raw = self.endpoint_locations[endpoint.id]
        if value is not None:
            field = _find_value(raw, value) or field
        self.problems.append(Problem(file, lines.line_of(path + field), format_path(path + field), message))

    def _check_endpoints(self) -> None:
        by_route: dict[tuple[str, str], list[Endpoint]] = {}
        for endpoint in self.endpoints.values():
            by_route.setdefault((endpoint.method, endpoint.path.lower()), []).append(endpoint)
            for name in endpoint.scope_names():
                if name not in self.scopes:
                    self._endpoint_problem(endpoint, f"unknown scope {name!r}", ("auth",), value=name)
                elif self.scopes[name].status == "legacy" and endpoint.status != "removed":
                    self._endpoint_problem(endpoint, f"legacy scope {name!r}; use a current scope", ("auth",), value=name)
            for target in endpoint.replaced_by:
                if target not in self.endpoints:
                    self._endpoint_problem(endpoint, f"unknown endpoint id {target!r}", ("replaced_by",), value=target)
                elif target == endpoint.id:
                    self._endpoint_problem(endpoint, "an endpoint cannot replace itself", ("replaced_by",))
            if endpoint.status != "removed" and endpoint.removed_on:
                self._endpoint_problem(endpoint, f"removed_on is set but status is {endpoint.status!r}", ("removed_on",))
            for field_name in ("removed_on", "deprecated_on"):
                text = getattr(endpoint, field_name)
                if text is not None and not _is_date(text):
                    self._endpoint_problem(endpoint, f"invalid date {text!r}; expected YYYY-MM-DD", (field_name,))
            if endpoint.variant_of is not None:
                base = self.endpoints.get(endpoint.variant_of)
                if base is None:
                    self._endpoint_problem(endpoint, f"unknown endpoint id {endpoint.variant_of!r}", ("variant_of",))
                elif (base.method, base.path.lower()) != (endpoint.method, endpoint.path.lower()):
                    self._endpoint_problem(endpoint, f"{base.id!r} has another method or path", ("variant_of",))
            self._check_identity(endpoint)
        for (method, path), entries in by_route.items():
            primaries = [entry for entry in entries if entry.variant_of is None]
            for extra in primaries[1:]:
                first = primaries[0]
                message = f"{method} {path} is already defined by {first.id!r} at {first.source}:{first.line}; set variant_of to model a variant"
                self._endpoint_problem(extra, message, ("path",))

    def _eventsub_problem(self, entry: EventSubType, message: str, field: tuple[Any, ...] = (), value: Any = None) -> None:
        """Report a problem on an EventSub type, at ``field`` or at the first place ``value`` appears in the entry."""
        file, path, lines, raw = self.eventsub_locations[entry.key]
        if value is not None:
            field = _find_value(raw, value) or field
        self.problems.append(Problem(file, lines.line_of(path + field), format_path(path + field), message))

    def _check_eventsub_types(self) -> None:
        for entry in self.eventsub_types.values():
            self._check_eventsub_scopes(entry)
            self._check_eventsub_condition(entry)
            for target in entry.replaced_by:
                if target == entry.key:
                    self._eventsub_problem(entry, "a subscription type version cannot replace itself", ("replaced_by",), value=target)
                elif target not in self.eventsub_types:
                    message = f"unknown EventSub type {target!r}; replaced_by takes the type@version of another entry"
                    self._eventsub_problem(entry, message, ("replaced_by",), value=target)

    def _check_eventsub_scopes(self, entry: EventSubType) -> None:
        for name in entry.scope_names():
            scope = self.scopes.get(name)
            if scope is None:
                self._eventsub_problem(entry, f"unknown scope {name!r}", ("scopes",), value=name)
            elif scope.status == "legacy" and entry.status != "removed":
                self._eventsub_problem(entry, f"legacy scope {name!r}; use a current scope", ("scopes",), value=name)
            elif "eventsub" not in scope.used_by:
                message = f"scope {name!r} does not list eventsub in its used_by; add it where the scope is defined"
                self._eventsub_problem(entry, message, ("scopes",), value=name)

    def _check_eventsub_condition(self, entry: EventSubType) -> None:
        """The authorizer and app grants must name condition fields, and scopes need an authorizer."""
        names = [parameter.name for parameter in entry.condition]
        for index, name in enumerate(names):
            if name in names[:index]:
                self._eventsub_problem(entry, f"duplicate condition field {name!r}", ("condition", index, "name"))
        if entry.authorizer is not None and entry.authorizer not in names:
            self._eventsub_problem(entry, f"authorizer {entry.authorizer!r} is not a condition field", ("authorizer",))
        if entry.authorizer is None and (entry.scopes or entry.optional_scopes or entry.app_grants):
            self._eventsub_problem(entry, "the type needs scopes, so authorizer must name the condition field of the user who grants them", ("scopes",))
        if entry.authorizer is not None and not (entry.scopes or entry.optional_scopes):
            self._eventsub_problem(entry, "authorizer is set but the type needs no scopes; remove it", ("authorizer",))
        for index, grant in enumerate(entry.app_grants):
            if grant.param not in names:
                self._eventsub_problem(entry, f"app grant parameter {grant.param!r} is not a condition field", ("app_grants", index, "param"))

    def _check_identity(self, endpoint: Endpoint) -> None:
        """Identity and grant parameters must be listed among the endpoint's parameters, when it lists any."""
        if not endpoint.query and not endpoint.body:
            return
        listed = {("query", p.name) for p in endpoint.query} | {("body", p.name) for p in endpoint.body}
        rules: list[tuple[str, str]] = []
        if endpoint.auth.user is not None:
            rules += [(rule.location, rule.param) for rule in endpoint.auth.user.identity]
        if endpoint.auth.app is not None:
            rules += [(grant.location, grant.param) for grant in endpoint.auth.app.authorized_by]
        for location, param in rules:
            if (location, param) not in listed:
                self._endpoint_problem(endpoint, f"identity parameter {param!r} is not among the {location} parameters", ("auth",), value=param)

    def _check_unverified(self) -> None:
        paths = {endpoint.path.lower() for endpoint in self.endpoints.values()}
        for entry in self.unverified.values():
            file, line = self.unverified_lines[entry.id]
            if entry.id in self.endpoints:
                self.problems.append(Problem(file, line, f"unverified[{entry.id}].id", "the id is also a verified endpoint; remove it here"))
            elif entry.path in paths:
                self.problems.append(Problem(file, line, f"unverified[{entry.id}].path", f"{entry.path} has verified endpoints; describe this one there"))

    def _check_scopes(self) -> None:
        eventsub_scopes = {name for entry in self.eventsub_types.values() for name in entry.scope_names()}
        for scope in self.scopes.values():
            file, line = self.scope_lines[scope.name]
            if "eventsub" in scope.used_by and scope.name not in eventsub_scopes:
                message = "used_by lists eventsub, but no EventSub subscription type needs the scope; remove eventsub or add the type"
                self.problems.append(Problem(file, line, f"scopes[{scope.name}].used_by", message))
            for target in scope.replaced_by or ():
                if target not in self.scopes:
                    self.problems.append(Problem(file, line, f"scopes[{scope.name}].replaced_by", f"unknown scope {target!r}"))
                elif self.scopes[target].status == "legacy":
                    self.problems.append(Problem(file, line, f"scopes[{scope.name}].replaced_by", f"replacement {target!r} is itself legacy"))

    def _check_oauth(self) -> None:
        for grant in self.grants.values():
            if grant.endpoint not in self.oauth_endpoints:
                file, line = self.grant_lines[grant.id]
                self.problems.append(Problem(file, line, f"grants[{grant.id}].endpoint", f"unknown OAuth endpoint id {grant.endpoint!r}"))

    def _check_kraken(self) -> None:
        routes: dict[tuple[str, str], str] = {}
        for entry in self.kraken.values():
            file, line = self.kraken_lines[entry.id]
            for target in entry.replaced_by:
                if target not in self.endpoints:
                    self.problems.append(Problem(file, line, f"kraken.endpoints[{entry.id}].replaced_by", f"unknown endpoint id {target!r}"))
            for name in entry.scopes:
                if name not in self.scopes:
                    self.problems.append(Problem(file, line, f"kraken.endpoints[{entry.id}].scopes", f"unknown scope {name!r}"))
            route = (entry.method, entry.path.lower())
            if route in routes:
                self.problems.append(
                    Problem(file, line, f"kraken.endpoints[{entry.id}]", f"{entry.method} {entry.path} is already defined by {routes[route]!r}")
                )
            routes[route] = entry.id

    def _check_sdks(self) -> None:
        for sdk in self.sdks.values():
            file, lines = self.sdk_locations[sdk.id]
            for method in sdk.methods.values():
                if method.endpoint not in self.endpoints:
                    path = ("sdk", "methods", method.name, "endpoint")
                    message = f"unknown endpoint id {method.endpoint!r}; use an id that 'twitchpolicy endpoints' lists"
                    self.problems.append(Problem(file, lines.line_of(path), format_path(path), message))

    def build(self) -> Registry:
        if not self.problems:
            self._check()
        if self.problems:
            raise PolicyError(self.problems)
        by_path: dict[str, list[Endpoint]] = {}
        for endpoint in self.endpoints.values():
            by_path.setdefault(endpoint.path.lower(), []).append(endpoint)
        return Registry(
            endpoints=tuple(self.endpoints.values()),
            scopes=MappingProxyType(dict(self.scopes)),
            oauth_endpoints=tuple(self.oauth_endpoints.values()),
            grants=tuple(self.grants.values()),
            kraken_endpoints=tuple(self.kraken.values()),
            kraken_shutdown_on=self.kraken_shutdown_on,
            kraken_reference=self.kraken_reference,
            files=tuple(self.files),
            unverified=tuple(self.unverified.values()),
            sdks=MappingProxyType(dict(self.sdks)),
            eventsub_types=MappingProxyType(dict(self.eventsub_types)),
            _by_id=MappingProxyType(dict(self.endpoints)),
            _by_path=MappingProxyType({path: tuple(entries) for path, entries in by_path.items()}),
        )
