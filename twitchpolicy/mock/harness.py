"""Route httpx traffic for api.twitch.tv and id.twitch.tv to a mock world through respx.

Unmodified sync and async httpx clients reach the world in-process. A request to any
other host raises :class:`UnexpectedRequestError` and is recorded, so the pytest
fixture fails the test even when the code under test swallows the exception.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

import httpx
import respx

from twitchpolicy.mock.redaction import redact
from twitchpolicy.mock.world import World

TWITCH_HOSTS = ("api.twitch.tv", "id.twitch.tv")


class UnexpectedRequestError(AssertionError):
    """A request under the Twitch mock went to a host other than api.twitch.tv or id.twitch.tv."""


class TwitchMock:
    """A started or stopped respx router in front of ``world``; attribute access falls through to the world.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(self, world: World | None = None) -> None:
        self.world = world or World()
        self.unexpected_requests: list[str] = []
        self.router = respx.MockRouter(assert_all_called=False, assert_all_mocked=True)
        for host in TWITCH_HOSTS:
            self.router.route(host=host).mock(side_effect=self._respond)
        self.router.route().mock(side_effect=self._reject)

    _OWN_ATTRIBUTES = frozenset({"world", "unexpected_requests", "router"})

    def __getattr__(self, name: str) -> Any:
        # Only called for names TwitchMock lacks: the world's clients, users, tokens and helpers.
        return getattr(self.world, name)

    def __setattr__(self, name: str, value: Any) -> None:
        # Setting consent or consenting_user on the mock must change the world it serves.
        if name in self._OWN_ATTRIBUTES:
            object.__setattr__(self, name, value)
        else:
            setattr(self.world, name, value)

    def start(self) -> TwitchMock:
        self.router.start()
        return self

    def stop(self) -> None:
        self.router.stop(quiet=True)

    def __enter__(self) -> TwitchMock:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None) -> None:
        self.stop()

    def headers(self, token: Any, client_id: str | None = None) -> dict[str, str]:
        """Return the Authorization and Client-Id headers for a Helix call with ``token``."""
        client = client_id or getattr(token, "client_id", None) or self.world.client.client_id
        return {"Authorization": f"Bearer {token}", "Client-Id": client}

    def _respond(self, request: httpx.Request) -> httpx.Response:
        content = request.read()
        status, headers, body = self.world.handle(request.method, str(request.url), request.headers.multi_items(), content)
        return httpx.Response(status, headers=headers, content=body)

    def _reject(self, request: httpx.Request) -> httpx.Response:
        url = request.url.copy_with(query=None)
        description = f"{request.method} {url}"
        self.unexpected_requests.append(description)
        authorization = request.headers.get("authorization")
        sent = f" (it sent Authorization: {redact(authorization)})" if authorization else ""
        raise UnexpectedRequestError(
            f"the Twitch mock blocked {description}{sent}: only api.twitch.tv and id.twitch.tv are served, "
            "and nothing reaches the network while the mock is active"
        )


def mock_twitch(world: World | None = None) -> TwitchMock:
    """Return a :class:`TwitchMock` for ``world``; use it in a ``with`` block."""
    return TwitchMock(world)
