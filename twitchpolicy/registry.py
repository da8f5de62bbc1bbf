"""The Twitch API policy registry: immutable, typed entries loaded from the YAML files under ``policy/``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from twitchpolicy.urls import TwitchURL, parse_twitch_url

TOKEN_KINDS = ("app", "user", "jwt", "none")


@dataclass(frozen=True)
class ScopeRequirement:
    """Required scopes: every ``all_of`` scope and, if ``any_of`` is set, one of those.

    ``any_of_groups`` contains further one-of sets, each met by one of its scopes. Only
    EventSub types such as channel.moderate use it, because the Helix schema has no such field.
    """

    all_of: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    any_of_groups: tuple[tuple[str, ...], ...] = ()

    def names(self) -> tuple[str, ...]:
        grouped = tuple(scope for group in self.any_of_groups for scope in group)
        return self.all_of + self.any_of + grouped

    def __bool__(self) -> bool:
        return bool(self.all_of or self.any_of or self.any_of_groups)

    def describe(self) -> str:
        """Render as ``a and b and (c or d)``, the way the reference states it."""
        parts = list(self.all_of)
        alternatives = [group for group in (self.any_of, *self.any_of_groups) if group]
        for group in alternatives:
            text = " or ".join(group)
            parts.append(f"({text})" if len(parts) + len(alternatives) > 1 else text)
        return " and ".join(parts)


@dataclass(frozen=True)
class IdentityRule:
    """A request parameter that must name the token's user, or a channel the user may act for."""

    param: str
    location: str
    role: str


@dataclass(frozen=True)
class OptionalScope:
    scope: str
    unlocks: str


@dataclass(frozen=True)
class UserGrant:
    """Scopes that the user named by ``param`` must have granted the client, for an app access token."""

    param: str
    location: str
    scopes: ScopeRequirement
    or_moderator: bool = False


@dataclass(frozen=True)
class UserTokenPolicy:
    scopes: ScopeRequirement = ScopeRequirement()
    identity: tuple[IdentityRule, ...] = ()
    optional_scopes: tuple[OptionalScope, ...] = ()
    without_scopes: str | None = None
    transports: tuple[str, ...] = ()


@dataclass(frozen=True)
class AppTokenPolicy:
    limited: str | None = None
    only_for: str | None = None
    authorized_by: tuple[UserGrant, ...] = ()
    transports: tuple[str, ...] = ()


@dataclass(frozen=True)
class Auth:
    """The token kinds an endpoint accepts. ``jwt_role`` is set for extension JWTs; ``none`` for no token."""

    user: UserTokenPolicy | None = None
    app: AppTokenPolicy | None = None
    jwt_role: str | None = None
    none: bool = False

    @property
    def token_kinds(self) -> tuple[str, ...]:
        kinds = []
        if self.app is not None:
            kinds.append("app")
        if self.user is not None:
            kinds.append("user")
        if self.jwt_role is not None:
            kinds.append("jwt")
        if self.none:
            kinds.append("none")
        return tuple(kinds)


@dataclass(frozen=True)
class Parameter:
    name: str
    required: bool


@dataclass(frozen=True)
class Endpoint:
    """One Helix endpoint, live or removed."""

    id: str
    name: str
    category: str
    method: str
    path: str
    status: str
    auth: Auth
    reference: str
    query: tuple[Parameter, ...] = ()
    body: tuple[Parameter, ...] = ()
    deprecated_on: str | None = None
    removed_on: str | None = None
    replaced_by: tuple[str, ...] = ()
    variant_of: str | None = None
    note: str | None = None
    source: str = ""
    line: int = 0

    @property
    def label(self) -> str:
        return f"{self.name} ({self.method} {self.path})"

    def scope_names(self) -> tuple[str, ...]:
        """Return every scope the entry mentions: required, optional or granted."""
        names: list[str] = []
        if self.auth.user is not None:
            names += self.auth.user.scopes.names()
            names += [optional.scope for optional in self.auth.user.optional_scopes]
        if self.auth.app is not None:
            for grant in self.auth.app.authorized_by:
                names += grant.scopes.names()
        return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class EventSubType:
    """One version of an EventSub subscription type.

    ``authorizer`` is the condition field that names the user who must have granted
    ``scopes``: to the client for webhook and conduit transports (app access token),
    or on the user access token itself for the websocket transport. ``transports`` is
    empty unless the reference restricts them. ``app_grants`` lists further scopes that
    users named by condition fields must have granted when an app access token creates
    the subscription, and ``optional_scopes`` those that only add event fields.
    ``replaced_by`` contains ``type@version`` keys.
    """

    type: str
    version: str
    name: str
    status: str
    condition: tuple[Parameter, ...]
    scopes: ScopeRequirement
    authorizer: str | None
    transports: tuple[str, ...]
    replaced_by: tuple[str, ...]
    note: str | None
    reference: str
    app_grants: tuple[UserGrant, ...] = ()
    optional_scopes: tuple[OptionalScope, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.type}@{self.version}"

    def scope_names(self) -> tuple[str, ...]:
        """Return every scope the entry mentions: required, granted for app access tokens, or optional."""
        names = list(self.scopes.names())
        for grant in self.app_grants:
            names += grant.scopes.names()
        names += [optional.scope for optional in self.optional_scopes]
        return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class Scope:
    name: str
    description: str
    status: str
    reference: str
    used_by: tuple[str, ...] = ()
    replaced_by: tuple[str, ...] | None = None
    note: str | None = None


