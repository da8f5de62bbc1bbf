"""EventSub subscriptions in scanned code: the type and version (TP106) and the scopes the type needs (TP301)."""

from __future__ import annotations

from pathlib import Path

from twitchpolicy.checker import run_checks
from twitchpolicy.config import Config
from twitchpolicy.privilege import minimal_scopes
from twitchpolicy.registry import load_registry
from twitchpolicy.scan import scan_paths

BOT = """\
import requests

AUTHORIZE = "https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=x&redirect_uri=http://localhost&scope={scopes}"


def subscribe(user_token, session_id):
    headers = {{"Client-Id": "cid", "Authorization": f"Bearer {{user_token}}"}}
    body = {{"type": "{kind}", "version": "{version}", "condition": {{"broadcaster_user_id": "1"}}, "transport": {{"method": "websocket", "session_id": session_id}}}}
    return requests.post("https://api.twitch.tv/helix/eventsub/subscriptions", headers=headers, json=body)
"""


def check(tmp_path: Path, kind: str, version: str, scopes: str) -> list[tuple[int, str, str]]:
    (tmp_path / "bot.py").write_text(BOT.format(kind=kind, version=version, scopes=scopes), encoding="utf-8")
    registry = load_registry()
    outcome = run_checks(registry, scan_paths([str(tmp_path)], registry=registry), Config())
    return [(finding.line, finding.code, finding.message) for finding in outcome.findings]


def test_subscription_missing_type_scope(tmp_path: Path) -> None:
    found = check(tmp_path, "channel.subscribe", "1", "chat:read")
    path = tmp_path / "bot.py"
    assert found == [
        (
            9,
            "TP301",
            "Create EventSub Subscription for channel.subscribe version 1 needs scope channel:read:subscriptions, "
            f"which the code never requests (requested: chat:read; from authorize URL at {path}:3)",
        )
    ]


def test_subscription_scope_requested(tmp_path: Path) -> None:
    assert check(tmp_path, "channel.subscribe", "1", "channel:read:subscriptions") == []


def test_subscription_one_of_scopes(tmp_path: Path) -> None:
    found = check(tmp_path, "channel.channel_points_custom_reward_redemption.add", "1", "chat:read")
    assert [(line, code) for line, code, _message in found] == [(9, "TP301")]
    assert "needs scope channel:read:redemptions or channel:manage:redemptions," in found[0][2]
    assert check(tmp_path, "channel.channel_points_custom_reward_redemption.add", "1", "channel:manage:redemptions") == []


def test_removed_subscription_version(tmp_path: Path) -> None:
    found = check(tmp_path, "channel.follow", "1", "moderator:read:followers")
    assert found == [(9, "TP106", "EventSub subscription type channel.follow version 1 was removed; use channel.follow version 2")]


def test_unknown_subscription_type(tmp_path: Path) -> None:
    found = check(tmp_path, "channel.chat.mesage", "1", "user:read:chat")
    assert found == [(9, "TP106", "EventSub subscription type channel.chat.mesage version 1 does not exist; did you mean channel.chat.message?")]


def test_unknown_subscription_version(tmp_path: Path) -> None:
    found = check(tmp_path, "channel.follow", "3", "moderator:read:followers")
    assert found == [(9, "TP106", "EventSub subscription type channel.follow version 3 does not exist; channel.follow has version 2")]


def test_subscription_without_scopes(tmp_path: Path) -> None:
    assert check(tmp_path, "stream.online", "1", "chat:read") == []


def test_minimal_scopes_include_subscriptions(tmp_path: Path) -> None:
    (tmp_path / "bot.py").write_text(BOT.format(kind="channel.subscribe", version="1", scopes="chat:read"), encoding="utf-8")
    registry = load_registry()
    needs = minimal_scopes(registry, scan_paths([str(tmp_path)], registry=registry))
    assert [(need.scope, need.endpoints) for need in needs] == [("channel:read:subscriptions", ("EventSub channel.subscribe version 1",))]
