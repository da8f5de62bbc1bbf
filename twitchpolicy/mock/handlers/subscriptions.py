"""Get Broadcaster Subscriptions and Check User Subscription."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from twitchpolicy.mock.handlers.common import limited_params, ok, paginate, require, user_fields
from twitchpolicy.mock.model import Subscription
from twitchpolicy.mock.protocol import HelixError, Response

if TYPE_CHECKING:
    from twitchpolicy.mock.helix import HelixContext
    from twitchpolicy.mock.world import World

# Subscription points per tier, as Twitch counts them for the broadcaster's total.
TIER_POINTS = {"1000": 1, "2000": 2, "3000": 6}
TIER_NAMES = {"1000": "Tier 1", "2000": "Tier 2", "3000": "Tier 3"}


def _subscription_body(world: World, subscription: Subscription) -> dict[str, Any]:
    gifter = user_fields(world, subscription.gifter_id, "gifter") if subscription.gifter_id else {"gifter_id": "", "gifter_login": "", "gifter_name": ""}
    return {
        **user_fields(world, subscription.broadcaster_id, "broadcaster"),
        **gifter,
        "is_gift": subscription.is_gift,
        "tier": subscription.tier,
        "plan_name": f"Channel Subscription ({world.users[subscription.broadcaster_id].login}) {TIER_NAMES.get(subscription.tier, '')}".strip(),
        **user_fields(world, subscription.user_id, "user"),
    }


def get_broadcaster_subscriptions(context: HelixContext) -> Response:
    world = context.world
    broadcaster_id = require(context, "broadcaster_id")
    subscriptions = [subscription for (channel_id, _), subscription in sorted(world.subscriptions.items()) if channel_id == broadcaster_id]
    total = len(subscriptions)
    points = sum(TIER_POINTS.get(subscription.tier, 1) for subscription in subscriptions)
    wanted = set(limited_params(context, "user_id"))
    if wanted:
        subscriptions = [subscription for subscription in subscriptions if subscription.user_id in wanted]
    page, pagination = paginate(context, subscriptions)
    data = [_subscription_body(world, subscription) for subscription in page]
    return ok({"data": data, "pagination": pagination, "points": points, "total": total})


def check_user_subscription(context: HelixContext) -> Response:
    world = context.world
    broadcaster_id = require(context, "broadcaster_id")
    user_id = require(context, "user_id")
    subscription = world.subscriptions.get((broadcaster_id, user_id))
    if subscription is None:
        user = world.users.get(user_id)
        channel = world.users.get(broadcaster_id)
        # NOTE: modelled on the 404 that Twitch documents; the exact wording is an assumption.
        raise HelixError(404, f"{user.login if user else user_id} has no subscription to {channel.login if channel else broadcaster_id}")
    data = {**user_fields(world, broadcaster_id, "broadcaster"), "is_gift": subscription.is_gift, "tier": subscription.tier}
    if subscription.is_gift:
        data.update(user_fields(world, subscription.gifter_id, "gifter"))
    return ok({"data": [data]})


HANDLERS = {"get-broadcaster-subscriptions": get_broadcaster_subscriptions, "check-user-subscription": check_user_subscription}
