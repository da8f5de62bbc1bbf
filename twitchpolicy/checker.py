"""Run every rule over a scan result, then apply the configuration's rule selection and the suppression comments."""

from __future__ import annotations

from dataclasses import dataclass

from twitchpolicy.auth_checks import GrantedScopes, check_call
from twitchpolicy.config import Config, matches
from twitchpolicy.endpoint_checks import check_endpoint
from twitchpolicy.eventsub_checks import check_subscription
from twitchpolicy.registry import Endpoint, EventSubType, Registry
from twitchpolicy.rules import RULES, Finding, ParseError, ReadError, UnusedSuppression
from twitchpolicy.scan import ScanResult
from twitchpolicy.scope_checks import check_refresh_tokens, check_scope_requests, check_secrets, needed_scopes
from twitchpolicy.sites import CallSite, TokenEvidence
from twitchpolicy.suppress import apply_suppressions, find_suppressions, unused
from twitchpolicy.urls import parse_twitch_url


@dataclass(frozen=True)
class UnverifiedCall:
    """A Helix call whose token kind the checker could not tell, so no token rule ran on it."""

    path: str
    line: int
    column: int
    endpoint: str
    token_names: tuple[str, ...]


@dataclass
class CheckOutcome:
    findings: list[Finding]
    unverified: list[UnverifiedCall]


def run_checks(registry: Registry, result: ScanResult, config: Config) -> CheckOutcome:
    """Return the findings, sorted by path, line, column and code, and the calls with an unknown token kind."""
    findings: list[Finding] = []
    for problem in result.problems:
        rule = ParseError if problem.kind == "parse" else ReadError
        findings.append(rule(problem.path, problem.line, problem.column, (problem.message,)))

    granted = _granted_scopes(result, config)
    called: list[Endpoint] = []
    unverified: list[UnverifiedCall] = []
    subscribed: list[EventSubType] = []
    all_resolved = True
    for site in result.sites:
        endpoint_finding = check_endpoint(registry, site)
        if endpoint_finding is not None:
            findings.append(endpoint_finding)
        endpoint = endpoint_of(registry, site)
        if endpoint is None:
            all_resolved = all_resolved and not _unresolved_helix(site)
            continue
        called.append(endpoint)
        if endpoint.status == "removed" or site.kind != "call":
            continue
        token = site.token or _mapped_token(site, config)
        findings += check_call(site, endpoint, token, granted)
        subscription_findings, subscription = check_subscription(registry, site, token, granted)
        findings += subscription_findings
        if subscription is not None:
            subscribed.append(subscription)
        if token is None and not endpoint.auth.none:
            unverified.append(UnverifiedCall(site.path, site.line, site.column, endpoint.id, site.token_names))

    needed = needed_scopes(called, subscribed) if all_resolved else None
    findings += check_scope_requests(registry, result.scope_requests, needed)
    findings += check_secrets(result.secrets)
    findings += check_refresh_tokens(result.token_requests, result.refresh_token_read)
    findings = _deduplicate(findings)
    findings = _select(findings, config)
    findings = _suppress(findings, result, config)
    return CheckOutcome(sorted(findings, key=Finding.sort_key), sorted(unverified, key=lambda call: (call.path, call.line, call.column)))


def endpoint_of(registry: Registry, site: CallSite) -> Endpoint | None:
    """Return the Helix endpoint a call site reaches, when its method and path are known."""
    if site.endpoint is not None:
        return registry.endpoint(site.endpoint)
    parsed = parse_twitch_url(site.url)
    if parsed is None or parsed.api != "helix" or not parsed.is_complete or site.method is None:
        return None
    entry = registry.lookup(site.method, site.url).entry
    return entry if isinstance(entry, Endpoint) else None


def _unresolved_helix(site: CallSite) -> bool:
    """Tell whether a site may call a Helix endpoint the checker could not name, which hides scope needs."""
    parsed = parse_twitch_url(site.url)
    return parsed is not None and parsed.api == "helix" and (not parsed.is_complete or site.method is None)


def _mapped_token(site: CallSite, config: Config) -> TokenEvidence | None:
    for name in site.token_names:
        kind = config.tokens.get(name)
        if kind is not None:
            where = config.path.name if config.path is not None else "the configuration"
            return TokenEvidence(kind, f"token name {name} mapped to {kind} access token in {where}")
    return None


def _granted_scopes(result: ScanResult, config: Config) -> GrantedScopes:
    """Collect the scopes user access tokens can carry: declared in configuration, or requested by the code."""
    if config.scopes is not None:
        where = config.path.name if config.path is not None else "the configuration"
        return GrantedScopes(frozenset(config.scopes), f"the scopes declared in {where}")
    requests = [request for request in result.scope_requests if request.grant != "client_credentials"]
    if not requests or not all(request.complete for request in requests):
        return GrantedScopes(None, "")
    scopes = frozenset(scope for request in requests for scope in request.scopes)
    places = ", ".join(dict.fromkeys(f"{request.source} at {request.path}:{request.line}" for request in requests))
    return GrantedScopes(scopes, places)


def _deduplicate(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple] = set()
    unique = []
    for finding in findings:
        key = (finding.path, finding.line, finding.column, finding.code, finding.message)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def _select(findings: list[Finding], config: Config) -> list[Finding]:
    enabled = config.enabled_codes()
    remaining = []
    for finding in findings:
        if finding.code not in enabled:
            continue
        ignored = config.ignored_for(finding.path)
        if any(matches(selector, type(finding)) for selector in ignored):
            continue
        remaining.append(finding)
    return remaining


def _suppress(findings: list[Finding], result: ScanResult, config: Config) -> list[Finding]:
    suppressions = {path: found for path, source in result.sources.items() if (found := find_suppressions(path, source))}
    if not suppressions:
        return findings
    remaining = apply_suppressions(findings, suppressions)
    enabled = config.enabled_codes()
    if UnusedSuppression.code in enabled:
        for suppression in unused(suppressions):
            # A code for a rule that is not selected cannot match; ruff's unused-noqa leaves those alone too.
            stale = [code for code in suppression.codes if code not in suppression.used and _selects_enabled(code, enabled)]
            if suppression.codes and not stale:
                continue
            label = suppression.text if len(stale) == len(suppression.codes) else f"{', '.join(stale)} in {suppression.text}"
            remaining.append(UnusedSuppression(suppression.path, suppression.line, suppression.column, (label,)))
    return remaining


def _selects_enabled(code: str, enabled: frozenset[str]) -> bool:
    """Tell whether a suppression code names an enabled rule, or names no rule at all (a typo to report)."""
    selected = [rule.code for rule in RULES if matches(code, rule)]
    return not selected or any(rule_code in enabled for rule_code in selected)
