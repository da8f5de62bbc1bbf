"""Token scenarios for one endpoint: the tokens to try and the response the mock sends to each.

The expected response considers the token alone (kind, scopes, validity, and for app
tokens whether the client must be an extension). Identity parameters and roles depend
on the request, which the test builds. The app-token scenario records that the
scenario's user granted the client the scopes the endpoint's app-token rules name, so
a request that names that user passes those rules.

An endpoint that takes only an extension JWT rejects every OAuth token with 401
``Invalid OAuth token``. Get Channel iCalendar needs no authorization, so every token
passes there.
"""

from __future__ import annotations

from dataclasses import dataclass

from twitchpolicy.mock import authz
from twitchpolicy.mock.model import Token, User
from twitchpolicy.mock.world import World
from twitchpolicy.registry import Endpoint

SCENARIOS = ("app-token", "user-token", "user-token-missing-scope", "revoked-user-token", "expired-user-token")


@dataclass
class Scenario:
    """One token to call ``endpoint`` with, and the response expected for it.

    ``expected_status`` and ``expected_message`` are None when the token should pass
    the authorization checks. ``user`` is the user of the user tokens, and for the
    app-token scenario the user whose grants it records.
    """

    name: str
    endpoint: Endpoint
    token: Token
    user: User | None
    expected_status: int | None
    expected_message: str | None

    @property
    def authorized(self) -> bool:
        return self.expected_status is None

    def __repr__(self) -> str:
        return f"Scenario({self.name!r}, endpoint={self.endpoint.id!r}, expected_status={self.expected_status!r})"


def applicable_scenarios(endpoint: Endpoint) -> list[str]:
    """Return the scenario names that make sense for ``endpoint``: a missing scope only where scopes are required."""
    names = ["app-token", "user-token"]
    user_policy = endpoint.auth.user
    if user_policy is not None and user_policy.scopes and user_policy.without_scopes is None:
        names.append("user-token-missing-scope")
    names += ["revoked-user-token", "expired-user-token"]
    return names


def needed_scopes(endpoint: Endpoint) -> tuple[str, ...]:
    """Return the smallest scope set that passes: every ``all_of`` scope and the first ``any_of`` scope."""
    policy = endpoint.auth.user
    if policy is None:
        return ()
    return policy.scopes.all_of + policy.scopes.any_of[:1]


def scopes_missing_one(endpoint: Endpoint) -> tuple[tuple[str, ...], str]:
    """Return needed scopes with one requirement left unmet, and the ``Missing scope`` message Twitch sends."""
    policy = endpoint.auth.user
    assert policy is not None and policy.scopes
    requirement = policy.scopes
    if requirement.all_of:
        kept = requirement.all_of[1:] + requirement.any_of[:1]
    else:
        kept = requirement.all_of
    message = authz.missing_scope(requirement, set(kept))
    assert message is not None
    return kept, message


def build_scenario(world: World, endpoint: Endpoint, name: str, user: User | str | None = None) -> Scenario:
    """Issue the token for scenario ``name`` in ``world`` and work out the response the mock sends."""
    if name not in SCENARIOS:
        raise ValueError(f"unknown token scenario {name!r}; expected one of {', '.join(SCENARIOS)}")
    person = world.user(user) if user is not None else world.bot
    if name == "app-token":
        token = world.app_token()
        _grant_app_token_scopes(world, endpoint, person)
    elif name == "user-token-missing-scope":
        scopes, _ = scopes_missing_one(endpoint)
        token = world.user_token(person, scopes)
    else:
        token = world.user_token(person, needed_scopes(endpoint))
        if name == "revoked-user-token":
            world.revoke(token)
        elif name == "expired-user-token":
            world.expire(token)
    status, message = expected_response(endpoint, name)
    return Scenario(name, endpoint, token, person, status, message)


def expected_response(endpoint: Endpoint, name: str) -> tuple[int | None, str | None]:
    """Return the status and message the mock sends for scenario ``name``, or (None, None) when the token passes."""
    auth = endpoint.auth
    if auth.none:
        return None, None
    if auth.token_kinds == ("jwt",):
        # An extension JWT endpoint does not accept any OAuth token.
        return 401, authz.INVALID_TOKEN
    if name in ("revoked-user-token", "expired-user-token"):
        return 401, authz.INVALID_TOKEN
    if name == "user-token-missing-scope":
        return 401, scopes_missing_one(endpoint)[1]
    if name == "user-token":
        return (None, None) if auth.user is not None else (401, authz.APP_TOKEN_REQUIRED)
    if auth.app is None:
        return 401, authz.USER_TOKEN_REQUIRED
    if auth.app.only_for == "extension":
        # The world's default client is not an extension, so authz rejects its app token.
        return (401, authz.USER_TOKEN_REQUIRED) if auth.user is not None else (403, authz.FORBIDDEN)
    return None, None


def _grant_app_token_scopes(world: World, endpoint: Endpoint, user: User) -> None:
    """Record that ``user`` granted the default client every scope the endpoint's app-token rules name."""
    policy = endpoint.auth.app
    if policy is None:
        return
    for grant in policy.authorized_by:
        world.grant_scopes(user, grant.scopes.all_of + grant.scopes.any_of[:1])
