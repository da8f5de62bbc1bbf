"""An ASGI application that serves the mock world on production paths (/helix/..., /oauth2/...).

It calls the same synchronous :meth:`World.handle` as the respx harness, so a test can
share one world between in-process httpx clients and a server on a loopback socket.
Nothing here depends on respx.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import quote

from twitchpolicy.mock.protocol import helix_error
from twitchpolicy.mock.world import World

# A host name or IPv4 address (letters, digits, dots and hyphens) or a bracketed IPv6
# address, then an optional port of up to five digits.
_HOST = re.compile(r"(?:[A-Za-z0-9.-]+|\[(?P<ipv6>[0-9A-Fa-f:.]+)\])(?::(?P<port>[0-9]{1,5}))?")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class TwitchMockApp:
    """ASGI 3 application; ``world`` is the state every request reads and changes."""

    def __init__(self, world: World | None = None) -> None:
        self.world = world or World()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            raise ValueError(f"the Twitch mock serves HTTP only, not {scope['type']!r}")
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body.extend(message.get("body", b""))
            if not message.get("more_body", False):
                break
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in scope.get("headers", [])]
        host = next((value for name, value in headers if name.lower() == "host"), "")
        if not host and scope.get("server"):
            server_host, server_port = scope["server"]
            host = f"{server_host}:{server_port}"
        if not _valid_host(host):
            # The request never reaches the world, as a front proxy would reject it.
            response = helix_error(400, f"Invalid Host header: {host!r}")
            await _send(send, response.status, response.headers, response.body)
            return
        url = f"{scope.get('scheme', 'http')}://{host}{_target(scope)}"
        status, response_headers, response_body = self.world.handle(scope["method"], url, headers, bytes(body))
        await _send(send, status, response_headers, response_body)


def _valid_host(host: str) -> bool:
    """Tell whether ``host`` is a host name, an IPv4 address or a bracketed IPv6 address, with an optional port."""
    match = _HOST.fullmatch(host)
    if match is None:
        return False
    port = match.group("port")
    if port is not None and int(port) > 65535:
        return False
    if match.group("ipv6") is not None:
        try:
            ipaddress.IPv6Address(match.group("ipv6"))
        except ValueError:
            return False
    return True


def _target(scope: Scope) -> str:
    """Return the path and query string as they were sent, still percent-encoded.

    ``scope["path"]`` is decoded, so an encoded "?" or "#" in it would start a query
    or fragment. ASGI servers that send no ``raw_path`` get the path encoded again.
    """
    raw_path = scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path else quote(scope["path"], safe="/:@!$&'()*+,;=~")
    query = scope.get("query_string", b"").decode("latin-1")
    return path + (f"?{query}" if query else "")


async def _send(send: Send, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
    raw_headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]
    raw_headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def create_app(world: World | None = None) -> TwitchMockApp:
    """Return an ASGI application over ``world`` (a fresh seeded world by default)."""
    return TwitchMockApp(world)
