"""The respx harness next to the test's own respx routers, and hosts let through to the network."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import respx

from twitchpolicy.mock import World
from twitchpolicy.mock.harness import TwitchMock, UnexpectedRequestError, mock_twitch

HELIX = "https://api.twitch.tv/helix"
WEBHOOK = "https://chat-relay.example.invalid/webhook"


@pytest.fixture
def twitch() -> Iterator[TwitchMock]:
    with mock_twitch(World()) as mock:
        yield mock


def get_streams(twitch: TwitchMock) -> httpx.Response:
    return httpx.get(f"{HELIX}/streams", headers=twitch.headers(twitch.app_token()))


def test_router_started_after_mock(twitch: TwitchMock) -> None:
    with respx.mock(assert_all_called=False) as router:
        route = router.post(WEBHOOK).respond(204)
        assert httpx.post(WEBHOOK, json={}).status_code == 204
        assert get_streams(twitch).status_code == 200
        assert route.call_count == 1
    assert twitch.unexpected_requests == []


def test_router_started_before_mock() -> None:
    with respx.mock(assert_all_called=False) as router:
        route = router.post(WEBHOOK).respond(204)
        with mock_twitch(World()) as twitch:
            assert httpx.post(WEBHOOK, json={}).status_code == 204
            assert get_streams(twitch).status_code == 200
        assert route.call_count == 1
        assert twitch.unexpected_requests == []


def test_global_decorator_after_mock(twitch: TwitchMock) -> None:
    @respx.mock
    def send_webhook() -> int:
        respx.post(WEBHOOK).respond(202)
        return httpx.post(WEBHOOK, json={}).status_code

    assert send_webhook() == 202
    assert get_streams(twitch).status_code == 200


def test_async_client_with_router(twitch: TwitchMock) -> None:
    import asyncio

    async def run() -> tuple[int, int]:
        async with httpx.AsyncClient() as client:
            relayed = await client.post(WEBHOOK, json={})
            streams = await client.get(f"{HELIX}/streams", headers=twitch.headers(twitch.app_token()))
            return relayed.status_code, streams.status_code

    with respx.mock(assert_all_called=False) as router:
        router.post(WEBHOOK).respond(204)
        assert asyncio.run(run()) == (204, 200)


def test_unmocked_host_under_router(twitch: TwitchMock) -> None:
    with respx.mock(assert_all_called=False) as router:
        router.post(WEBHOOK).respond(204)
        with pytest.raises(UnexpectedRequestError, match=r"blocked GET https://other\.example\.invalid/status"):
            httpx.get("https://other.example.invalid/status")
    assert twitch.unexpected_requests == ["GET https://other.example.invalid/status"]


def test_earlier_router_for_twitch_wins() -> None:
    with respx.mock(assert_all_called=False) as router:
        router.get(f"{HELIX}/streams").respond(503)
        with mock_twitch(World()) as twitch:
            assert get_streams(twitch).status_code == 503
            assert len(twitch.calls) == 0


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        body = b"hello from loopback"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the signature http.server defines
        pass


@pytest.fixture
def loopback_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_allowed_host_reaches_network(twitch: TwitchMock, loopback_url: str) -> None:
    with pytest.raises(UnexpectedRequestError):
        httpx.get(f"{loopback_url}/before")
    twitch.unexpected_requests.clear()

    twitch.allow_host("127.0.0.1")
    response = httpx.get(f"{loopback_url}/after")
    assert response.text == "hello from loopback"
    assert twitch.unexpected_requests == []
    assert get_streams(twitch).status_code == 200


def test_allow_host_rejects_twitch_hosts(twitch: TwitchMock) -> None:
    with pytest.raises(ValueError, match="api.twitch.tv is served by the mock"):
        twitch.allow_host("API.twitch.tv")


def test_authorize_redirect_not_followed(twitch: TwitchMock) -> None:
    params = {"client_id": twitch.client.client_id, "redirect_uri": twitch.client.redirect_uris[0], "response_type": "code", "scope": "clips:edit"}
    with httpx.Client(follow_redirects=True) as client:
        with pytest.raises(UnexpectedRequestError, match=r"blocked GET http://localhost:3000/callback"):
            client.get("https://id.twitch.tv/oauth2/authorize", params=params)
    assert twitch.unexpected_requests == ["GET http://localhost:3000/callback"]