@dataclass(frozen=True)
class OAuthEndpoint:
    id: str
    name: str
    method: str
    path: str
    reference: str
    parameters: tuple[Parameter, ...] = ()
    authorization_header: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Grant:
    """An OAuth grant (flow) and the token it yields."""

    id: str
    name: str
    endpoint: str
    yields: str
    refreshable: bool
    requires_client_secret: bool
    reference: str
    grant_type: str | None = None
    response_type: str | None = None
    carries_scopes: bool | None = None
    typical_lifetime_seconds: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class KrakenEndpoint:
    id: str
    name: str
    method: str
    path: str
    replaced_by: tuple[str, ...]
    reference: str
    scopes: tuple[str, ...] = ()
    note: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.method} {self.path})"


@dataclass(frozen=True)
class UnverifiedEndpoint:
    """An endpoint the reference lists but whose facts are not verified; ``methods`` are the candidates sources name."""

    id: str
    name: str
    category: str
    path: str
    methods: tuple[str, ...]
    reference: str
    note: str


@dataclass(frozen=True)
class SdkArgument:
    """An argument of an SDK call: its 0-based position, not counting ``self``, and its keyword name."""

    position: int | None
    keyword: str | None


@dataclass(frozen=True)
class SdkCondition:
    """An argument value that turns an SDK auth call off, such as ``authenticate_app=False``."""

    position: int | None
    keyword: str | None
    value: Any


@dataclass(frozen=True)
class SdkAuth:
    """An SDK constructor or method that sets up or obtains an access token of one kind.

    ``scopes`` is the argument that lists the token's scopes, if the call takes one.
    """

    name: str
    call: str
    token: str
    scopes: SdkArgument | None
    unless: SdkCondition | None


@dataclass(frozen=True)
class SdkMethod:
    """An SDK API method that calls one Helix endpoint.

    ``token`` is the kind of access token the SDK always sends for this method, or None
    when the caller's set-up decides.
    """

    name: str
    endpoint: str
    token: str | None
    note: str | None


@dataclass(frozen=True)
class Sdk:
    """A Twitch API client library: how it sets up tokens, and the endpoint each API method calls."""

    id: str
    name: str
    language: str
    versions: str
    modules: tuple[str, ...]
    source: str
    auth: tuple[SdkAuth, ...]
    methods: Mapping[str, SdkMethod]


@dataclass(frozen=True)
class Lookup:
    """The registry entries that a method and URL point at.

    ``api`` is ``helix``, ``kraken``, ``oauth`` or None for a URL that is not Twitch's.
    ``path_entries`` are the entries for the path under any method; ``entry`` is the
    one for the requested method, if any.
    """

    url: TwitchURL | None
    api: str | None
    path_entries: tuple[Any, ...] = ()
    entry: Any = None
    unverified: tuple[UnverifiedEndpoint, ...] = ()

    @property
    def allowed_methods(self) -> tuple[str, ...]:
        return tuple(sorted({entry.method for entry in self.path_entries}))


