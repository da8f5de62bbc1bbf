"""Real HTTP clients against the loopback server: requests, httpx (sync and async), aiohttp and pyTwitchAPI.

Each client has the same five tests, written as a bot would use the client.
They get an app access token from client credentials, and a user access token
from the authorize redirect and the code exchange. They make a call whose scope
the token lacks. A revoked token cannot be refreshed, because revoking an
access token revokes the refresh tokens of its authorization. An expired token
is refreshed before the call is retried.
"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlsplit

import aiohttp
import httpx
import pytest
import requests
from twitchAPI.oauth import UserAuthenticator
from twitchAPI.twitch import Twitch
from twitchAPI.type import AuthScope, InvalidRefreshTokenException, UnauthorizedException

BROADCASTER_ID = "1000001"
MISSING_SCOPE = {"error": "Unauthorized", "status": 401, "message": "Missing scope: clips:edit"}
INVALID_TOKEN = {"error": "Unauthorized", "status": 401, "message": "Invalid OAuth token"}
INVALID_REFRESH_TOKEN = {"error": "Bad Request", "status": 400, "message": "Invalid refresh token"}


def authorize_params(twitch_mock, scope="clips:edit"):
    client = twitch_mock.client
    return {"client_id": client.client_id, "redirect_uri": client.redirect_uris[0], "response_type": "code", "scope": scope, "state": "fake-state"}


def code_from(location):
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["fake-state"]
    return query["code"][0]


def exchange_form(twitch_mock, code):
    client = twitch_mock.client
    return {"client_id": client.client_id, "client_secret": client.client_secret, "code": code, "grant_type": "authorization_code", "redirect_uri": client.redirect_uris[0]}


def refresh_form(twitch_mock, refresh_token):
    client = twitch_mock.client
    return {"client_id": client.client_id, "client_secret": client.client_secret, "grant_type": "refresh_token", "refresh_token": refresh_token}


def app_form(twitch_mock):
    client = twitch_mock.client
    return {"client_id": client.client_id, "client_secret": client.client_secret, "grant_type": "client_credentials"}


def bearer(twitch_mock, access_token):
    return {"Authorization": f"Bearer {access_token}", "Client-Id": twitch_mock.client.client_id}


def statuses(twitch_mock, endpoint_id):
    return [call.status for call in twitch_mock.calls.by_endpoint(endpoint_id)]


# ---------------------------------------------------------------- requests


def test_requests_app_token(twitch_mock, twitch_server):
    token = requests.post(f"{twitch_server.oauth_url}/token", data=app_form(twitch_mock)).json()["access_token"]
    response = requests.get(f"{twitch_server.helix_url}/users", params={"login": "mock_streamer"}, headers=bearer(twitch_mock, token))
    assert response.json()["data"][0]["id"] == BROADCASTER_ID
    assert twitch_mock.calls.by_endpoint("get-users")[0].token_kind == "app"


def test_requests_user_sign_in(twitch_mock, twitch_server):
    redirect = requests.get(f"{twitch_server.oauth_url}/authorize", params=authorize_params(twitch_mock), allow_redirects=False)
    assert redirect.status_code == 302
    tokens = requests.post(f"{twitch_server.oauth_url}/token", data=exchange_form(twitch_mock, code_from(redirect.headers["Location"]))).json()
    clip = requests.post(f"{twitch_server.helix_url}/clips", params={"broadcaster_id": BROADCASTER_ID}, headers=bearer(twitch_mock, tokens["access_token"]))
    assert clip.status_code == 202
    assert clip.json()["data"][0]["id"] == twitch_mock.clips[-1].id


def test_requests_missing_scope(twitch_mock, twitch_server):
    token = twitch_mock.user_token("bot_user", "user:read:email")
    response = requests.post(f"{twitch_server.helix_url}/clips", params={"broadcaster_id": BROADCASTER_ID}, headers=bearer(twitch_mock, token))
    assert response.status_code == 401
    assert response.json() == MISSING_SCOPE


def test_requests_revoked_token_cannot_refresh(twitch_mock, twitch_server):
    token = twitch_mock.user_token("bot_user", "clips:edit")
    twitch_mock.revoke(token)
    response = requests.get(f"{twitch_server.helix_url}/users", headers=bearer(twitch_mock, token))
    assert response.json() == INVALID_TOKEN
    refreshed = requests.post(f"{twitch_server.oauth_url}/token", data=refresh_form(twitch_mock, token.refresh_token))
    assert refreshed.status_code == 400
    assert refreshed.json() == INVALID_REFRESH_TOKEN


def test_requests_expired_token_refreshes(twitch_mock, twitch_server):
    token = twitch_mock.user_token("bot_user", "clips:edit")
    twitch_mock.expire(token)
    response = requests.get(f"{twitch_server.helix_url}/users", headers=bearer(twitch_mock, token))
    assert response.json() == INVALID_TOKEN
    renewed = requests.post(f"{twitch_server.oauth_url}/token", data=refresh_form(twitch_mock, token.refresh_token)).json()
    response = requests.get(f"{twitch_server.helix_url}/users", headers=bearer(twitch_mock, renewed["access_token"]))
    assert response.json()["data"][0]["login"] == "bot_user"
    assert statuses(twitch_mock, "get-users") == [401, 200]


# ---------------------------------------------------------------- httpx, sync


def test_httpx_app_token(twitch_mock, twitch_server):
    with httpx.Client() as client:
        token = client.post(f"{twitch_server.oauth_url}/token", data=app_form(twitch_mock)).json()["access_token"]
        response = client.get(f"{twitch_server.helix_url}/users", params={"login": "mock_streamer"}, headers=bearer(twitch_mock, token))
    assert response.json()["data"][0]["id"] == BROADCASTER_ID
    assert twitch_mock.calls.by_endpoint("get-users")[0].token_kind == "app"


def test_httpx_user_sign_in(twitch_mock, twitch_server):
    with httpx.Client(base_url=twitch_server.oauth_url) as oauth, httpx.Client(base_url=twitch_server.helix_url) as helix:
        redirect = oauth.get("/authorize", params=authorize_params(twitch_mock))
        assert redirect.status_code == 302
        tokens = oauth.post("/token", data=exchange_form(twitch_mock, code_from(redirect.headers["Location"]))).json()
        clip = helix.post("/clips", params={"broadcaster_id": BROADCASTER_ID}, headers=bearer(twitch_mock, tokens["access_token"]))
    assert clip.status_code == 202
    assert clip.json()["data"][0]["id"] == twitch_mock.clips[-1].id


def test_httpx_missing_scope(twitch_mock, twitch_server):
    token = twitch_mock.user_token("bot_user", "user:read:email")
    response = httpx.post(f"{twitch_server.helix_url}/clips", params={"broadcaster_id": BROADCASTER_ID}, headers=bearer(twitch_mock, token))
    assert response.status_code == 401
    assert response.json() == MISSING_SCOPE


def test_httpx_revoked_token_cannot_refresh(twitch_mock, twitch_server):
    token = twitch_mock.user_token("bot_user", "clips:edit")
    twitch_mock.revoke(token)
    with httpx.Client() as client:
        response = client.get(f"{twitch_server.helix_url}/users", headers=bearer(twitch_mock, token))
        assert response.json() == INVALID_TOKEN
        refreshed = client.post(f"{twitch_server.oauth_url}/token", data=refresh_form(twitch_mock, token.refresh_token))
    assert refreshed.status_code == 400
    assert refreshed.json() == INVALID_REFRESH_TOKEN


def test_httpx_expired_token_refreshes(twitch_mock, twitch_server):
    token = twitch_mock.user_token("bot_user", "clips:edit")
    twitch_mock.expire(token)
    with httpx.Client() as client:
        response = client.get(f"{twitch_server.helix_url}/users", headers=bearer(twitch_mock, token))
        assert response.json() == INVALID_TOKEN
        renewed = client.post(f"{twitch_server.oauth_url}/token", data=refresh_form(twitch_mock, token.refresh_token)).json()
        response = client.get(f"{twitch_server.helix_url}/users", headers=bearer(twitch_mock, renewed["access_token"]))
    assert response.json()["data"][0]["login"] == "bot_user"
    assert statuses(twitch_mock, "get-users") == [401, 200]


# ---------------------------------------------------------------- httpx, async


def test_httpx_async_app_token(twitch_mock, twitch_server):
    async def run():
        async with httpx.AsyncClient() as client:
            token = (await client.post(f"{twitch_server.oauth_url}/token", data=app_form(twitch_mock))).json()["access_token"]
            return await client.get(f"{twitch_server.helix_url}/users", params={"login": "mock_streamer"}, headers=bearer(twitch_mock, token))

    response = asyncio.run(run())
    assert response.json()["data"][0]["id"] == BROADCASTER_ID


def test_httpx_async_user_sign_in(twitch_mock, twitch_server):
    async def run():
        async with httpx.AsyncClient() as client:
            redirect = await client.get(f"{twitch_server.oauth_url}/authorize", params=authorize_params(twitch_mock))
            assert redirect.status_code == 302
            tokens = (await client.post(f"{twitch_server.oauth_url}/token", data=exchange_form(twitch_mock, code_from(redirect.headers["Location"])))).json()
            return await client.post(f"{twitch_server.helix_url}/clips", params={"broadcaster_id": BROADCASTER_ID}, headers=bearer(twitch_mock, tokens["access_token"]))

    clip = asyncio.run(run())
    assert clip.status_code == 202
    assert clip.json()["data"][0]["id"] == twitch_mock.clips[-1].id


def test_httpx_async_missing_scope(twitch_mock, twitch_server):
    token = twitch_mock.user_token("bot_user", "user:read:email")

    async def run():
        async with httpx.AsyncClient() as client:
            return await client.post(f"{twitch_server.helix_url}/clips", params={"broadcaster_id": BROADCASTER_ID}, headers=bearer(twitch_mock, token))

    response = asyncio.run(run())
    assert response.status_code == 401
    assert response.json() == MISSING_SCOPE


def test_httpx_async_revoked_token_cannot_refresh(twitch_mock, twitch_server):
    token = twitch_mock.user_token("bot_user", "clips:edit")
    twitch_mock.revoke(token)

    async def run():
        async with httpx.AsyncClient() as client:
            response = await client.get(f"{twitch_server.helix_url}/users", headers=bearer(twitch_mock, token))
            refreshed = await client.post(f"{twitch_server.oauth_url}/token", data=refresh_form(twitch_mock, token.refresh_token))
            return response, refreshed

    response, refreshed = asyncio.run(run())
    assert response.json() == INVALID_TOKEN
    assert refreshed.status_code == 400
    assert refreshed.json() == INVALID_REFRESH_TOKEN


def test_httpx_async_expired_token_refreshes(twitch_mock, twitch_server):
    token = twitch_mock.user_token("bot_user", "clips:edit")
    twitch_mock.expire(token)

    async def run():
        async with httpx.AsyncClient() as client:
            first = await client.get(f"{twitch_server.helix_url}/users", headers=bearer(twitch_mock, token))
            assert first.json() == INVALID_TOKEN
            renewed = (await client.post(f"{twitch_server.oauth_url}/token", data=refresh_form(twitch_mock, token.refresh_token))).json()
            return await client.get(f"{twitch_server.helix_url}/users", headers=bearer(twitch_mock, renewed["access_token"]))

    response = asyncio.run(run())
    assert response.json()["data"][0]["login"] == "bot_user"
    assert statuses(twitch_mock, "get-users") == [401, 200]


# ---------------------------------------------------------------- aiohttp


def test_aiohttp_app_token(twitch_mock, twitch_server):
    async def run():
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{twitch_server.oauth_url}/token", data=app_form(twitch_mock)) as response:
                token = (await response.json())["access_token"]
            async with session.get(f"{twitch_server.helix_url}/users", params={"login": "mock_streamer"}, headers=bearer(twitch_mock, token)) as response:
                return await response.json()

    assert asyncio.run(run())["data"][0]["id"] == BROADCASTER_ID


def test_aiohttp_user_sign_in(twitch_mock, twitch_server):
    async def run():
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{twitch_server.oauth_url}/authorize", params=authorize_params(twitch_mock), allow_redirects=False) as redirect:
                assert redirect.status == 302
                code = code_from(redirect.headers["Location"])
            async with session.post(f"{twitch_server.oauth_url}/token", data=exchange_form(twitch_mock, code)) as response:
                tokens = await response.json()
            async with session.post(f"{twitch_server.helix_url}/clips", params={"broadcaster_id": BROADCASTER_ID}, headers=bearer(twitch_mock, tokens["access_token"])) as clip:
                return clip.status, await clip.json()

    status, body = asyncio.run(run())
    assert status == 202
    assert body["data"][0]["id"] == twitch_mock.clips[-1].id


def test_aiohttp_missing_scope(twitch_mock, twitch_server):
    token = twitch_mock.user_token("bot_user", "user:read:email")

    async def run():
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{twitch_server.helix_url}/clips", params={"broadcaster_id": BROADCASTER_ID}, headers=bearer(twitch_mock, token)) as response:
                return response.status, await response.json()

    assert asyncio.run(run()) == (401, MISSING_SCOPE)


def test_aiohttp_revoked_token_cannot_refresh(twitch_mock, twitch_server):
    token = twitch_mock.user_token("bot_user", "clips:edit")
    twitch_mock.revoke(token)

    async def run():
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{twitch_server.helix_url}/users", headers=bearer(twitch_mock, token)) as response:
                assert await response.json() == INVALID_TOKEN
            async with session.post(f"{twitch_server.oauth_url}/token", data=refresh_form(twitch_mock, token.refresh_token)) as refreshed:
                return refreshed.status, await refreshed.json()

    assert asyncio.run(run()) == (400, INVALID_REFRESH_TOKEN)


def test_aiohttp_expired_token_refreshes(twitch_mock, twitch_server):
    token = twitch_mock.user_token("bot_user", "clips:edit")
    twitch_mock.expire(token)

    async def run():
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{twitch_server.helix_url}/users", headers=bearer(twitch_mock, token)) as response:
                assert await response.json() == INVALID_TOKEN
            async with session.post(f"{twitch_server.oauth_url}/token", data=refresh_form(twitch_mock, token.refresh_token)) as refreshed:
                renewed = await refreshed.json()
            async with session.get(f"{twitch_server.helix_url}/users", headers=bearer(twitch_mock, renewed["access_token"])) as response:
                return await response.json()

    assert asyncio.run(run())["data"][0]["login"] == "bot_user"
    assert statuses(twitch_mock, "get-users") == [401, 200]


# ---------------------------------------------------------------- pyTwitchAPI


async def signed_in_twitch(twitch_mock, twitch_server):
    """Run pyTwitchAPI's user authentication against the server and return the client."""
    client = twitch_mock.client
    twitch = await Twitch(client.client_id, client.client_secret, **twitch_server.pytwitchapi_urls())
    authenticator = UserAuthenticator(twitch, [AuthScope.CLIPS_EDIT], url=client.redirect_uris[0], auth_base_url=twitch.auth_base_url)
    # A browser would follow this redirect to the bot's callback, which reads the code from it.
    async with aiohttp.ClientSession() as session:
        async with session.get(authenticator.return_auth_url(), allow_redirects=False) as redirect:
            query = parse_qs(urlsplit(redirect.headers["Location"]).query)
    assert query["state"] == [authenticator.state]
    token, refresh_token = await authenticator.authenticate(user_token=query["code"][0])
    await twitch.set_user_authentication(token, [AuthScope.CLIPS_EDIT], refresh_token)
    return twitch


