"""``twitchpolicy mock serve`` run as a real subprocess: the JSON line, the request log, signals and errors."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

CLIENT_ID = "fakeclientid000000000000000001"


@contextmanager
def serve(*options: str) -> Iterator[tuple[subprocess.Popen[str], dict[str, Any]]]:
    """Start ``twitchpolicy mock serve`` and yield the process with its JSON line; kill it if the test did not stop it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "twitchpolicy", "mock", "serve", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line, f"mock serve exited with {process.wait()}: {process.stderr.read()}"
        yield process, json.loads(line)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stdout.close()
        process.stderr.close()


def stop(process: subprocess.Popen[str], number: int = signal.SIGTERM) -> tuple[str, list[str]]:
    """Send ``number`` and return the rest of stdout and the stderr lines without their timestamps."""
    process.send_signal(number)
    out, err = process.communicate(timeout=60)
    # Log lines start with a date and a time, "2026-01-01 12:00:00,000 ".
    lines = [line.split(" ", 2)[2] if line[:4].isdigit() else line for line in err.splitlines()]
    return out, lines


def test_serve_prints_one_json_line():
    with serve("--seed", "3") as (process, info):
        port = info["port"]
        assert sorted(info) == ["app_token", "client_id", "client_secret", "consent", "consenting_user", "helix_url", "host", "oauth_url", "port", "redirect_uris", "seed"]
        assert info["helix_url"] == f"http://127.0.0.1:{port}/helix"
        assert info["oauth_url"] == f"http://127.0.0.1:{port}/oauth2"
        assert info["client_id"] == CLIENT_ID
        assert info["client_secret"] == "fakeclientsecret00000000000001"
        assert info["redirect_uris"] == ["http://localhost:3000/callback"]
        assert info["consenting_user"] == "bot_user"
        assert info["consent"] == "approve"
        assert info["host"] == "127.0.0.1"
        assert info["seed"] == 3
        assert len(info["app_token"]) == 30
        out, _ = stop(process)
    assert out == ""
    assert process.returncode == 0


def test_serve_logs_requests_without_secrets():
    with serve() as (process, info):
        token = info["app_token"]
        headers = {"Authorization": f"Bearer {token}", "Client-Id": CLIENT_ID}
        users = httpx.get(f"{info['helix_url']}/users", params={"login": "mock_streamer"}, headers=headers)
        clip = httpx.post(f"{info['helix_url']}/clips", params={"broadcaster_id": "1000001"}, headers=headers)
        form = {"client_id": CLIENT_ID, "client_secret": info["client_secret"], "grant_type": "client_credentials"}
        httpx.post(f"{info['oauth_url']}/token", params=form)
        _, lines = stop(process)
    assert users.json()["data"][0]["login"] == "mock_streamer"
    assert clip.json() == {"error": "Unauthorized", "status": 401, "message": "Missing User OAUTH Token"}
    assert lines == [
        f"serving Helix on {info['helix_url']} and OAuth on {info['oauth_url']}; stop with Ctrl-C",
        "GET /helix/users?login=mock_streamer 200 token=app",
        "POST /helix/clips?broadcaster_id=1000001 401 token=app",
        f"POST /oauth2/token?client_id={CLIENT_ID}&client_secret=fake…(30 chars)&grant_type=client_credentials 200 token=none",
        "twitchpolicy: mock server stopped",
    ]
    assert process.returncode == 0


def test_serve_stops_on_ctrl_c():
    with serve() as (process, _):
        _, lines = stop(process, signal.SIGINT)
    assert lines[-1] == "twitchpolicy: mock server stopped"
    assert process.returncode == 0


