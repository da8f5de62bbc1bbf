"""Bans and moderators; a ban appears in Get Banned Users, a new moderator passes moderator checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from twitchpolicy.mock.clock import format_rfc3339
from twitchpolicy.mock.handlers.common import body, limited_params, no_content, ok, paginate, require, user_fields
from twitchpolicy.mock.model import Ban
from twitchpolicy.mock.protocol import HelixError, Response

if TYPE_CHECKING:
    from twitchpolicy.mock.helix import HelixContext
    from twitchpolicy.mock.world import World

# Ban User takes a timeout of 1 second to 14 days.
MAX_TIMEOUT_SECONDS = 1_209_600


def ban_body(world: World, ban: Ban) -> dict[str, Any]:
    return {
        **user_fields(world, ban.user_id, "user"),
        "expires_at": ban.expires_at,
        "created_at": ban.created_at,
        "reason": ban.reason,
        **user_fields(world, ban.moderator_id, "moderator"),
    }


def _active_bans(world: World, broadcaster_id: str) -> list[Ban]:
    now = world.clock.now()
    bans = [ban for (channel_id, _), ban in world.bans.items() if channel_id == broadcaster_id]
    return sorted((ban for ban in bans if ban.is_active(now)), key=lambda ban: ban.created_at, reverse=True)


def get_banned_users(context: HelixContext) -> Response:
    world = context.world
    bans = _active_bans(world, require(context, "broadcaster_id"))
    wanted = set(limited_params(context, "user_id"))
    if wanted:
        bans = [ban for ban in bans if ban.user_id in wanted]
    page, pagination = paginate(context, bans)
    return ok({"data": [ban_body(world, ban) for ban in page], "pagination": pagination})


def ban_user(context: HelixContext) -> Response:
    world = context.world
    broadcaster_id = require(context, "broadcaster_id")
    moderator_id = require(context, "moderator_id")
    payload = body(context).get("data")
    if not isinstance(payload, dict) or not payload.get("user_id"):
        raise HelixError(400, 'Missing required parameter "data.user_id"')
    user_id = str(payload["user_id"])
    if user_id not in world.users:
        raise HelixError(400, "The user specified in the user_id field was not found.")
    if user_id == broadcaster_id:
        raise HelixError(400, "The user specified in the user_id field may not be banned.")
    duration = payload.get("duration")
    # bool is an int in Python, but JSON true is not a number of seconds.
    if duration is not None and (type(duration) is not int or not 1 <= duration <= MAX_TIMEOUT_SECONDS):
        raise HelixError(400, f"The duration must be a number of seconds from 1 to {MAX_TIMEOUT_SECONDS}.")
    if world.is_banned(broadcaster_id, user_id):
        raise HelixError(400, "The user specified in the user_id field is already banned.")
    now = world.clock.now()
    ban = Ban(
        broadcaster_id=broadcaster_id,
        user_id=user_id,
        moderator_id=moderator_id,
        created_at=format_rfc3339(now),
        expires_at=format_rfc3339(now + duration) if duration else "",
        reason=str(payload.get("reason", "")),
    )
    world.bans[(broadcaster_id, user_id)] = ban
    created = {"broadcaster_id": broadcaster_id, "moderator_id": moderator_id, "user_id": user_id, "created_at": ban.created_at, "end_time": ban.expires_at or None}
    return ok({"data": [created]})


def unban_user(context: HelixContext) -> Response:
    world = context.world
    broadcaster_id = require(context, "broadcaster_id")
    user_id = require(context, "user_id")
    if not world.is_banned(broadcaster_id, user_id):
        raise HelixError(400, "The user specified in the user_id field is not banned.")
    del world.bans[(broadcaster_id, user_id)]
    return no_content()


def get_moderators(context: HelixContext) -> Response:
    world = context.world
    moderators = world.moderators_of(require(context, "broadcaster_id"))
    wanted = set(limited_params(context, "user_id"))
    if wanted:
        moderators = [user_id for user_id in moderators if user_id in wanted]
    page, pagination = paginate(context, moderators)
    return ok({"data": [user_fields(world, user_id, "user") for user_id in page], "pagination": pagination})


def add_channel_moderator(context: HelixContext) -> Response:
    world = context.world
    broadcaster_id = require(context, "broadcaster_id")
    user_id = require(context, "user_id")
    if user_id not in world.users:
        raise HelixError(400, "The user specified in the user_id field was not found.")
    if world.has_role(broadcaster_id, user_id, "moderator"):
        raise HelixError(400, "The user specified in the user_id field is already a moderator.")
    if world.is_banned(broadcaster_id, user_id):
        raise HelixError(400, "The user specified in the user_id field is banned.")
    world.add_role(broadcaster_id, user_id, "moderator")
    return no_content()


def remove_channel_moderator(context: HelixContext) -> Response:
    world = context.world
    broadcaster_id = require(context, "broadcaster_id")
    user_id = require(context, "user_id")
    if user_id == broadcaster_id or not world.has_role(broadcaster_id, user_id, "moderator"):
        raise HelixError(400, "The user specified in the user_id field is not a moderator.")
    world.remove_role(broadcaster_id, user_id, "moderator")
    return no_content()


HANDLERS = {
    "get-banned-users": get_banned_users,
    "ban-user": ban_user,
    "unban-user": unban_user,
    "get-moderators": get_moderators,
    "add-channel-moderator": add_channel_moderator,
    "remove-channel-moderator": remove_channel_moderator,
}
