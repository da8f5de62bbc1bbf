"""Get Streams and Get Followed Streams."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from twitchpolicy.mock.handlers.common import limited_params, ok, paginate, require, user_fields
from twitchpolicy.mock.model import Channel
from twitchpolicy.mock.protocol import Response

if TYPE_CHECKING:
    from twitchpolicy.mock.helix import HelixContext
    from twitchpolicy.mock.world import World


def stream_body(world: World, channel: Channel) -> dict[str, Any]:
    login = world.users[channel.broadcaster_id].login
    return {
        "id": channel.stream_id,
        **user_fields(world, channel.broadcaster_id, "user"),
        "game_id": channel.game_id,
        "game_name": channel.game_name,
        "type": "live",
        "title": channel.title,
        "tags": list(channel.tags),
        "viewer_count": channel.viewer_count,
        "started_at": channel.started_at,
        "language": channel.language,
        "thumbnail_url": f"https://static-cdn.jtvnw.net/previews-ttv/live_user_{login}-{{width}}x{{height}}.jpg",
        "tag_ids": [],
        "is_mature": False,
    }


def _live_channels(world: World) -> list[Channel]:
    live = [channel for channel in world.channels.values() if channel.live]
    return sorted(live, key=lambda channel: channel.viewer_count, reverse=True)


def get_streams(context: HelixContext) -> Response:
    world = context.world
    request = context.request
    user_ids = set(limited_params(context, "user_id"))
    logins = {login.lower() for login in limited_params(context, "user_login")}
    game_ids = set(limited_params(context, "game_id"))
    languages = set(limited_params(context, "language"))
    channels = _live_channels(world)
    if user_ids or logins:
        channels = [channel for channel in channels if channel.broadcaster_id in user_ids or world.users[channel.broadcaster_id].login in logins]
    if game_ids:
        channels = [channel for channel in channels if channel.game_id in game_ids]
    if languages:
        channels = [channel for channel in channels if channel.language in languages]
    page, pagination = paginate(context, channels)
    return ok({"data": [stream_body(world, channel) for channel in page], "pagination": pagination})


def get_followed_streams(context: HelixContext) -> Response:
    world = context.world
    user_id = require(context, "user_id")
    followed = {channel_id for (channel_id, follower) in world.follows if follower == user_id}
    channels = [channel for channel in _live_channels(world) if channel.broadcaster_id in followed]
    page, pagination = paginate(context, channels)
    return ok({"data": [stream_body(world, channel) for channel in page], "pagination": pagination})


HANDLERS = {"get-streams": get_streams, "get-followed-streams": get_followed_streams}
