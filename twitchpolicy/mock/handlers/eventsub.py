"""EventSub subscriptions: create, list and delete, each seeing only its own transports.

Webhook and conduit subscriptions belong to app access tokens and websocket
subscriptions to user access tokens; :mod:`twitchpolicy.mock.authz` rejects the wrong
pairing from the registry's ``transports`` before a handler runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from twitchpolicy.mock.handlers.common import body, no_content, ok, require
from twitchpolicy.mock.model import EventSubSubscription
from twitchpolicy.mock.protocol import HelixError, Response
from twitchpolicy.registry import ScopeRequirement

if TYPE_CHECKING:
    from twitchpolicy.mock.helix import HelixContext

APP_TRANSPORTS = ("webhook", "conduit")
MAX_TOTAL_COST = 10_000
# Seen on Twitch for a subscription whose user never authorized the client.
MISSING_AUTHORIZATION = "subscription missing proper authorization"


@dataclass(frozen=True)
class SubscriptionType:
    """An EventSub type: the condition field naming the user who must authorize, and the scopes."""

    authorizer: str | None
    scopes: ScopeRequirement


# The types most bots use, with the scopes the EventSub reference lists for each.
# NOTE: a type missing here is accepted without a scope check.
SUBSCRIPTION_TYPES = {
    "stream.online": SubscriptionType(None, ScopeRequirement()),
    "stream.offline": SubscriptionType(None, ScopeRequirement()),
    "channel.update": SubscriptionType(None, ScopeRequirement()),
    "channel.raid": SubscriptionType(None, ScopeRequirement()),
    "user.update": SubscriptionType(None, ScopeRequirement()),
    "channel.follow": SubscriptionType("moderator_user_id", ScopeRequirement(all_of=("moderator:read:followers",))),
    "channel.subscribe": SubscriptionType("broadcaster_user_id", ScopeRequirement(all_of=("channel:read:subscriptions",))),
    "channel.cheer": SubscriptionType("broadcaster_user_id", ScopeRequirement(all_of=("bits:read",))),
    "channel.ban": SubscriptionType("broadcaster_user_id", ScopeRequirement(all_of=("channel:moderate",))),
    "channel.moderator.add": SubscriptionType("broadcaster_user_id", ScopeRequirement(all_of=("moderation:read",))),
    "channel.chat.message": SubscriptionType("user_id", ScopeRequirement(all_of=("user:read:chat",))),
    "channel.channel_points_custom_reward_redemption.add": SubscriptionType(
        "broadcaster_user_id", ScopeRequirement(any_of=("channel:read:redemptions", "channel:manage:redemptions"))
    ),
    "channel.poll.begin": SubscriptionType("broadcaster_user_id", ScopeRequirement(any_of=("channel:read:polls", "channel:manage:polls"))),
}


def _visible(context: HelixContext) -> list[EventSubSubscription]:
    """Return the subscriptions this token may see: the client's app transports, or the user's websockets."""
    principal = context.principal
    subscriptions = [subscription for subscription in context.world.eventsub if subscription.client_id == principal.client_id]
    if principal.kind == "app":
        return [subscription for subscription in subscriptions if subscription.transport["method"] in APP_TRANSPORTS]
    return [subscription for subscription in subscriptions if subscription.transport["method"] == "websocket" and subscription.user_id == principal.user_id]


def _subscription_body(subscription: EventSubSubscription) -> dict[str, Any]:
    return {
        "id": subscription.id,
        "status": subscription.status,
        "type": subscription.type,
        "version": subscription.version,
        "condition": dict(subscription.condition),
        "created_at": subscription.created_at,
        "transport": dict(subscription.transport),
        "cost": subscription.cost,
    }


def _totals(subscriptions: list[EventSubSubscription]) -> dict[str, int]:
    return {"total": len(subscriptions), "total_cost": sum(subscription.cost for subscription in subscriptions), "max_total_cost": MAX_TOTAL_COST}


def _transport(context: HelixContext, raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or raw.get("method") not in ("webhook", "websocket", "conduit"):
        raise HelixError(400, "The transport method must be webhook, websocket or conduit.")
    method = raw["method"]
    now = context.world.clock.rfc3339()
    if method == "webhook":
        callback = raw.get("callback")
        if not isinstance(callback, str) or not callback.startswith("https://"):
            raise HelixError(400, "The webhook callback must be an https URL on port 443.")
        secret = raw.get("secret")
        if not isinstance(secret, str) or not 10 <= len(secret) <= 100:
            raise HelixError(400, "The webhook secret must be 10 to 100 characters.")
        return {"method": method, "callback": callback}
    if method == "websocket":
        session_id = raw.get("session_id")
        if not isinstance(session_id, str) or not session_id:
            raise HelixError(400, 'Missing required parameter "transport.session_id"')
        return {"method": method, "session_id": session_id, "connected_at": now}
    conduit_id = raw.get("conduit_id")
    if not isinstance(conduit_id, str) or not conduit_id:
        raise HelixError(400, 'Missing required parameter "transport.conduit_id"')
    return {"method": method, "conduit_id": conduit_id}


def _check_type_authorization(context: HelixContext, kind: str, condition: dict[str, Any]) -> int:
    """Check that the user the type names authorized the scopes; return the subscription's cost.

    A webhook or conduit subscription needs an earlier grant from that user to the
    client, and a websocket subscription needs the scopes on the user token. Twitch
    responds 403 in both cases. A subscription costs 0 when its user authorized the
    client, and 1 for a type that names no user.
    """
    from twitchpolicy.mock.authz import missing_scope

    known = SUBSCRIPTION_TYPES.get(kind)
    if known is None or known.authorizer is None:
        return 1
    user_id = str(condition.get(known.authorizer, ""))
    principal = context.principal
    if principal.kind == "user":
        token = principal.token
        held = set(token.scopes) if token is not None else set()
        if user_id != principal.user_id or missing_scope(known.scopes, held) is not None:
            raise HelixError(403, MISSING_AUTHORIZATION)
        return 0
    held = context.world.authorizations.get((principal.client_id or "", user_id), set())
    if missing_scope(known.scopes, held) is not None:
        raise HelixError(403, MISSING_AUTHORIZATION)
    return 0


def create_eventsub_subscription(context: HelixContext) -> Response:
    world = context.world
    data = body(context)
    for name in ("type", "version", "condition", "transport"):
        if not data.get(name):
            raise HelixError(400, f'Missing required parameter "{name}"')

    for name in ("type", "version"):
        if not isinstance(data[name], str):
            raise HelixError(400, f'The field "{name}" must be a string.')
    kind = data["type"]
    version = data["version"]
    condition = data["condition"]
    if not isinstance(condition, dict):
        raise HelixError(400, "The condition must be a JSON object.")
    transport = _transport(context, data["transport"])
    cost = _check_type_authorization(context, kind, condition)
    for existing in _visible(context):
        if (existing.type, existing.version, existing.condition, existing.transport["method"]) == (kind, version, condition, transport["method"]):
            raise HelixError(409, "subscription already exists")

    status = "webhook_callback_verification_pending" if transport["method"] == "webhook" else "enabled"
    subscription = EventSubSubscription(
        id=world.new_id("eventsub-"),
        client_id=context.principal.client_id or "",
        type=kind,
        version=version,
        condition=dict(condition),
        transport=transport,
        status=status,
        created_at=world.clock.rfc3339(),
        cost=cost,
        user_id=context.principal.user_id,
    )
    world.eventsub.append(subscription)
    return ok({"data": [_subscription_body(subscription)], **_totals(_visible(context))}, status=202)


def get_eventsub_subscriptions(context: HelixContext) -> Response:
    request = context.request
    subscriptions = _visible(context)
    filters = [(name, request.param(name)) for name in ("status", "type", "user_id", "subscription_id")]
    given = [(name, value) for name, value in filters if value is not None]
    if len(given) > 1:
        raise HelixError(400, "The request may filter by only one of status, type, user_id or subscription_id.")
    for name, value in given:
        if name == "status":
            subscriptions = [subscription for subscription in subscriptions if subscription.status == value]
        elif name == "type":
            subscriptions = [subscription for subscription in subscriptions if subscription.type == value]
        elif name == "user_id":
            subscriptions = [subscription for subscription in subscriptions if value in subscription.condition.values()]
        else:
            subscriptions = [subscription for subscription in subscriptions if subscription.id == value]
    everything = _visible(context)
    return ok({"data": [_subscription_body(subscription) for subscription in subscriptions], **_totals(everything), "pagination": {}})


def delete_eventsub_subscription(context: HelixContext) -> Response:
    subscription_id = require(context, "id")
    for subscription in _visible(context):
        if subscription.id == subscription_id:
            context.world.eventsub.remove(subscription)
            return no_content()
    raise HelixError(404, "The subscription was not found.")


HANDLERS = {
    "create-eventsub-subscription": create_eventsub_subscription,
    "get-eventsub-subscriptions": get_eventsub_subscriptions,
    "delete-eventsub-subscription": delete_eventsub_subscription,
}
