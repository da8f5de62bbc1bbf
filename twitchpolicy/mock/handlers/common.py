"""Helpers shared by the Helix handlers: parameters, pagination and the empty success response."""

from __future__ import annotations

import base64
import json
import re
from typing import TYPE_CHECKING, Any

from twitchpolicy.mock.protocol import BadRequestBody, HelixError, Response, empty_response, json_response

if TYPE_CHECKING:
    from twitchpolicy.mock.helix import HelixContext
    from twitchpolicy.mock.world import World

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Twitch's API reference caps repeated id, login and game parameters at 100 values
# ("You may specify a maximum of 100 IDs" on Get Channel Information).
MAX_IDS = 100

_ASCII_COUNT = re.compile(r"[0-9]{1,9}")


def require(context: HelixContext, name: str) -> str:
    """Return the query parameter ``name``; raise 400 ``Missing required parameter "name"`` without it."""
    value = context.request.param(name)
    if not value:
        raise HelixError(400, f'Missing required parameter "{name}"')
    return value


def limited_params(context: HelixContext, name: str, maximum: int = MAX_IDS) -> list[str]:
    """Return every value of the query parameter ``name``; raise 400 when there are more than ``maximum``."""
    values = context.request.params(name)
    if len(values) > maximum:
        # NOTE: Twitch's wording for more values than the limit is an assumption.
        raise HelixError(400, f'The request may contain at most {maximum} "{name}" values.')
    return values


def body(context: HelixContext) -> dict[str, Any]:
    try:
        return context.request.json_object()
    except BadRequestBody as error:
        raise HelixError(400, str(error)) from None


def require_field(data: dict[str, Any], name: str) -> Any:
    value = data.get(name)
    if value is None or value == "":
        raise HelixError(400, f'Missing required parameter "{name}"')
    return value


def require_id_field(data: dict[str, Any], name: str) -> str:
    """Return the required body field ``name``, a user id, as text; raise 400 when it is not a string."""
    value = require_field(data, name)
    # NOTE: how Twitch responds to an id sent as a JSON number is not documented, so the mock accepts its digits.
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise HelixError(400, f'The field "{name}" must be a string.')
    return str(value)


def user_fields(world: World, user_id: str, prefix: str) -> dict[str, str]:
    """Return ``{prefix_id, prefix_login, prefix_name}`` for a user, as Helix bodies name them."""
    user = world.users.get(user_id)
    return {
        f"{prefix}_id": user_id,
        f"{prefix}_login": user.login if user else "",
        f"{prefix}_name": user.display_name if user else "",
    }


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        offset = json.loads(base64.urlsafe_b64decode(padded))["o"]
    except (ValueError, KeyError, TypeError):
        # NOTE: Twitch's wording for a malformed cursor is not documented.
        raise HelixError(400, f'Invalid value for parameter "after": {cursor!r} is not a cursor from this API') from None
    if not isinstance(offset, int) or offset < 0:
        raise HelixError(400, f'Invalid value for parameter "after": {cursor!r} is not a cursor from this API')
    return offset


def parse_count(text: str) -> int | None:
    """Return ``text`` as a non-negative integer when it is 1 to 9 ASCII digits, else None.

    str.isdigit() would also accept "²" and "٣", which int() rejects or reads as a
    number. The length limit keeps int() below the interpreter's limit on digits.
    """
    if _ASCII_COUNT.fullmatch(text) is None:
        return None
    return int(text)


def page_size(context: HelixContext, maximum: int = MAX_PAGE_SIZE, default: int = DEFAULT_PAGE_SIZE) -> int:
    text = context.request.param("first")
    if text is None:
        return default
    size = parse_count(text)
    if size is None or not 1 <= size <= maximum:
        # NOTE: Twitch's wording for an out-of-range "first" is not documented.
        raise HelixError(400, f'Invalid value for parameter "first": {text!r}; it must be a number from 1 to {maximum}')
    return size


def paginate(context: HelixContext, items: list[Any], maximum: int = MAX_PAGE_SIZE, default: int = DEFAULT_PAGE_SIZE) -> tuple[list[Any], dict[str, str]]:
    """Return one page of ``items`` and the ``pagination`` object: ``{"cursor": ...}``, or ``{}`` on the last page."""
    size = page_size(context, maximum, default)
    after = context.request.param("after")
    start = decode_cursor(after) if after else 0
    page = items[start : start + size]
    if start + size < len(items):
        return page, {"cursor": encode_cursor(start + size)}
    return page, {}


def ok(payload: dict[str, Any], status: int = 200) -> Response:
    return json_response(status, payload)


def no_content() -> Response:
    return empty_response(204)


def empty_success(context: HelixContext) -> Response:
    """Build the response to an authorized call to an endpoint without a data model.

    GET returns 200 ``{"data": []}``, with ``"pagination": {}`` when the endpoint takes
    a cursor. DELETE returns 204, and POST, PUT and PATCH return 200 ``{"data": []}``.
    NOTE: some of these endpoints return 204 on Twitch, so a client that checks for
    exactly 204 on a POST, PUT or PATCH will see 200 here.
    """
    method = context.endpoint.method
    if method == "DELETE":
        return no_content()
    payload: dict[str, Any] = {"data": []}
    if method == "GET" and any(parameter.name == "after" for parameter in context.endpoint.query):
        payload["pagination"] = {}
    return ok(payload)


def icalendar(context: HelixContext) -> Response:
    """Respond to Get Channel iCalendar, the one endpoint without authorization, with an empty calendar."""
    broadcaster_id = require(context, "broadcaster_id")
    text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//mock twitch//schedule {broadcaster_id}//EN", "END:VCALENDAR", ""])
    return Response(200, [("Content-Type", "text/calendar; charset=utf-8")], text.encode())


HANDLERS = {"get-channel-icalendar": icalendar}
