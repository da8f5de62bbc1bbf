"""The mock world used directly: seeded data, credentials, argument forms and thread safety."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from twitchpolicy.mock import Clock, World


def test_tokens_differ_between_worlds() -> None:
    first = World()
    second = World()
    assert first.app_token().access_token != second.app_token().access_token
    assert first.user_token("bot_user").refresh_token != second.user_token("bot_user").refresh_token


def test_seeded_data_same_in_every_world() -> None:
    first = World()
    second = World()
    first.app_token()
    first.user_token("bot_user", ["clips:edit"])
    assert [(user.id, user.login, user.created_at) for user in first.users.values()] == [(user.id, user.login, user.created_at) for user in second.users.values()]
    assert [(clip.id, clip.view_count, clip.duration) for clip in first.clips] == [(clip.id, clip.view_count, clip.duration) for clip in second.clips]
    assert first.follows == second.follows
    assert first.channels[first.broadcaster.id].viewer_count == second.channels[second.broadcaster.id].viewer_count


def test_stale_token_rejected_by_new_world() -> None:
    old = World()
    cached = old.app_token()
    new = World()
    new.app_token()
    new.user_token("bot_user", ["clips:edit"])
    headers = {"Authorization": cached.authorization, "Client-Id": new.client.client_id}
    status, _, body = new.handle("POST", "https://api.twitch.tv/helix/clips?broadcaster_id=1000001", headers)
    assert status == 401
    assert b'"message":"Invalid OAuth token"' in body


def test_created_clip_ids_follow_seed() -> None:
    slugs = []
    for extra_tokens in (0, 3):
        world = World()
        for _ in range(extra_tokens):
            world.app_token()
        token = world.user_token("bot_user", ["clips:edit"])
        headers = {"Authorization": token.authorization, "Client-Id": world.client.client_id}
        _, _, body = world.handle("POST", "https://api.twitch.tv/helix/clips?broadcaster_id=1000001", headers)
        slugs.append(body)
    assert slugs[0] == slugs[1]


def test_user_lookup_rejects_other_types() -> None:
    world = World()
    with pytest.raises(TypeError, match="expected a login, a user id or a User, not int"):
        world.user(1000002)  # type: ignore[arg-type]


def test_helpers_accept_login_or_user() -> None:
    world = World()
    by_login = world.user_token("bot_user")
    by_object = world.user_token(world.bot)
    world.change_password("bot_user")
    assert by_login.revoked
    assert by_object.revoked
    world.grant_scopes(world.broadcaster, ["channel:bot"])
    world.grant_scopes("mock_streamer", ["bits:read"])
    assert world.authorizations[(world.client.client_id, "1000001")] == {"channel:bot", "bits:read"}


def test_scopes_as_one_string() -> None:
    world = World()
    single = world.user_token("bot_user", "clips:edit")
    several = world.user_token("bot_user", "clips:edit  user:bot")
    assert single.scopes == ("clips:edit",)
    assert several.scopes == ("clips:edit", "user:bot")


def test_scopes_of_wrong_type() -> None:
    world = World()
    with pytest.raises(TypeError, match="scopes must be a list of scope names or one space-separated string, not int"):
        world.user_token("bot_user", 5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"scopes must contain scope names \(str\), not NoneType"):
        world.user_token("bot_user", ["clips:edit", None])  # type: ignore[list-item]


def test_unknown_scope_named_in_full() -> None:
    world = World()
    with pytest.raises(ValueError, match="unknown scope 'clips:make'"):
        world.user_token("bot_user", "clips:make")


def test_wall_clock_starts_now() -> None:
    before = time.time()
    clock = Clock.from_wall_time()
    after = time.time()
    assert before <= clock.now() <= after
    clock.advance(10)
    assert before + 10 <= clock.now() <= after + 10


def test_fixed_clock_start() -> None:
    assert World().clock.rfc3339() == "2026-01-01T00:00:00Z"


def test_set_rate_limit() -> None:
    world = World()
    token = world.app_token()
    headers = {"Authorization": token.authorization, "Client-Id": world.client.client_id}
    world.set_rate_limit(3)
    statuses = [world.handle("GET", "https://api.twitch.tv/helix/streams", headers)[0] for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    with pytest.raises(ValueError, match="rate limit must be at least 1 point, not 0"):
        world.set_rate_limit(0)


def test_other_broadcaster_as_documented() -> None:
    world = World()
    other = world.other_broadcaster
    assert (other.id, other.login) == ("1000008", "other_streamer")
    assert not world.channels[other.id].live
    assert world.channels[other.id].game_name == "Minecraft"
    assert world.has_role(other.id, world.bot.id, "follower")
    for role in ("moderator", "editor", "vip", "subscriber"):
        assert not world.has_role(other.id, world.bot.id, role), role


def test_default_client_redirect_uris() -> None:
    assert World().client.redirect_uris == ("http://localhost:3000/callback",)


def test_state_changes_from_threads() -> None:
    world = World()
    for _ in range(5_000):
        world.app_token()
    errors: list[BaseException] = []
    stop = threading.Event()
    token_form = f"client_id={world.client.client_id}&client_secret={world.client.client_secret}&grant_type=client_credentials"

    def fetch_tokens() -> None:
        while not stop.is_set():
            try:
                world.handle("POST", "https://id.twitch.tv/oauth2/token", {"Content-Type": "application/x-www-form-urlencoded"}, token_form)
                world.user_token("bot_user", ["clips:edit"])
            except BaseException as error:  # noqa: BLE001 - the test reports any exception from the thread
                errors.append(error)
                return

    previous_interval = sys.getswitchinterval()
    # A short switch interval makes the threads interleave inside World methods.
    sys.setswitchinterval(1e-6)
    workers = [threading.Thread(target=fetch_tokens) for _ in range(3)]
    try:
        for worker in workers:
            worker.start()
        for _ in range(30):
            world.change_password("bot_user")
            world.disconnect("mock_streamer")
    finally:
        stop.set()
        for worker in workers:
            worker.join()
        sys.setswitchinterval(previous_interval)
    assert errors == []
