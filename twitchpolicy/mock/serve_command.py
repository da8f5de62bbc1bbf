"""Helpers of ``twitchpolicy mock serve``: build the world, print the start-up line, log requests and stop on a signal."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any, TextIO
from urllib.parse import urlsplit

from twitchpolicy.mock.clock import Clock
from twitchpolicy.mock.server import MockServer, logger
from twitchpolicy.mock.world import World


def build_world(seed: int, clock: str, rate_limit: int, consenting_user: str, deny: bool, redirect_uris: Sequence[str]) -> World:
    """Build the served world.

    Raise KeyError for an unknown consenting user, and ValueError for a redirect URI
    that is not an absolute http or https URL or that has a fragment.
    """
    for uri in redirect_uris:
        parts = urlsplit(uri)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{uri!r} is not an absolute http or https URL")
        if "#" in uri:
            # The authorize step puts an implicit-flow token in the fragment, so a second one would clash.
            raise ValueError(f"{uri!r} has a fragment; OAuth 2.0 redirect URIs must not have one, so remove the '#' part")
    world = World(seed=seed, clock=Clock.from_wall_time() if clock == "wall" else Clock(), rate_limit=rate_limit)
    world.consenting_user = consenting_user
    if deny:
        world.consent = "deny"
    client = world.client
    client.redirect_uris = tuple(dict.fromkeys((*client.redirect_uris, *redirect_uris)))
    return world


def announcement(server: MockServer, seed: int) -> dict[str, Any]:
    """Return the start-up record: base URLs, the default client's credentials and a ready app access token."""
    world = server.world
    client = world.client
    consenting_user = world.consenting_user
    return {
        "helix_url": server.helix_url,
        "oauth_url": server.oauth_url,
        "client_id": client.client_id,
        "client_secret": client.client_secret,
        "redirect_uris": list(client.redirect_uris),
        "app_token": world.app_token().access_token,
        "consenting_user": consenting_user.login if consenting_user is not None else None,
        "consent": world.consent,
        "host": server.host,
        "port": server.port,
        "seed": seed,
    }


def log_to(stream: TextIO) -> logging.Handler:
    """Send the server's INFO log (one line per request) to ``stream``."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return handler


def serve_until_signal(server: MockServer, seed: int) -> None:
    """Start ``server``, print the announcement as one JSON line on stdout, and serve until SIGINT or SIGTERM.

    Raise ServerError when the server cannot start. The caller installs no handlers
    for SIGINT and SIGTERM, because this function replaces them while it serves.
    """
    stop = threading.Event()
    previous = {number: signal.signal(number, lambda *_: stop.set()) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.start()
        try:
            sys.stdout.write(json.dumps(announcement(server, seed)) + "\n")
            sys.stdout.flush()
            logger.info("serving Helix on %s and OAuth on %s; stop with Ctrl-C", server.helix_url, server.oauth_url)
            # Event.wait() with a timeout returns to Python now and then, so the signal handler runs promptly.
            while not stop.wait(0.5):
                pass
        finally:
            server.stop()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
