"""Generated tests: every live and beta registry endpoint rejects the wrong token kind and a
missing scope with Twitch's status and message, and lets the right token through.

Each test builds a fresh mock world and calls it with a real httpx client routed
in-process by respx. The caller is the seeded broadcaster (id 1000001), which passes
every identity rule of its own channel, unless a request below names another user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from twitchpolicy.mock import World
from twitchpolicy.mock.authz import APP_TOKEN_REQUIRED, INVALID_TOKEN, USER_TOKEN_REQUIRED
from twitchpolicy.mock.harness import mock_twitch
from twitchpolicy.mock.model import EventSubSubscription, Token
from twitchpolicy.mock.scenarios import applicable_scenarios, build_scenario, needed_scopes, scopes_missing_one
from twitchpolicy.registry import Endpoint, load_registry

BROADCASTER_ID = "1000001"
FOLLOWER_ID = "1000006"
MODERATOR_ID = "1000003"
SUBSCRIBER_ID = "1000005"
BANNED_VIEWER_ID = "1000144"

ENDPOINTS = [endpoint for endpoint in load_registry().endpoints if endpoint.status in ("live", "beta")]
OAUTH_ENDPOINTS = [endpoint for endpoint in ENDPOINTS if {"app", "user"} & set(endpoint.auth.token_kinds)]


@dataclass
class Call:
    """A request to make: who calls, and what the query and JSON body hold."""

    caller: str = BROADCASTER_ID
    query: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)


def _value_for(name: str) -> Any:
    if name.endswith("_id") or name in ("id", "user_id"):
        return BROADCASTER_ID
    if name == "data":
        return []
    return "1"


def _eventsub_body(kind: str) -> dict[str, Any]:
    if kind == "app":
        transport = {"method": "webhook", "callback": "https://bot.example.invalid/eventsub", "secret": "fake-webhook-secret"}
    else:
        transport = {"method": "websocket", "session_id": "fake-session-0001"}
    return {"type": "stream.online", "version": "1", "condition": {"broadcaster_user_id": BROADCASTER_ID}, "transport": transport}


def _prepare_eventsub_delete(world: World, kind: str) -> None:
    method = "webhook" if kind == "app" else "websocket"
    user_id = None if kind == "app" else BROADCASTER_ID
    world.eventsub.append(
        EventSubSubscription("fake-subscription-1", world.client.client_id, "stream.online", "1", {"broadcaster_user_id": BROADCASTER_ID}, {"method": method}, "enabled", world.clock.rfc3339(), 1, user_id)
    )


# Requests for endpoints whose handler validates more than the registry's required parameters.
OVERRIDES: dict[str, Callable[[str], Call]] = {
    "get-users": lambda kind: Call(query={"login": "mock_streamer"}),
    "get-clips": lambda kind: Call(query={"broadcaster_id": BROADCASTER_ID}),
    "check-user-subscription": lambda kind: Call(caller=SUBSCRIBER_ID, query={"broadcaster_id": BROADCASTER_ID, "user_id": SUBSCRIBER_ID}),
    "send-chat-message": lambda kind: Call(body={"broadcaster_id": BROADCASTER_ID, "sender_id": BROADCASTER_ID, "message": "hello chat"}),
    "ban-user": lambda kind: Call(query={"broadcaster_id": BROADCASTER_ID, "moderator_id": BROADCASTER_ID}, body={"data": {"user_id": FOLLOWER_ID, "reason": "test"}}),
    "unban-user": lambda kind: Call(query={"broadcaster_id": BROADCASTER_ID, "moderator_id": BROADCASTER_ID, "user_id": BANNED_VIEWER_ID}),
    "add-channel-moderator": lambda kind: Call(query={"broadcaster_id": BROADCASTER_ID, "user_id": FOLLOWER_ID}),
    "remove-channel-moderator": lambda kind: Call(query={"broadcaster_id": BROADCASTER_ID, "user_id": MODERATOR_ID}),
    "modify-channel-information": lambda kind: Call(query={"broadcaster_id": BROADCASTER_ID}, body={"title": "A new title"}),
    "send-chat-announcement": lambda kind: Call(query={"broadcaster_id": BROADCASTER_ID, "moderator_id": BROADCASTER_ID}, body={"message": "Welcome"}),
    "create-eventsub-subscription": lambda kind: Call(body=_eventsub_body(kind)),
    "delete-eventsub-subscription": lambda kind: Call(query={"id": "fake-subscription-1"}),
}
PREPARE: dict[str, Callable[[World, str], None]] = {"delete-eventsub-subscription": _prepare_eventsub_delete}


def build_call(endpoint: Endpoint, kind: str) -> Call:
    """Fill the registry's required parameters, with identity and grant parameters naming the caller."""
    if endpoint.id in OVERRIDES:
        return OVERRIDES[endpoint.id](kind)
    call = Call()
    for parameter in endpoint.query:
        if parameter.required:
            call.query[parameter.name] = _value_for(parameter.name)
    for parameter in endpoint.body:
        if parameter.required:
            call.body[parameter.name] = _value_for(parameter.name)
    rules = [(rule.param, rule.location) for rule in endpoint.auth.user.identity] if endpoint.auth.user else []
    rules += [(grant.param, grant.location) for grant in endpoint.auth.app.authorized_by] if endpoint.auth.app else []
    for name, location in rules:
        (call.query if location == "query" else call.body)[name] = call.caller
    return call


