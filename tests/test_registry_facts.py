"""Check registry entries against the Twitch API reference, one endpoint per table row.

Every expected value below was written from the reference page
https://dev.twitch.tv/docs/api/reference/ and not copied from the policy YAML, so the
test checks the YAML independently. The sources were each endpoint's Authorization
section, URL line, request parameter descriptions and 401 response codes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from twitchpolicy.registry import load_registry

SELF = "self"
MODERATOR = "moderator"
EDITOR = "editor"
BROADCASTER_OR_MODERATOR = "broadcaster-or-moderator"
BROADCASTER_OR_EDITOR = "broadcaster-or-editor"

GUEST_STAR_READ = ("channel:read:guest_star", "channel:manage:guest_star", "moderator:read:guest_star", "moderator:manage:guest_star")


@dataclass(frozen=True)
class Fact:
    """What the reference states for one endpoint.

    ``identity`` rows are (parameter, location, role) for a user access token.
    """

    id: str
    method: str
    path: str
    token_kinds: tuple[str, ...]
    all_of: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    identity: tuple[tuple[str, str, str], ...] = ()


FACTS = [
    # Ads
    Fact("start-commercial", "POST", "/helix/channels/commercial", ("user",), ("channel:edit:commercial",), (), (("broadcaster_id", "body", SELF),)),
    # The newer ads page accepts an app access token once the broadcaster granted channel:read:ads to the client.
    Fact("get-ad-schedule", "GET", "/helix/channels/ads", ("app", "user"), ("channel:read:ads",), (), (("broadcaster_id", "query", SELF),)),
    Fact("snooze-next-ad", "POST", "/helix/channels/ads/schedule/snooze", ("user",), ("channel:manage:ads",), (), (("broadcaster_id", "query", SELF),)),
    # Analytics and Bits
    Fact("get-extension-analytics", "GET", "/helix/analytics/extensions", ("user",), ("analytics:read:extensions",)),
    Fact("get-bits-leaderboard", "GET", "/helix/bits/leaderboard", ("user",), ("bits:read",)),
    Fact("get-cheermotes", "GET", "/helix/bits/cheermotes", ("app", "user")),
    Fact("get-extension-transactions", "GET", "/helix/extensions/transactions", ("app",)),
    Fact("get-extension-bits-products", "GET", "/helix/bits/extensions", ("app",)),
    # Channels
    Fact("get-channel-information", "GET", "/helix/channels", ("app", "user")),
    Fact("modify-channel-information", "PATCH", "/helix/channels", ("user",), ("channel:manage:broadcast",), (), (("broadcaster_id", "query", SELF),)),
    Fact("get-channel-editors", "GET", "/helix/channels/editors", ("user",), ("channel:read:editors",), (), (("broadcaster_id", "query", SELF),)),
    Fact("get-followed-channels", "GET", "/helix/channels/followed", ("user",), ("user:read:follows",), (), (("user_id", "query", SELF),)),
    # The reference states "Requires a user access token", and its 401 codes repeat that.
    Fact(
        # The reference requires a user access token, yet says a call without the scope gets only the
        # total; clients see app access tokens accepted with the total only, and the registry records that.
        "get-channel-followers", "GET", "/helix/channels/followers", ("app", "user"), ("moderator:read:followers",), (),
        (("broadcaster_id", "query", BROADCASTER_OR_MODERATOR),),
    ),
    # Channel Points and Charity
    Fact("create-custom-rewards", "POST", "/helix/channel_points/custom_rewards", ("user",), ("channel:manage:redemptions",), (), (("broadcaster_id", "query", SELF),)),
    Fact(
        "get-custom-reward", "GET", "/helix/channel_points/custom_rewards", ("user",), (),
        ("channel:read:redemptions", "channel:manage:redemptions"), (("broadcaster_id", "query", SELF),),
    ),
    Fact("get-charity-campaign", "GET", "/helix/charity/campaigns", ("user",), ("channel:read:charity",), (), (("broadcaster_id", "query", SELF),)),
    # Chat
    Fact("get-chatters", "GET", "/helix/chat/chatters", ("user",), ("moderator:read:chatters",), (), (("moderator_id", "query", MODERATOR),)),
    Fact("get-channel-emotes", "GET", "/helix/chat/emotes", ("app", "user")),
    Fact("get-user-emotes", "GET", "/helix/chat/emotes/user", ("user",), ("user:read:emotes",), (), (("user_id", "query", SELF),)),
    Fact("update-chat-settings", "PATCH", "/helix/chat/settings", ("user",), ("moderator:manage:chat_settings",), (), (("moderator_id", "query", MODERATOR),)),
    Fact("send-chat-announcement", "POST", "/helix/chat/announcements", ("user",), ("moderator:manage:announcements",), (), (("moderator_id", "query", MODERATOR),)),
    Fact("send-a-shoutout", "POST", "/helix/chat/shoutouts", ("user",), ("moderator:manage:shoutouts",), (), (("moderator_id", "query", MODERATOR),)),
    Fact("send-chat-message", "POST", "/helix/chat/messages", ("app", "user"), ("user:write:chat",), (), (("sender_id", "body", SELF),)),
    Fact("get-user-chat-color", "GET", "/helix/chat/color", ("app", "user")),
    Fact("update-user-chat-color", "PUT", "/helix/chat/color", ("user",), ("user:manage:chat_color",), (), (("user_id", "query", SELF),)),
    # Clips
    Fact("create-clip", "POST", "/helix/clips", ("user",), ("clips:edit",)),
    Fact("get-clips", "GET", "/helix/clips", ("app", "user")),
    # Conduits and content labels
    Fact("get-conduits", "GET", "/helix/eventsub/conduits", ("app",)),
    Fact("create-conduits", "POST", "/helix/eventsub/conduits", ("app",)),
    Fact("delete-conduit", "DELETE", "/helix/eventsub/conduits", ("app",)),
    Fact("get-content-classification-labels", "GET", "/helix/content_classification_labels", ("app", "user")),
    # Entitlements: the 400 response states that user_id must match the user in a user access token.
    Fact("get-drops-entitlements", "GET", "/helix/entitlements/drops", ("app", "user"), (), (), (("user_id", "query", SELF),)),
    # Extensions
    Fact("get-extension-configuration-segment", "GET", "/helix/extensions/configurations", ("jwt",)),
    Fact("get-released-extensions", "GET", "/helix/extensions/released", ("app", "user")),
    # EventSub
    Fact("create-eventsub-subscription", "POST", "/helix/eventsub/subscriptions", ("app", "user")),
    Fact("get-eventsub-subscriptions", "GET", "/helix/eventsub/subscriptions", ("app", "user")),
    Fact("delete-eventsub-subscription", "DELETE", "/helix/eventsub/subscriptions", ("app", "user")),
    # Games, Goals, Guest Star, Hype Train
    Fact("get-games", "GET", "/helix/games", ("app", "user")),
    Fact("get-top-games", "GET", "/helix/games/top", ("app", "user")),
    Fact("get-creator-goals", "GET", "/helix/goals", ("user",), ("channel:read:goals",), (), (("broadcaster_id", "query", SELF),)),
    Fact("get-channel-guest-star-settings", "GET", "/helix/guest_star/channel_settings", ("user",), (), GUEST_STAR_READ, (("moderator_id", "query", MODERATOR),)),
    Fact("get-hype-train-status", "GET", "/helix/hypetrain/status", ("user",), ("channel:read:hype_train",), (), (("broadcaster_id", "query", SELF),)),
    # Moderation
    Fact("ban-user", "POST", "/helix/moderation/bans", ("user",), ("moderator:manage:banned_users",), (), (("moderator_id", "query", MODERATOR),)),
    Fact("unban-user", "DELETE", "/helix/moderation/bans", ("user",), ("moderator:manage:banned_users",), (), (("moderator_id", "query", MODERATOR),)),
    Fact(
        "get-banned-users", "GET", "/helix/moderation/banned", ("user",), (),
        ("moderation:read", "moderator:manage:banned_users"), (("broadcaster_id", "query", SELF),),
    ),
    Fact("get-moderators", "GET", "/helix/moderation/moderators", ("user",), (), ("moderation:read", "channel:manage:moderators"), (("broadcaster_id", "query", SELF),)),
    Fact("add-channel-moderator", "POST", "/helix/moderation/moderators", ("user",), ("channel:manage:moderators",), (), (("broadcaster_id", "query", SELF),)),
    Fact("get-vips", "GET", "/helix/channels/vips", ("user",), (), ("channel:read:vips", "channel:manage:vips"), (("broadcaster_id", "query", SELF),)),
    Fact("get-moderated-channels", "GET", "/helix/moderation/channels", ("user",), ("user:read:moderated_channels",), (), (("user_id", "query", SELF),)),
    Fact("delete-chat-messages", "DELETE", "/helix/moderation/chat", ("user",), ("moderator:manage:chat_messages",), (), (("moderator_id", "query", MODERATOR),)),
    # Polls and Raids
    Fact("get-polls", "GET", "/helix/polls", ("user",), (), ("channel:read:polls", "channel:manage:polls"), (("broadcaster_id", "query", SELF),)),
    Fact("create-poll", "POST", "/helix/polls", ("user",), ("channel:manage:polls",), (), (("broadcaster_id", "body", SELF),)),
    Fact("start-a-raid", "POST", "/helix/raids", ("user",), ("channel:manage:raids",), (), (("from_broadcaster_id", "query", SELF),)),
    # Schedule and Search
    Fact("get-channel-stream-schedule", "GET", "/helix/schedule", ("app", "user")),
    Fact("get-channel-icalendar", "GET", "/helix/schedule/icalendar", ("none",)),
    Fact("search-channels", "GET", "/helix/search/channels", ("app", "user")),
    # Streams. The URL line of Get Stream Key omits the method, and GET is the only one that fits.
    Fact("get-streams", "GET", "/helix/streams", ("app", "user")),
    Fact("get-stream-key", "GET", "/helix/streams/key", ("user",), ("channel:read:stream_key",), (), (("broadcaster_id", "query", SELF),)),
    Fact("get-followed-streams", "GET", "/helix/streams/followed", ("user",), ("user:read:follows",), (), (("user_id", "query", SELF),)),
    Fact("create-stream-marker", "POST", "/helix/streams/markers", ("user",), ("channel:manage:broadcast",), (), (("user_id", "body", BROADCASTER_OR_EDITOR),)),
    # Subscriptions
    Fact("get-broadcaster-subscriptions", "GET", "/helix/subscriptions", ("app", "user"), ("channel:read:subscriptions",), (), (("broadcaster_id", "query", SELF),)),
    Fact("check-user-subscription", "GET", "/helix/subscriptions/user", ("app", "user"), ("user:read:subscriptions",), (), (("user_id", "query", SELF),)),
    # Users, Videos, Whispers
    Fact("get-users", "GET", "/helix/users", ("app", "user")),
    Fact("update-user", "PUT", "/helix/users", ("user",), ("user:edit",)),
    Fact("get-authorization-by-user", "GET", "/helix/authorization/users", ("app",)),
    Fact("get-user-block-list", "GET", "/helix/users/blocks", ("user",), ("user:read:blocked_users",), (), (("broadcaster_id", "query", SELF),)),
    Fact("get-user-extensions", "GET", "/helix/users/extensions/list", ("user",), (), ("user:read:broadcast", "user:edit:broadcast")),
    Fact("get-videos", "GET", "/helix/videos", ("app", "user")),
    Fact("delete-videos", "DELETE", "/helix/videos", ("user",), ("channel:manage:videos",)),
    Fact("send-whisper", "POST", "/helix/whispers", ("user",), ("user:manage:whispers",), (), (("from_user_id", "query", SELF),)),
]


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def test_table_has_enough_endpoints():
    assert len(FACTS) >= 45
    assert len({fact.id for fact in FACTS}) == len(FACTS)


@pytest.mark.parametrize("fact", FACTS, ids=[fact.id for fact in FACTS])
def test_endpoint_matches_reference(registry, fact):
    endpoint = registry.endpoint(fact.id)
    assert endpoint is not None, f"endpoint {fact.id!r} not found"

    assert endpoint.method == fact.method
    assert endpoint.path == fact.path
    assert endpoint.auth.token_kinds == fact.token_kinds

    user = endpoint.auth.user
    if "user" not in fact.token_kinds:
        assert user is None
        return
    assert user.scopes.all_of == fact.all_of
    assert user.scopes.any_of == fact.any_of
    identity = tuple((rule.param, rule.location, rule.role) for rule in user.identity)
    assert identity == fact.identity


@pytest.mark.parametrize("endpoint_id", [fact.id for fact in FACTS])
def test_reference_anchor_matches_id(registry, endpoint_id):
    endpoint = registry.endpoint(endpoint_id)
    assert endpoint.reference == f"https://dev.twitch.tv/docs/api/reference/#{endpoint_id}"


# ---------------------------------------------------------------- token details


def test_get_users_optional_email(registry):
    user = registry.endpoint("get-users").auth.user
    assert [optional.scope for optional in user.optional_scopes] == ["user:read:email"]


def test_get_users_app_unrestricted(registry):
    app = registry.endpoint("get-users").auth.app
    assert app.only_for is None
    assert app.authorized_by == ()


def test_send_chat_message_sender_grant(registry):
    """With an app access token the chatting user must have granted user:write:chat and user:bot."""
    grants = registry.endpoint("send-chat-message").auth.app.authorized_by
    sender = [grant for grant in grants if grant.param == "sender_id"]
    assert len(sender) == 1
    assert sender[0].location == "body"
    assert set(sender[0].scopes.all_of) == {"user:write:chat", "user:bot"}
    assert sender[0].scopes.any_of == ()
    assert sender[0].or_moderator is False


def test_send_chat_message_broadcaster_grant(registry):
    """With an app access token the broadcaster must have granted channel:bot, unless the sender moderates."""
    grants = registry.endpoint("send-chat-message").auth.app.authorized_by
    broadcaster = [grant for grant in grants if grant.param == "broadcaster_id"]
    assert len(broadcaster) == 1
    assert broadcaster[0].location == "body"
    assert broadcaster[0].scopes.all_of == ("channel:bot",)
    assert broadcaster[0].or_moderator is True


def test_send_chat_message_two_grants(registry):
    grants = registry.endpoint("send-chat-message").auth.app.authorized_by
    assert sorted(grant.param for grant in grants) == ["broadcaster_id", "sender_id"]


@pytest.mark.parametrize(
    "endpoint_id",
    ["get-extension-transactions", "get-extension-bits-products", "get-broadcaster-subscriptions", "check-user-subscription"],
)
def test_app_token_only_for_extension(registry, endpoint_id):
    assert registry.endpoint(endpoint_id).auth.app.only_for == "extension"


@pytest.mark.parametrize("endpoint_id", ["get-streams", "get-users", "get-clips", "get-conduits", "get-drops-entitlements"])
def test_app_token_open_to_all(registry, endpoint_id):
    assert registry.endpoint(endpoint_id).auth.app.only_for is None


@pytest.mark.parametrize(
    "endpoint_id", ["create-eventsub-subscription", "get-eventsub-subscriptions", "delete-eventsub-subscription"]
)
def test_eventsub_app_transports(registry, endpoint_id):
    assert registry.endpoint(endpoint_id).auth.app.transports == ("webhook", "conduit")


@pytest.mark.parametrize(
    "endpoint_id", ["create-eventsub-subscription", "get-eventsub-subscriptions", "delete-eventsub-subscription"]
)
def test_eventsub_user_transports(registry, endpoint_id):
    assert registry.endpoint(endpoint_id).auth.user.transports == ("websocket",)


@pytest.mark.parametrize(
    "endpoint_id", ["create-eventsub-subscription", "get-eventsub-subscriptions", "delete-eventsub-subscription"]
)
def test_eventsub_no_fixed_scopes(registry, endpoint_id):
    """The scopes depend on the subscription type, so the entry requires none of its own."""
    assert not registry.endpoint(endpoint_id).auth.user.scopes


def test_extension_segment_jwt_external(registry):
    assert registry.endpoint("get-extension-configuration-segment").auth.jwt_role == "external"


def test_icalendar_needs_no_token(registry):
    auth = registry.endpoint("get-channel-icalendar").auth
    assert auth.none is True
    assert auth.user is None
    assert auth.app is None


def test_channel_followers_without_scope(registry):
    """Without the scope, or for a user who is not broadcaster or moderator, only the total is returned."""
    assert registry.endpoint("get-channel-followers").auth.user.without_scopes is not None
    assert registry.endpoint("get-channel-followers").auth.app.limited == "Returns only the total follower count."


def test_guest_star_settings_beta(registry):
    assert registry.endpoint("get-channel-guest-star-settings").status == "beta"


@pytest.mark.parametrize("endpoint_id", ["get-streams", "create-clip", "ban-user", "send-chat-message", "get-conduits"])
def test_live_endpoint_status(registry, endpoint_id):
    assert registry.endpoint(endpoint_id).status == "live"


# ---------------------------------------------------------------- removed endpoints


def test_users_follows_removed(registry):
    endpoint = registry.endpoint("get-users-follows")
    assert endpoint is not None, "get-users-follows not found"
    assert endpoint.status == "removed"
    assert endpoint.removed_on == "2023-09-12"


def test_users_follows_route(registry):
    endpoint = registry.endpoint("get-users-follows")
    assert endpoint is not None, "get-users-follows not found"
    assert endpoint.method == "GET"
    assert endpoint.path == "/helix/users/follows"


def test_users_follows_replacements(registry):
    endpoint = registry.endpoint("get-users-follows")
    assert endpoint is not None, "get-users-follows not found"
    assert set(endpoint.replaced_by) == {"get-followed-channels", "get-channel-followers"}
    assert len(endpoint.replaced_by) == 2


# ---------------------------------------------------------------- lookup


def test_lookup_ignores_case_query_fragment(registry):
    result = registry.lookup("GET", "HTTPS://API.Twitch.tv/helix/users/?login=x#frag")
    assert result.api == "helix"
    assert result.entry.id == "get-users"


def test_lookup_bare_path(registry):
    assert registry.lookup("PUT", "/helix/users").entry.id == "update-user"


def test_lookup_method_case(registry):
    assert registry.lookup("post", "https://api.twitch.tv/helix/clips").entry.id == "create-clip"


def test_lookup_allowed_methods(registry):
    result = registry.lookup("PUT", "https://api.twitch.tv/helix/clips")
    assert result.entry is None
    assert result.allowed_methods == ("GET", "POST")


def test_lookup_any_method(registry):
    result = registry.lookup(None, "https://api.twitch.tv/helix/eventsub/subscriptions")
    assert result.entry is None
    assert result.allowed_methods == ("DELETE", "GET", "POST")


def test_lookup_unknown_helix_path(registry):
    result = registry.lookup("GET", "https://api.twitch.tv/helix/stream")
    assert result.api == "helix"
    assert result.path_entries == ()
    assert result.entry is None


def test_lookup_removed_endpoint(registry):
    result = registry.lookup("GET", "https://api.twitch.tv/helix/users/follows?to_id=12345")
    assert result.entry is not None, "GET /helix/users/follows not found"
    assert result.entry.id == "get-users-follows"
    assert result.entry.status == "removed"


def test_lookup_foreign_host(registry):
    result = registry.lookup("GET", "https://example.com/helix/users")
    assert result.api is None
    assert result.entry is None


def test_lookup_id_host_helix_rejected(registry):
    assert registry.lookup("GET", "https://id.twitch.tv/helix/users").api is None


# Kraken and OAuth entries come from policy/kraken.yaml and policy/oauth.yaml.


def kraken_entry(registry, method, url):
    result = registry.lookup(method, url)
    assert result.api == "kraken"
    assert result.entry is not None, f"no Kraken entry for {method} {url}"
    return result.entry


def test_kraken_user_by_login(registry):
    entry = kraken_entry(registry, "GET", "https://api.twitch.tv/kraken/users?login=fake_user")
    assert entry.id == "kraken-get-users"
    assert entry.path == "/kraken/users"
    assert entry.replaced_by == ("get-users",)


def test_kraken_channel_followers_template(registry):
    entry = kraken_entry(registry, "GET", "https://api.twitch.tv/kraken/channels/12345/follows")
    assert entry.id == "kraken-get-channel-followers"
    assert entry.path == "/kraken/channels/{channel_id}/follows"
    assert "get-channel-followers" in entry.replaced_by


def test_kraken_stream_template(registry):
    entry = kraken_entry(registry, "GET", "https://api.twitch.tv/kraken/streams/12345")
    assert entry.id == "kraken-get-stream-by-user"
    assert entry.path == "/kraken/streams/{channel_id}"
    assert entry.replaced_by == ("get-streams",)


def test_kraken_literal_beats_template(registry):
    """/kraken/streams/followed must match its own entry, not /kraken/streams/{channel_id}."""
    entry = kraken_entry(registry, "GET", "https://api.twitch.tv/kraken/streams/followed")
    assert entry.id == "kraken-get-followed-streams"
    assert entry.path == "/kraken/streams/followed"


def test_kraken_unknown_path(registry):
    result = registry.lookup("GET", "https://api.twitch.tv/kraken/no/such/route/here")
    assert result.api == "kraken"
    assert result.path_entries == ()


def test_kraken_shutdown_date(registry):
    assert registry.kraken_shutdown_on == "2022-02-28"


def test_oauth_token_lookup(registry):
    result = registry.lookup("POST", "https://id.twitch.tv/oauth2/token?grant_type=client_credentials")
    assert result.api == "oauth"
    assert result.entry.id == "oauth-token"


def test_oauth_validate_lookup(registry):
    assert registry.lookup("GET", "https://id.twitch.tv/oauth2/validate").entry.id == "oauth-validate"


def test_oauth_revoke_method(registry):
    result = registry.lookup("GET", "https://id.twitch.tv/oauth2/revoke")
    assert result.entry is None
    assert result.allowed_methods == ("POST",)


def test_oauth_unknown_path(registry):
    result = registry.lookup("POST", "https://id.twitch.tv/oauth2/tokens")
    assert result.api == "oauth"
    assert result.path_entries == ()


def test_oauth_on_api_host_rejected(registry):
    assert registry.lookup("POST", "https://api.twitch.tv/oauth2/token").api is None
