"""Check the SDK maps against the SDK sources, one method per table row.

Every expected value below was written from the SDK's source at the tag named in the
section header, not copied from the policy YAML. A row holds the HTTP method and the
path that the SDK method requests, and the token kind the SDK forces for it. The test
finds the registry endpoint through the mapped id and compares its method and path,
so a wrong id fails.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from twitchpolicy.registry import SdkArgument, SdkAuth, SdkCondition, load_registry

USER = "user"
APP = "app"


@dataclass(frozen=True)
class MethodFact:
    """What the SDK source shows for one method: the request it makes and the token kind it forces, if any."""

    name: str
    method: str
    path: str
    token: str | None = None


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def check_method(registry, sdk_id: str, fact: MethodFact) -> None:
    method = registry.sdks[sdk_id].methods[fact.name]
    endpoint = registry.endpoint(method.endpoint)
    assert (endpoint.method, endpoint.path) == (fact.method, fact.path)
    assert method.token == fact.token


# ---------------------------------------------------------------- pyTwitchAPI v3.11.0 and v4.5.0, twitchAPI/twitch.py

PYTWITCHAPI_FACTS = [
    # AuthType.EITHER in both versions, and AuthType.USER only when neither ids nor logins are given.
    MethodFact("get_users", "GET", "/helix/users"),
    MethodFact("create_clip", "POST", "/helix/clips", USER),
    MethodFact("get_clips", "GET", "/helix/clips"),
    # AuthType.USER, although the endpoint also accepts an app access token.
    MethodFact("get_broadcaster_subscriptions", "GET", "/helix/subscriptions", USER),
    MethodFact("check_user_subscription", "GET", "/helix/subscriptions/user"),
    # AuthType.USER in v3.11.0 and AuthType.EITHER in v4.5.0.
    MethodFact("get_channel_followers", "GET", "/helix/channels/followers"),
    MethodFact("ban_user", "POST", "/helix/moderation/bans", USER),
    MethodFact("get_chatters", "GET", "/helix/chat/chatters", USER),
    MethodFact("send_chat_message", "POST", "/helix/chat/messages"),
    MethodFact("get_stream_key", "GET", "/helix/streams/key", USER),
    MethodFact("get_channel_icalendar", "GET", "/helix/schedule/icalendar"),
    MethodFact("update_drops_entitlements", "PATCH", "/helix/entitlements/drops"),
    MethodFact("start_raid", "POST", "/helix/raids", USER),
    MethodFact("get_extension_transactions", "GET", "/helix/extensions/transactions"),
    MethodFact("snooze_next_ad", "POST", "/helix/channels/ads/schedule/snooze", USER),
    MethodFact("get_shared_chat_session", "GET", "/helix/shared_chat/session"),
    MethodFact("warn_chat_user", "POST", "/helix/moderation/warnings", USER),
    # Removed endpoints: get_hype_train_events in both versions, the v3.11.0-only methods below.
    MethodFact("get_hype_train_events", "GET", "/helix/hypetrain/events"),
    MethodFact("get_users_follows", "GET", "/helix/users/follows"),
    MethodFact("get_soundtrack_playlist", "GET", "/helix/soundtrack/playlist"),
    # AuthType.APP in v3.11.0. v4.5.0 takes it from the target_token argument, AuthType.APP by default.
    MethodFact("get_eventsub_subscriptions", "GET", "/helix/eventsub/subscriptions"),
]


@pytest.mark.parametrize("fact", PYTWITCHAPI_FACTS, ids=lambda fact: fact.name)
def test_pytwitchapi_method(registry, fact):
    check_method(registry, "pytwitchapi", fact)


def test_pytwitchapi_method_count(registry):
    assert len(registry.sdks["pytwitchapi"].methods) == 107


def test_pytwitchapi_unmapped_paths(registry):
    """get_channel_editors and get_game_analytics request paths the registry lacks, so they are left out."""
    methods = registry.sdks["pytwitchapi"].methods
    assert "get_channel_editors" not in methods
    assert "get_game_analytics" not in methods


def test_pytwitchapi_removed_endpoints(registry):
    methods = registry.sdks["pytwitchapi"].methods
    removed = sorted(name for name, method in methods.items() if registry.endpoint(method.endpoint).status == "removed")
    assert removed == ["get_hype_train_events", "get_soundtrack_current_track", "get_soundtrack_playlist", "get_soundtrack_playlists", "get_users_follows"]


def test_pytwitchapi_auth(registry):
    auth = {(entry.name, entry.call): entry for entry in registry.sdks["pytwitchapi"].auth}
    # Twitch(app_id, app_secret=None, authenticate_app=True, ...) in both versions.
    assert auth[("Twitch", "constructor")] == SdkAuth("Twitch", "constructor", APP, None, SdkCondition(2, "authenticate_app", False))
    # set_user_authentication(token, scope, refresh_token=None, validate=True).
    assert auth[("set_user_authentication", "method")] == SdkAuth("set_user_authentication", "method", USER, SdkArgument(1, "scope"), None)
    # UserAuthenticator(twitch, scopes, force_verify=False, url=...) in twitchAPI/oauth.py.
    assert auth[("UserAuthenticator", "constructor")].scopes == SdkArgument(1, "scopes")
    assert auth[("set_app_authentication", "method")].token == APP


# ---------------------------------------------------------------- twurple v8.1.4, packages/api/src/endpoints

# A method forces a user access token when its callApi options list scopes or set forceType 'user',
# and the app access token with forceType 'app'. callApi sends GET when the options name no method.
TWURPLE_FACTS = [
    MethodFact("users.getUserByName", "GET", "/helix/users"),
    MethodFact("users.getAuthenticatedUser", "GET", "/helix/users", USER),
    MethodFact("clips.createClip", "POST", "/helix/clips", USER),
    MethodFact("subscriptions.getSubscriptions", "GET", "/helix/subscriptions", USER),
    MethodFact("subscriptions.checkUserSubscription", "GET", "/helix/subscriptions/user", USER),
    MethodFact("channels.getChannelFollowers", "GET", "/helix/channels/followers", USER),
    # The same endpoint called without scopes, because only the total is read.
    MethodFact("channels.getChannelFollowerCount", "GET", "/helix/channels/followers"),
    MethodFact("channels.snoozeNextAd", "POST", "/helix/channels/ads/schedule/snooze", USER),
    MethodFact("chat.sendChatMessage", "POST", "/helix/chat/messages", USER),
    MethodFact("chat.sendChatMessageAsApp", "POST", "/helix/chat/messages", APP),
    MethodFact("chat.getSharedChatSession", "GET", "/helix/shared_chat/session"),
    MethodFact("extensions.getExtensionTransactions", "GET", "/helix/extensions/transactions", APP),
    MethodFact("moderation.banUser", "POST", "/helix/moderation/bans", USER),
    MethodFact("moderation.getModerators", "GET", "/helix/moderation/moderators", USER),
    MethodFact("raids.startRaid", "POST", "/helix/raids", USER),
    MethodFact("streams.getStreamKey", "GET", "/helix/streams/key", USER),
    MethodFact("videos.deleteVideosByIds", "DELETE", "/helix/videos", USER),
    MethodFact("whispers.sendWhisper", "POST", "/helix/whispers", USER),
    MethodFact("schedule.getScheduleAsIcal", "GET", "/helix/schedule/icalendar"),
    MethodFact("entitlements.updateDropsEntitlements", "PATCH", "/helix/entitlements/drops"),
    MethodFact("eventSub.getConduits", "GET", "/helix/eventsub/conduits"),
    MethodFact("eventSub.deleteSubscription", "DELETE", "/helix/eventsub/subscriptions"),
    # createSubscription('channel.follow', '2', ...) picks the token from the transport.
    MethodFact("eventSub.subscribeToChannelFollowEvents", "POST", "/helix/eventsub/subscriptions"),
]


@pytest.mark.parametrize("fact", TWURPLE_FACTS, ids=lambda fact: fact.name)
def test_twurple_method(registry, fact):
    check_method(registry, "twurple", fact)


def test_twurple_method_count(registry):
    assert len(registry.sdks["twurple"].methods) == 294


def test_twurple_eventsub_subscribe_methods(registry):
    methods = registry.sdks["twurple"].methods
    subscribe = [method for name, method in methods.items() if name.startswith("eventSub.subscribeTo")]
    assert len(subscribe) == 84
    assert {method.endpoint for method in subscribe} == {"create-eventsub-subscription"}
    assert methods["eventSub.subscribeToChannelFollowEvents"].note == "Subscription type channel.follow, version 2."


def test_twurple_multi_endpoint_methods_left_out(registry):
    """deleteAllSubscriptions lists the subscriptions and deletes each one, so it calls two endpoints."""
    methods = registry.sdks["twurple"].methods
    assert "eventSub.deleteAllSubscriptions" not in methods
    assert "eventSub.deleteBrokenSubscriptions" not in methods


def test_twurple_auth(registry):
    auth = {(entry.name, entry.token): entry for entry in registry.sdks["twurple"].auth}
    # constructor(clientId, clientSecret, impliedScopes = []) in packages/auth/src/providers/AppTokenAuthProvider.ts.
    assert auth[("AppTokenAuthProvider", APP)] == SdkAuth("AppTokenAuthProvider", "constructor", APP, None, None)
    # constructor(clientId, accessToken, scopes?) in StaticAuthProvider.ts.
    assert auth[("StaticAuthProvider", USER)].scopes == SdkArgument(2, None)
    assert auth[("addUserForToken", USER)].call == "method"


# ---------------------------------------------------------------- TwitchIO v2.10.0 and v3.2.2

# 2.x methods send their token argument or the client's token, so they force no token kind.
# 3.x methods force a user access token when they always pass a user in token_for, and the app
# access token when they never pass one.
TWITCHIO_FACTS = [
    # 2.x twitchio/http.py, Route(method, path, token=token).
    MethodFact("TwitchHTTP.get_users", "GET", "/helix/users"),
    MethodFact("TwitchHTTP.post_create_clip", "POST", "/helix/clips"),
    MethodFact("TwitchHTTP.get_channel_subscriptions", "GET", "/helix/subscriptions"),
    MethodFact("TwitchHTTP.post_commercial", "POST", "/helix/channels/commercial"),
    MethodFact("TwitchHTTP.get_user_follows", "GET", "/helix/users/follows"),
    # 2.x twitchio/user.py, through the TwitchHTTP methods above and post_follow_channel.
    MethodFact("PartialUser.fetch_subscriptions", "GET", "/helix/subscriptions"),
    MethodFact("PartialUser.follow", "POST", "/helix/users/follows"),
    # In both versions.
    MethodFact("Client.fetch_users", "GET", "/helix/users"),
    MethodFact("PartialUser.create_clip", "POST", "/helix/clips"),
    MethodFact("CustomRewardRedemption.fulfill", "PATCH", "/helix/channel_points/custom_rewards/redemptions"),
    # 3.x twitchio/http.py, Route(method, path, token_for=...).
    MethodFact("HTTPClient.get_users", "GET", "/helix/users"),
    MethodFact("HTTPClient.post_create_clip", "POST", "/helix/clips", USER),
    MethodFact("HTTPClient.get_broadcaster_subscriptions", "GET", "/helix/subscriptions", USER),
    MethodFact("HTTPClient.get_channel_editors", "GET", "/helix/channels/editors", USER),
    MethodFact("HTTPClient.get_conduits", "GET", "/helix/eventsub/conduits", APP),
    MethodFact("HTTPClient.get_extension_transactions", "GET", "/helix/extensions/transactions", APP),
    # 3.x twitchio/user.py and client.py.
    MethodFact("PartialUser.fetch_broadcaster_subscriptions", "GET", "/helix/subscriptions", USER),
    MethodFact("PartialUser.user", "GET", "/helix/users", APP),
    MethodFact("Client.subscribe_websocket", "POST", "/helix/eventsub/subscriptions", USER),
    MethodFact("Client.subscribe_webhook", "POST", "/helix/eventsub/subscriptions", APP),
]


@pytest.mark.parametrize("fact", TWITCHIO_FACTS, ids=lambda fact: fact.name)
def test_twitchio_method(registry, fact):
    check_method(registry, "twitchio", fact)


def test_twitchio_method_count(registry):
    assert len(registry.sdks["twitchio"].methods) == 404


def test_twitchio_method_count_per_class(registry):
    classes = [name.split(".")[0] for name in registry.sdks["twitchio"].methods]
    assert classes.count("TwitchHTTP") == 92
    assert classes.count("HTTPClient") == 112


def test_twitchio_unmapped_paths(registry):
    """3.x requests /helix/channels/ads/snooze and POST /helix/chat/shared_chat/session, which the reference lacks."""
    methods = registry.sdks["twitchio"].methods
    for name in ("HTTPClient.post_snooze_ad", "PartialUser.snooze_next_ad", "HTTPClient.get_shared_chat_session", "TwitchHTTP.post_redeem_code"):
        assert name not in methods


def test_twitchio_fetch_followers_versions(registry):
    """2.x PartialUser.fetch_followers calls the removed Get Users Follows, 3.x Get Channel Followers."""
    method = registry.sdks["twitchio"].methods["PartialUser.fetch_followers"]
    assert method.endpoint == "get-channel-followers"
    assert "GET /helix/users/follows" in method.note


def test_twitchio_auth(registry):
    auth = {(entry.name, entry.token) for entry in registry.sdks["twitchio"].auth}
    # 2.x Client(token, *, client_secret=None, ...) and 3.x Client(*, client_id, client_secret, ...).
    assert ("Client", USER) in auth
    assert ("Client", APP) in auth
    assert ("add_token", USER) in auth
    assert ("from_client_credentials", APP) in auth