@dataclass(frozen=True)
class Registry:
    """All policy entries, indexed for lookup. Build it with :func:`load_registry`."""

    endpoints: tuple[Endpoint, ...]
    scopes: Mapping[str, Scope]
    oauth_endpoints: tuple[OAuthEndpoint, ...]
    grants: tuple[Grant, ...]
    kraken_endpoints: tuple[KrakenEndpoint, ...]
    kraken_shutdown_on: str | None
    kraken_reference: str | None
    files: tuple[str, ...]
    unverified: tuple[UnverifiedEndpoint, ...] = ()
    sdks: Mapping[str, Sdk] = field(default_factory=lambda: MappingProxyType({}))
    eventsub_types: Mapping[str, EventSubType] = field(default_factory=lambda: MappingProxyType({}))
    _by_id: Mapping[str, Endpoint] = field(repr=False, default_factory=lambda: MappingProxyType({}))
    _by_path: Mapping[str, tuple[Endpoint, ...]] = field(repr=False, default_factory=lambda: MappingProxyType({}))

    def endpoint(self, endpoint_id: str) -> Endpoint | None:
        return self._by_id.get(endpoint_id)

    def eventsub_type(self, type: str, version: str | None = None) -> EventSubType | None:
        """Return the type at ``version``, or its newest live version when ``version`` is None.

        Return None when nothing matches. That includes a type without a live version,
        such as one that is only in beta.
        """
        if version is not None:
            return self.eventsub_types.get(f"{type}@{version}")
        live = [entry for entry in self.eventsub_types.values() if entry.type == type and entry.status == "live"]
        return max(live, key=lambda entry: _version_order(entry.version), default=None)

    def unverified_endpoint(self, endpoint_id: str) -> UnverifiedEndpoint | None:
        return next((entry for entry in self.unverified if entry.id == endpoint_id), None)

    def sdk_methods(self, endpoint_id: str) -> tuple[tuple[Sdk, SdkMethod], ...]:
        """Return every SDK method that calls the endpoint, ordered by SDK id and method name."""
        found = []
        for sdk_id in sorted(self.sdks):
            sdk = self.sdks[sdk_id]
            found += [(sdk, method) for name, method in sorted(sdk.methods.items()) if method.endpoint == endpoint_id]
        return tuple(found)

    def helix_paths(self) -> tuple[str, ...]:
        return tuple(self._by_path)

    def lookup(self, method: str | None, url: str) -> Lookup:
        """Find the entries for an HTTP method and a URL or path.

        The URL may be absolute (``https://api.twitch.tv/helix/users?id=1``), a path
        (``/helix/users/``), or a Kraken or OAuth URL. Query strings, fragments,
        trailing slashes and host case do not matter. ``method`` None matches any method.
        """
        parsed = parse_twitch_url(url)
        if parsed is None:
            return Lookup(None, None)
        if parsed.api == "helix":
            entries = self._by_path.get(parsed.path.lower(), ())
            if not entries:
                pending = tuple(entry for entry in self.unverified if entry.path == parsed.path.lower())
                return Lookup(parsed, parsed.api, (), None, pending)
        elif parsed.api == "kraken":
            entries = _match_templates(self.kraken_endpoints, parsed.segments)
        else:
            entries = tuple(entry for entry in self.oauth_endpoints if entry.path == parsed.path.lower())
        chosen = None
        if method is not None:
            same_method = [entry for entry in entries if entry.method == method.upper()]
            chosen = _prefer_primary(same_method)
        return Lookup(parsed, parsed.api, tuple(entries), chosen)


def _version_order(version: str) -> int:
    """Order EventSub versions: numbered versions by number, after a ``beta`` version."""
    return int(version) if version.isdigit() else -1


def _prefer_primary(entries: list[Any]) -> Any:
    for entry in entries:
        if getattr(entry, "variant_of", None) is None:
            return entry
    return entries[0] if entries else None


def _match_templates(entries: Iterable[KrakenEndpoint], segments: tuple[str | None, ...]) -> tuple[KrakenEndpoint, ...]:
    """Match path segments against Kraken templates; ``{name}`` matches any one segment.

    A segment of None (a value the scanner could not resolve) matches only a template
    parameter. When several templates match, those with the most literal segments win.
    """
    best: list[KrakenEndpoint] = []
    best_score = -1
    for entry in entries:
        template = entry.path.strip("/").split("/")[1:]
        if len(template) != len(segments):
            continue
        score = 0
        for part, segment in zip(template, segments):
            if part.startswith("{"):
                continue
            if segment is None or part.lower() != segment.lower():
                break
            score += 1
        else:
            if score > best_score:
                best, best_score = [entry], score
            elif score == best_score:
                best.append(entry)
    return tuple(best)


def load_registry(extra_files: Iterable[str | Path] = (), *, validate_bundled: bool = False) -> Registry:
    """Load the bundled policy files and then ``extra_files``; raise PolicyError listing every problem.

    An extra file may add endpoints, EventSub types, scopes and SDK maps, and may
    override a bundled endpoint, EventSub type or scope by using its id, type and
    version, or name. An SDK id may be defined only once.
    Extra files always go through the JSON Schema. The bundled files skip it unless
    ``validate_bundled`` is set, because it costs about half a second and the test
    suite validates them. The checks beyond the schema run on every load.
    """
    from twitchpolicy.loader import load

    return load(tuple(str(path) for path in extra_files), validate_bundled)
