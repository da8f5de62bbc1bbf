"""Token scenarios for one endpoint: the tokens to try and the response Twitch should send to each.

The expected response considers the token alone (kind, scopes, validity, and for app
tokens whether the client must be an extension). Identity parameters, roles and the
grants an app token relies on depend on the request, which only the test knows.
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
    the authorization checks.
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
    """Issue the token for scenario ``name`` in ``world`` and work out the expected response."""
    person = world.user(user) if user is not None else world.bot
    accepts_app = endpoint.auth.app is not None
    accepts_user = endpoint.auth.user is not None
    if name == "app-token":
        token = world.app_token()
        status, message = (None, None) if accepts_app else (401, authz.USER_TOKEN_REQUIRED)
        if endpoint.auth.app is not None and endpoint.auth.app.only_for == "extension":
            # The world's default client is not an extension, so authz rejects its app token.
            status, message = (401, authz.USER_TOKEN_REQUIRED) if accepts_user else (403, authz.FORBIDDEN)
        return Scenario(name, endpoint, token, None, status, message)
    if name == "user-token-missing-scope":
        scopes, message = scopes_missing_one(endpoint)
        token = world.user_token(person, scopes)
        return Scenario(name, endpoint, token, person, 401, message)
    token = world.user_token(person, needed_scopes(endpoint))
    if name == "revoked-user-token":
        world.revoke(token)
        return Scenario(name, endpoint, token, person, 401, authz.INVALID_TOKEN)
    if name == "expired-user-token":
        world.expire(token)
        return Scenario(name, endpoint, token, person, 401, authz.INVALID_TOKEN)
    if name == "user-token":
        status, message = (None, None) if accepts_user else (401, authz.APP_TOKEN_REQUIRED)
        return Scenario(name, endpoint, token, person, status, message)
    raise ValueError(f"unknown token scenario {name!r}; expected one of {', '.join(SCENARIOS)}")
