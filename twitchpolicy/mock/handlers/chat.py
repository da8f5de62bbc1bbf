"""Send Chat Message, Get Chatters, chat settings and announcements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from twitchpolicy.mock.handlers.common import body, no_content, ok, paginate, require, require_field, require_id_field, user_fields
from twitchpolicy.mock.protocol import HelixError, Response

if TYPE_CHECKING:
    from twitchpolicy.mock.helix import HelixContext

ANNOUNCEMENT_COLORS = ("blue", "green", "orange", "purple", "primary")
MAX_CHAT_MESSAGE_LENGTH = 500
# Get Chatters accepts up to 1,000 chatters a page.
MAX_CHATTERS_PAGE = 1000

_SETTING_TYPES = {
    "emote_mode": bool,
    "follower_mode": bool,
    "follower_mode_duration": int,
    "non_moderator_chat_delay": bool,
    "non_moderator_chat_delay_duration": int,
    "slow_mode": bool,
    "slow_mode_wait_time": int,
    "subscriber_mode": bool,
    "unique_chat_mode": bool,
}


def send_chat_message(context: HelixContext) -> Response:
    world = context.world
    data = body(context)
    broadcaster_id = require_id_field(data, "broadcaster_id")
    sender_id = require_id_field(data, "sender_id")
    text = require_field(data, "message")
    if not isinstance(text, str) or len(text) > MAX_CHAT_MESSAGE_LENGTH:
        raise HelixError(400, f"The message must be text of at most {MAX_CHAT_MESSAGE_LENGTH} characters.")
    message_id = world.new_id("msg-")
    if world.is_banned(broadcaster_id, sender_id):
        # NOTE: the drop reason code and wording for a banned sender are assumptions.
        drop = {"code": "user_banned", "message": "The sender is banned from this channel."}
        return ok({"data": [{"message_id": message_id, "is_sent": False, "drop_reason": drop}]})
    world.chat_messages.append({"message_id": message_id, "broadcaster_id": broadcaster_id, "sender_id": sender_id, "message": text, "reply_parent_message_id": data.get("reply_parent_message_id")})
    return ok({"data": [{"message_id": message_id, "is_sent": True, "drop_reason": None}]})


def get_chatters(context: HelixContext) -> Response:
    world = context.world
    broadcaster_id = require(context, "broadcaster_id")
    chatters = world.chatters.get(broadcaster_id, [])
    page, pagination = paginate(context, chatters, maximum=MAX_CHATTERS_PAGE, default=100)
    data = [user_fields(world, user_id, "user") for user_id in page]
    return ok({"data": data, "pagination": pagination, "total": len(chatters)})


def _settings_body(context: HelixContext, broadcaster_id: str, with_moderator_fields: bool) -> dict[str, Any]:
    settings = context.world.channels[broadcaster_id].chat_settings
    data: dict[str, Any] = {"broadcaster_id": broadcaster_id}
    for name in ("slow_mode", "slow_mode_wait_time", "follower_mode", "follower_mode_duration", "subscriber_mode", "emote_mode", "unique_chat_mode"):
        data[name] = settings[name]
    if with_moderator_fields:
        data["moderator_id"] = context.request.param("moderator_id")
        data["non_moderator_chat_delay"] = settings["non_moderator_chat_delay"]
        data["non_moderator_chat_delay_duration"] = settings["non_moderator_chat_delay_duration"]
    return data


def get_chat_settings(context: HelixContext) -> Response:
    broadcaster_id = require(context, "broadcaster_id")
    if broadcaster_id not in context.world.channels:
        return ok({"data": []})
    # The non-moderator delay fields are present only when a moderator_id passed the checks.
    with_moderator_fields = context.principal.kind == "user" and context.request.param("moderator_id") is not None
    return ok({"data": [_settings_body(context, broadcaster_id, with_moderator_fields)]})


def update_chat_settings(context: HelixContext) -> Response:
    broadcaster_id = require(context, "broadcaster_id")
    changes = body(context)
    for name, value in changes.items():
        expected = _SETTING_TYPES.get(name)
        if expected is None:
            continue
        if value is not None and (type(value) is not expected):
            raise HelixError(400, f'The field "{name}" must be a {"boolean" if expected is bool else "number"}.')
    settings = context.world.channels[broadcaster_id].chat_settings
    for name, value in changes.items():
        if name in _SETTING_TYPES:
            settings[name] = value
    return ok({"data": [_settings_body(context, broadcaster_id, True)]})


def send_chat_announcement(context: HelixContext) -> Response:
    broadcaster_id = require(context, "broadcaster_id")
    data = body(context)
    text = require_field(data, "message")
    if not isinstance(text, str):
        raise HelixError(400, 'The field "message" must be a string.')
    color = data.get("color", "primary")
    if color not in ANNOUNCEMENT_COLORS:
        raise HelixError(400, f'The color must be one of {", ".join(ANNOUNCEMENT_COLORS)}, not {color!r}.')
    context.world.announcements.append({"broadcaster_id": broadcaster_id, "moderator_id": context.request.param("moderator_id"), "message": text, "color": color})
    return no_content()


HANDLERS = {
    "send-chat-message": send_chat_message,
    "get-chatters": get_chatters,
    "get-chat-settings": get_chat_settings,
    "update-chat-settings": update_chat_settings,
    "send-chat-announcement": send_chat_announcement,
}
