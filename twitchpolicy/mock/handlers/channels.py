"""Channel information, followers and followed channels."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from twitchpolicy.mock.handlers.common import body, limited_params, no_content, ok, paginate, require, user_fields
from twitchpolicy.mock.model import Channel
from twitchpolicy.mock.protocol import HelixError, Response

if TYPE_CHECKING:
    from twitchpolicy.mock.helix import HelixContext
    from twitchpolicy.mock.world import World

# Fields of Modify Channel Information and the JSON type each must have.
_EDITABLE = {"game_id": "string", "broadcaster_language": "string", "title": "string", "delay": "integer", "tags": "array", "is_branded_content": "boolean"}
# Limits of Modify Channel Information, as Twitch's API reference states them and
# twurple 7.3.0 repeats them: a delay of at most 900 seconds, and at most 10 tags of
# 1 to 25 characters without spaces.
MAX_DELAY_SECONDS = 900
MAX_TAGS = 10
MAX_TAG_LENGTH = 25


def channel_body(world: World, channel: Channel) -> dict[str, Any]:
    return {
        **user_fields(world, channel.broadcaster_id, "broadcaster"),
        "broadcaster_language": channel.language,
        "game_name": channel.game_name,
        "game_id": channel.game_id,
        "title": channel.title,
        "delay": channel.delay,
        "tags": list(channel.tags),
        "content_classification_labels": list(channel.content_classification_labels),
        "is_branded_content": channel.is_branded_content,
    }


def get_channel_information(context: HelixContext) -> Response:
    ids = limited_params(context, "broadcaster_id")
    if not ids:
        require(context, "broadcaster_id")
    world = context.world
    data = [channel_body(world, world.channels[channel_id]) for channel_id in ids if channel_id in world.channels]
    return ok({"data": data})


def modify_channel_information(context: HelixContext) -> Response:
    channel = context.world.channels[require(context, "broadcaster_id")]
    changes = body(context)
    if not changes:
        # NOTE: Twitch's wording for a body with no fields is not documented.
        raise HelixError(400, "The request body must contain at least one field to update.")
    for name, value in changes.items():
        expected = _EDITABLE.get(name)
        if expected is not None and _json_type(value) != expected:
            article = "an" if expected[0] in "aeiou" else "a"
            raise HelixError(400, f'The field "{name}" must be {article} {expected}.')
    _check_delay_and_tags(changes)
    if "title" in changes:
        if not changes["title"]:
            raise HelixError(400, "The title field may not contain an empty string.")
        channel.title = changes["title"]
    if "game_id" in changes:
        channel.game_id = changes["game_id"]
        channel.game_name = context.world.games.get(changes["game_id"], "")
    if "broadcaster_language" in changes:
        channel.language = changes["broadcaster_language"]
    if "delay" in changes:
        channel.delay = changes["delay"]
    if "tags" in changes:
        channel.tags = list(changes["tags"])
    if "is_branded_content" in changes:
        channel.is_branded_content = changes["is_branded_content"]
    return no_content()


def _json_type(value: Any) -> str:
    """Return the JSON type name of a parsed JSON value; bool is not an integer here, unlike in Python."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "other"


def _check_delay_and_tags(changes: dict[str, Any]) -> None:
    # NOTE: the limits are Twitch's, but the wording of these messages is an assumption.
    delay = changes.get("delay")
    if delay is not None and not 0 <= delay <= MAX_DELAY_SECONDS:
        raise HelixError(400, f'The field "delay" must be from 0 to {MAX_DELAY_SECONDS} seconds.')
    tags = changes.get("tags")
    if tags is None:
        return
    if len(tags) > MAX_TAGS:
        raise HelixError(400, f"A channel may have at most {MAX_TAGS} tags.")
    for tag in tags:
        if not isinstance(tag, str) or not 1 <= len(tag) <= MAX_TAG_LENGTH or any(character.isspace() for character in tag):
            raise HelixError(400, f"Each tag must be a string of 1 to {MAX_TAG_LENGTH} characters without spaces.")


def get_channel_followers(context: HelixContext) -> Response:
    world = context.world
    broadcaster_id = require(context, "broadcaster_id")
    followers = sorted(
        ((user_id, followed_at) for (channel_id, user_id), followed_at in world.follows.items() if channel_id == broadcaster_id),
        key=lambda item: item[1],
        reverse=True,
    )
    total = len(followers)
    if context.decision.reduced:
        # An app token, or a user who is not the broadcaster or a moderator, gets only the total.
        return ok({"total": total, "data": [], "pagination": {}})
    wanted = context.request.param("user_id")
    if wanted is not None:
        followers = [item for item in followers if item[0] == wanted]
    page, pagination = paginate(context, followers)
    data = [{**user_fields(world, user_id, "user"), "followed_at": followed_at} for user_id, followed_at in page]
    return ok({"total": total, "data": data, "pagination": pagination})


def get_followed_channels(context: HelixContext) -> Response:
    world = context.world
    user_id = require(context, "user_id")
    followed = sorted(
        ((channel_id, followed_at) for (channel_id, follower), followed_at in world.follows.items() if follower == user_id),
        key=lambda item: item[1],
        reverse=True,
    )
    total = len(followed)
    wanted = context.request.param("broadcaster_id")
    if wanted is not None:
        followed = [item for item in followed if item[0] == wanted]
    page, pagination = paginate(context, followed)
    data = [{**user_fields(world, channel_id, "broadcaster"), "followed_at": followed_at} for channel_id, followed_at in page]
    return ok({"total": total, "data": data, "pagination": pagination})


HANDLERS = {
    "get-channel-information": get_channel_information,
    "modify-channel-information": modify_channel_information,
    "get-channel-followers": get_channel_followers,
    "get-followed-channels": get_followed_channels,
}
