"""The mock on a loopback HTTP server: start, stop, addresses, request log and the authorize redirect."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from twitchpolicy.mock import World
from twitchpolicy.mock.server import MockServer, ServerError, loopback_address, token_kind
from twitchpolicy.mock.server_protocol import CoalescingTransport

CLIENT_ID = "fakeclientid000000000000000001"
REDIRECT_URI = "http://localhost:3000/callback"


def server_threads() -> list[str]:
    return [thread.name for thread in threading.enumerate() if thread.name.startswith("twitch-mock-server")]


def test_server_serves_helix_and_oauth():
    world = World()
    with MockServer(world) as server:
        assert server.helix_url == f"http://127.0.0.1:{server.port}/helix"
        assert server.oauth_url == f"http://127.0.0.1:{server.port}/oauth2"
        form = {"client_id": CLIENT_ID, "client_secret": world.client.client_secret, "grant_type": "client_credentials"}
        token = httpx.post(f"{server.oauth_url}/token", data=form).json()["access_token"]
        response = httpx.get(f"{server.helix_url}/users", params={"login": "mock_streamer"}, headers={"Authorization": f"Bearer {token}", "Client-Id": CLIENT_ID})
    assert response.status_code == 200
    assert response.json()["data"][0]["id"] == "1000001"
    assert [(call.endpoint_id, call.status, call.token_kind) for call in world.calls] == [("oauth-token", 200, "app"), ("get-users", 200, "app")]


def test_server_stop_leaves_no_thread_or_socket():
    # The session-wide server of the twitch_server fixture may be running already.
    before = server_threads()
    server = MockServer().start()
    port = server.port
    assert server_threads() == [*before, f"twitch-mock-server-{port}"]
    server.stop()
    assert server_threads() == before
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


def test_server_restarts_on_same_port():
    with MockServer() as first:
        port = first.port
        assert httpx.get(f"{first.helix_url}/users").status_code == 401
    with MockServer(port=port) as second:
        assert httpx.get(f"{second.helix_url}/users").status_code == 401


def test_server_port_in_use():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServerError) as raised:
            MockServer(port=port).start()
    assert str(raised.value) == f"port {port} on 127.0.0.1 is already in use; choose another port, or port 0 for a free one"
    assert f"twitch-mock-server-{port}" not in server_threads()


@pytest.mark.parametrize("port", [70000, -1])
def test_server_port_out_of_range(port):
    with pytest.raises(ServerError) as raised:
        MockServer(port=port)
    assert str(raised.value) == f"invalid port {port}; give a TCP port from 0 to 65535, or 0 for a free one"


def test_server_already_running():
    with MockServer() as server:
        with pytest.raises(ServerError) as raised:
            server.start()
    assert str(raised.value) == f"the mock server is already running on {server.base_url}"


@pytest.mark.parametrize(
    ("host", "address"),
    [("127.0.0.1", "127.0.0.1"), ("127.0.0.2", "127.0.0.2"), ("localhost", "127.0.0.1"), ("LOCALHOST", "127.0.0.1"), ("::1", "::1"), ("[::1]", "::1")],
)
def test_loopback_hosts_accepted(host, address):
    assert loopback_address(host) == address


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "2001:db8::1"])
def test_network_hosts_rejected(host):
    with pytest.raises(ServerError) as raised:
        MockServer(host=host)
    assert str(raised.value) == (
        f"host {host} is not a loopback address; the mock serves fixed, published client secrets, "
        "so it listens only on loopback addresses such as 127.0.0.1 or ::1"
    )


def test_host_names_rejected():
    with pytest.raises(ServerError) as raised:
        MockServer(host="example.invalid")
    assert str(raised.value) == "invalid host 'example.invalid': give a loopback IP address such as 127.0.0.1 or ::1"


def test_server_on_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("this machine has no IPv6 loopback address")
    with MockServer(host="::1") as server:
        assert server.helix_url == f"http://[::1]:{server.port}/helix"
        response = httpx.get(f"{server.helix_url}/users")
    assert response.json() == {"error": "Unauthorized", "status": 401, "message": "OAuth token is missing"}


def test_world_can_be_replaced_while_serving():
    first, second = World(), World()
    with MockServer(first) as server:
        httpx.get(f"{server.helix_url}/users")
        server.world = second
        httpx.get(f"{server.helix_url}/streams")
    assert [call.endpoint_id for call in first.calls] == ["get-users"]
    assert [call.endpoint_id for call in second.calls] == ["get-streams"]


def test_token_kind_of_headers():
    world = World()
    app = world.app_token().access_token
    user = world.user_token("bot_user", []).access_token
    assert token_kind(world, None) == "none"
    assert token_kind(world, "Bearer ") == "none"
    assert token_kind(world, f"Bearer {app}") == "app"
    assert token_kind(world, f"OAuth {user}") == "user"
    assert token_kind(world, f"Bearer {world.extension_jwt()}") == "jwt"
    assert token_kind(world, "Bearer notatoken") == "invalid"


def test_request_log_redacts_tokens(caplog):
    world = World()
    token = world.user_token("bot_user", []).access_token
    caplog.set_level(logging.INFO, logger="twitchpolicy.mock.server")
    with MockServer(world) as server:
        httpx.get(f"{server.helix_url}/users", params={"login": "mock_streamer"}, headers={"Authorization": f"Bearer {token}", "Client-Id": CLIENT_ID})
        httpx.post(f"{server.oauth_url}/revoke", params={"client_id": CLIENT_ID, "token": token})
        httpx.get(f"{server.helix_url}/users", headers={"Client-Id": CLIENT_ID})
    assert [record.getMessage() for record in caplog.records] == [
        "GET /helix/users?login=mock_streamer 200 token=user",
        f"POST /oauth2/revoke?client_id={CLIENT_ID}&token={token[:4]}…(30 chars) 200 token=none",
        "GET /helix/users 401 token=none",
    ]


def authorize(server: MockServer, response_type: str = "code") -> httpx.Response:
    params = {"client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI, "response_type": response_type, "scope": "clips:edit user:read:email", "state": "fake-state"}
    # A browser follows the 302 itself; the test stops at it to read the Location header.
    return httpx.get(f"{server.oauth_url}/authorize", params=params, follow_redirects=False)


def test_authorize_code_redirect():
    world = World()
    with MockServer(world) as server:
        response = authorize(server)
    assert response.status_code == 302
    assert response.content == b""
    (code,) = world.authorization_codes
    assert response.headers["location"] == f"{REDIRECT_URI}?" + urlencode({"code": code, "scope": "clips:edit user:read:email", "state": "fake-state"})
    assert world.authorization_codes[code].user_id == "1000002"


def test_authorize_implicit_redirect():
    world = World()
    world.consenting_user = "mock_streamer"
    with MockServer(world) as server:
        response = authorize(server, "token")
    (token,) = world.tokens.values()
    assert response.status_code == 302
    assert response.headers["location"] == f"{REDIRECT_URI}#" + urlencode(
        {"access_token": token.access_token, "scope": "clips:edit user:read:email", "token_type": "bearer", "state": "fake-state"}
    )
    assert token.user_id == "1000001"


def test_authorize_denied_redirect():
    world = World()
    world.consent = "deny"
    with MockServer(world) as server:
        response = authorize(server)
    assert response.status_code == 302
    assert response.headers["location"] == f"{REDIRECT_URI}?error=access_denied&error_description=The+user+denied+you+access&state=fake-state"
    assert world.authorization_codes == {}


def test_authorize_code_exchanged_over_http():
    world = World()
    with MockServer(world) as server:
        location = authorize(server).headers["location"]
        code = parse_qs(urlsplit(location).query)["code"][0]
        form = {"client_id": CLIENT_ID, "client_secret": world.client.client_secret, "code": code, "grant_type": "authorization_code", "redirect_uri": REDIRECT_URI}
        tokens = httpx.post(f"{server.oauth_url}/token", data=form).json()
        validated = httpx.get(f"{server.oauth_url}/validate", headers={"Authorization": f"OAuth {tokens['access_token']}"}).json()
    assert tokens["scope"] == ["clips:edit", "user:read:email"]
    assert validated["login"] == "bot_user"
    assert validated["scopes"] == ["clips:edit", "user:read:email"]



class RecordingTransport(asyncio.Transport):
    """An asyncio transport that records each write instead of sending it."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True


def test_coalescing_transport_joins_writes():
    # pyTwitchAPI 4.5.0 reads some bodies after closing its session, which fails
    # when the body arrives in a later segment than the head.
    async def run():
        recorder = RecordingTransport()
        transport = CoalescingTransport(recorder, asyncio.get_running_loop())
        transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
        transport.write(b'{"data":[]}')
        assert recorder.writes == []
        await asyncio.sleep(0)
        transport.write(b"next response")
        transport.close()
        return recorder

    recorder = asyncio.run(run())
    assert recorder.writes == [b'HTTP/1.1 200 OK\r\n\r\n{"data":[]}', b"next response"]
    assert recorder.closed
