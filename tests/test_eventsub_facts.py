"""Check the EventSub subscription types against the reference, one type version per table row.

Every expected value below was written from the Authorization sections and request body
tables of https://dev.twitch.tv/docs/eventsub/eventsub-subscription-types/ (page dated
2026-02-04) and the condition tables of
https://dev.twitch.tv/docs/eventsub/eventsub-reference/#conditions, not copied from the
policy YAML, so the test checks the YAML independently. Removed versions come from the
changelog, https://dev.twitch.tv/docs/change-log/.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest

from twitchpolicy.registry import Parameter

TYPES_PAGE = "https://dev.twitch.tv/docs/eventsub/eventsub-subscription-types/#"
REDEMPTIONS = ("channel:read:redemptions", "channel:manage:redemptions")
GUEST_STAR = ("channel:read:guest_star", "channel:manage:guest_star", "moderator:read:guest_star", "moderator:manage:guest_star")
MODERATE_V1_GROUPS = (
    ("moderator:read:blocked_terms", "moderator:manage:blocked_terms"),
    ("moderator:read:chat_settings", "moderator:manage:chat_settings"),
    ("moderator:read:unban_requests", "moderator:manage:unban_requests"),
    ("moderator:read:banned_users", "moderator:manage:banned_users"),
    ("moderator:read:chat_messages", "moderator:manage:chat_messages"),
)


@dataclass(frozen=True)
class Fact:
    """What the reference states for one version of a subscription type.

    ``condition`` lists (field, required) pairs. ``transports`` is empty where the
    reference allows every transport.
    """

    type: str
    version: str
    status: str
    condition: tuple[tuple[str, bool], ...]
    all_of: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    authorizer: str | None = None
    transports: tuple[str, ...] = ()
    replaced_by: tuple[str, ...] = ()


BROADCASTER = (("broadcaster_user_id", True),)
MODERATED = (("broadcaster_user_id", True), ("moderator_user_id", True))
CHAT = (("broadcaster_user_id", True), ("user_id", True))
CLIENT = (("client_id", True),)

FACTS = [
    # "Must have moderator:read:followers scope"; the condition lets the broadcaster stand in for a moderator.
    Fact("channel.follow", "2", "live", MODERATED, ("moderator:read:followers",), authorizer="moderator_user_id"),
    # Version 1 needed no authorization; the changelog reports it removed on 2023-09-06.
    Fact("channel.follow", "1", "removed", BROADCASTER, replaced_by=("channel.follow@2",)),
    Fact("channel.update", "2", "live", BROADCASTER),
    Fact("channel.subscribe", "1", "live", BROADCASTER, ("channel:read:subscriptions",), authorizer="broadcaster_user_id"),
    Fact("channel.subscription.gift", "1", "live", BROADCASTER, ("channel:read:subscriptions",), authorizer="broadcaster_user_id"),
    Fact("channel.cheer", "1", "live", BROADCASTER, ("bits:read",), authorizer="broadcaster_user_id"),
    Fact("channel.bits.use", "1", "live", BROADCASTER, ("bits:read",), authorizer="broadcaster_user_id"),
    # "Requires user:read:chat scope from the chatting user"; user_id is the user to read chat as.
    Fact("channel.chat.message", "1", "live", CHAT, ("user:read:chat",), authorizer="user_id"),
    Fact("channel.chat.notification", "1", "live", CHAT, ("user:read:chat",), authorizer="user_id"),
    Fact("channel.chat.user_message_hold", "1", "live", CHAT, ("user:read:chat",), authorizer="user_id"),
    # "No authorization required"; one of the two optional fields must be set.
    Fact("channel.raid", "1", "live", (("from_broadcaster_user_id", False), ("to_broadcaster_user_id", False))),
    Fact("stream.online", "1", "live", BROADCASTER),
    Fact("stream.offline", "1", "live", BROADCASTER),
    Fact("channel.ban", "1", "live", BROADCASTER, ("channel:moderate",), authorizer="broadcaster_user_id"),
    Fact("channel.unban", "1", "live", BROADCASTER, ("channel:moderate",), authorizer="broadcaster_user_id"),
    Fact(
        "channel.unban_request.resolve", "1", "live", (("moderator_user_id", True), ("broadcaster_user_id", True)),
        (), ("moderator:read:unban_requests", "moderator:manage:unban_requests"), "moderator_user_id",
    ),
    Fact("channel.moderator.add", "1", "live", BROADCASTER, ("moderation:read",), authorizer="broadcaster_user_id"),
    Fact("channel.channel_points_custom_reward_redemption.add", "1", "live", (("broadcaster_user_id", True), ("reward_id", False)), (), REDEMPTIONS, "broadcaster_user_id"),
    Fact("channel.channel_points_automatic_reward_redemption.add", "2", "live", BROADCASTER, (), REDEMPTIONS, "broadcaster_user_id"),
    Fact("channel.poll.begin", "1", "live", BROADCASTER, (), ("channel:read:polls", "channel:manage:polls"), "broadcaster_user_id"),
    Fact("channel.prediction.lock", "1", "live", BROADCASTER, (), ("channel:read:predictions", "channel:manage:predictions"), "broadcaster_user_id"),
    Fact("channel.vip.add", "1", "live", BROADCASTER, (), ("channel:read:vips", "channel:manage:vips"), "broadcaster_user_id"),
    Fact("channel.warning.send", "1", "live", MODERATED, (), ("moderator:read:warnings", "moderator:manage:warnings"), "moderator_user_id"),
    Fact(
        "channel.suspicious_user.message", "1", "live", (("moderator_user_id", True), ("broadcaster_user_id", True)),
        ("moderator:read:suspicious_users",), (), "moderator_user_id",
    ),
    Fact("channel.shield_mode.begin", "1", "live", MODERATED, (), ("moderator:read:shield_mode", "moderator:manage:shield_mode"), "moderator_user_id"),
    Fact("channel.shoutout.receive", "1", "live", MODERATED, (), ("moderator:read:shoutouts", "moderator:manage:shoutouts"), "moderator_user_id"),
    Fact("channel.ad_break.begin", "1", "live", BROADCASTER, ("channel:read:ads",), authorizer="broadcaster_user_id"),
    Fact("channel.charity_campaign.donate", "1", "live", BROADCASTER, ("channel:read:charity",), authorizer="broadcaster_user_id"),
    Fact("channel.goal.progress", "1", "live", BROADCASTER, ("channel:read:goals",), authorizer="broadcaster_user_id"),
    Fact("channel.hype_train.begin", "2", "live", BROADCASTER, ("channel:read:hype_train",), authorizer="broadcaster_user_id"),
    Fact("channel.hype_train.end", "1", "removed", BROADCASTER, ("channel:read:hype_train",), (), "broadcaster_user_id", replaced_by=("channel.hype_train.end@2",)),
    Fact("channel.shared_chat.begin", "1", "live", BROADCASTER),
    Fact("automod.message.hold", "2", "live", MODERATED, ("moderator:manage:automod",), authorizer="moderator_user_id"),
    Fact("automod.settings.update", "1", "live", MODERATED, ("moderator:read:automod_settings",), authorizer="moderator_user_id"),
    Fact("channel.guest_star_session.begin", "beta", "beta", MODERATED, (), GUEST_STAR, "moderator_user_id"),
    Fact("user.whisper.message", "1", "live", (("user_id", True),), (), ("user:read:whispers", "user:manage:whispers"), "user_id"),
    # "This subscription type is only supported by webhooks, and cannot be used with WebSockets."
    Fact("user.authorization.revoke", "1", "live", CLIENT, transports=("webhook",)),
    Fact("user.authorization.grant", "1", "live", CLIENT, transports=("webhook",)),
    Fact("drop.entitlement.grant", "1", "live", (("organization_id", True), ("category_id", False), ("campaign_id", False)), transports=("webhook",)),
    Fact("extension.bits_transaction.create", "1", "live", (("extension_client_id", True),), transports=("webhook",)),
    # "App access token where the client ID matches the client ID in the condition."
    Fact("conduit.shard.disabled", "1", "live", (("client_id", True), ("conduit_id", False)), transports=("webhook", "conduit")),
]


@pytest.mark.parametrize("fact", FACTS, ids=lambda fact: f"{fact.type}@{fact.version}")
def test_type_matches_reference(registry, fact):
    entry = registry.eventsub_type(fact.type, fact.version)
    assert entry is not None, f"{fact.type} version {fact.version} is missing"
    assert entry.status == fact.status
    assert entry.condition == tuple(Parameter(name, required) for name, required in fact.condition)
    assert entry.scopes.all_of == fact.all_of
    assert entry.scopes.any_of == fact.any_of
    assert entry.scopes.any_of_groups == ()
    assert entry.authorizer == fact.authorizer
    assert entry.transports == fact.transports
    assert entry.replaced_by == fact.replaced_by


def test_at_least_25_facts():
    assert len({(fact.type, fact.version) for fact in FACTS}) >= 25


def test_chat_message_app_token_grants(registry):
    """With an app access token the chatting user also needs user:bot, and the broadcaster channel:bot unless the user moderates."""
    entry = registry.eventsub_type("channel.chat.message", "1")
    grants = {grant.param: grant for grant in entry.app_grants}
    assert set(grants) == {"user_id", "broadcaster_user_id"}
    assert grants["user_id"].scopes.all_of == ("user:bot",)
    assert grants["user_id"].or_moderator is False
    assert grants["broadcaster_user_id"].scopes.all_of == ("channel:bot",)
    assert grants["broadcaster_user_id"].or_moderator is True


def test_user_message_hold_needs_no_channel_bot(registry):
    """The user message hold and update types ask only user:bot of the chatting user for app access tokens."""
    for type_name in ("channel.chat.user_message_hold", "channel.chat.user_message_update"):
        entry = registry.eventsub_type(type_name, "1")
        assert [(grant.param, grant.scopes.all_of) for grant in entry.app_grants] == [("user_id", ("user:bot",))]


def test_chat_types_share_app_grants(registry):
    chat_room_types = [
        "channel.chat.clear",
        "channel.chat.clear_user_messages",
        "channel.chat.message",
        "channel.chat.message_delete",
        "channel.chat.notification",
        "channel.chat_settings.update",
    ]
    for type_name in chat_room_types:
        entry = registry.eventsub_type(type_name, "1")
        assert entry.scopes.all_of == ("user:read:chat",), type_name
        assert [grant.param for grant in entry.app_grants] == ["user_id", "broadcaster_user_id"], type_name


def test_types_without_app_grants(registry):
    with_grants = sorted(entry.type for entry in registry.eventsub_types.values() if entry.app_grants)
    assert all(type_name.startswith(("channel.chat.", "channel.chat_settings.")) for type_name in with_grants)
    assert len(with_grants) == 8


def test_channel_moderate_scope_groups(registry):
    """Both versions need moderators and VIPs read, and one scope of each read/manage pair; version 2 adds warnings."""
    first = registry.eventsub_type("channel.moderate", "1").scopes
    assert first.all_of == ("moderator:read:moderators", "moderator:read:vips")
    assert first.any_of == ()
    assert first.any_of_groups == MODERATE_V1_GROUPS
    second = registry.eventsub_type("channel.moderate", "2").scopes
    assert second.all_of == first.all_of
    assert second.any_of_groups == MODERATE_V1_GROUPS + (("moderator:read:warnings", "moderator:manage:warnings"),)


def test_user_update_email_optional(registry):
    entry = registry.eventsub_type("user.update", "1")
    assert not entry.scopes
    assert [optional.scope for optional in entry.optional_scopes] == ["user:read:email"]
    assert entry.authorizer == "user_id"


def test_status_counts(registry):
    counts = Counter(entry.status for entry in registry.eventsub_types.values())
    assert counts == {"live": 78, "beta": 4, "deprecated": 1, "removed": 5}


def test_reference_table_types_present(registry):
    """The reference's table lists 82 type versions; the registry adds six older ones."""
    current = [entry for entry in registry.eventsub_types.values() if entry.status in ("live", "beta")]
    assert len(current) == 82
    older = sorted(entry.key for entry in registry.eventsub_types.values() if entry.status in ("deprecated", "removed"))
    assert older == [
        "channel.follow@1",
        "channel.guest_star_slot.update@beta",
        "channel.hype_train.begin@1",
        "channel.hype_train.end@1",
        "channel.hype_train.progress@1",
        "channel.update@1",
    ]


