"""The ``twitch_server`` and ``twitch_server_session`` fixtures, run through pytester as another project uses them."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

SERVER_TESTS = '''
import httpx
import requests

ports = []


def test_user_token_works_over_http(twitch_mock, twitch_server):
    token = twitch_mock.user_token("bot_user", "clips:edit")
    response = requests.post(f"{twitch_server.helix_url}/clips", params={"broadcaster_id": "1000001"}, headers=twitch_mock.headers(token))
    assert response.status_code == 202
    assert [clip.id for clip in twitch_mock.clips][-1] == response.json()["data"][0]["id"]
    ports.append(twitch_server.port)


def test_next_test_gets_a_fresh_world(twitch_mock, twitch_server):
    assert twitch_server.port == ports[0]
    assert twitch_server.world is twitch_mock.world
    token = twitch_mock.app_token()
    response = requests.get(f"{twitch_server.helix_url}/clips", params={"broadcaster_id": "1000001", "first": "100"}, headers=twitch_mock.headers(token))
    assert len(response.json()["data"]) == len(twitch_mock.clips)


def test_call_log_lists_both_paths(twitch_mock, twitch_server):
    token = twitch_mock.app_token()
    httpx.get("https://api.twitch.tv/helix/users", params={"login": "mock_streamer"}, headers=twitch_mock.headers(token))
    httpx.get(f"{twitch_server.helix_url}/users", params={"login": "bot_user"}, headers=twitch_mock.headers(token))
    assert [(call.host, call.endpoint_id, call.status) for call in twitch_mock.calls] == [
        ("api.twitch.tv", "get-users", 200),
        ("127.0.0.1", "get-users", 200),
    ]


def test_deny_over_http(twitch_mock, twitch_server):
    twitch_mock.consent = "deny"
    params = {"client_id": twitch_mock.client.client_id, "redirect_uri": "http://localhost:3000/callback", "response_type": "code", "scope": "clips:edit", "state": "s1"}
    response = requests.get(f"{twitch_server.oauth_url}/authorize", params=params, allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"] == "http://localhost:3000/callback?error=access_denied&error_description=The+user+denied+you+access&state=s1"


def test_pytwitchapi_urls(twitch_server):
    assert twitch_server.pytwitchapi_urls() == {"base_url": f"{twitch_server.helix_url}/", "auth_base_url": f"{twitch_server.oauth_url}/"}


tokens = []


def test_session_server_issues_token(twitch_server_session):
    tokens.append(twitch_server_session.world.app_token().access_token)


def test_session_server_keeps_state(twitch_server_session):
    headers = {"Authorization": f"Bearer {tokens[0]}", "Client-Id": twitch_server_session.world.client.client_id}
    response = requests.get(f"{twitch_server_session.helix_url}/users", params={"login": "bot_user"}, headers=headers)
    assert response.json()["data"][0]["id"] == "1000002"
'''


def test_server_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_bot=SERVER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=7)


def test_server_fixture_leaves_no_thread(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_bot="""
        def test_uses_server(twitch_server):
            assert twitch_server.port > 0
        """,
        conftest="""
        import threading

        def pytest_unconfigure(config):
            left = [thread.name for thread in threading.enumerate() if thread.name.startswith("twitch-mock-server")]
            print(f"server threads at exit: {left}")
        """,
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["server threads at exit: []"])
