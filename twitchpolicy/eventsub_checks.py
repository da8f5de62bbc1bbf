"""EventSub subscription rules: the type and version exist (TP106), and the scopes the type needs are requested (TP301)."""

from __future__ import annotations

import difflib

from twitchpolicy.auth_checks import GrantedScopes, missing_scopes
from twitchpolicy.registry import EventSubType, Registry
from twitchpolicy.rules import Finding, MissingScope, UnknownEventSubType
from twitchpolicy.sites import APP, CallSite, Fields, TokenEvidence
from twitchpolicy.urls import UNKNOWN

CREATE_SUBSCRIPTION = "create-eventsub-subscription"
EVENTSUB_REFERENCE = "https://dev.twitch.tv/docs/eventsub/eventsub-subscription-types/"


def subscription_type(registry: Registry, site: CallSite) -> tuple[str, str | None] | None:
    """Return the ``(type, version)`` a Create EventSub Subscription call sends, when its body shows the type."""
    if site.endpoint != CREATE_SUBSCRIPTION and not site.url.split("?")[0].rstrip("/").endswith("/helix/eventsub/subscriptions"):
        return None
    if site.method not in (None, "POST") or site.body is None:
        return None
    kind = _text(site.body, "type")
    if kind is None:
        return None
    return kind, _text(site.body, "version")


def check_subscription(
    registry: Registry, site: CallSite, token: TokenEvidence | None, granted: GrantedScopes
) -> tuple[list[Finding], EventSubType | None]:
    """Return the findings of one subscription request, and the type it subscribes to when the registry has it."""
    found = subscription_type(registry, site)
    if found is None:
        return [], None
    kind, version = found
    where = dict(path=site.path, line=site.line, column=site.column, url="/helix/eventsub/subscriptions", method="POST", end_line=site.end_line)
    entry = registry.eventsub_type(kind, version)
    if entry is None:
        return [_unknown(registry, kind, version, where)], None
    where["reference"] = entry.reference
    if entry.status == "removed":
        advice = "use " + " or ".join(key.replace("@", " version ") for key in entry.replaced_by) if entry.replaced_by else "Twitch has no replacement"
        return [UnknownEventSubType(args=(entry.type, entry.version, f"was removed; {advice}"), **where)], entry
    if token is not None and token.kind == APP and not granted.scopes:
        return [], entry
    scopes = frozenset(token.scopes) if token is not None and token.scopes is not None else granted.scopes
    source = token.reason if token is not None and token.scopes is not None else granted.source
    if scopes is None or not entry.scopes:
        return [], entry
    missing = missing_scopes(entry.scopes, scopes)
    if missing is None:
        return [], entry
    label = f"Create EventSub Subscription for {entry.type} version {entry.version}"
    requested = ", ".join(sorted(scopes)) or "none"
    finding = MissingScope(args=(label, missing, f"{requested}; from {source}"), endpoint=CREATE_SUBSCRIPTION, evidence=f"scopes from {source}", **where)
    return [finding], entry


def _unknown(registry: Registry, kind: str, version: str | None, where: dict) -> Finding:
    known = [entry for entry in registry.eventsub_types.values() if entry.type == kind]
    if known:
        versions = ", ".join(sorted(entry.version for entry in known if entry.status != "removed"))
        detail = f"does not exist; {kind} has version {versions}" if versions else "does not exist"
    else:
        close = difflib.get_close_matches(kind, sorted({entry.type for entry in registry.eventsub_types.values()}), n=1, cutoff=0.7)
        detail = f"does not exist; did you mean {close[0]}?" if close else "does not exist"
    return UnknownEventSubType(args=(kind, version or "(newest)", detail), reference=EVENTSUB_REFERENCE, **where)


def _text(fields: Fields, name: str) -> str | None:
    value = fields.get(name)
    return value if isinstance(value, str) and value and UNKNOWN not in value else None