def test_older_versions_name_replacements(registry):
    for entry in registry.eventsub_types.values():
        if entry.status in ("deprecated", "removed"):
            assert entry.replaced_by, entry.key
            assert entry.note, entry.key


def test_current_types_name_anchor(registry):
    current = [entry for entry in registry.eventsub_types.values() if entry.status in ("live", "beta")]
    assert [entry.key for entry in current if not entry.reference.startswith(TYPES_PAGE)] == []
    anchors = [entry.reference for entry in current]
    assert len(anchors) == len(set(anchors))


def test_newest_live_versions(registry):
    assert registry.eventsub_type("channel.follow", None).version == "2"
    assert registry.eventsub_type("automod.message.hold", None).version == "2"
    assert registry.eventsub_type("channel.moderate", None).version == "2"
    assert registry.eventsub_type("channel.hype_train.begin", None).version == "2"
    assert registry.eventsub_type("stream.online", None).version == "1"
    assert registry.eventsub_type("channel.guest_star_session.begin", None) is None
    assert registry.eventsub_type("channel.guest_star_slot.update", None) is None


def test_scopes_need_authorizer(registry):
    for entry in registry.eventsub_types.values():
        if entry.scopes:
            assert entry.authorizer in {parameter.name for parameter in entry.condition}, entry.key
