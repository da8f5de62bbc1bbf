"""The mock's Helix side: check order, error bodies, rate limits, state changes and pagination."""

from __future__ import annotations

import asyncio
import logging
import time
import json
from collections.abc import Iterator

import httpx
import pytest

from twitchpolicy.mock import World
from twitchpolicy.mock.app import create_app
from twitchpolicy.mock.harness import TwitchMock, UnexpectedRequestError, mock_twitch

HELIX = "https://api.twitch.tv/helix"
BROADCASTER_ID = "1000001"


@pytest.fixture
def twitch() -> Iterator[TwitchMock]:
    with mock_twitch(World()) as mock:
        yield mock


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    # One client per module: building one takes about 40 ms, and respx intercepts any client.
    with httpx.Client() as client:
        yield client


def body(status: int, message: str) -> str:
    reasons = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 410: "Gone", 429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}
    return json.dumps({"error": reasons[status], "status": status, "message": message}, separators=(",", ":"))


def test_missing_token(http: httpx.Client, twitch: TwitchMock) -> None:
    response = http.get(f"{HELIX}/streams", headers={"Client-Id": twitch.client.client_id})
    assert response.status_code == 401
    assert response.text == body(401, "OAuth token is missing")


def test_oauth_prefix_counts_as_missing(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.app_token()
    response = http.get(f"{HELIX}/streams", headers={"Authorization": f"OAuth {token}", "Client-Id": twitch.client.client_id})
    assert response.text == body(401, "OAuth token is missing")


def test_missing_client_id(http: httpx.Client, twitch: TwitchMock) -> None:
    response = http.get(f"{HELIX}/streams", headers={"Authorization": f"Bearer {twitch.app_token()}"})
    assert response.text == body(401, "Client ID is missing")


def test_unknown_token(http: httpx.Client, twitch: TwitchMock) -> None:
    response = http.get(f"{HELIX}/streams", headers={"Authorization": "Bearer fake-token-0001", "Client-Id": twitch.client.client_id})
    assert response.text == body(401, "Invalid OAuth token")


def test_client_mismatch(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.app_token()
    response = http.get(f"{HELIX}/streams", headers={"Authorization": f"Bearer {token}", "Client-Id": twitch.public_client.client_id})
    assert response.text == body(401, "Client ID and OAuth token do not match")


def test_token_checked_before_kind(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.app_token()
    twitch.expire(token)
    response = http.post(f"{HELIX}/clips?broadcaster_id={BROADCASTER_ID}", headers=twitch.headers(token))
    assert response.text == body(401, "Invalid OAuth token")


def test_identity_mismatch(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.user_token("bot_user", ["moderation:read"])
    response = http.get(f"{HELIX}/moderation/banned?broadcaster_id={BROADCASTER_ID}", headers=twitch.headers(token))
    assert response.status_code == 401
    assert response.text == body(401, "The ID in broadcaster_id must match the user ID found in the request's OAuth token.")


def test_moderator_role_required(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.user_token("bot_user", ["moderator:read:chatters"])
    other = twitch.other_broadcaster.id
    response = http.get(f"{HELIX}/chat/chatters?broadcaster_id={other}&moderator_id={twitch.bot.id}", headers=twitch.headers(token))
    assert response.status_code == 403
    assert response.text == body(403, "You don't have permission to perform that action.")


def test_missing_identity_parameter(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.user_token("bot_user", ["moderator:read:chatters"])
    response = http.get(f"{HELIX}/chat/chatters?broadcaster_id={BROADCASTER_ID}", headers=twitch.headers(token))
    assert response.status_code == 400
    assert response.text == body(400, 'Missing required parameter "moderator_id"')


def test_one_of_scopes_message(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.user_token("mock_streamer", ["chat:read"])
    response = http.get(f"{HELIX}/moderation/banned?broadcaster_id={BROADCASTER_ID}", headers=twitch.headers(token))
    assert response.text == body(401, "Missing scope: moderation:read or moderator:manage:banned_users")


def test_removed_endpoint_gone(http: httpx.Client, twitch: TwitchMock) -> None:
    response = http.get(f"{HELIX}/users/follows?to_id={BROADCASTER_ID}", headers=twitch.headers(twitch.app_token()))
    assert response.status_code == 410
    assert response.text == body(410, "")
    assert twitch.calls[-1].endpoint_id == "get-users-follows"


def test_unknown_path_and_method(http: httpx.Client, twitch: TwitchMock) -> None:
    unknown = http.get(f"{HELIX}/no/such/path", headers=twitch.headers(twitch.app_token()))
    wrong_method = http.put(f"{HELIX}/clips", headers=twitch.headers(twitch.app_token()))
    assert unknown.status_code == 404
    assert unknown.text == body(404, "")
    assert wrong_method.status_code == 404


def test_create_clip_app_token_rejected(http: httpx.Client, twitch: TwitchMock) -> None:
    response = http.post(f"{HELIX}/clips?broadcaster_id={BROADCASTER_ID}", headers=twitch.headers(twitch.app_token()))
    assert response.status_code == 401
    assert response.text == body(401, "Missing User OAUTH Token")


def test_create_clip_then_get_clips(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.user_token("bot_user", ["clips:edit"])
    created = http.post(f"{HELIX}/clips", params={"broadcaster_id": BROADCASTER_ID, "title": "fake highlight"}, headers=twitch.headers(token))
    assert created.status_code == 202
    clip = created.json()["data"][0]
    assert list(clip) == ["id", "edit_url"]
    assert clip["edit_url"] == f"https://clips.twitch.tv/{clip['id']}/edit"
    listed = http.get(f"{HELIX}/clips?id={clip['id']}", headers=twitch.headers(twitch.app_token())).json()["data"]
    assert [item["title"] for item in listed] == ["fake highlight"]
    assert listed[0]["creator_id"] == twitch.bot.id


def test_create_clip_offline_channel(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.user_token("bot_user", ["clips:edit"])
    response = http.post(f"{HELIX}/clips?broadcaster_id={twitch.other_broadcaster.id}", headers=twitch.headers(token))
    assert response.status_code == 404


def eventsub_body(method: str) -> dict[str, object]:
    transports = {
        "websocket": {"method": "websocket", "session_id": "fake-session-0001"},
        "webhook": {"method": "webhook", "callback": "https://bot.example.invalid/eventsub", "secret": "fake-webhook-secret"},
    }
    return {"type": "channel.follow", "version": "2", "condition": {"broadcaster_user_id": BROADCASTER_ID, "moderator_user_id": BROADCASTER_ID}, "transport": transports[method]}


def test_eventsub_websocket_with_app_token(http: httpx.Client, twitch: TwitchMock) -> None:
    response = http.post(f"{HELIX}/eventsub/subscriptions", json=eventsub_body("websocket"), headers=twitch.headers(twitch.app_token()))
    assert response.status_code == 400
    assert response.text == body(400, "invalid transport and auth combination")


def test_eventsub_webhook_with_user_token(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.user_token("mock_streamer", ["moderator:read:followers"])
    response = http.post(f"{HELIX}/eventsub/subscriptions", json=eventsub_body("webhook"), headers=twitch.headers(token))
    assert response.status_code == 400
    assert response.text == body(400, "auth must use app access token to create webhook subscription")


def test_eventsub_webhook_needs_grant(http: httpx.Client, twitch: TwitchMock) -> None:
    app_headers = twitch.headers(twitch.app_token())
    denied = http.post(f"{HELIX}/eventsub/subscriptions", json=eventsub_body("webhook"), headers=app_headers)
    assert denied.status_code == 403
    assert denied.text == body(403, "subscription missing proper authorization")

    twitch.user_token("mock_streamer", ["moderator:read:followers"])
    created = http.post(f"{HELIX}/eventsub/subscriptions", json=eventsub_body("webhook"), headers=app_headers)
    assert created.status_code == 202
    assert created.json()["data"][0]["status"] == "webhook_callback_verification_pending"
    duplicate = http.post(f"{HELIX}/eventsub/subscriptions", json=eventsub_body("webhook"), headers=app_headers)
    assert duplicate.status_code == 409


def test_eventsub_lists_only_own_transport(http: httpx.Client, twitch: TwitchMock) -> None:
    user_token = twitch.user_token("mock_streamer", ["moderator:read:followers"])
    app_headers = twitch.headers(twitch.app_token())
    http.post(f"{HELIX}/eventsub/subscriptions", json=eventsub_body("webhook"), headers=app_headers)
    created = http.post(f"{HELIX}/eventsub/subscriptions", json=eventsub_body("websocket"), headers=twitch.headers(user_token)).json()
    websocket_id = created["data"][0]["id"]

    app_list = http.get(f"{HELIX}/eventsub/subscriptions", headers=app_headers).json()
    user_list = http.get(f"{HELIX}/eventsub/subscriptions", headers=twitch.headers(user_token)).json()
    assert [item["transport"]["method"] for item in app_list["data"]] == ["webhook"]
    assert [item["id"] for item in user_list["data"]] == [websocket_id]
    assert list(user_list) == ["data", "total", "total_cost", "max_total_cost", "pagination"]

    wrong_side = http.delete(f"{HELIX}/eventsub/subscriptions?id={websocket_id}", headers=app_headers)
    assert wrong_side.status_code == 404
    deleted = http.delete(f"{HELIX}/eventsub/subscriptions?id={websocket_id}", headers=twitch.headers(user_token))
    assert deleted.status_code == 204


def test_disconnect_revokes_eventsub(http: httpx.Client, twitch: TwitchMock) -> None:
    twitch.user_token("mock_streamer", ["moderator:read:followers"])
    app_headers = twitch.headers(twitch.app_token())
    http.post(f"{HELIX}/eventsub/subscriptions", json=eventsub_body("webhook"), headers=app_headers)
    twitch.disconnect("mock_streamer")
    listed = http.get(f"{HELIX}/eventsub/subscriptions", headers=app_headers).json()
    assert listed["data"][0]["status"] == "authorization_revoked"


def test_ban_shows_in_banned_users(http: httpx.Client, twitch: TwitchMock) -> None:
    moderator = twitch.user_token("bot_user", ["moderator:manage:banned_users"])
    broadcaster = twitch.user_token("mock_streamer", ["moderation:read"])
    target = twitch.follower.id
    ban_url = f"{HELIX}/moderation/bans?broadcaster_id={BROADCASTER_ID}&moderator_id={twitch.bot.id}"
    banned = http.post(ban_url, json={"data": {"user_id": target, "reason": "fake reason"}}, headers=twitch.headers(moderator))
    assert banned.status_code == 200
    assert banned.json()["data"][0]["end_time"] is None

    listed = http.get(f"{HELIX}/moderation/banned?broadcaster_id={BROADCASTER_ID}&user_id={target}", headers=twitch.headers(broadcaster)).json()
    assert [item["user_login"] for item in listed["data"]] == ["follower_user"]
    assert listed["data"][0]["moderator_login"] == "bot_user"

    again = http.post(ban_url, json={"data": {"user_id": target}}, headers=twitch.headers(moderator))
    assert again.text == body(400, "The user specified in the user_id field is already banned.")

    unbanned = http.delete(f"{ban_url}&user_id={target}", headers=twitch.headers(moderator))
    assert unbanned.status_code == 204
    after = http.get(f"{HELIX}/moderation/banned?broadcaster_id={BROADCASTER_ID}&user_id={target}", headers=twitch.headers(broadcaster)).json()
    assert after["data"] == []


def test_added_moderator_passes_checks(http: httpx.Client, twitch: TwitchMock) -> None:
    follower_token = twitch.user_token("follower_user", ["moderator:read:chatters"])
    chatters_url = f"{HELIX}/chat/chatters?broadcaster_id={BROADCASTER_ID}&moderator_id={twitch.follower.id}"
    assert http.get(chatters_url, headers=twitch.headers(follower_token)).status_code == 403
    broadcaster = twitch.user_token("mock_streamer", ["channel:manage:moderators"])
    added = http.post(f"{HELIX}/moderation/moderators?broadcaster_id={BROADCASTER_ID}&user_id={twitch.follower.id}", headers=twitch.headers(broadcaster))
    assert added.status_code == 204
    assert http.get(chatters_url, headers=twitch.headers(follower_token)).status_code == 200


def test_followers_pagination(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.user_token("mock_streamer", ["moderator:read:followers"])
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"broadcaster_id": BROADCASTER_ID, "first": "20"}
        if cursor:
            params["after"] = cursor
        page = http.get(f"{HELIX}/channels/followers", params=params, headers=twitch.headers(token)).json()
        pages += 1
        seen += [item["user_id"] for item in page["data"]]
        cursor = page["pagination"].get("cursor")
        if not cursor:
            assert page["pagination"] == {}
            break
    assert pages == 3
    assert len(seen) == page["total"] == 50
    assert len(set(seen)) == 50


def test_followers_total_only_for_app_token(http: httpx.Client, twitch: TwitchMock) -> None:
    response = http.get(f"{HELIX}/channels/followers?broadcaster_id={BROADCASTER_ID}", headers=twitch.headers(twitch.app_token()))
    assert response.json() == {"total": 50, "data": [], "pagination": {}}


def test_followers_total_only_without_scope(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.user_token("follower_user")
    response = http.get(f"{HELIX}/channels/followers?broadcaster_id={BROADCASTER_ID}", headers=twitch.headers(token))
    assert response.status_code == 200
    assert response.json()["data"] == []


def test_bad_page_size(http: httpx.Client, twitch: TwitchMock) -> None:
    response = http.get(f"{HELIX}/streams?first=101", headers=twitch.headers(twitch.app_token()))
    assert response.status_code == 400


def test_get_users_email_needs_scope(http: httpx.Client, twitch: TwitchMock) -> None:
    plain = http.get(f"{HELIX}/users", headers=twitch.headers(twitch.user_token("bot_user"))).json()["data"][0]
    with_email = http.get(f"{HELIX}/users", headers=twitch.headers(twitch.user_token("bot_user", ["user:read:email"]))).json()["data"][0]
    assert "email" not in plain
    assert with_email["email"] == "bot_user@example.invalid"


def test_get_users_app_token_needs_ids(http: httpx.Client, twitch: TwitchMock) -> None:
    response = http.get(f"{HELIX}/users", headers=twitch.headers(twitch.app_token()))
    assert response.text == body(400, "Must provide an ID, Login or OAuth Token.")


def test_modify_channel_then_get(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.user_token("mock_streamer", ["channel:manage:broadcast"])
    patched = http.patch(f"{HELIX}/channels?broadcaster_id={BROADCASTER_ID}", json={"title": "fake new title", "game_id": "27471"}, headers=twitch.headers(token))
    assert patched.status_code == 204
    channel = http.get(f"{HELIX}/channels?broadcaster_id={BROADCASTER_ID}", headers=twitch.headers(twitch.app_token())).json()["data"][0]
    assert channel["title"] == "fake new title"
    assert channel["game_name"] == "Minecraft"


def test_subscriptions_and_check(http: httpx.Client, twitch: TwitchMock) -> None:
    broadcaster = twitch.user_token("mock_streamer", ["channel:read:subscriptions"])
    page = http.get(f"{HELIX}/subscriptions?broadcaster_id={BROADCASTER_ID}", headers=twitch.headers(broadcaster)).json()
    assert page["total"] == 14
    assert list(page) == ["data", "pagination", "points", "total"]
    subscriber = twitch.user_token("sub_user", ["user:read:subscriptions"])
    checked = http.get(f"{HELIX}/subscriptions/user?broadcaster_id={BROADCASTER_ID}&user_id={twitch.subscriber.id}", headers=twitch.headers(subscriber))
    assert checked.json()["data"][0]["tier"] == "1000"
    follower = twitch.user_token("follower_user", ["user:read:subscriptions"])
    missing = http.get(f"{HELIX}/subscriptions/user?broadcaster_id={BROADCASTER_ID}&user_id={twitch.follower.id}", headers=twitch.headers(follower))
    assert missing.status_code == 404


def test_chat_message_settings_and_announcement(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.user_token("bot_user", ["user:write:chat", "moderator:manage:chat_settings", "moderator:manage:announcements"])
    sent = http.post(f"{HELIX}/chat/messages", json={"broadcaster_id": BROADCASTER_ID, "sender_id": twitch.bot.id, "message": "hello"}, headers=twitch.headers(token))
    assert sent.json()["data"][0]["is_sent"] is True
    assert twitch.chat_messages[-1]["message"] == "hello"

    settings_url = f"{HELIX}/chat/settings?broadcaster_id={BROADCASTER_ID}&moderator_id={twitch.bot.id}"
    updated = http.patch(settings_url, json={"slow_mode": True, "slow_mode_wait_time": 30}, headers=twitch.headers(token))
    assert updated.json()["data"][0]["slow_mode_wait_time"] == 30
    public = http.get(f"{HELIX}/chat/settings?broadcaster_id={BROADCASTER_ID}", headers=twitch.headers(twitch.app_token())).json()["data"][0]
    assert public["slow_mode"] is True
    assert "non_moderator_chat_delay" not in public

    announced = http.post(f"{HELIX}/chat/announcements?broadcaster_id={BROADCASTER_ID}&moderator_id={twitch.bot.id}", json={"message": "fake news", "color": "purple"}, headers=twitch.headers(token))
    assert announced.status_code == 204
    assert twitch.announcements[-1]["color"] == "purple"


@pytest.mark.parametrize("value", [{"id": "1000001"}, ["1000001"], True], ids=["object", "list", "boolean"])
def test_chat_ids_must_be_strings(http: httpx.Client, twitch: TwitchMock, value: object) -> None:
    token = twitch.user_token("bot_user", ["user:write:chat", "moderator:manage:announcements"])
    before = len(twitch.chat_messages)
    sent = http.post(f"{HELIX}/chat/messages", json={"broadcaster_id": value, "sender_id": twitch.bot.id, "message": "hello"}, headers=twitch.headers(token))
    assert sent.text == body(400, 'The field "broadcaster_id" must be a string.')
    assert len(twitch.chat_messages) == before

    announced = http.post(f"{HELIX}/chat/announcements?broadcaster_id={BROADCASTER_ID}&moderator_id={twitch.bot.id}", json={"message": value}, headers=twitch.headers(token))
    assert announced.text == body(400, 'The field "message" must be a string.')
    assert twitch.announcements == []


def test_send_chat_message_app_token_grants(http: httpx.Client, twitch: TwitchMock) -> None:
    app_headers = twitch.headers(twitch.app_token())
    message = {"broadcaster_id": twitch.other_broadcaster.id, "sender_id": twitch.bot.id, "message": "hi"}
    twitch.user_token("bot_user", ["user:write:chat", "user:bot"])
    refused = http.post(f"{HELIX}/chat/messages", json=message, headers=app_headers)
    assert refused.text == body(401, "Missing scope: channel:bot")
    moderated = http.post(f"{HELIX}/chat/messages", json={**message, "broadcaster_id": BROADCASTER_ID}, headers=app_headers)
    assert moderated.status_code == 200


def test_rate_limit_headers_and_429(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.app_token()
    first = http.get(f"{HELIX}/streams", headers=twitch.headers(token))
    assert first.headers["ratelimit-limit"] == "800"
    assert first.headers["ratelimit-remaining"] == "799"
    twitch.exhaust_rate_limit(token)
    limited = http.get(f"{HELIX}/streams", headers=twitch.headers(token))
    assert limited.status_code == 429
    assert limited.headers["ratelimit-remaining"] == "0"
    assert limited.text == body(429, "The application exceeded the number of calls it may make. For details, see Rate Limits in the Twitch API documentation.")
    assert int(limited.headers["ratelimit-reset"]) == int(twitch.clock.now()) + 60
    other_app_token = twitch.app_token()
    assert http.get(f"{HELIX}/streams", headers=twitch.headers(other_app_token)).status_code == 429
    user_token = twitch.user_token("bot_user")
    assert http.get(f"{HELIX}/streams", headers=twitch.headers(user_token)).status_code == 200
    twitch.advance(1)
    refilled = http.get(f"{HELIX}/streams", headers=twitch.headers(token))
    assert refilled.status_code == 200
    assert refilled.headers["ratelimit-remaining"] == "12"


def test_rate_limit_spent_by_calls() -> None:
    world = World(rate_limit=3)
    token = world.app_token()
    headers = {"Authorization": token.authorization, "Client-Id": world.client.client_id}
    statuses = [world.handle("GET", f"{HELIX}/streams", headers)[0] for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_fail_next_then_recover(http: httpx.Client, twitch: TwitchMock) -> None:
    headers = twitch.headers(twitch.app_token())
    twitch.fail_next(503, endpoint_id="get-streams")
    twitch.fail_next(500)
    first = http.get(f"{HELIX}/streams", headers=headers)
    second = http.get(f"{HELIX}/games/top", headers=headers)
    third = http.get(f"{HELIX}/streams", headers=headers)
    assert first.text == body(503, "")
    assert second.text == body(500, "")
    assert third.status_code == 200


def test_call_log_queries(http: httpx.Client, twitch: TwitchMock) -> None:
    user_token = twitch.user_token("bot_user", ["clips:edit"])
    http.get(f"{HELIX}/streams", headers=twitch.headers(twitch.app_token()))
    http.post(f"{HELIX}/clips?broadcaster_id={BROADCASTER_ID}", headers=twitch.headers(user_token))
    http.post(f"{HELIX}/clips?broadcaster_id={BROADCASTER_ID}", headers=twitch.headers(twitch.app_token()))
    assert [call.status for call in twitch.calls.by_endpoint("create-clip")] == [202, 401]
    assert len(twitch.calls.by_token_kind("app")) == 2
    assert [call.endpoint_id for call in twitch.calls.by_user("bot_user")] == ["create-clip"]
    assert twitch.calls.by_user(twitch.bot) == twitch.calls.by_user(twitch.bot.id)
    assert len(twitch.calls.by_status(401)) == 1
    assert all(user_token.access_token not in (call.token or "") for call in twitch.calls)


def test_assert_authorized_reports_rejections(http: httpx.Client, twitch: TwitchMock) -> None:
    http.post(f"{HELIX}/clips?broadcaster_id={BROADCASTER_ID}", headers=twitch.headers(twitch.app_token()))
    with pytest.raises(AssertionError, match=r"create-clip\] with app -> 401 'Missing User OAUTH Token'"):
        twitch.calls.assert_authorized()
    twitch.calls.expect_rejection("create-clip", 401)
    twitch.calls.assert_authorized()


def test_other_host_blocked(http: httpx.Client, twitch: TwitchMock) -> None:
    with pytest.raises(UnexpectedRequestError, match=r"blocked GET https://example.invalid/x"):
        http.get("https://example.invalid/x?key=fake")
    assert twitch.unexpected_requests == ["GET https://example.invalid/x"]


def test_async_client(twitch: TwitchMock) -> None:
    async def fetch() -> int:
        async with httpx.AsyncClient() as client:
            response = await client.get(f"{HELIX}/streams", headers=twitch.headers(twitch.app_token()))
            return response.status_code

    assert asyncio.run(fetch()) == 200


def test_asgi_app_shares_world() -> None:
    world = World()
    token = world.user_token("bot_user", ["clips:edit"])

    async def run() -> tuple[int, int]:
        transport = httpx.ASGITransport(app=create_app(world))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8080") as client:
            created = await client.post(f"/helix/clips?broadcaster_id={BROADCASTER_ID}", headers={"Authorization": token.authorization, "Client-Id": world.client.client_id})
            validated = await client.get("/oauth2/validate", headers={"Authorization": f"OAuth {token}"})
            return created.status_code, validated.status_code

    assert asyncio.run(run()) == (202, 200)
    assert world.calls.by_endpoint("create-clip")[0].status == 202


def test_same_seed_same_answers() -> None:
    answers = []
    for _ in range(2):
        world = World(seed=7)
        token = world.app_token()
        answers.append(world.handle("GET", f"{HELIX}/clips?broadcaster_id={BROADCASTER_ID}", {"Authorization": token.authorization, "Client-Id": world.client.client_id}))
    assert answers[0] == answers[1]


def test_scenarios_match_mock_responses(http: httpx.Client, twitch: TwitchMock) -> None:
    from twitchpolicy.mock.scenarios import applicable_scenarios, build_scenario

    endpoint = twitch.registry.endpoint("get-broadcaster-subscriptions")
    url = f"{HELIX}/subscriptions?broadcaster_id={BROADCASTER_ID}"
    for name in applicable_scenarios(endpoint):
        scenario = build_scenario(twitch.world, endpoint, name, "mock_streamer")
        response = http.get(url, headers=twitch.headers(scenario.token))
        assert response.status_code == (scenario.expected_status or 200), name
        if scenario.expected_message is not None:
            assert response.json()["message"] == scenario.expected_message, name


def time_out(http: httpx.Client, twitch: TwitchMock, user_id: str, seconds: int) -> None:
    moderator = twitch.user_token("bot_user", ["moderator:manage:banned_users"])
    ban_url = f"{HELIX}/moderation/bans?broadcaster_id={BROADCASTER_ID}&moderator_id={twitch.bot.id}"
    response = http.post(ban_url, json={"data": {"user_id": user_id, "duration": seconds}}, headers=twitch.headers(moderator))
    assert response.status_code == 200


def test_timeout_blocks_chat_until_expiry(http: httpx.Client, twitch: TwitchMock) -> None:
    time_out(http, twitch, twitch.follower.id, 60)
    sender = twitch.user_token("follower_user", ["user:write:chat"])
    message = {"broadcaster_id": BROADCASTER_ID, "sender_id": twitch.follower.id, "message": "hello"}

    during = http.post(f"{HELIX}/chat/messages", json=message, headers=twitch.headers(sender)).json()["data"][0]
    assert during["is_sent"] is False
    assert during["drop_reason"]["code"] == "user_banned"

    twitch.advance(60)
    after = http.post(f"{HELIX}/chat/messages", json=message, headers=twitch.headers(sender)).json()["data"][0]
    assert after["is_sent"] is True


def test_expired_timeout_allows_moderator(http: httpx.Client, twitch: TwitchMock) -> None:
    time_out(http, twitch, twitch.follower.id, 60)
    broadcaster = twitch.user_token("mock_streamer", ["channel:manage:moderators"])
    add_url = f"{HELIX}/moderation/moderators?broadcaster_id={BROADCASTER_ID}&user_id={twitch.follower.id}"

    during = http.post(add_url, headers=twitch.headers(broadcaster))
    assert during.text == body(400, "The user specified in the user_id field is banned.")

    twitch.advance(61)
    after = http.post(add_url, headers=twitch.headers(broadcaster))
    assert after.status_code == 204


def test_expired_timeout_cannot_be_unbanned(http: httpx.Client, twitch: TwitchMock) -> None:
    time_out(http, twitch, twitch.follower.id, 60)
    twitch.advance(61)
    moderator = twitch.user_token("bot_user", ["moderator:manage:banned_users"])
    unban_url = f"{HELIX}/moderation/bans?broadcaster_id={BROADCASTER_ID}&moderator_id={twitch.bot.id}&user_id={twitch.follower.id}"
    response = http.delete(unban_url, headers=twitch.headers(moderator))
    assert response.text == body(400, "The user specified in the user_id field is not banned.")
    assert not twitch.is_banned(BROADCASTER_ID, twitch.follower.id)


@pytest.mark.parametrize("first", ["²", "①", "𝟓", "٣", "0", "101", "-1", "+5", " 5", "1.5", "abc", "", "9" * 5000])
def test_first_must_be_ascii_number(http: httpx.Client, twitch: TwitchMock, first: str) -> None:
    response = http.get(f"{HELIX}/clips", params={"broadcaster_id": BROADCASTER_ID, "first": first}, headers=twitch.headers(twitch.app_token()))
    assert response.status_code == 400
    assert response.json()["message"].startswith('Invalid value for parameter "first"')


def test_first_with_leading_zero(http: httpx.Client, twitch: TwitchMock) -> None:
    response = http.get(f"{HELIX}/clips", params={"broadcaster_id": BROADCASTER_ID, "first": "05"}, headers=twitch.headers(twitch.app_token()))
    assert response.status_code == 200
    assert len(response.json()["data"]) == 5


@pytest.mark.parametrize("duration", ["٣٠", "𝟑𝟎", "nan", "inf"])
def test_clip_duration_must_be_ascii_number(http: httpx.Client, twitch: TwitchMock, duration: str) -> None:
    token = twitch.user_token("bot_user", ["clips:edit"])
    response = http.post(f"{HELIX}/clips", params={"broadcaster_id": BROADCASTER_ID, "duration": duration}, headers=twitch.headers(token))
    assert response.status_code == 400


@pytest.mark.parametrize("credential", ["a.b.é".encode(), "é".encode(), "a.b.\u00ff".encode("latin-1")])
def test_non_ascii_bearer_on_jwt_endpoint(http: httpx.Client, twitch: TwitchMock, credential: bytes) -> None:
    headers = {"Authorization": b"Bearer " + credential, "Client-Id": twitch.extension.client_id}
    response = http.get(f"{HELIX}/extensions", params={"extension_id": twitch.extension.client_id}, headers=headers)
    assert response.text == body(401, "Invalid OAuth token")


def test_non_ascii_bearer_on_oauth_endpoint(http: httpx.Client, twitch: TwitchMock) -> None:
    headers = {"Authorization": "Bearer é".encode(), "Client-Id": twitch.client.client_id}
    response = http.get(f"{HELIX}/streams", headers=headers)
    assert response.text == body(401, "Invalid OAuth token")


def asgi_get(world: World, host: bytes, path: str = "/helix/streams", raw_path: bytes | None = None) -> list[dict[str, object]]:
    """Send one GET through the ASGI app with a raw Host header and return the messages it sent."""
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "raw_path": raw_path or path.encode(), "query_string": b"", "headers": [(b"host", host)], "scheme": "http"}
    asyncio.run(create_app(world)(scope, receive, send))
    return sent


@pytest.mark.parametrize("host", [b"[", b"]", b"[::1", b"[1.2.3.4]", b"[:::]", b"a b", b"a/b", b"a?b", b"a#b", b"a@b", b"host:port", b"host:99999", b"\xff", b"\xc3\xa9.example"])
def test_asgi_bad_host_header(host: bytes) -> None:
    world = World()
    sent = asgi_get(world, host)
    assert sent[0]["status"] == 400
    assert json.loads(sent[1]["body"]) == {"error": "Bad Request", "status": 400, "message": f"Invalid Host header: {host.decode('latin-1')!r}"}
    assert len(world.calls) == 0


@pytest.mark.parametrize("host", [b"127.0.0.1:8080", b"localhost", b"[::1]:8080", b"api.twitch.tv", b"API.Twitch.TV:443"])
def test_asgi_good_host_header(host: bytes) -> None:
    world = World()
    sent = asgi_get(world, host)
    assert sent[0]["status"] == 401
    assert world.calls[-1].endpoint_id == "get-streams"


def test_asgi_encoded_question_mark_stays_in_path() -> None:
    world = World()
    sent = asgi_get(world, b"127.0.0.1", "/helix/streams?first=1", raw_path=b"/helix/streams%3Ffirst=1")
    assert sent[0]["status"] == 404
    assert world.calls[-1].endpoint_id is None


def test_helix_call_url_hides_secrets(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.app_token()
    params = {"login": "bot_user", "access_token": token.access_token, "key": token.access_token, "client_secret": "fake-secret-value"}
    http.get(f"{HELIX}/users", params=params, headers=twitch.headers(token))
    url = twitch.calls[-1].url
    assert token.access_token not in url
    assert "fake-secret-value" not in url
    assert "login=bot_user" in url
    assert f"access_token={token.access_token[:4]}…(30 chars)" in url


def test_debug_log_hides_secrets(http: httpx.Client, twitch: TwitchMock, caplog: pytest.LogCaptureFixture) -> None:
    token = twitch.app_token()
    params = {"login": "bot_user", "client_secret": twitch.client.client_secret, "token": token.access_token}
    with caplog.at_level(logging.DEBUG):
        http.get(f"{HELIX}/users", params=params, headers=twitch.headers(token))
    mock_lines = [record.getMessage() for record in caplog.records if record.name == "twitchpolicy.mock"]
    httpx_lines = [record.getMessage() for record in caplog.records if record.name == "httpx"]
    assert len(mock_lines) == 1
    assert len(httpx_lines) == 1
    assert "login=bot_user" in mock_lines[0]
    assert "login=bot_user" in httpx_lines[0]
    assert twitch.client.client_secret not in caplog.text
    assert token.access_token not in caplog.text


def test_extension_jwt_is_a_secret(twitch: TwitchMock) -> None:
    jwt = twitch.extension_jwt()
    assert jwt in twitch.secrets()
    assert twitch.is_secret(jwt)


@pytest.mark.parametrize("duration", [True, False, 1.5, "60", 0, 1_209_601])
def test_ban_duration_must_be_integer(http: httpx.Client, twitch: TwitchMock, duration: object) -> None:
    moderator = twitch.user_token("bot_user", ["moderator:manage:banned_users"])
    ban_url = f"{HELIX}/moderation/bans?broadcaster_id={BROADCASTER_ID}&moderator_id={twitch.bot.id}"
    response = http.post(ban_url, json={"data": {"user_id": twitch.follower.id, "duration": duration}}, headers=twitch.headers(moderator))
    assert response.text == body(400, "The duration must be a number of seconds from 1 to 1209600.")
    assert not twitch.is_banned(BROADCASTER_ID, twitch.follower.id)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"delay": True}, 'The field "delay" must be an integer.'),
        ({"delay": 1.5}, 'The field "delay" must be an integer.'),
        ({"delay": 901}, 'The field "delay" must be from 0 to 900 seconds.'),
        ({"delay": -1}, 'The field "delay" must be from 0 to 900 seconds.'),
        ({"is_branded_content": 1}, 'The field "is_branded_content" must be a boolean.'),
        ({"title": 5}, 'The field "title" must be a string.'),
        ({"tags": "English"}, 'The field "tags" must be an array.'),
        ({"tags": [{"a": 1}]}, "Each tag must be a string of 1 to 25 characters without spaces."),
        ({"tags": [None]}, "Each tag must be a string of 1 to 25 characters without spaces."),
        ({"tags": [""]}, "Each tag must be a string of 1 to 25 characters without spaces."),
        ({"tags": ["two words"]}, "Each tag must be a string of 1 to 25 characters without spaces."),
        ({"tags": ["x" * 26]}, "Each tag must be a string of 1 to 25 characters without spaces."),
        ({"tags": [f"tag{number}" for number in range(11)]}, "A channel may have at most 10 tags."),
    ],
)
def test_modify_channel_rejects_bad_fields(http: httpx.Client, twitch: TwitchMock, changes: dict[str, object], message: str) -> None:
    token = twitch.user_token("mock_streamer", ["channel:manage:broadcast"])
    channel = twitch.channels[BROADCASTER_ID]
    saved = (channel.delay, list(channel.tags), channel.title, channel.is_branded_content)
    response = http.patch(f"{HELIX}/channels?broadcaster_id={BROADCASTER_ID}", json=changes, headers=twitch.headers(token))
    assert response.text == body(400, message)
    assert (channel.delay, channel.tags, channel.title, channel.is_branded_content) == saved


def test_modify_channel_accepts_limits(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.user_token("mock_streamer", ["channel:manage:broadcast"])
    tags = [f"Tag{number}" for number in range(9)] + ["x" * 25]
    response = http.patch(f"{HELIX}/channels?broadcaster_id={BROADCASTER_ID}", json={"delay": 900, "tags": tags}, headers=twitch.headers(token))
    assert response.status_code == 204
    assert twitch.channels[BROADCASTER_ID].delay == 900
    assert twitch.channels[BROADCASTER_ID].tags == tags


@pytest.mark.parametrize(
    ("field", "value"),
    [("type", ["stream.online"]), ("type", {"name": "stream.online"}), ("type", 1), ("version", 1), ("version", ["1"])],
)
def test_eventsub_type_and_version_strings(http: httpx.Client, twitch: TwitchMock, field: str, value: object) -> None:
    token = twitch.user_token("mock_streamer", [])
    payload = {"type": "stream.online", "version": "1", "condition": {"broadcaster_user_id": BROADCASTER_ID}, "transport": {"method": "websocket", "session_id": "fake-session-0001"}}
    payload[field] = value
    response = http.post(f"{HELIX}/eventsub/subscriptions", json=payload, headers=twitch.headers(token))
    assert response.text == body(400, f'The field "{field}" must be a string.')
    assert twitch.eventsub == []


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/channels", "broadcaster_id"),
        ("/streams", "user_id"),
        ("/streams", "user_login"),
        ("/streams", "game_id"),
        ("/clips", "id"),
    ],
)
def test_more_than_100_ids_rejected(http: httpx.Client, twitch: TwitchMock, path: str, name: str) -> None:
    headers = twitch.headers(twitch.app_token())
    at_limit = http.get(f"{HELIX}{path}", params=[(name, str(1000001 + number)) for number in range(100)], headers=headers)
    over_limit = http.get(f"{HELIX}{path}", params=[(name, str(1000001 + number)) for number in range(101)], headers=headers)
    assert at_limit.status_code == 200
    assert over_limit.text == body(400, f'The request may contain at most 100 "{name}" values.')


@pytest.mark.parametrize(
    ("path", "scopes"),
    [
        ("/moderation/banned", ["moderation:read"]),
        ("/moderation/moderators", ["moderation:read"]),
        ("/subscriptions", ["channel:read:subscriptions"]),
    ],
)
def test_more_than_100_user_ids_rejected(http: httpx.Client, twitch: TwitchMock, path: str, scopes: list[str]) -> None:
    headers = twitch.headers(twitch.user_token("mock_streamer", scopes))
    params = [("broadcaster_id", BROADCASTER_ID)] + [("user_id", str(1000001 + number)) for number in range(101)]
    response = http.get(f"{HELIX}{path}", params=params, headers=headers)
    assert response.text == body(400, 'The request may contain at most 100 "user_id" values.')


def test_huge_id_list_answered_quickly(twitch: TwitchMock) -> None:
    token = twitch.app_token()
    query = "&".join(f"broadcaster_id={number}" for number in range(300_000))
    headers = {"Authorization": token.authorization, "Client-Id": twitch.client.client_id}
    started = time.perf_counter()
    status, _, _ = twitch.handle("GET", f"{HELIX}/channels?{query}", headers)
    assert status == 400
    assert time.perf_counter() - started < 5


def test_clips_same_second_newest_first(http: httpx.Client, twitch: TwitchMock) -> None:
    token = twitch.user_token("bot_user", ["clips:edit"])
    created = []
    for _ in range(5):
        response = http.post(f"{HELIX}/clips?broadcaster_id={BROADCASTER_ID}", headers=twitch.headers(token))
        created.append(response.json()["data"][0]["id"])
    listed = http.get(f"{HELIX}/clips?broadcaster_id={BROADCASTER_ID}&first=6", headers=twitch.headers(token)).json()["data"]
    assert [clip["id"] for clip in listed[:5]] == list(reversed(created))
    assert listed[5]["id"] == "SeededClip001"
