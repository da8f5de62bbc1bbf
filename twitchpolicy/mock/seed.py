"""Deterministic starting data: clients, a live channel with its community, clips and bans.

Every name, id and secret here is invented. Ids start at 1000001; logins name
the user's role (``mock_streamer``, ``bot_user``, ``mod_user``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twitchpolicy.mock.clock import format_rfc3339
from twitchpolicy.mock.model import Ban, Clip

if TYPE_CHECKING:
    from twitchpolicy.mock.world import World

DEFAULT_CLIENT_ID = "fakeclientid000000000000000001"
DEFAULT_CLIENT_SECRET = "fakeclientsecret00000000000001"
DEFAULT_REDIRECT_URI = "http://localhost:3000/callback"
PUBLIC_CLIENT_ID = "fakepublicclient00000000000001"
EXTENSION_CLIENT_ID = "fakeextension00000000000000001"
EXTENSION_SECRET = b"fake-extension-secret-0001"

VIEWER_COUNT = 45
SUBSCRIBED_VIEWERS = 12
CHATTING_VIEWERS = 30
SEEDED_CLIPS = 25

GAMES = {"509658": "Just Chatting", "27471": "Minecraft", "21779": "League of Legends", "32982": "Grand Theft Auto V"}


def populate(world: World) -> None:
    """Fill an empty world; the same seed gives the same data."""
    world.games = dict(GAMES)
    world._default_client = world.add_client(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, [DEFAULT_REDIRECT_URI], name="mock bot")
    world.public_client = world.add_client(PUBLIC_CLIENT_ID, None, [DEFAULT_REDIRECT_URI], name="mock device app")
    world.extension = world.add_client(EXTENSION_CLIENT_ID, "fakeextensionsecret00000000001", [], name="mock extension", extension_secret=EXTENSION_SECRET)

    now = world.clock.now()
    world.broadcaster = world.add_user("1000001", "mock_streamer", "Mock_Streamer", broadcaster_type="partner", description="A mock channel for tests.")
    world.bot = world.add_user("1000002", "bot_user", "Bot_User", description="The bot under test.")
    world.moderator = world.add_user("1000003", "mod_user", "Mod_User")
    world.vip = world.add_user("1000004", "vip_user", "VIP_User")
    world.subscriber = world.add_user("1000005", "sub_user", "Sub_User")
    world.follower = world.add_user("1000006", "follower_user", "Follower_User")
    world.editor = world.add_user("1000007", "editor_user", "Editor_User")
    world.other_broadcaster = world.add_user("1000008", "other_streamer", "Other_Streamer", broadcaster_type="affiliate")
    world.consenting_user = world.bot

    channel_id = world.broadcaster.id
    world.add_role(channel_id, world.bot, "moderator")
    world.add_role(channel_id, world.moderator, "moderator")
    world.add_role(channel_id, world.editor, "editor")
    world.add_role(channel_id, world.vip, "vip")
    world.add_role(channel_id, world.subscriber, "subscriber", tier="1000")
    world.add_role(channel_id, world.vip, "subscriber", tier="2000", is_gift=True, gifter=world.subscriber)
    for index, user in enumerate((world.bot, world.moderator, world.vip, world.subscriber, world.follower)):
        world.add_role(channel_id, user, "follower", followed_at=format_rfc3339(now - (index + 1) * 86400 * 30))
    world.add_role(world.other_broadcaster, world.bot, "follower", followed_at=format_rfc3339(now - 86400 * 7))

    viewers = []
    for number in range(1, VIEWER_COUNT + 1):
        viewer = world.add_user(str(1000100 + number), f"viewer_{number:03d}", f"Viewer_{number:03d}")
        viewers.append(viewer)
        world.add_role(channel_id, viewer, "follower", followed_at=format_rfc3339(now - number * 3600 - world.random.randrange(3600)))
        if number <= SUBSCRIBED_VIEWERS:
            world.add_role(channel_id, viewer, "subscriber", tier=world.random.choice(("1000", "1000", "1000", "2000", "3000")))

    channel = world.channels[channel_id]
    channel.title = "Testing the bot, all day"
    channel.tags = ["English", "Testing"]
    channel.live = True
    channel.stream_id = "40000000001"
    channel.viewer_count = 120 + world.random.randrange(400)
    channel.started_at = format_rfc3339(now - 2 * 3600)
    other = world.channels[world.other_broadcaster.id]
    other.game_id, other.game_name = "27471", GAMES["27471"]
    for channel_state in world.channels.values():
        channel_state.chat_settings = {
            "slow_mode": False,
            "slow_mode_wait_time": None,
            "follower_mode": False,
            "follower_mode_duration": None,
            "subscriber_mode": False,
            "emote_mode": False,
            "unique_chat_mode": False,
            "non_moderator_chat_delay": False,
            "non_moderator_chat_delay_duration": None,
        }

    world.chatters[channel_id] = [world.broadcaster.id, world.bot.id, world.moderator.id, world.vip.id] + [viewer.id for viewer in viewers[:CHATTING_VIEWERS]]

    for number in range(1, SEEDED_CLIPS + 1):
        creator = viewers[(number * 7) % len(viewers)]
        world.clips.append(
            Clip(
                id=f"SeededClip{number:03d}",
                broadcaster_id=channel_id,
                creator_id=creator.id,
                title=f"Seeded clip {number}",
                created_at=format_rfc3339(now - number * 86400),
                game_id="509658",
                duration=float(10 + world.random.randrange(50)),
                view_count=world.random.randrange(5000),
                video_id="",
                is_featured=number % 5 == 0,
            )
        )

    for banned in viewers[-2:]:
        world.bans[(channel_id, banned.id)] = Ban(channel_id, banned.id, world.moderator.id, format_rfc3339(now - 86400), "", "seeded ban")
