"""Create Clip and Get Clips; a created clip appears in Get Clips."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from twitchpolicy.mock.handlers.common import limited_params, ok, paginate, require
from twitchpolicy.mock.model import Clip
from twitchpolicy.mock.protocol import HelixError, Response

if TYPE_CHECKING:
    from twitchpolicy.mock.helix import HelixContext
    from twitchpolicy.mock.world import World

# Create Clip accepts a duration from 5 to 60 seconds; 30 is the default.
MIN_CLIP_SECONDS = 5.0
MAX_CLIP_SECONDS = 60.0
DEFAULT_CLIP_SECONDS = 30.0

_DECIMAL = re.compile(r"[0-9]{1,3}(\.[0-9]{1,6})?")


def clip_body(world: World, clip: Clip) -> dict[str, Any]:
    broadcaster = world.users.get(clip.broadcaster_id)
    creator = world.users.get(clip.creator_id)
    slug = clip.id
    return {
        "id": slug,
        "url": f"https://clips.twitch.tv/{slug}",
        "embed_url": f"https://clips.twitch.tv/embed?clip={slug}",
        "broadcaster_id": clip.broadcaster_id,
        "broadcaster_name": broadcaster.display_name if broadcaster else "",
        "creator_id": clip.creator_id,
        "creator_name": creator.display_name if creator else "",
        "video_id": clip.video_id,
        "game_id": clip.game_id,
        "language": "en",
        "title": clip.title,
        "view_count": clip.view_count,
        "created_at": clip.created_at,
        "thumbnail_url": f"https://clips-media-assets2.twitch.tv/{slug}-preview-480x272.jpg",
        "duration": clip.duration,
        "vod_offset": clip.vod_offset,
        "is_featured": clip.is_featured,
    }


def create_clip(context: HelixContext) -> Response:
    world = context.world
    broadcaster_id = require(context, "broadcaster_id")
    channel = world.channels.get(broadcaster_id)
    if channel is None or not channel.live:
        # NOTE: Twitch responds 404 for a channel that is not live, but the wording is an assumption.
        raise HelixError(404, "Clipping is not possible for an offline channel.")
    duration_text = context.request.param("duration")
    duration = DEFAULT_CLIP_SECONDS
    if duration_text is not None:
        # float() also reads "nan", "inf" and non-ASCII digits, which Twitch rejects.
        duration = float(duration_text) if _DECIMAL.fullmatch(duration_text) else -1.0
        if not MIN_CLIP_SECONDS <= duration <= MAX_CLIP_SECONDS:
            raise HelixError(400, f'Invalid value for parameter "duration": {duration_text!r}; it must be from 5 to 60 seconds')
    clip_id = "MockClip" + world.new_slug(12).capitalize()
    clip = Clip(
        id=clip_id,
        broadcaster_id=broadcaster_id,
        creator_id=context.principal.user_id or "",
        title=context.request.param("title") or channel.title,
        created_at=world.clock.rfc3339(),
        game_id=channel.game_id,
        duration=duration,
    )
    world.clips.append(clip)
    return ok({"data": [{"id": clip_id, "edit_url": f"https://clips.twitch.tv/{clip_id}/edit"}]}, status=202)


def get_clips(context: HelixContext) -> Response:
    world = context.world
    request = context.request
    broadcaster_id = request.param("broadcaster_id")
    game_id = request.param("game_id")
    ids = limited_params(context, "id")
    if sum(1 for given in (broadcaster_id, game_id, ids) if given) != 1:
        # NOTE: Twitch requires exactly one of the three; the wording is an assumption.
        raise HelixError(400, 'The request must name exactly one of "broadcaster_id", "game_id" or "id".')
    # Newest first. world.clips is in creation order, so its index breaks ties between
    # clips created in the same second.
    ordered = sorted(enumerate(world.clips), key=lambda item: (item[1].created_at, item[0]), reverse=True)
    clips = [clip for _, clip in ordered]
    if broadcaster_id:
        clips = [clip for clip in clips if clip.broadcaster_id == broadcaster_id]
    elif game_id:
        clips = [clip for clip in clips if clip.game_id == game_id]
    else:
        clips = [clip for clip in clips if clip.id in ids]
    if request.param("is_featured") in ("true", "false"):
        featured = request.param("is_featured") == "true"
        clips = [clip for clip in clips if clip.is_featured == featured]
    page, pagination = paginate(context, clips)
    return ok({"data": [clip_body(world, clip) for clip in page], "pagination": pagination})


HANDLERS = {"create-clip": create_clip, "get-clips": get_clips}