def test_pytwitchapi_app_token(twitch_mock, twitch_server):
    async def run():
        client = twitch_mock.client
        twitch = await Twitch(client.client_id, client.client_secret, **twitch_server.pytwitchapi_urls())
        return [user async for user in twitch.get_users(logins=["mock_streamer"])]

    users = asyncio.run(run())
    assert [user.id for user in users] == [BROADCASTER_ID]
    assert twitch_mock.calls.by_endpoint("get-users")[0].token_kind == "app"


def test_pytwitchapi_user_sign_in(twitch_mock, twitch_server):
    async def run():
        twitch = await signed_in_twitch(twitch_mock, twitch_server)
        return await twitch.create_clip(BROADCASTER_ID)

    clip = asyncio.run(run())
    assert clip.id == twitch_mock.clips[-1].id
    assert twitch_mock.calls.by_endpoint("create-clip")[0].user_login == "bot_user"


def test_pytwitchapi_missing_scope(twitch_mock, twitch_server):
    async def run():
        twitch = await signed_in_twitch(twitch_mock, twitch_server)
        # The user withdraws clips:edit after sign-in; pyTwitchAPI still believes the token has it.
        twitch_mock.take_scope(twitch.get_user_auth_token(), "clips:edit")
        await twitch.create_clip(BROADCASTER_ID)

    with pytest.raises(UnauthorizedException) as raised:
        asyncio.run(run())
    assert str(raised.value) == "Missing scope: clips:edit"
    # pyTwitchAPI refreshes once on 401; the refreshed token lacks the scope too.
    assert statuses(twitch_mock, "create-clip") == [401, 401]
    assert [call.status for call in twitch_mock.calls.filter(endpoint="oauth-token", token_kind="user")][-1] == 200


def test_pytwitchapi_revoked_token_cannot_refresh(twitch_mock, twitch_server):
    async def run():
        twitch = await signed_in_twitch(twitch_mock, twitch_server)
        twitch_mock.revoke(twitch.get_user_auth_token())
        await twitch.create_clip(BROADCASTER_ID)

    with pytest.raises(InvalidRefreshTokenException) as raised:
        asyncio.run(run())
    assert str(raised.value) == "Invalid refresh token"
    assert [(call.status, call.message) for call in twitch_mock.calls.by_endpoint("create-clip")] == [(401, "Invalid OAuth token")]


def test_pytwitchapi_expired_token_refreshes(twitch_mock, twitch_server):
    async def run():
        twitch = await signed_in_twitch(twitch_mock, twitch_server)
        first_token = twitch.get_user_auth_token()
        twitch_mock.expire(first_token)
        clip = await twitch.create_clip(BROADCASTER_ID)
        return first_token, twitch.get_user_auth_token(), clip

    first_token, current_token, clip = asyncio.run(run())
    assert current_token != first_token
    assert clip.id == twitch_mock.clips[-1].id
    assert statuses(twitch_mock, "create-clip") == [401, 202]
