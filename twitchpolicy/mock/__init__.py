"""A mock of Twitch's Helix API and OAuth server, driven by the policy registry.

:class:`World` contains the state and responds to requests; :func:`mock_twitch` routes httpx
traffic to it through respx; :func:`create_app` serves it as an ASGI application; the
pytest plugin in :mod:`twitchpolicy.mock.plugin` gives each test a fresh world.
"""

from __future__ import annotations

from twitchpolicy.mock.calllog import Call, CallLog
from twitchpolicy.mock.clock import Clock
from twitchpolicy.mock.model import Client, Token, User
from twitchpolicy.mock.world import World

__all__ = ["Call", "CallLog", "Client", "Clock", "Token", "User", "World"]
