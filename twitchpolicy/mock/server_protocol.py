"""uvicorn's h11 protocol, changed to send each response's head and body in one TCP write.

uvicorn writes the status line and headers, then the body, as separate writes, so
over loopback they arrive as separate segments. pyTwitchAPI 4.5.0 reads some
response bodies after it has closed the aiohttp session (``_generate_app_token``
in ``twitchAPI/twitch.py``). With separate segments the body is often not buffered
yet, and the call raises ``RuntimeError: Connection closed.``. Twitch's own small
responses arrive in one piece, so the mock does the same.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol


class CoalescingTransport:
    """A transport wrapper that joins all writes made in one event-loop step into one write."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(bytes(data))

    def writelines(self, chunks: Any) -> None:
        for chunk in chunks:
            self.write(chunk)

    def flush(self) -> None:
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending.clear()
        if not self._transport.is_closing():
            self._transport.write(data)

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(len(chunk) for chunk in self._pending)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        # is_closing, get_extra_info, pause_reading, abort and the other transport methods.
        return getattr(self._transport, name)


class CoalescingH11Protocol(H11Protocol):
    """uvicorn's h11 protocol over a :class:`CoalescingTransport`."""

    # NOTE: this relies on H11Protocol and its request cycles writing only through the
    # transport passed to connection_made, as uvicorn 0.55.0 does; other releases are unchecked.
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        wrapped = CoalescingTransport(transport, asyncio.get_running_loop())
        super().connection_made(wrapped)  # type: ignore[arg-type]
