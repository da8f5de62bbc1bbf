"""Helix response handlers by registry endpoint id.

Endpoints with a handler respond with realistic seeded data and change the world's
state. Every other endpoint returns a well-formed empty success once the call is
authorized (see :func:`twitchpolicy.mock.handlers.common.empty_success`).
"""

from __future__ import annotations

from collections.abc import Callable

from twitchpolicy.mock.handlers import channels, chat, clips, common, eventsub, moderation, streams, subscriptions, users
from twitchpolicy.mock.protocol import Response

Handler = Callable[["common.HelixContext"], Response]

HANDLERS: dict[str, Handler] = {}
for _module in (users, channels, streams, subscriptions, clips, chat, moderation, eventsub, common):
    HANDLERS.update(_module.HANDLERS)


def handler_for(endpoint_id: str) -> Handler:
    return HANDLERS.get(endpoint_id, common.empty_success)
