"""Recognise Twitch API URLs and reduce them to the API and path that the registry is keyed on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

API_HOST = "api.twitch.tv"
ID_HOST = "id.twitch.tv"

# Stands for a part of a URL whose value the scanner could not resolve.
UNKNOWN = "\x00"

_PREFIXES = {"helix": "helix", "kraken": "kraken", "oauth2": "oauth"}


@dataclass(frozen=True)
class TwitchURL:
    """A Twitch API URL: ``api`` is helix, kraken or oauth; ``path`` starts with /helix, /kraken or /oauth2.

    ``segments`` are the path segments after the API prefix, None where a segment
    contains an unresolved value.
    """

    api: str
    path: str
    segments: tuple[str | None, ...]
    host: str | None

    @property
    def is_complete(self) -> bool:
        return None not in self.segments

    @property
    def is_base(self) -> bool:
        """True for the bare API root, such as ``https://api.twitch.tv/helix``."""
        return not self.segments


def parse_twitch_url(url: str) -> TwitchURL | None:
    """Return the Twitch API URL in ``url``, or None when it is not one.

    Accepts ``https://api.twitch.tv/helix/users?id=1``, ``//api.twitch.tv/kraken/...``,
    ``https://id.twitch.tv/oauth2/token`` and bare paths such as ``/helix/users/``.
    Host case, query strings, fragments, repeated and trailing slashes are ignored.
    """
    words = url.split()
    if not words:
        return None
    # A URL contains no white space: "https://api.twitch.tv/helix/users failed" names /helix/users.
    text = words[0]
    host: str | None = None
    if "://" in text or text.startswith("//"):
        if text.startswith("//"):
            text = "https:" + text
        try:
            parts = urlsplit(text)
        except ValueError:
            return None
        host = (parts.hostname or "").lower()
        path = parts.path
        if host not in (API_HOST, ID_HOST):
            return None
    else:
        path = re.split(r"[?#]", text, maxsplit=1)[0]
        if not path.startswith("/"):
            return None
    raw_segments = [segment for segment in path.split("/") if segment]
    if not raw_segments:
        return None
    prefix = raw_segments[0].lower()
    api = _PREFIXES.get(prefix)
    if api is None:
        return None
    if host == ID_HOST and api != "oauth" or host == API_HOST and api == "oauth":
        return None
    segments = tuple(None if UNKNOWN in segment else segment for segment in raw_segments[1:])
    clean_path = "/" + "/".join([prefix] + ["{}" if segment is None else segment for segment in segments])
    return TwitchURL(api=api, path=clean_path, segments=segments, host=host)
