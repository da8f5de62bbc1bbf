"""Per-call authorization rules: token kind (TP2xx), missing scope (TP301), headers and credentials (TP401 to TP404)."""

from __future__ import annotations

from dataclasses import dataclass

from twitchpolicy.registry import Endpoint, ScopeRequirement
from twitchpolicy.rules import (
    AppTokenLimited,
    AppTokenNotAccepted,
    AppTokenOnlyForExtension,
    CredentialsInRequest,
    EventSubTransportToken,
    Finding,
    MissingAuthorization,
    MissingClientId,
    MissingScope,
    OAuthPrefix,
    UserTokenNotAccepted,
)
from twitchpolicy.sites import APP, USER, CallSite, Fields, TokenEvidence
from twitchpolicy.urls import UNKNOWN

KIND_NAMES = {APP: "an app access token", USER: "a user access token", "jwt": "an extension JWT", "none": "no token"}


@dataclass(frozen=True)
class GrantedScopes:
    """The scopes the code's user access tokens can carry, and where that list comes from.

    ``scopes`` is None when the code shows no complete list, so no scope is reported missing.
    """

    scopes: frozenset[str] | None
    source: str


def check_call(site: CallSite, endpoint: Endpoint, token: TokenEvidence | None, granted: GrantedScopes) -> list[Finding]:
    """Return the authorization findings of one Helix call to a known, live endpoint."""
    where = dict(
        path=site.path, line=site.line, column=site.column, url=endpoint.path, method=endpoint.method,
        endpoint=endpoint.id, reference=endpoint.reference, end_line=site.end_line,
    )
    findings: list[Finding] = []
    findings += _header_findings(site, endpoint, where)
    findings += _token_findings(site, endpoint, token, where)
    scope_finding = _scope_finding(endpoint, token, granted, where)
    if scope_finding is not None:
        findings.append(scope_finding)
    return findings


def _header_findings(site: CallSite, endpoint: Endpoint, where: dict) -> list[Finding]:
    if endpoint.auth.none or site.kind != "call":
        return []
    findings: list[Finding] = []
    headers = site.headers
    if site.credentials:
        places = []
        if site.query is not None and any(name in site.query.values for name in site.credentials):
            places.append("query string")
        if site.body is not None and any(name in site.body.values for name in site.credentials):
            places.append("body")
        findings.append(CredentialsInRequest(args=(endpoint.label, " and ".join(site.credentials), " and ".join(places)), **where))
    if headers is None:
        return findings
    authorization = headers.get("authorization")
    if isinstance(authorization, str) and authorization.strip().lower().startswith("oauth "):
        findings.append(OAuthPrefix(args=(endpoint.label,), **where))
    if headers.has("authorization") is False and not site.credentials:
        findings.append(MissingAuthorization(args=(endpoint.label,), **where))
    if headers.has("client-id") is False:
        findings.append(MissingClientId(args=(endpoint.label,), **where))
    return findings


def _token_findings(site: CallSite, endpoint: Endpoint, token: TokenEvidence | None, where: dict) -> list[Finding]:
    if token is None:
        return []
    auth = endpoint.auth
    accepted = auth.token_kinds
    needs = " or ".join(KIND_NAMES[kind] for kind in accepted) or "no token"
    evidence = dict(where, evidence=token.reason)
    transport = _transport(site.body)
    if transport is not None and (auth.app is not None and auth.app.transports or auth.user is not None and auth.user.transports):
        allowed = auth.app.transports if token.kind == APP and auth.app is not None else ()
        if token.kind == USER and auth.user is not None:
            allowed = auth.user.transports
        if transport not in allowed:
            expected = APP if auth.app is not None and transport in auth.app.transports else USER
            return [EventSubTransportToken(args=(endpoint.label, transport, KIND_NAMES[expected], KIND_NAMES[token.kind], token.reason), **evidence)]
        return []
    if token.kind == APP and auth.app is None:
        return [AppTokenNotAccepted(args=(endpoint.label, needs, token.reason), **evidence)]
    if token.kind == APP and auth.app is not None and auth.app.only_for == "extension":
        # NOTE: an extension's backend may use an app access token here; it can ignore TP201 for its files.
        return [AppTokenOnlyForExtension(args=(endpoint.label, KIND_NAMES[USER], token.reason), **evidence)]
    if token.kind == USER and auth.user is None:
        return [UserTokenNotAccepted(args=(endpoint.label, needs, token.reason), **evidence)]
    if token.kind == APP and auth.app is not None and auth.app.limited:
        return [AppTokenLimited(args=(endpoint.label, _clause(auth.app.limited), token.reason), **evidence)]
    return []


def _transport(body: Fields | None) -> str | None:
    if body is None:
        return None
    transport = body.get("transport")
    if isinstance(transport, Fields):
        method = transport.get("method")
        if isinstance(method, str) and UNKNOWN not in method:
            return method.lower()
    return None


def _scope_finding(endpoint: Endpoint, token: TokenEvidence | None, granted: GrantedScopes, where: dict) -> Finding | None:
    """Report the first unmet scope requirement of a call made with a user access token."""
    user = endpoint.auth.user
    if user is None or not user.scopes:
        return None
    if token is not None and token.kind != USER:
        return None
    if token is None and endpoint.auth.token_kinds != (USER,):
        # With an unknown token kind, only an endpoint that takes nothing but a user access token is checked.
        return None
    if token is not None and token.scopes is not None:
        scopes, source = frozenset(token.scopes), token.reason
    elif granted.scopes is not None:
        scopes, source = granted.scopes, granted.source
    else:
        return None
    missing = missing_scopes(user.scopes, scopes)
    if missing is None:
        return None
    requested = ", ".join(sorted(scopes)) or "none"
    evidence = dict(where, evidence=f"scopes from {source}")
    return MissingScope(args=(endpoint.label, missing, f"{requested}; from {source}"), **evidence)


def missing_scopes(requirement: ScopeRequirement, scopes: frozenset[str]) -> str | None:
    """Describe the part of ``requirement`` that ``scopes`` does not meet, or return None when it is met."""
    absent = [scope for scope in requirement.all_of if scope not in scopes]
    for group in (requirement.any_of, *requirement.any_of_groups):
        if group and not any(scope in scopes for scope in group):
            absent.append(" or ".join(group))
    return " and ".join(absent) if absent else None


def _clause(sentence: str) -> str:
    """Turn a registry note such as "Returns only the total follower count." into a clause."""
    text = sentence.strip().rstrip(".")
    return text[:1].lower() + text[1:]