def grant_app_scopes(world: World, endpoint: Endpoint, call: Call) -> None:
    """Record the user grants an app token needs, as if each named user had authorized the client."""
    assert endpoint.auth.app is not None
    for grant in endpoint.auth.app.authorized_by:
        user_id = (call.query if grant.location == "query" else call.body)[grant.param]
        scopes = grant.scopes.all_of + grant.scopes.any_of[:1]
        world.authorizations.setdefault((world.client.client_id, str(user_id)), set()).update(scopes)


# One client for the module, because building an httpx.Client (its TLS context) takes
# about 40 ms. respx intercepts at the transport, so the client may predate each mock.
HTTP = httpx.Client()


def send(world: World, endpoint: Endpoint, call: Call, credential: str | None, client_id: str) -> httpx.Response:
    headers = {"Client-Id": client_id}
    if credential is not None:
        headers["Authorization"] = f"Bearer {credential}"
    with mock_twitch(world):
        return HTTP.request(endpoint.method, f"https://api.twitch.tv{endpoint.path}", params=call.query, json=call.body or None, headers=headers)


def right_credential(world: World, endpoint: Endpoint, kind: str, call: Call) -> tuple[str, str]:
    """Return a credential of ``kind`` that should pass every check, and the Client-Id to send."""
    if kind == "jwt":
        return world.extension_jwt(), world.extension.client_id
    if kind == "app":
        assert endpoint.auth.app is not None
        if endpoint.auth.app.only_for == "extension":
            return world.app_token(world.extension).access_token, world.extension.client_id
        grant_app_scopes(world, endpoint, call)
        return world.app_token().access_token, world.client.client_id
    token: Token = world.user_token(call.caller, needed_scopes(endpoint))
    return token.access_token, world.client.client_id


def wrong_kind_cases() -> list[tuple[Endpoint, str, int, str]]:
    cases = []
    for endpoint in ENDPOINTS:
        kinds = endpoint.auth.token_kinds
        if kinds == ("none",):
            continue
        if kinds == ("jwt",):
            cases.append((endpoint, "app", 401, INVALID_TOKEN))
            cases.append((endpoint, "user", 401, INVALID_TOKEN))
            continue
        if "app" not in kinds:
            cases.append((endpoint, "app", 401, USER_TOKEN_REQUIRED))
        if "user" not in kinds:
            cases.append((endpoint, "user", 401, APP_TOKEN_REQUIRED))
        cases.append((endpoint, "jwt", 401, INVALID_TOKEN))
    return cases


def error_body(status: int, message: str) -> str:
    reasons = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden"}
    return '{"error":"%s","status":%d,"message":"%s"}' % (reasons[status], status, message)