def test_serve_deny_and_consenting_user():
    params = {"client_id": CLIENT_ID, "redirect_uri": "http://localhost:8000/auth", "response_type": "code", "scope": "clips:edit", "state": "s1"}
    with serve("--deny", "--redirect-uri", "http://localhost:8000/auth") as (process, info):
        denied = httpx.get(f"{info['oauth_url']}/authorize", params=params)
        stop(process)
    assert info["consent"] == "deny"
    assert info["redirect_uris"] == ["http://localhost:3000/callback", "http://localhost:8000/auth"]
    assert denied.status_code == 302
    assert denied.headers["location"] == "http://localhost:8000/auth?error=access_denied&error_description=The+user+denied+you+access&state=s1"

    with serve("--consenting-user", "mock_streamer", "--redirect-uri", "http://localhost:8000/auth") as (process, info):
        approved = httpx.get(f"{info['oauth_url']}/authorize", params=params)
        code = parse_qs(urlsplit(approved.headers["location"]).query)["code"][0]
        form = {"client_id": CLIENT_ID, "client_secret": info["client_secret"], "code": code, "grant_type": "authorization_code", "redirect_uri": params["redirect_uri"]}
        token = httpx.post(f"{info['oauth_url']}/token", data=form).json()["access_token"]
        validated = httpx.get(f"{info['oauth_url']}/validate", headers={"Authorization": f"OAuth {token}"}).json()
        stop(process)
    assert info["consenting_user"] == "mock_streamer"
    assert validated["user_id"] == "1000001"


def test_serve_redirect_uri_with_query():
    redirect_uri = "http://localhost:8000/auth?provider=twitch"
    params = {"client_id": CLIENT_ID, "redirect_uri": redirect_uri, "response_type": "code", "scope": "clips:edit", "state": "s1"}
    with serve("--redirect-uri", redirect_uri) as (process, info):
        # Like a browser, a client that does not follow redirects receives the 302 itself.
        approved = httpx.get(f"{info['oauth_url']}/authorize", params=params, follow_redirects=False)
        callback = urlsplit(approved.headers["location"])
        received = parse_qs(callback.query)
        form = {"client_id": CLIENT_ID, "client_secret": info["client_secret"], "code": received["code"][0], "grant_type": "authorization_code", "redirect_uri": redirect_uri}
        exchanged = httpx.post(f"{info['oauth_url']}/token", data=form)
        stop(process)
    assert approved.status_code == 302
    assert callback.path == "/auth"
    assert received["provider"] == ["twitch"]
    assert received["scope"] == ["clips:edit"]
    assert received["state"] == ["s1"]
    assert exchanged.status_code == 200
    assert exchanged.json()["scope"] == ["clips:edit"]


def test_serve_rate_limit():
    with serve("--rate-limit", "2") as (process, info):
        headers = {"Authorization": f"Bearer {info['app_token']}", "Client-Id": CLIENT_ID}
        responses = [httpx.get(f"{info['helix_url']}/streams", headers=headers) for _ in range(3)]
        stop(process)
    assert [response.status_code for response in responses] == [200, 200, 429]
    assert responses[1].headers["ratelimit-limit"] == "2"


def run_serve(*options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "twitchpolicy", "mock", "serve", *options], capture_output=True, text=True, timeout=120)


def test_serve_port_in_use():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_serve("--port", str(port))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"twitchpolicy: error: port {port} on 127.0.0.1 is already in use; choose another port, or port 0 for a free one\n"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--host", "0.0.0.0"), "host 0.0.0.0 is not a loopback address; the mock serves fixed, published client secrets, so it listens only on loopback addresses such as 127.0.0.1 or ::1"),
        (("--host", "example.invalid"), "invalid host 'example.invalid': give a loopback IP address such as 127.0.0.1 or ::1"),
        (("--consenting-user", "nobody"), "invalid value for --consenting-user: no mock user 'nobody'; known users include bot_user, editor_user, follower_user, mock_streamer, mod_user, other_streamer, sub_user, vip_user"),
        (("--redirect-uri", "localhost:8000/auth"), "invalid value for --redirect-uri: 'localhost:8000/auth' is not an absolute http or https URL"),
        (("--redirect-uri", "http://localhost:8000/auth#done"), "invalid value for --redirect-uri: 'http://localhost:8000/auth#done' has a fragment; OAuth 2.0 redirect URIs must not have one, so remove the '#' part"),
    ],
)
def test_serve_rejects_bad_options(options, message):
    result = run_serve(*options)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"twitchpolicy: error: {message}\n"
