"""Render registry entries for people: the rows of ``endpoints`` and ``eventsub``, and the text of ``endpoints show``."""

from __future__ import annotations

from twitchpolicy.registry import Endpoint, EventSubType, KrakenEndpoint, OAuthEndpoint, Registry, UnverifiedEndpoint


def endpoint_summary(endpoint: Endpoint) -> dict[str, object]:
    user = endpoint.auth.user
    return {
        "id": endpoint.id,
        "name": endpoint.name,
        "method": endpoint.method,
        "path": endpoint.path,
        "status": endpoint.status,
        "tokens": list(endpoint.auth.token_kinds),
        "scopes": user.scopes.describe() if user is not None else "",
        "reference": endpoint.reference,
    }


def eventsub_summary(entry: EventSubType) -> dict[str, object]:
    """Return one row of ``eventsub``: the type version, its status and what a subscription to it needs."""
    return {
        "type": entry.type,
        "version": entry.version,
        "name": entry.name,
        "status": entry.status,
        "condition": [{"name": parameter.name, "required": parameter.required} for parameter in entry.condition],
        "scopes": entry.scopes.describe(),
        "authorizer": entry.authorizer,
        "app_grants": [
            {"param": grant.param, "scopes": grant.scopes.describe(), "or_moderator": grant.or_moderator} for grant in entry.app_grants
        ],
        "optional_scopes": [{"scope": optional.scope, "unlocks": optional.unlocks} for optional in entry.optional_scopes],
        "transports": list(entry.transports),
        "replaced_by": list(entry.replaced_by),
        "note": entry.note,
        "reference": entry.reference,
    }


def format_kraken(registry: Registry, entry: KrakenEndpoint) -> str:
    """Render a Kraken v5 endpoint with its Helix replacements."""
    lines = [f"{entry.name} [{entry.id}]", f"  request:   {entry.method} https://api.twitch.tv{entry.path}"]
    lines.append(f"  status:    removed with the Kraken v5 API on {registry.kraken_shutdown_on}")
    if entry.scopes:
        lines.append("  v5 scopes: " + ", ".join(entry.scopes))
    replacements = [registry.endpoint(target) for target in entry.replaced_by]
    labels = [f"{endpoint.id} ({endpoint.method} {endpoint.path})" for endpoint in replacements if endpoint is not None]
    lines.append("  replaced by: " + (", ".join(labels) if labels else "nothing in Helix"))
    return _finish(lines, entry.note, entry.reference)


def format_oauth(registry: Registry, entry: OAuthEndpoint) -> str:
    """Render an OAuth endpoint on id.twitch.tv with the grants that use it."""
    lines = [f"{entry.name} [{entry.id}]", f"  request:   {entry.method} https://id.twitch.tv{entry.path}"]
    if entry.authorization_header:
        lines.append(f"  header:    Authorization: {entry.authorization_header} <token>")
    if entry.parameters:
        lines.append("  parameters: " + ", ".join(p.name + ("*" if p.required else "") for p in entry.parameters))
    for grant in registry.grants:
        if grant.endpoint == entry.id:
            refresh = "refreshable" if grant.refreshable else "not refreshable"
            article = "an" if grant.yields == "app" else "a"
            lines.append(f"  grant:     {grant.name} yields {article} {grant.yields} access token, {refresh}")
    return _finish(lines, entry.note, entry.reference)


def format_endpoint(registry: Registry, endpoint: Endpoint) -> str:
    """Render one endpoint for ``endpoints show``: request, status, each accepted token kind, parameters, sources."""
    lines = [f"{endpoint.name} [{endpoint.id}]", f"  request:   {endpoint.method} https://api.twitch.tv{endpoint.path}"]
    lines.append(f"  category:  {endpoint.category}")
    status = endpoint.status
    if endpoint.removed_on:
        status += f" on {endpoint.removed_on}"
    if endpoint.deprecated_on:
        status += f" (deprecated on {endpoint.deprecated_on})"
    lines.append(f"  status:    {status}")
    if endpoint.replaced_by:
        lines.append("  replaced by: " + ", ".join(endpoint.replaced_by))

    lines += _token_lines(endpoint)

    if endpoint.query:
        lines.append("  query:     " + ", ".join(p.name + ("*" if p.required else "") for p in endpoint.query))
    if endpoint.body:
        lines.append("  body:      " + ", ".join(p.name + ("*" if p.required else "") for p in endpoint.body))
    lines += _sdk_lines(registry, endpoint)
    if endpoint.note:
        lines.append(f"  note:      {endpoint.note}")
    lines.append(f"  reference: {endpoint.reference}")
    lines.append(f"  defined:   {endpoint.source}:{endpoint.line}")
    return "\n".join(lines)


def _sdk_lines(registry: Registry, endpoint: Endpoint) -> list[str]:
    """List the SDK methods that call the endpoint, one line per SDK, with the token kind an SDK forces."""
    labels_by_sdk: dict[str, list[str]] = {}
    for sdk, method in registry.sdk_methods(endpoint.id):
        label = f"{method.name} ({method.token} token)" if method.token else method.name
        labels_by_sdk.setdefault(sdk.name, []).append(label)
    if not labels_by_sdk:
        return []
    return ["  SDK methods:"] + [f"    {name}: {', '.join(labels)}" for name, labels in labels_by_sdk.items()]


ROLE_TEXT = {
    "self": "must be the token's user",
    "moderator": "must be the token's user, who moderates the broadcaster's channel (or is the broadcaster)",
    "editor": "must be the token's user, who is an editor of the broadcaster (or is the broadcaster)",
    "broadcaster-or-moderator": "names a channel; the token's user must be its broadcaster or one of its moderators",
    "broadcaster-or-editor": "names a channel; the token's user must be its broadcaster or one of its editors",
}


def _token_lines(endpoint: Endpoint) -> list[str]:
    auth = endpoint.auth
    lines = []
    if auth.none:
        lines.append("  token:     none (no Authorization or Client-Id header)")
    if auth.jwt_role:
        lines.append(f"  token:     extension JWT signed by the extension backend, role {auth.jwt_role}")
    if auth.app is not None:
        only_for = f", only for the {auth.app.only_for}'s own client" if auth.app.only_for else ""
        lines.append("  app access token: accepted" + only_for)
        if auth.app.limited:
            lines.append(f"    limited: {auth.app.limited}")
        if auth.app.transports:
            lines.append("    EventSub transports: " + ", ".join(auth.app.transports))
        for grant in auth.app.authorized_by:
            extra = " (not needed if the sender is a moderator)" if grant.or_moderator else ""
            lines.append(f"    the user in {grant.param} ({grant.location}) must have granted: {grant.scopes.describe()}{extra}")
    if auth.user is not None:
        user = auth.user
        lines.append("  user access token: accepted")
        lines.append(f"    scopes:  {user.scopes.describe() or '(none)'}")
        for rule in user.identity:
            lines.append(f"    identity: {rule.param} ({rule.location}) {ROLE_TEXT[rule.role]}")
        for optional in user.optional_scopes:
            lines.append(f"    optional: {optional.scope} unlocks {optional.unlocks}")
        if user.without_scopes:
            lines.append(f"    without the scopes: {user.without_scopes}")
        if user.transports:
            lines.append("    EventSub transports: " + ", ".join(user.transports))
    return lines


def format_unverified(entry: UnverifiedEndpoint) -> str:
    """Render an endpoint whose facts are not verified, saying so first."""
    lines = [f"{entry.name} [{entry.id}]", "  status:    listed in the reference; token kinds and scopes not verified"]
    lines.append(f"  request:   {' or '.join(entry.methods)} https://api.twitch.tv{entry.path}")
    lines.append(f"  category:  {entry.category}")
    return _finish(lines, entry.note, entry.reference)


def _finish(lines: list[str], note: str | None, reference: str) -> str:
    """Append the note and the reference link that end every entry, and join the lines."""
    if note:
        lines.append(f"  note:      {note}")
    lines.append(f"  reference: {reference}")
    return "\n".join(lines)