@pytest.mark.parametrize(
    ("endpoint", "kind", "status", "message"),
    [pytest.param(*case, id=f"{case[0].id}-{case[1]}") for case in wrong_kind_cases()],
)
def test_wrong_token_kind_rejected(endpoint: Endpoint, kind: str, status: int, message: str) -> None:
    world = World()
    call = build_call(endpoint, kind)
    if kind == "app":
        credential = world.app_token().access_token
    elif kind == "user":
        credential = world.user_token(call.caller, needed_scopes(endpoint)).access_token
    else:
        credential = world.extension_jwt()
    response = send(world, endpoint, call, credential, world.client.client_id)
    assert response.status_code == status
    assert response.text == error_body(status, message)
    assert world.calls[-1].auth_rejected


SCOPED = [endpoint for endpoint in OAUTH_ENDPOINTS if endpoint.auth.user is not None and endpoint.auth.user.scopes and endpoint.auth.user.without_scopes is None]


@pytest.mark.parametrize("endpoint", SCOPED, ids=[endpoint.id for endpoint in SCOPED])
def test_missing_scope_rejected(endpoint: Endpoint) -> None:
    world = World()
    call = build_call(endpoint, "user")
    scopes, message = scopes_missing_one(endpoint)
    token = world.user_token(call.caller, scopes)
    response = send(world, endpoint, call, token.access_token, world.client.client_id)
    assert response.status_code == 401
    assert response.text == error_body(401, message)
    requirement = endpoint.auth.user.scopes
    named = requirement.all_of[0] if requirement.all_of else " or ".join(requirement.any_of)
    assert message == f"Missing scope: {named}"


GRANTED = [endpoint for endpoint in OAUTH_ENDPOINTS if endpoint.auth.app is not None and endpoint.auth.app.authorized_by]


@pytest.mark.parametrize("endpoint", GRANTED, ids=[endpoint.id for endpoint in GRANTED])
def test_missing_user_grant_rejected_for_app_token(endpoint: Endpoint) -> None:
    world = World()
    call = build_call(endpoint, "app")
    token = world.app_token()
    response = send(world, endpoint, call, token.access_token, world.client.client_id)
    first = endpoint.auth.app.authorized_by[0].scopes
    named = first.all_of[0] if first.all_of else " or ".join(first.any_of)
    assert response.status_code == 401
    assert response.text == error_body(401, f"Missing scope: {named}")


def right_token_cases() -> list[tuple[Endpoint, str]]:
    return [(endpoint, kind) for endpoint in ENDPOINTS for kind in endpoint.auth.token_kinds]


@pytest.mark.parametrize(("endpoint", "kind"), [pytest.param(*case, id=f"{case[0].id}-{case[1]}") for case in right_token_cases()])
def test_right_token_passes(endpoint: Endpoint, kind: str) -> None:
    world = World()
    call = build_call(endpoint, kind)
    if endpoint.id in PREPARE:
        PREPARE[endpoint.id](world, kind)
    if kind == "none":
        credential, client_id = None, ""
    else:
        credential, client_id = right_credential(world, endpoint, kind, call)
    response = send(world, endpoint, call, credential, client_id)
    assert response.status_code in (200, 202, 204), response.text
    assert not world.calls[-1].auth_rejected
    assert world.calls[-1].endpoint_id == endpoint.id


def test_every_live_endpoint_is_generated() -> None:
    generated = {case[0].id for case in right_token_cases()}
    assert generated == {endpoint.id for endpoint in ENDPOINTS}
    assert len(ENDPOINTS) == 142


def scenario_cases() -> list[tuple[Endpoint, str]]:
    return [(endpoint, name) for endpoint in ENDPOINTS for name in applicable_scenarios(endpoint)]


@pytest.mark.parametrize(("endpoint", "name"), [pytest.param(*case, id=f"{case[0].id}-{case[1]}") for case in scenario_cases()])
def test_scenario_expectation_matches_mock(endpoint: Endpoint, name: str) -> None:
    world = World()
    kind = "app" if name == "app-token" else "user"
    call = build_call(endpoint, kind)
    if endpoint.id in PREPARE:
        PREPARE[endpoint.id](world, kind)
    scenario = build_scenario(world, endpoint, name, call.caller)
    response = send(world, endpoint, call, scenario.token.access_token, scenario.token.client_id)
    logged = world.calls[-1]
    if scenario.authorized:
        assert response.status_code in (200, 202, 204), response.text
        assert not logged.auth_rejected
    else:
        assert (response.status_code, logged.message) == (scenario.expected_status, scenario.expected_message)
        assert logged.auth_rejected
