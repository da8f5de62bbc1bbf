"""Codebase-wide rules: requested scopes (TP302 to TP305), hard-coded secrets (TP405), discarded refresh tokens (TP406)."""

from __future__ import annotations

import difflib

from twitchpolicy.pyflow import DEVICE_GRANT, grant_label
from twitchpolicy.registry import Endpoint, EventSubType, Registry
from twitchpolicy.rules import (
    SCOPES_REFERENCE,
    Finding,
    HardcodedSecret,
    LegacyScope,
    RefreshTokenDiscarded,
    ScopesWithClientCredentials,
    UnknownScope,
    UnusedScope,
)
from twitchpolicy.sites import ScopeRequest, Secret, TokenRequest

USER_GRANTS = ("authorization_code", DEVICE_GRANT)
REFRESH_REFERENCE = "https://dev.twitch.tv/docs/authentication/refresh-tokens/"


def check_scope_requests(registry: Registry, requests: list[ScopeRequest], needed: set[str] | None) -> list[Finding]:
    """Report client_credentials scopes, legacy and unknown scope names, and, when ``needed`` is known, unused scopes."""
    findings: list[Finding] = []
    # A scope list is often sent twice (device request and token poll, or two authorize URLs);
    # each scope is reported once, at its first request.
    reported: set[str] = set()
    for request in sorted(requests, key=lambda item: (item.path, item.line, item.column)):
        where = dict(path=request.path, line=request.line, column=request.column, reference=SCOPES_REFERENCE, end_line=request.end_line)
        if request.grant == "client_credentials":
            findings.append(ScopesWithClientCredentials(args=(" ".join(request.scopes),), **where))
            continue
        for scope in request.scopes:
            if scope in reported:
                continue
            finding = _scope_name_finding(registry, scope, where)
            if finding is None and needed is not None and request.complete and _checkable(registry, scope) and scope not in needed:
                finding = UnusedScope(args=(scope,), **where)
            if finding is not None:
                reported.add(scope)
                findings.append(finding)
    return findings


def _scope_name_finding(registry: Registry, scope: str, where: dict) -> Finding | None:
    entry = registry.scopes.get(scope)
    if entry is None:
        close = difflib.get_close_matches(scope, [name for name, item in registry.scopes.items() if item.status == "current"], n=1, cutoff=0.7)
        return UnknownScope(args=(scope, f"; did you mean {close[0]}?" if close else ""), **where)
    if entry.status != "current":
        era = "Kraken v5 scope" if "kraken" in entry.used_by else "scope"
        if entry.replaced_by:
            advice = "request " + " and ".join(entry.replaced_by) + " instead"
        else:
            advice = "Helix has no replacement"
        return LegacyScope(args=(scope, era, advice), reference=entry.reference, **{k: v for k, v in where.items() if k != "reference"})
    return None


def _checkable(registry: Registry, scope: str) -> bool:
    """Only scopes used by Helix alone can be called unused: EventSub, chat and extension uses are invisible here."""
    entry = registry.scopes.get(scope)
    return entry is not None and tuple(entry.used_by) == ("helix",)


def needed_scopes(endpoints: list[Endpoint], subscriptions: list[EventSubType] = ()) -> set[str]:
    """Collect every scope that a called endpoint or subscribed EventSub type requires, accepts as an alternative, or uses optionally."""
    needed: set[str] = set()
    for entry in [*endpoints, *subscriptions]:
        needed.update(entry.scope_names())
    return needed


def check_secrets(secrets: list[Secret]) -> list[Finding]:
    return [HardcodedSecret(secret.path, secret.line, secret.column, (secret.name, _with_article(secret.kind), secret.masked)) for secret in secrets]


def check_refresh_tokens(requests: list[TokenRequest], refresh_token_read: bool) -> list[Finding]:
    """Report user token requests when no scanned file ever reads a refresh token."""
    if refresh_token_read:
        return []
    return [
        RefreshTokenDiscarded(request.path, request.line, request.column, (grant_label(request.grant),), reference=REFRESH_REFERENCE)
        for request in requests
        if request.grant in USER_GRANTS
    ]


def _with_article(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun
