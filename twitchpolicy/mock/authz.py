"""Authorization of Helix calls, derived only from the registry entry of the endpoint.

No endpoint has a hand-written check. The order follows what clients observe on Twitch:
token present, Client-Id present, token valid (not expired, not revoked), client
matches (:func:`authenticate`), then token kind including the EventSub transport rule,
scopes, identity parameters and the moderator or editor role (:func:`authorize`).

Messages that Twitch has been seen to send are used as they are. Where no source
shows Twitch's wording, the choice is marked with NOTE.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from twitchpolicy.mock.model import APP, USER, Token
from twitchpolicy.mock.protocol import BadRequestBody, HelixError, Request
from twitchpolicy.registry import Endpoint, IdentityRule, ScopeRequirement, UserGrant

if TYPE_CHECKING:
    from twitchpolicy.mock.world import World

TOKEN_MISSING = "OAuth token is missing"
CLIENT_ID_MISSING = "Client ID is missing"
INVALID_TOKEN = "Invalid OAuth token"
CLIENT_MISMATCH = "Client ID and OAuth token do not match"
# Seen on Twitch in 2020 for an app access token on an endpoint that needs a user token.
USER_TOKEN_REQUIRED = "Missing User OAUTH Token"
# Seen on Twitch in 2020 for a user access token on the app-only webhook subscription list.
APP_TOKEN_REQUIRED = "Must provide valid app token."
# Seen on Twitch in 2022 for a user who is not a moderator of the channel.
FORBIDDEN = "You don't have permission to perform that action."
WEBSOCKET_NEEDS_USER_TOKEN = "invalid transport and auth combination"


def identity_mismatch(param: str) -> str:
    return f"The ID in {param} must match the user ID found in the request's OAuth token."


def missing_parameter(param: str) -> str:
    return f'Missing required parameter "{param}"'


def missing_scope(requirement: ScopeRequirement, held: set[str]) -> str | None:
    """Return ``Missing scope: …`` for the first unmet part of ``requirement``, or None when it is met.

    An ``all_of`` scope is named alone. An unmet ``any_of`` set is named in full,
    joined with `` or ``, as Twitch words it.
    """
    for scope in requirement.all_of:
        if scope not in held:
            return f"Missing scope: {scope}"
    if requirement.any_of and not held.intersection(requirement.any_of):
        return "Missing scope: " + " or ".join(requirement.any_of)
    return None


class AuthRejection(HelixError):
    """A Helix error caused by an authorization check."""


@dataclass
class Principal:
    """The caller: the token kind (app, user, jwt or none), the client and the user."""

    kind: str
    client_id: str | None = None
    user_id: str | None = None
    token: Token | None = None
    jwt_claims: dict[str, Any] = field(default_factory=dict)


@dataclass
class Decision:
    """The outcome of :func:`authorize`. ``reduced`` selects the smaller response the registry describes."""

    reduced: bool = False
    reason: str = ""


def authenticate(world: World, endpoint: Endpoint, request: Request) -> Principal:
    """Check the Authorization and Client-Id headers and the token itself; raise AuthRejection."""
    if endpoint.auth.none:
        return Principal("none", client_id=request.headers.get("client-id"))
    scheme, _, credential = request.headers.get("authorization", "").strip().partition(" ")
    credential = credential.strip()
    if scheme.lower() != "bearer" or not credential:
        raise AuthRejection(401, TOKEN_MISSING)
    client_id = request.headers.get("client-id", "").strip()
    if not client_id:
        raise AuthRejection(401, CLIENT_ID_MISSING)
    if endpoint.auth.token_kinds == ("jwt",):
        return _authenticate_jwt(world, client_id, credential)
    token = world.find_token(credential)
    if token is None or not token.is_active(world.clock.now()):
        raise AuthRejection(401, INVALID_TOKEN)
    if token.client_id != client_id:
        raise AuthRejection(401, CLIENT_MISMATCH)
    return Principal(token.kind, client_id=client_id, user_id=token.user_id, token=token)


def _authenticate_jwt(world: World, client_id: str, credential: str) -> Principal:
    from twitchpolicy.mock.world import verify_jwt

    # NOTE: Twitch's message for a bearer that is not a valid extension JWT is not
    # documented. The mock sends the message it uses for any token it cannot accept.
    client = world.clients.get(client_id)
    if client is None or client.extension_secret is None:
        raise AuthRejection(401, INVALID_TOKEN)
    claims = verify_jwt(credential, client.extension_secret, world.clock.now())
    if claims is None or claims.get("role") != "external":
        raise AuthRejection(401, INVALID_TOKEN)
    world.extension_jwts.add(credential)
    user_id = claims.get("user_id")
    return Principal("jwt", client_id=client_id, user_id=str(user_id) if user_id is not None else None, jwt_claims=claims)


def request_value(request: Request, name: str, location: str) -> str | None:
    """Return the value of a query parameter or a top-level body field as text, or None."""
    if location == "query":
        return request.param(name)
    try:
        body = request.json_object()
    except BadRequestBody as error:
        raise HelixError(400, str(error)) from None
    value = body.get(name)
    if value is None or value == "":
        return None
    return str(value)


def authorize(world: World, endpoint: Endpoint, request: Request, principal: Principal) -> Decision:
    """Check token kind, scopes, identity parameters and roles in that order; raise AuthRejection."""
    if principal.kind in ("none", "jwt"):
        return Decision()
    _check_kind(world, endpoint, request, principal)
    if principal.kind == APP:
        return _authorize_app(world, endpoint, request, principal)
    return _authorize_user(world, endpoint, request, principal)


def _check_kind(world: World, endpoint: Endpoint, request: Request, principal: Principal) -> None:
    auth = endpoint.auth
    if principal.kind == APP:
        if auth.app is None:
            raise AuthRejection(401, USER_TOKEN_REQUIRED)
        if auth.app.only_for == "extension" and not world.clients[principal.client_id or ""].is_extension:
            # NOTE: for a client that is not the extension, the mock responds as for an
            # app token where a user token is needed, or 403 where no user token is accepted.
            if auth.user is not None:
                raise AuthRejection(401, USER_TOKEN_REQUIRED)
            raise AuthRejection(403, FORBIDDEN)
        policy_transports = auth.app.transports
    else:
        if auth.user is None:
            raise AuthRejection(401, APP_TOKEN_REQUIRED)
        policy_transports = auth.user.transports
    if policy_transports and any(parameter.name == "transport" for parameter in endpoint.body):
        _check_transport(request, principal.kind, policy_transports)


def _check_transport(request: Request, kind: str, allowed: tuple[str, ...]) -> None:
    """Apply the EventSub rule: webhook and conduit need an app token, websocket a user token."""
    try:
        transport = request.json_object().get("transport")
    except BadRequestBody:
        return
    method = transport.get("method") if isinstance(transport, dict) else None
    if not isinstance(method, str) or method not in ("webhook", "websocket", "conduit") or method in allowed:
        return
    if kind == APP:
        raise AuthRejection(400, WEBSOCKET_NEEDS_USER_TOKEN)
    # Twitch's message names webhooks. NOTE: the same wording is assumed for conduits.
    raise AuthRejection(400, f"auth must use app access token to create {method} subscription")


def _authorize_app(world: World, endpoint: Endpoint, request: Request, principal: Principal) -> Decision:
    policy = endpoint.auth.app
    assert policy is not None
    for grant in policy.authorized_by:
        _check_grant(world, endpoint, request, principal, grant, policy.authorized_by)
    if policy.limited:
        return Decision(reduced=True, reason=policy.limited)
    return Decision()


def _check_grant(world: World, endpoint: Endpoint, request: Request, principal: Principal, grant: UserGrant, grants: tuple[UserGrant, ...]) -> None:
    """An app token carries no scopes, so the user named by the parameter must have granted them to the client."""
    user_id = request_value(request, grant.param, grant.location)
    if user_id is None:
        raise HelixError(400, missing_parameter(grant.param))
    held = world.authorizations.get((principal.client_id or "", user_id), set())
    message = missing_scope(grant.scopes, held)
    if message is None:
        return
    if grant.or_moderator:
        # The grant is not needed when the sender (the user of the first grant) moderates this channel.
        sender = grants[0]
        sender_id = request_value(request, sender.param, sender.location) if sender is not grant else None
        if sender_id is not None and world.has_role(user_id, sender_id, "moderator"):
            return
    # NOTE: Twitch's message for a user who never granted the scope to an app is not
    # documented. The mock names the scope as it does for a user access token.
    raise AuthRejection(401, message)


def _authorize_user(world: World, endpoint: Endpoint, request: Request, principal: Principal) -> Decision:
    policy = endpoint.auth.user
    assert policy is not None and principal.token is not None
    reduced = policy.without_scopes is not None
    message = missing_scope(policy.scopes, set(principal.token.scopes))
    if message is not None:
        if reduced:
            return Decision(reduced=True, reason=policy.without_scopes or "")
        raise AuthRejection(401, message)
    for rule in policy.identity:
        value = request_value(request, rule.param, rule.location)
        if value is None:
            if _is_required(endpoint, rule):
                raise HelixError(400, missing_parameter(rule.param))
            continue
        if not _check_identity(world, endpoint, request, rule, value, principal.user_id or ""):
            if reduced:
                return Decision(reduced=True, reason=policy.without_scopes or "")
            if rule.role in ("self", "moderator", "editor") and value != principal.user_id:
                raise AuthRejection(401, identity_mismatch(rule.param))
            raise AuthRejection(403, FORBIDDEN)
    return Decision()


def _is_required(endpoint: Endpoint, rule: IdentityRule) -> bool:
    parameters = endpoint.query if rule.location == "query" else endpoint.body
    return any(parameter.name == rule.param and parameter.required for parameter in parameters)


def _check_identity(world: World, endpoint: Endpoint, request: Request, rule: IdentityRule, value: str, user_id: str) -> bool:
    """Tell whether the identity rule holds for the token's user; the role check comes after the id check."""
    if rule.role in ("broadcaster-or-moderator", "broadcaster-or-editor"):
        role = "moderator" if rule.role == "broadcaster-or-moderator" else "editor"
        return world.has_role(value, user_id, role)
    if value != user_id:
        return False
    if rule.role == "self":
        return True
    channel = request_value(request, "broadcaster_id", "query") or request_value(request, "broadcaster_id", "body")
    if channel is None:
        # NOTE: without a broadcaster_id (Manage Held AutoMod Messages names only the
        # message) the mock cannot tell the channel, so it skips the role check.
        return True
    return world.has_role(channel, user_id, rule.role)
