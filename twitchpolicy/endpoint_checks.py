"""Endpoint rules (TP1xx): unknown, removed and Kraken endpoints, methods a path does not accept, webhook topics."""

from __future__ import annotations

import difflib

from twitchpolicy.registry import Endpoint, KrakenEndpoint, Registry
from twitchpolicy.rules import (
    REFERENCE,
    Finding,
    KrakenEndpointCall,
    MethodNotAllowed,
    RemovedEndpoint,
    RemovedPath,
    UnknownEndpoint,
    WebhookTopic,
)
from twitchpolicy.sites import CallSite
from twitchpolicy.urls import parse_twitch_url

WEBHOOK_HUB = "subscribe-to-unsubscribe-from-events"


def _endpoint_names(registry: Registry, ids: tuple[str, ...]) -> str:
    labels = []
    for endpoint_id in ids:
        endpoint = registry.endpoint(endpoint_id)
        labels.append(endpoint.label if endpoint is not None else endpoint_id)
    return " or ".join(labels)


def _replacement_text(registry: Registry, ids: tuple[str, ...]) -> str:
    if not ids:
        return "Helix has no replacement"
    return "use " + _endpoint_names(registry, ids)


def check_endpoint(registry: Registry, site: CallSite) -> Finding | None:
    """Return the endpoint finding for one call site or URL mention, if any."""
    if site.endpoint is not None:
        # An SDK call names its endpoint; only removal can be wrong about it.
        endpoint = registry.endpoint(site.endpoint)
        if endpoint is None:
            return None
        where = dict(path=site.path, line=site.line, column=site.column, url=endpoint.path, method=endpoint.method, end_line=site.end_line)
        return _removed_finding(registry, [endpoint], where)
    parsed = parse_twitch_url(site.url)
    if parsed is None or parsed.is_base:
        return None
    where = dict(path=site.path, line=site.line, column=site.column, url=parsed.path, method=site.method, end_line=site.end_line)
    lookup = registry.lookup(site.method, site.url)
    if parsed.api == "kraken":
        return _kraken_finding(registry, site, lookup.path_entries, where)
    if site.kind == "webhook-topic" and parsed.api == "helix":
        hub = registry.endpoint(WEBHOOK_HUB)
        removed_on = hub.removed_on if hub is not None and hub.removed_on else "2021-09-16"
        reference = hub.reference if hub is not None else REFERENCE
        return WebhookTopic(args=(parsed.path, removed_on), endpoint=WEBHOOK_HUB, reference=reference, **where)
    if not parsed.is_complete:
        return None
    if lookup.unverified:
        return None
    if not lookup.path_entries:
        return UnknownEndpoint(args=(parsed.path, _suggestion(registry, parsed.api, parsed.path)), reference=REFERENCE, **where)
    live = [entry for entry in lookup.path_entries if getattr(entry, "status", "live") != "removed"]
    if site.method is not None and lookup.entry is None and live:
        allowed = ", ".join(sorted({entry.method for entry in live}))
        return MethodNotAllowed(args=(site.method, parsed.path, allowed), reference=_reference_of(live[0]), **where)
    if lookup.entry is not None:
        return _removed_finding(registry, [lookup.entry], where)
    if site.method is None and not live:
        return _removed_finding(registry, list(lookup.path_entries), where)
    if site.method is not None and not live:
        return _removed_finding(registry, list(lookup.path_entries), where)
    return None


def _removed_finding(registry: Registry, entries: list, where: dict) -> Finding | None:
    """Report removed endpoints; when the method is unknown, every removed endpoint at the path is named."""
    removed = [entry for entry in entries if isinstance(entry, Endpoint) and entry.status == "removed"]
    if not removed:
        return None
    first = removed[0]
    if len(removed) == 1:
        label, date = first.label, first.removed_on or "an unknown date"
        return RemovedEndpoint(args=(label, date, _replacement_text(registry, first.replaced_by)), endpoint=first.id, reference=first.reference, **where)
    names = ", ".join(f"{entry.name} ({entry.method}) on {entry.removed_on}" for entry in removed)
    replacements = tuple(dict.fromkeys(target for entry in removed for target in entry.replaced_by))
    return RemovedPath(
        args=(where["url"], names, _replacement_text(registry, replacements)),
        reference=first.reference,
        **where,
    )


def _reference_of(entry: object) -> str | None:
    return getattr(entry, "reference", None)


def _kraken_finding(registry: Registry, site: CallSite, entries: tuple[KrakenEndpoint, ...], where: dict) -> Finding:
    chosen = [entry for entry in entries if site.method is None or entry.method == site.method]
    shutdown = registry.kraken_shutdown_on or "2022-02-28"
    if chosen:
        entry = chosen[0]
        label = entry.label
        advice = _replacement_text(registry, entry.replaced_by)
        return KrakenEndpointCall(args=(label, shutdown, advice), endpoint=entry.id, reference=entry.reference, **where)
    label = f"{site.method} {where['url']}" if site.method else where["url"]
    return KrakenEndpointCall(
        args=(label, shutdown, "see the Helix reference for its replacement"), reference=registry.kraken_reference, **where
    )


def _suggestion(registry: Registry, api: str, path: str) -> str:
    """Name the closest known path; when that is a removed endpoint, name its replacement instead."""
    if api != "helix":
        close = difflib.get_close_matches(path.lower(), [entry.path for entry in registry.oauth_endpoints], n=1, cutoff=0.6)
        return f"; did you mean {close[0]}?" if close else ""
    close = difflib.get_close_matches(path.lower(), registry.helix_paths(), n=1, cutoff=0.6)
    if not close:
        return ""
    entries = [endpoint for endpoint in registry.endpoints if endpoint.path.lower() == close[0]]
    live = [endpoint.name for endpoint in entries if endpoint.status != "removed"]
    if live:
        return f"; did you mean {close[0]} ({', '.join(dict.fromkeys(live))})?"
    removed = entries[0]
    return f"; the closest, {removed.label}, was removed on {removed.removed_on}; {_replacement_text(registry, removed.replaced_by)}"
