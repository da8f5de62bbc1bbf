"""The Helix side of the mock: routing by the registry, authorization, rate limits and the call log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from twitchpolicy.mock import authz
from twitchpolicy.mock.calllog import Call
from twitchpolicy.mock.protocol import HelixError, Request, Response, helix_error
from twitchpolicy.mock.redaction import redact, redact_url
from twitchpolicy.registry import Endpoint

if TYPE_CHECKING:
    from twitchpolicy.mock.world import World

# Seen on Twitch in 2022 in the body of a 429 response.
RATE_LIMITED = "The application exceeded the number of calls it may make. For details, see Rate Limits in the Twitch API documentation."


@dataclass
class HelixContext:
    """The inputs of a handler: the world, the request, the registry entry and the authorized caller."""

    world: World
    request: Request
    endpoint: Endpoint
    principal: authz.Principal
    decision: authz.Decision


def not_found(world: World, request: Request, endpoint_id: str | None = None) -> Response:
    response = helix_error(404, "")
    _log(world, request, endpoint_id, response, None)
    return response


def handle(world: World, request: Request) -> Response:
    """Respond to a request to https://api.twitch.tv/helix/..."""
    lookup = world.registry.lookup(request.method, request.path)
    if not lookup.path_entries:
        # NOTE: paths the registry lists only as unverified (the pinned-message endpoints)
        # are unknown to the mock as well.
        return not_found(world, request)
    endpoint: Endpoint | None = lookup.entry
    if endpoint is None:
        # NOTE: Twitch's response to a method that the path does not accept is not
        # documented, so the mock responds as for an unknown path.
        return not_found(world, request)
    if endpoint.status == "removed":
        # NOTE: the message of Twitch's 410 response is not documented, so the mock leaves it empty.
        response = helix_error(410, "")
        _log(world, request, endpoint.id, response, None)
        return response

    principal: authz.Principal | None = None
    rate_headers: list[tuple[str, str]] = []
    auth_rejected = False
    try:
        failure = _take_planned_failure(world, endpoint)
        if failure is not None:
            raise HelixError(failure, "")
        principal = authz.authenticate(world, endpoint, request)
        rate_key = _rate_key(principal)
        if rate_key is not None:
            decision = world.rate_limiter.charge(rate_key)
            rate_headers = decision.headers()
            if not decision.allowed:
                raise HelixError(429, RATE_LIMITED)
        context = HelixContext(world, request, endpoint, principal, authz.authorize(world, endpoint, request, principal))
        from twitchpolicy.mock.handlers import handler_for

        response = handler_for(endpoint.id)(context)
    except authz.AuthRejection as error:
        auth_rejected = True
        response = error.response()
    except HelixError as error:
        response = error.response()
    response.headers.extend(rate_headers)
    _log(world, request, endpoint.id, response, principal, auth_rejected)
    return response


def _rate_key(principal: authz.Principal) -> tuple[str, str | None] | None:
    if principal.kind == "none":
        return None
    if principal.kind == "user":
        return (principal.client_id or "", principal.user_id)
    return (principal.client_id or "", None if principal.kind == "app" else "jwt")


def _take_planned_failure(world: World, endpoint: Endpoint) -> int | None:
    for planned in world.planned_failures:
        if planned.endpoint_id in (None, endpoint.id) and planned.remaining > 0:
            planned.remaining -= 1
            if planned.remaining == 0:
                world.planned_failures.remove(planned)
            return planned.status
    return None


def _log(world: World, request: Request, endpoint_id: str | None, response: Response, principal: authz.Principal | None, auth_rejected: bool = False) -> None:
    message = ""
    if response.status >= 400 and response.body:
        try:
            message = str(response.json().get("message", ""))
        except (ValueError, AttributeError):
            message = ""
    token_text = None
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    if credential.strip():
        token_text = f"{scheme} {redact(credential.strip())}"
    user = world.users.get(principal.user_id) if principal is not None and principal.user_id else None
    world.calls.record(
        Call(
            method=request.method,
            url=redact_url(request.url, world.is_secret, request.query),
            host=request.host or "api.twitch.tv",
            path=request.path,
            endpoint_id=endpoint_id,
            status=response.status,
            message=message,
            token_kind=principal.kind if principal is not None else None,
            token=token_text,
            client_id=principal.client_id if principal is not None else request.headers.get("client-id"),
            user_id=principal.user_id if principal is not None else None,
            user_login=user.login if user is not None else None,
            auth_rejected=auth_rejected,
        )
    )
