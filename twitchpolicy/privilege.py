"""Least privilege: the minimal scope set that the scanned code's calls need, and an authorize URL that requests it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from twitchpolicy.checker import endpoint_of
from twitchpolicy.eventsub_checks import subscription_type
from twitchpolicy.registry import Registry, ScopeRequirement
from twitchpolicy.scan import ScanResult
from twitchpolicy.sites import APP

AUTHORIZE_URL = "https://id.twitch.tv/oauth2/authorize"


@dataclass(frozen=True)
class ScopeNeed:
    """One scope of the minimal set, with the endpoints (or EventSub types) that need it and the calls that reach them."""

    scope: str
    endpoints: tuple[str, ...]
    calls: tuple[str, ...]


def minimal_scopes(registry: Registry, result: ScanResult) -> list[ScopeNeed]:
    """Choose scopes for every call made with a user access token (or an unknown kind) to a live endpoint,
    and for every EventSub subscription the code creates.

    Every ``all_of`` scope is needed. Of an ``any_of`` set, a scope already chosen
    for another call is preferred, then the first one, which the reference lists
    with the least access (read before manage).
    """
    calls: list[tuple[str, ScopeRequirement, str]] = []
    for site in result.sites:
        subscription = subscription_type(registry, site)
        if subscription is not None:
            # The type's scopes are needed whatever the token: on the user access token for websockets,
            # granted by the broadcaster or moderator to the client for webhooks and conduits.
            entry = registry.eventsub_type(*subscription)
            if entry is not None and entry.status != "removed":
                calls.append((f"EventSub {entry.type} version {entry.version}", entry.scopes, f"{site.path}:{site.line}"))
            continue
        endpoint = endpoint_of(registry, site)
        if endpoint is None or endpoint.status == "removed" or endpoint.auth.user is None:
            continue
        if site.token is not None and site.token.kind == APP:
            continue
        calls.append((endpoint.label, endpoint.auth.user.scopes, f"{site.path}:{site.line}"))

    chosen: dict[str, tuple[list[str], list[str]]] = {}

    def choose(scope: str, label: str, place: str) -> None:
        labels, places = chosen.setdefault(scope, ([], []))
        if label not in labels:
            labels.append(label)
        if place not in places:
            places.append(place)

    for label, requirement, place in calls:
        for scope in requirement.all_of:
            choose(scope, label, place)
    for label, requirement, place in calls:
        for alternatives in (requirement.any_of, *requirement.any_of_groups):
            if alternatives:
                scope = next((option for option in alternatives if option in chosen), alternatives[0])
                choose(scope, label, place)
    return [ScopeNeed(scope, tuple(chosen[scope][0]), tuple(chosen[scope][1])) for scope in sorted(chosen)]


def authorize_url(client_id: str, redirect_uri: str, scopes: list[str]) -> str:
    """Build an authorization code flow URL asking for ``scopes``, space-separated as Twitch expects."""
    query = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "scope": " ".join(scopes)}
    return f"{AUTHORIZE_URL}?{urlencode(query)}"
