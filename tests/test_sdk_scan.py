"""Calls through pyTwitchAPI and TwitchIO, found through the SDK maps in policy/sdk/."""

from __future__ import annotations

from pathlib import Path

from twitchpolicy.checker import run_checks
from twitchpolicy.config import Config
from twitchpolicy.registry import load_registry
from twitchpolicy.scan import scan_paths


def check(tmp_path: Path, source: str) -> tuple[list[tuple[int, str, str]], list[str]]:
    (tmp_path / "bot.py").write_text(source, encoding="utf-8")
    registry = load_registry()
    outcome = run_checks(registry, scan_paths([str(tmp_path)], registry=registry), Config())
    findings = [(finding.line, finding.code, finding.message) for finding in outcome.findings]
    return findings, [call.endpoint for call in outcome.unverified]


PYTWITCHAPI_HEADER = """\
from twitchAPI.twitch import Twitch
from twitchAPI.type import AuthScope

async def main(app_id, secret, token, refresh):
"""


def test_pytwitchapi_app_only_user_method(tmp_path: Path) -> None:
    source = PYTWITCHAPI_HEADER + "    twitch = await Twitch(app_id, secret)\n    await twitch.create_clip('1')\n"
    findings, unverified = check(tmp_path, source)
    path = tmp_path / "bot.py"
    assert findings == [
        (
            6,
            "TP201",
            "Create Clip (POST /helix/clips) does not accept an app access token; it needs a user access token "
            f"(app access token from pyTwitchAPI Twitch at {path}:5, and no user authentication is set up)",
        )
    ]
    assert unverified == []


def test_pytwitchapi_user_scopes_satisfied(tmp_path: Path) -> None:
    source = (
        PYTWITCHAPI_HEADER
        + "    twitch = await Twitch(app_id, secret)\n"
        + "    await twitch.set_user_authentication(token, [AuthScope.CLIPS_EDIT], refresh)\n"
        + "    await twitch.create_clip('1')\n"
    )
    assert check(tmp_path, source) == ([], [])


def test_pytwitchapi_missing_scope_names_source(tmp_path: Path) -> None:
    source = (
        PYTWITCHAPI_HEADER
        + "    twitch = await Twitch(app_id, secret)\n"
        + "    await twitch.set_user_authentication(token, [AuthScope.CHAT_READ], refresh)\n"
        + "    await twitch.create_clip('1')\n"
    )
    findings, _ = check(tmp_path, source)
    path = tmp_path / "bot.py"
    assert findings == [
        (
            7,
            "TP301",
            "Create Clip (POST /helix/clips) needs scope clips:edit, which the code never requests "
            f"(requested: chat:read; from user access token set by pyTwitchAPI set_user_authentication at {path}:6)",
        )
    ]


def test_pytwitchapi_without_app_authentication(tmp_path: Path) -> None:
    source = PYTWITCHAPI_HEADER + "    twitch = await Twitch(app_id, authenticate_app=False)\n    await twitch.get_users(logins=['x'])\n"
    findings, unverified = check(tmp_path, source)
    assert findings == []
    assert unverified == ["get-users"]


def test_sdk_method_without_import_ignored(tmp_path: Path) -> None:
    source = "async def main(repo):\n    await repo.create_clip('1')\n"
    assert check(tmp_path, source) == ([], [])


def test_twitchio_removed_endpoint(tmp_path: Path) -> None:
    source = "from twitchio.ext import commands\n\nasync def followage(user, channel):\n    return await user.fetch_follow(channel)\n"
    findings, _ = check(tmp_path, source)
    assert [(line, code) for line, code, _message in findings] == [(4, "TP102")]
    assert findings[0][2].startswith("Get Users Follows (GET /helix/users/follows) was removed on 2023-09-12")


def test_twitchio_client_kind_is_unknown(tmp_path: Path) -> None:
    # Client(...) takes a user access token in TwitchIO 2.x and fetches an app access token in 3.x.
    source = "import twitchio\n\nasync def main(token):\n    client = twitchio.Client(token=token)\n    await client.fetch_users(names=['x'])\n"
    findings, unverified = check(tmp_path, source)
    assert findings == []
    assert unverified == ["get-users"]


def test_twitchio_forced_user_method_checks_scope(tmp_path: Path) -> None:
    source = (
        "import twitchio\n"
        "AUTHORIZE = 'https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=x&redirect_uri=http://localhost&scope=chat:read'\n"
        "async def chatters(channel):\n"
        "    return await channel.fetch_chatters(moderator='1')\n"
    )
    findings, _ = check(tmp_path, source)
    assert [(line, code) for line, code, _message in findings] == [(4, "TP301")]
    assert findings[0][2].startswith("Get Chatters (GET /helix/chat/chatters) needs scope moderator:read:chatters, which the code never requests (requested: chat:read; from authorize URL at ")


def test_twitchio_token_argument_mapped_by_config(tmp_path: Path) -> None:
    source = (
        "from twitchio.ext import commands\n"
        "\n"
        "class Bot(commands.Bot):\n"
        "    async def purge(self, broadcaster_id, message_id):\n"
        "        await self._http.delete_chat_messages(token=self.app_token, broadcaster_id=broadcaster_id, moderator_id=broadcaster_id, message_id=message_id)\n"
    )
    (tmp_path / "bot.py").write_text(source, encoding="utf-8")
    registry = load_registry()
    config = Config(tokens={"self.app_token": "app"})
    outcome = run_checks(registry, scan_paths([str(tmp_path)], registry=registry), config)
    assert [(finding.line, finding.code) for finding in outcome.findings] == [(5, "TP201")]
    assert outcome.findings[0].evidence == "token name self.app_token mapped to app access token in the configuration"


def test_html_script_scanned_as_text(tmp_path: Path) -> None:
    page = '<script>\n  fetch("https://api.twitch.tv/kraken/streams/123");\n</script>\n'
    (tmp_path / "index.html").write_text(page, encoding="utf-8")
    registry = load_registry()
    outcome = run_checks(registry, scan_paths([str(tmp_path)], registry=registry), Config())
    assert [(finding.line, finding.code) for finding in outcome.findings] == [(2, "TP103")]
