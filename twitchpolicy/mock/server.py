"""Serve the mock world over HTTP on a loopback socket, with uvicorn in a background thread.

Helix and the OAuth server share one port, and the path selects the service, as
:meth:`World.handle_request` does for any host other than Twitch's own:
``http://127.0.0.1:PORT/helix`` stands for ``https://api.twitch.tv/helix`` and
``http://127.0.0.1:PORT/oauth2`` for ``https://id.twitch.tv/oauth2``.

The server listens on loopback addresses only, because the world's client secrets
are fixed and published in the documentation.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import socket
import threading
import time
from types import TracebackType

import uvicorn

from twitchpolicy.mock.app import Message, Receive, Scope, Send, TwitchMockApp
from twitchpolicy.mock.model import Token
from twitchpolicy.mock.redaction import redact_url
from twitchpolicy.mock.server_protocol import CoalescingH11Protocol
from twitchpolicy.mock.world import World

logger = logging.getLogger("twitchpolicy.mock.server")

# Seconds to wait for uvicorn to start listening, and then for it to finish open requests on stop.
START_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0


class ServerError(RuntimeError):
    """The mock server could not start: the address is not loopback, the port is invalid or in use, or start-up failed."""


def loopback_address(host: str) -> str:
    """Return the IP address to bind for ``host``; raise ServerError unless it is a loopback address.

    ``localhost`` becomes 127.0.0.1. Other host names are rejected rather than resolved,
    so a name that resolves to a network address cannot expose the mock's secrets.
    """
    if host.lower() == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        raise ServerError(f"invalid host {host!r}: give a loopback IP address such as 127.0.0.1 or ::1") from None
    if not address.is_loopback:
        raise ServerError(
            f"host {host} is not a loopback address; the mock serves fixed, published client secrets, "
            "so it listens only on loopback addresses such as 127.0.0.1 or ::1"
        )
    return str(address)


def token_kind(world: World, authorization: str | None) -> str:
    """Return the kind of token an Authorization header carries: app, user, jwt, invalid or none."""
    if not authorization:
        return "none"
    credential = authorization.strip().partition(" ")[2].strip()
    if not credential:
        return "none"
    record: Token | None = world.find_token(credential)
    if record is not None:
        return record.kind
    if credential.count(".") == 2:
        return "jwt"
    return "invalid"


class RequestLog:
    """ASGI middleware that logs each request's method, path, status and token kind at INFO level.

    Query values that are credentials are redacted, and the token itself is never logged.
    """

    def __init__(self, app: TwitchMockApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not logger.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        status = 0

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, send_and_record)
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}
        world = self.app.world
        query = scope.get("query_string", b"").decode("latin-1")
        target = scope["path"] + (f"?{query}" if query else "")
        kind = token_kind(world, headers.get("authorization"))
        logger.info("%s %s %d token=%s", scope["method"], redact_url(target, world.is_secret), status, kind)


class MockServer:
    """The mock world on a loopback HTTP server, run by uvicorn in a daemon thread.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`. ``port`` 0
    picks a free port, which :attr:`port` then holds. Assigning :attr:`world` while
    the server runs makes later requests reach the new world.
    """

    def __init__(self, world: World | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        if not 0 <= port <= 65535:
            raise ServerError(f"invalid port {port}; give a TCP port from 0 to 65535, or 0 for a free one")
        self.app = TwitchMockApp(world)
        self.host = loopback_address(host)
        self.port = port
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def world(self) -> World:
        return self.app.world

    @world.setter
    def world(self, world: World) -> None:
        self.app.world = world

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``, with an IPv6 address in brackets."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def helix_url(self) -> str:
        """The base URL that replaces ``https://api.twitch.tv/helix``, without a trailing slash."""
        return f"{self.base_url}/helix"

    @property
    def oauth_url(self) -> str:
        """The base URL that replaces ``https://id.twitch.tv/oauth2``, without a trailing slash."""
        return f"{self.base_url}/oauth2"

    def pytwitchapi_urls(self) -> dict[str, str]:
        """Return the ``base_url`` and ``auth_base_url`` arguments of pyTwitchAPI's ``Twitch``, which need a trailing slash."""
        return {"base_url": f"{self.helix_url}/", "auth_base_url": f"{self.oauth_url}/"}

    def start(self) -> MockServer:
        """Bind the socket, start uvicorn and wait until it accepts connections.

        Raise ServerError when the port is in use, when binding fails otherwise, or
        when uvicorn does not start within START_TIMEOUT seconds.
        """
        if self._thread is not None:
            raise ServerError(f"the mock server is already running on {self.base_url}")
        self._socket = self._bind()
        self.port = self._socket.getsockname()[1]
        config = uvicorn.Config(
            RequestLog(self.app),
            log_config=None,
            access_log=False,
            lifespan="off",
            server_header=False,
            # h11 is pure Python and gives the same results whether or not httptools is
            # installed; httptools served about 10% more requests per second here.
            http=CoalescingH11Protocol,
            ws="none",
            timeout_graceful_shutdown=int(STOP_TIMEOUT),
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, name=f"twitch-mock-server-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive():
                self._release()
                raise ServerError(f"the mock server on {self.base_url} stopped during start-up; see the uvicorn log above")
            if time.monotonic() > deadline:
                self.stop()
                raise ServerError(f"the mock server on {self.base_url} did not start within {START_TIMEOUT:g} s")
            time.sleep(0.005)
        return self

    def _bind(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # asyncio sets TCP_NODELAY on accepted connections only when the listening socket's
        # proto is IPPROTO_TCP. With proto 0 every response waited about 40 ms for a
        # delayed ACK, because uvicorn writes the headers and the body separately.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        # SO_REUSEADDR lets a restarted server take a port whose old connections are in TIME_WAIT;
        # on Linux and macOS it does not let two servers listen on one port.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError as error:
            sock.close()
            if error.errno == errno.EADDRINUSE:
                raise ServerError(f"port {self.port} on {self.host} is already in use; choose another port, or port 0 for a free one") from None
            raise ServerError(f"cannot listen on {self.host} port {self.port}: {error.strerror}") from None
        return sock

    def stop(self) -> None:
        """Stop accepting connections, let open requests finish for up to STOP_TIMEOUT seconds, and join the thread."""
        if self._thread is None or self._server is None:
            return
        self._server.should_exit = True
        self._thread.join(STOP_TIMEOUT + 1)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(STOP_TIMEOUT)
        self._release()

    def _release(self) -> None:
        if self._socket is not None:
            self._socket.close()
        self._socket = None
        self._server = None
        self._thread = None

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None) -> None:
        self.stop()
