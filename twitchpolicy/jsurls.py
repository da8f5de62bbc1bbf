"""URL joining, query strings and form bodies as JavaScript HTTP clients handle them.

These work on strings that may contain ``urls.UNKNOWN``. ``urllib.parse`` is
avoided for joining because it strips leading control characters, and
UNKNOWN is one.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote_plus

from twitchpolicy.urls import UNKNOWN

_ABSOLUTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z\d+\-.]*:)?//")
_ORIGIN = re.compile(r"^(?:[a-zA-Z][a-zA-Z\d+\-.]*:)?//[^/?#]*")


def is_absolute(url: str) -> bool:
    return _ABSOLUTE.match(url) is not None


def resolve_url(relative: str, base: str) -> str:
    """Resolve ``relative`` against ``base`` as ``new URL(relative, base)`` does."""
    if is_absolute(relative):
        return "https:" + relative if relative.startswith("//") else relative
    if relative.startswith(UNKNOWN):
        return UNKNOWN
    origin = _ORIGIN.match(base)
    if relative.startswith("/"):
        return (origin.group(0) if origin else "") + relative
    without_fragment = base.split("#", 1)[0]
    if relative.startswith("?"):
        return without_fragment.split("?", 1)[0] + relative
    directory = without_fragment.split("?", 1)[0]
    if origin and directory == origin.group(0):
        directory += "/"
    directory = directory[: directory.rfind("/") + 1] if "/" in directory else ""
    while relative.startswith("./"):
        relative = relative[2:]
    while relative.startswith("../") and directory.count("/") > 3:
        directory = directory[: directory.rstrip("/").rfind("/") + 1]
        relative = relative[3:]
    return directory + relative


def join_base_url(base: str, relative: str) -> str:
    """Join axios's ``baseURL`` and a request URL: one slash between them, absolute URLs unchanged."""
    if is_absolute(relative):
        return relative
    if not relative:
        return base
    return re.sub(r"/?/$", "", base) + "/" + relative.lstrip("/")


def join_prefix_url(prefix: str, relative: str) -> str:
    """Join got's or ky's ``prefixUrl`` and a request path: the prefix always ends with a slash."""
    if not prefix.endswith("/"):
        prefix += "/"
    return prefix + relative.lstrip("/")


def encode_component(value: str) -> str:
    """Percent-encode as ``URLSearchParams`` does, keeping UNKNOWN markers as they are."""
    return UNKNOWN.join(quote(part, safe="*-._").replace("%20", "+") for part in value.split(UNKNOWN))


def parse_query(query: str) -> tuple[list[tuple[str, str]], bool]:
    """Split a query string or form body into decoded (name, value) pairs.

    The flag is False when a name could not be read, as in ``?${query}``.
    """
    pairs: list[tuple[str, str]] = []
    complete = True
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        if UNKNOWN in name:
            complete = False
            continue
        pairs.append((unquote_plus(name), unquote_plus(value)))
    return pairs, complete


def split_url_query(url: str) -> tuple[str, str | None]:
    """Return the URL without its query and fragment, and the query (None when it has none)."""
    without_fragment = url.split("#", 1)[0]
    if "?" not in without_fragment:
        return without_fragment, None
    path, query = without_fragment.split("?", 1)
    return path, query


def split_scopes(value: str) -> tuple[tuple[str, ...], bool]:
    """Split a scope list joined with spaces, ``+`` or ``%20``; the flag is False when part is unknown."""
    words = [word for word in re.split(r"(?:\s|\+|%20)+", value) if word]
    known = tuple(word for word in words if UNKNOWN not in word)
    return known, len(known) == len(words)
