"""Route httpx traffic for api.twitch.tv and id.twitch.tv to a mock world through respx.

Unmodified sync and async httpx clients reach the world in-process. A request to any
other host goes to the test's own respx router when one of its routes matches, or to
the network when :meth:`TwitchMock.allow_host` lets its host through. Otherwise it
raises :class:`UnexpectedRequestError` and is recorded, so the pytest fixture fails
the test even when the code under test swallows the exception.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any

import httpx
import respx
from respx.models import AllMockedAssertionError

from twitchpolicy.mock.redaction import redact, redact_url
from twitchpolicy.mock.world import World

TWITCH_HOSTS = ("api.twitch.tv", "id.twitch.tv")

# httpx logs every request with its full URL at INFO level.
_HTTPX_LOGGER = logging.getLogger("httpx")


class UnexpectedRequestError(AssertionError):
    """A request under the Twitch mock went to a host that neither the mock, a respx router nor allow_host() serves."""


class _LeftToLaterRouter(AllMockedAssertionError):
    """Raised for a request that a respx router started after the mock will handle.

    respx tries its routers in the order they started and moves on to the next one
    when a router raises AllMockedAssertionError.
    """


class TwitchMock:
    """A started or stopped respx router in front of ``world``; attribute access falls through to the world.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(self, world: World | None = None) -> None:
        self.world = world or World()
        self.unexpected_requests: list[str] = []
        self.allowed_hosts: set[str] = set()
        self.router = respx.MockRouter(assert_all_called=False, assert_all_mocked=True)
        for host in TWITCH_HOSTS:
            self.router.route(host=host).mock(side_effect=self._respond)
        self.router.route().mock(side_effect=self._route_other_host)
        self._log_filter = _RedactURLs(self.world)

    _OWN_ATTRIBUTES = frozenset({"world", "unexpected_requests", "allowed_hosts", "router", "_log_filter"})

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
        _HTTPX_LOGGER.addFilter(self._log_filter)
        return self

    def stop(self) -> None:
        _HTTPX_LOGGER.removeFilter(self._log_filter)
        self.router.stop(quiet=True)

    def __enter__(self) -> TwitchMock:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None) -> None:
        self.stop()

    def headers(self, token: Any, client_id: str | None = None) -> dict[str, str]:
        """Return the Authorization and Client-Id headers for a Helix call with ``token``."""
        client = client_id or getattr(token, "client_id", None) or self.world.client.client_id
        return {"Authorization": f"Bearer {token}", "Client-Id": client}

    def allow_host(self, host: str) -> None:
        """Let requests to ``host`` (a host name or IP address, any port) reach the network.

        Use it for a server the test runs itself, such as :func:`twitchpolicy.mock.app.create_app`
        on a loopback socket. Twitch's hosts cannot be allowed, because the mock serves them.
        """
        name = host.lower()
        if name in TWITCH_HOSTS:
            raise ValueError(f"{name} is served by the mock; allow_host() is for other hosts")
        self.allowed_hosts.add(name)

    def _respond(self, request: httpx.Request) -> httpx.Response:
        content = request.read()
        status, headers, body = self.world.handle(request.method, str(request.url), request.headers.multi_items(), content)
        return httpx.Response(status, headers=headers, content=body)

    def _route_other_host(self, request: httpx.Request) -> httpx.Request:
        """Leave the request to a later respx router that matches it, let an allowed host through, or reject it."""
        if any(_router_matches(router, request) for router in self._later_routers()):
            raise _LeftToLaterRouter(f"{request.method} {request.url.host} is left to a later respx router")
        if request.url.host.lower() in self.allowed_hosts:
            # respx sends a request to the network when a side effect returns it unchanged.
            return request
        return self._reject(request)

    def _later_routers(self) -> list[Any]:
        # NOTE: respx keeps the started routers in the class attribute Mocker.routers
        # (respx 0.22 and 0.23), which is not part of its documented API. Without it,
        # the mock finds no later router and rejects every host it does not serve.
        mocker = getattr(self.router, "Mocker", None)
        routers = list(getattr(mocker, "routers", ()))
        if self.router not in routers:
            return []
        return routers[routers.index(self.router) + 1 :]

    def _reject(self, request: httpx.Request) -> httpx.Request:
        url = request.url.copy_with(query=None)
        description = f"{request.method} {url}"
        self.unexpected_requests.append(description)
        authorization = request.headers.get("authorization")
        sent = f" (it sent Authorization: {redact(authorization)})" if authorization else ""
        raise UnexpectedRequestError(
            f"the Twitch mock blocked {description}{sent}: the mock serves only api.twitch.tv and id.twitch.tv. "
            f"Mock this host in a respx router of the test, or call twitch_mock.allow_host({url.host!r}) to let requests reach it."
        )


class _RedactURLs(logging.Filter):
    """Redact credentials in the URLs of httpx's "HTTP Request: ..." log lines while the mock is started."""

    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact_url(str(arg), self.world.is_secret) if isinstance(arg, httpx.URL) else arg for arg in record.args)
        return True


def _router_matches(router: Any, request: httpx.Request) -> bool:
    """Tell whether a respx router would respond to ``request``: a route matches, or the router mocks everything."""
    if not getattr(router, "_assert_all_mocked", True):
        return True
    return any(route.pattern.match(request) for route in router.routes)


def mock_twitch(world: World | None = None) -> TwitchMock:
    """Return a :class:`TwitchMock` for ``world``; use it in a ``with`` block."""
    return TwitchMock(world)
