"""A small bot shared by the report format tests: two app access token misuses and a call without a token."""

from __future__ import annotations

BOT = """\
import requests

TOKEN_URL = "https://id.twitch.tv/oauth2/token"
HELIX = "https://api.twitch.tv/helix"


def app_token(client_id, client_secret):
    body = {"client_id": client_id, "client_secret": client_secret, "grant_type": "client_credentials"}
    return requests.post(TOKEN_URL, data=body).json()["access_token"]


def make_clip(client_id, client_secret, broadcaster_id):
    token = app_token(client_id, client_secret)
    headers = {"Authorization": f"Bearer {token}", "Client-Id": client_id}
    return requests.post(HELIX + "/clips", params={"broadcaster_id": broadcaster_id}, headers=headers)


def chatters(client_id, client_secret, broadcaster_id):
    token = app_token(client_id, client_secret)
    headers = {"Authorization": f"Bearer {token}", "Client-Id": client_id}
    return requests.get(HELIX + "/chat/chatters", params={"broadcaster_id": broadcaster_id, "moderator_id": broadcaster_id}, headers=headers)


def top_games(client_id):
    return requests.get(HELIX + "/games/top", headers={"Client-Id": client_id})
"""

CLIP_MESSAGE = (
    "Create Clip (POST /helix/clips) does not accept an app access token; it needs a user access token "
    "(token from client_credentials request at bot.py:9)"
)
CHATTERS_MESSAGE = (
    "Get Chatters (GET /helix/chat/chatters) does not accept an app access token; it needs a user access token "
    "(token from client_credentials request at bot.py:9)"
)
GAMES_MESSAGE = "Get Top Games (GET /helix/games/top) is called without an Authorization header; Helix requires a token on every call"
