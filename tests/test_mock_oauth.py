"""The mock's OAuth server and token lifecycle, through real httpx clients."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from twitchpolicy.mock import World
from twitchpolicy.mock.harness import TwitchMock, mock_twitch

ID = "https://id.twitch.tv/oauth2"
HELIX = "https://api.twitch.tv/helix"
REDIRECT_URI = "http://localhost:3000/callback"
INVALID_OAUTH_TOKEN = '{"error":"Unauthorized","status":401,"message":"Invalid OAuth token"}'
INVALID_REFRESH_TOKEN = '{"error":"Bad Request","status":400,"message":"Invalid refresh token"}'


@pytest.fixture
def twitch() -> Iterator[TwitchMock]:
    with mock_twitch(World()) as mock:
        yield mock


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    # One client per module: building one takes about 40 ms, and respx intercepts any client.
    with httpx.Client() as client:
        yield client


def authorize(http: httpx.Client, twitch: TwitchMock, scopes: str, response_type: str = "code", state: str = "fake-state-1") -> httpx.Response:
    params = {"client_id": twitch.client.client_id, "redirect_uri": REDIRECT_URI, "response_type": response_type, "scope": scopes, "state": state}
    return http.get(f"{ID}/authorize", params=params)


def code_flow(http: httpx.Client, twitch: TwitchMock, scopes: str) -> dict[str, object]:
    redirect = authorize(http, twitch, scopes)
    code = parse_qs(urlsplit(redirect.headers["location"]).query)["code"][0]
    form = {"client_id": twitch.client.client_id, "client_secret": twitch.client.client_secret, "code": code, "grant_type": "authorization_code", "redirect_uri": REDIRECT_URI}
    response = http.post(f"{ID}/token", data=form)
    assert response.status_code == 200
    return response.json()


def refresh(http: httpx.Client, twitch: TwitchMock, refresh_token: str, with_secret: bool = True) -> httpx.Response:
    form = {"client_id": twitch.client.client_id, "grant_type": "refresh_token", "refresh_token": refresh_token}
    if with_secret:
        form["client_secret"] = twitch.client.client_secret
    return http.post(f"{ID}/token", data=form)


def get_me(http: httpx.Client, twitch: TwitchMock, access_token: str) -> httpx.Response:
    return http.get(f"{HELIX}/users", headers={"Authorization": f"Bearer {access_token}", "Client-Id": twitch.client.client_id})


def test_client_credentials_issues_app_token(http: httpx.Client, twitch: TwitchMock) -> None:
    form = {"client_id": twitch.client.client_id, "client_secret": twitch.client.client_secret, "grant_type": "client_credentials", "scope": "user:read:email"}
    response = http.post(f"{ID}/token", data=form)
    body = response.json()
    assert response.status_code == 200
    assert list(body) == ["access_token", "expires_in", "token_type"]
    assert body["expires_in"] == 5_011_271
    assert body["token_type"] == "bearer"
    assert twitch.find_token(body["access_token"]).scopes == ()


def test_client_credentials_in_query_string(http: httpx.Client, twitch: TwitchMock) -> None:
    params = {"client_id": twitch.client.client_id, "client_secret": twitch.client.client_secret, "grant_type": "client_credentials"}
    response = http.post(f"{ID}/token", params=params)
    assert response.status_code == 200


def test_client_credentials_bad_secret(http: httpx.Client, twitch: TwitchMock) -> None:
    form = {"client_id": twitch.client.client_id, "client_secret": "wrong-secret", "grant_type": "client_credentials"}
    response = http.post(f"{ID}/token", data=form)
    assert response.status_code == 403
    assert response.text == '{"status":403,"message":"invalid client secret"}'


def test_client_credentials_unknown_client(http: httpx.Client, twitch: TwitchMock) -> None:
    response = http.post(f"{ID}/token", data={"client_id": "unknown", "client_secret": "x", "grant_type": "client_credentials"})
    assert response.status_code == 400
    assert response.text == '{"status":400,"message":"invalid client"}'


def test_app_token_is_not_refreshable(http: httpx.Client, twitch: TwitchMock) -> None:
    app_token = twitch.app_token()
    response = refresh(http, twitch, app_token.access_token)
    assert response.status_code == 400
    assert response.text == INVALID_REFRESH_TOKEN


def test_authorize_echoes_state_and_scopes(http: httpx.Client, twitch: TwitchMock) -> None:
    response = authorize(http, twitch, "clips:edit user:read:email", state="fake-state-42")
    location = urlsplit(response.headers["location"])
    query = parse_qs(location.query)
    assert response.status_code == 302
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    assert query["state"] == ["fake-state-42"]
    assert query["scope"] == ["clips:edit user:read:email"]


def test_authorize_denied(http: httpx.Client, twitch: TwitchMock) -> None:
    twitch.consent = "deny"
    response = authorize(http, twitch, "clips:edit", state="fake-state-7")
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert response.status_code == 302
    assert query["error"] == ["access_denied"]
    assert query["state"] == ["fake-state-7"]
    assert "code" not in query


def test_authorize_redirect_mismatch(http: httpx.Client, twitch: TwitchMock) -> None:
    params = {"client_id": twitch.client.client_id, "redirect_uri": "http://localhost:9999/elsewhere", "response_type": "code", "scope": ""}
    response = http.get(f"{ID}/authorize", params=params)
    assert response.status_code == 400
    assert response.text == '{"status":400,"message":"Parameter redirect_uri does not match registered URI"}'


def test_authorization_code_exchange(http: httpx.Client, twitch: TwitchMock) -> None:
    body = code_flow(http, twitch, "clips:edit")
    assert list(body) == ["access_token", "expires_in", "refresh_token", "scope", "token_type"]
    assert body["scope"] == ["clips:edit"]
    assert body["expires_in"] == 14_124
    assert get_me(http, twitch, str(body["access_token"])).json()["data"][0]["login"] == "bot_user"


def test_authorization_code_used_twice(http: httpx.Client, twitch: TwitchMock) -> None:
    redirect = authorize(http, twitch, "clips:edit")
    code = parse_qs(urlsplit(redirect.headers["location"]).query)["code"][0]
    form = {"client_id": twitch.client.client_id, "client_secret": twitch.client.client_secret, "code": code, "grant_type": "authorization_code", "redirect_uri": REDIRECT_URI}
    first = http.post(f"{ID}/token", data=form)
    second = http.post(f"{ID}/token", data=form)
    assert first.status_code == 200
    assert second.status_code == 400
    assert second.json() == {"status": 400, "message": "Invalid authorization code"}


def test_implicit_flow_token_in_fragment(http: httpx.Client, twitch: TwitchMock) -> None:
    response = authorize(http, twitch, "chat:read", response_type="token", state="fake-state-3")
    fragment = parse_qs(urlsplit(response.headers["location"]).fragment)
    access_token = fragment["access_token"][0]
    assert fragment["state"] == ["fake-state-3"]
    assert fragment["token_type"] == ["bearer"]
    assert get_me(http, twitch, access_token).status_code == 200
    assert twitch.find_token(access_token).refresh_token is None


def test_revoked_token_then_refresh_fails(http: httpx.Client, twitch: TwitchMock) -> None:
    tokens = code_flow(http, twitch, "user:read:email")
    access_token = str(tokens["access_token"])
    assert get_me(http, twitch, access_token).status_code == 200

    revoked = http.post(f"{ID}/revoke", data={"client_id": twitch.client.client_id, "token": access_token})
    assert revoked.status_code == 200
    assert revoked.content == b""

    after = get_me(http, twitch, access_token)
    assert after.status_code == 401
    assert after.text == INVALID_OAUTH_TOKEN

    refreshed = refresh(http, twitch, str(tokens["refresh_token"]))
    assert refreshed.status_code == 400
    assert refreshed.text == INVALID_REFRESH_TOKEN


def test_expired_token_refreshed(http: httpx.Client, twitch: TwitchMock) -> None:
    tokens = code_flow(http, twitch, "user:read:email")
    old = str(tokens["access_token"])
    twitch.advance(14_124)

    expired = get_me(http, twitch, old)
    assert expired.status_code == 401
    assert expired.text == INVALID_OAUTH_TOKEN

    refreshed = refresh(http, twitch, str(tokens["refresh_token"]))
    assert refreshed.status_code == 200
    body = refreshed.json()
    assert body["access_token"] != old
    assert body["refresh_token"] != tokens["refresh_token"]
    assert body["scope"] == ["user:read:email"]
    assert get_me(http, twitch, body["access_token"]).status_code == 200
    assert get_me(http, twitch, old).status_code == 401


def test_confidential_refresh_needs_secret(http: httpx.Client, twitch: TwitchMock) -> None:
    tokens = code_flow(http, twitch, "")
    response = refresh(http, twitch, str(tokens["refresh_token"]), with_secret=False)
    assert response.status_code == 400
    assert response.text == '{"status":400,"message":"missing client secret"}'


def test_confidential_refresh_token_reusable(http: httpx.Client, twitch: TwitchMock) -> None:
    tokens = code_flow(http, twitch, "")
    first = refresh(http, twitch, str(tokens["refresh_token"]))
    second = refresh(http, twitch, str(tokens["refresh_token"]))
    assert first.status_code == 200
    assert second.status_code == 200


def device_start(http: httpx.Client, twitch: TwitchMock, scopes: str = "chat:read") -> dict[str, object]:
    response = http.post(f"{ID}/device", data={"client_id": twitch.public_client.client_id, "scopes": scopes})
    assert response.status_code == 200
    return response.json()


def device_poll(http: httpx.Client, twitch: TwitchMock, device_code: str) -> httpx.Response:
    form = {"client_id": twitch.public_client.client_id, "device_code": str(device_code), "scopes": "chat:read", "grant_type": "urn:ietf:params:oauth:grant-type:device_code"}
    return http.post(f"{ID}/token", data=form)


def test_device_flow_pending_slow_down_approved(http: httpx.Client, twitch: TwitchMock) -> None:
    started = device_start(http, twitch)
    assert list(started) == ["device_code", "expires_in", "interval", "user_code", "verification_uri"]
    assert started["expires_in"] == 1800
    assert started["interval"] == 5

    pending = device_poll(http, twitch, str(started["device_code"]))
    assert pending.status_code == 400
    assert pending.text == '{"status":400,"message":"authorization_pending"}'

    too_fast = device_poll(http, twitch, str(started["device_code"]))
    assert too_fast.text == '{"status":400,"message":"slow_down"}'

    twitch.advance(5)
    twitch.approve_device(str(started["user_code"]), "bot_user")
    approved = device_poll(http, twitch, str(started["device_code"]))
    assert approved.status_code == 200
    assert approved.json()["scope"] == ["chat:read"]

    reused = device_poll(http, twitch, str(started["device_code"]))
    assert reused.text == '{"status":400,"message":"invalid device code"}'


def test_device_code_expires(http: httpx.Client, twitch: TwitchMock) -> None:
    started = device_start(http, twitch)
    twitch.advance(1800)
    response = device_poll(http, twitch, str(started["device_code"]))
    assert response.status_code == 400
    assert response.text == '{"status":400,"message":"invalid device code"}'


def test_public_refresh_token_single_use(http: httpx.Client, twitch: TwitchMock) -> None:
    started = device_start(http, twitch)
    twitch.approve_device(str(started["user_code"]))
    tokens = device_poll(http, twitch, str(started["device_code"])).json()
    form = {"client_id": twitch.public_client.client_id, "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    first = http.post(f"{ID}/token", data=form)
    second = http.post(f"{ID}/token", data=form)
    assert first.status_code == 200
    assert second.status_code == 400
    assert second.text == INVALID_REFRESH_TOKEN


def test_public_refresh_token_expires_after_30_days(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.user_token("bot_user", ["chat:read"], client=twitch.public_client)
    twitch.advance(30 * 24 * 3600)
    form = {"client_id": twitch.public_client.client_id, "grant_type": "refresh_token", "refresh_token": token.refresh_token}
    response = http.post(f"{ID}/token", data=form)
    assert response.text == INVALID_REFRESH_TOKEN


def test_validate_user_and_app_tokens(http: httpx.Client, twitch: TwitchMock) -> None:
    user_token = twitch.user_token("bot_user", ["chat:read"])
    twitch.advance(100)
    user_body = http.get(f"{ID}/validate", headers={"Authorization": f"OAuth {user_token}"}).json()
    assert list(user_body) == ["client_id", "login", "scopes", "user_id", "expires_in"]
    assert user_body["login"] == "bot_user"
    assert user_body["expires_in"] == 14_024

    app_body = http.get(f"{ID}/validate", headers={"Authorization": f"OAuth {twitch.app_token()}"}).json()
    assert list(app_body) == ["client_id", "scopes", "expires_in"]
    assert app_body["scopes"] == []


def test_validate_invalid_token(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.user_token("bot_user")
    twitch.revoke(token)
    response = http.get(f"{ID}/validate", headers={"Authorization": f"OAuth {token}"})
    assert response.status_code == 401
    assert response.text == '{"status":401,"message":"invalid access token"}'


def test_revoke_errors(http: httpx.Client, twitch: TwitchMock) -> None:
    unknown_client = http.post(f"{ID}/revoke", data={"client_id": "unknown", "token": "x"})
    assert unknown_client.status_code == 404
    assert unknown_client.text == '{"status":404,"message":"client does not exist"}'
    bad_token = http.post(f"{ID}/revoke", data={"client_id": twitch.client.client_id, "token": "not-a-token"})
    assert bad_token.status_code == 400
    assert bad_token.text == '{"status":400,"message":"Invalid token"}'


def test_disconnect_kills_tokens_and_refresh(http: httpx.Client, twitch: TwitchMock) -> None:
    first = twitch.user_token("bot_user", ["chat:read"])
    second = twitch.user_token("bot_user", ["clips:edit"])
    other_client = twitch.user_token("bot_user", ["chat:read"], client=twitch.public_client)
    twitch.disconnect("bot_user")
    assert get_me(http, twitch, first.access_token).text == INVALID_OAUTH_TOKEN
    assert get_me(http, twitch, second.access_token).status_code == 401
    assert refresh(http, twitch, str(first.refresh_token)).text == INVALID_REFRESH_TOKEN
    assert twitch.find_token(other_client.access_token).is_active(twitch.clock.now())


def test_password_change_kills_every_client(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.user_token("bot_user")
    other = twitch.user_token("bot_user", client=twitch.public_client)
    twitch.change_password("bot_user")
    assert get_me(http, twitch, token.access_token).status_code == 401
    assert not twitch.find_token(other.access_token).is_active(twitch.clock.now())
    assert refresh(http, twitch, str(token.refresh_token)).text == INVALID_REFRESH_TOKEN


def test_taken_scope_stays_gone_after_refresh(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.user_token("mock_streamer", ["channel:read:subscriptions", "user:read:email"])
    twitch.take_scope(token, "channel:read:subscriptions")
    url = f"{HELIX}/subscriptions?broadcaster_id=1000001"
    response = http.get(url, headers=twitch.headers(token))
    assert response.status_code == 401
    assert response.json()["message"] == "Missing scope: channel:read:subscriptions"
    renewed = refresh(http, twitch, str(token.refresh_token)).json()
    assert renewed["scope"] == ["user:read:email"]


def test_unknown_oauth_path(http: httpx.Client, twitch: TwitchMock) -> None:
    response = http.get(f"{ID}/nothing-here")
    assert response.status_code == 404


def test_oauth_calls_logged_without_secrets(http: httpx.Client, twitch: TwitchMock) -> None:
    params = {"client_id": twitch.client.client_id, "client_secret": twitch.client.client_secret, "grant_type": "client_credentials"}
    http.post(f"{ID}/token", params=params)
    call = twitch.calls.by_endpoint("oauth-token")[0]
    assert call.token_kind == "app"
    assert twitch.client.client_secret not in call.url
    assert call.token is not None and "…" in call.token


def test_authorize_as_other_user(http: httpx.Client, twitch: TwitchMock) -> None:
    twitch.consenting_user = twitch.broadcaster
    tokens = code_flow(http, twitch, "")
    assert get_me(http, twitch, str(tokens["access_token"])).json()["data"][0]["login"] == "mock_streamer"


@pytest.mark.parametrize("key", ["mock_streamer", "Mock_Streamer", "1000001"])
def test_consenting_user_by_login_or_id(http: httpx.Client, twitch: TwitchMock, key: str) -> None:
    twitch.consenting_user = key
    assert twitch.consenting_user is twitch.broadcaster
    tokens = code_flow(http, twitch, "")
    assert get_me(http, twitch, str(tokens["access_token"])).json()["data"][0]["login"] == "mock_streamer"


def test_consenting_user_unknown_login(twitch: TwitchMock) -> None:
    with pytest.raises(KeyError, match="no mock user 'nobody_here'"):
        twitch.consenting_user = "nobody_here"
    assert twitch.consenting_user is twitch.bot


def test_approve_device_by_consenting_login(http: httpx.Client, twitch: TwitchMock) -> None:
    twitch.consenting_user = "mod_user"
    started = device_start(http, twitch)
    twitch.approve_device(str(started["user_code"]))
    twitch.advance(5)
    approved = device_poll(http, twitch, str(started["device_code"]))
    assert login_of_public_token(http, twitch, approved.json()["access_token"]) == "mod_user"


def login_of_public_token(http: httpx.Client, twitch: TwitchMock, access_token: str) -> str:
    headers = {"Authorization": f"Bearer {access_token}", "Client-Id": twitch.public_client.client_id}
    return http.get(f"{HELIX}/users", headers=headers).json()["data"][0]["login"]
