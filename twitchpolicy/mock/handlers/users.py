"""Get Users and Update User."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from twitchpolicy.mock.handlers.common import ok
from twitchpolicy.mock.model import User
from twitchpolicy.mock.protocol import HelixError, Response

if TYPE_CHECKING:
    from twitchpolicy.mock.helix import HelixContext

MAX_USERS = 100


def user_body(user: User, with_email: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": user.id,
        "login": user.login,
        "display_name": user.display_name,
        "type": "",
        "broadcaster_type": user.broadcaster_type,
        "description": user.description,
        "profile_image_url": f"https://static-cdn.jtvnw.net/jtv_user_pictures/{user.login}-profile_image-300x300.png",
        "offline_image_url": "",
        "view_count": 0,
    }
    if with_email:
        data["email"] = user.email
    data["created_at"] = user.created_at
    return data


def get_users(context: HelixContext) -> Response:
    world = context.world
    ids = context.request.params("id")
    logins = [login.lower() for login in context.request.params("login")]
    if len(ids) + len(logins) > MAX_USERS:
        raise HelixError(400, f"The request may name at most {MAX_USERS} users with id and login together.")
    token = context.principal.token
    if not ids and not logins:
        if context.principal.user_id is None:
            # Seen on Twitch for an app access token without id or login.
            raise HelixError(400, "Must provide an ID, Login or OAuth Token.")
        ids = [context.principal.user_id]
    found = [user for user in world.users.values() if user.id in ids or user.login in logins]
    email_scope = token is not None and "user:read:email" in token.scopes
    data = [user_body(user, email_scope and user.id == context.principal.user_id) for user in found]
    return ok({"data": data})


def update_user(context: HelixContext) -> Response:
    user = context.world.users[context.principal.user_id or ""]
    description = context.request.param("description")
    if description is not None:
        user.description = description
    token = context.principal.token
    return ok({"data": [user_body(user, token is not None and "user:read:email" in token.scopes)]})


HANDLERS = {"get-users": get_users, "update-user": update_user}
