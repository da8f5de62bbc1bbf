"""An ASGI application that serves the mock world on production paths (/helix/..., /oauth2/...).

It calls the same synchronous :meth:`World.handle` as the respx harness, so a test can
share one world between in-process httpx clients and a server on a loopback socket.
Nothing here depends on respx.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from twitchpolicy.mock.world import World

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
        query = scope.get("query_string", b"").decode("latin-1")
        url = f"{scope.get('scheme', 'http')}://{host}{scope['path']}" + (f"?{query}" if query else "")
        status, response_headers, response_body = self.world.handle(scope["method"], url, headers, bytes(body))
        raw_headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in response_headers]
        raw_headers.append((b"content-length", str(len(response_body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": response_body})


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
