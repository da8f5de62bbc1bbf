"""Cases a new user found: SDK objects per module, own classes, selectors, suppressions, encodings, HTML pages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from twitchpolicy.checker import run_checks
from twitchpolicy.config import Config
from twitchpolicy.registry import load_registry
from twitchpolicy.scan import scan_paths, script_parts


def places(tmp_path: Path, files: dict[str, str], config: Config | None = None) -> list[str]:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    registry = load_registry()
    outcome = run_checks(registry, scan_paths([str(tmp_path)], registry=registry), config or Config())
    return [f"{Path(finding.path).name}:{finding.line}:{finding.column}: {finding.code}" for finding in outcome.findings]


def cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "twitchpolicy", *args], cwd=tmp_path, capture_output=True, text=True)


def test_same_sdk_name_in_two_modules(tmp_path: Path) -> None:
    stats = (
        "from twitchAPI.twitch import Twitch\n\n"
        "async def clip(app_id, secret):\n"
        "    twitch = await Twitch(app_id, secret)\n"
        "    await twitch.create_clip('1')\n"
    )
    userbot = (
        "from twitchAPI.twitch import Twitch\nfrom twitchAPI.type import AuthScope\n\n"
        "async def run(app_id, secret, token, refresh):\n"
        "    twitch = await Twitch(app_id, secret)\n"
        "    await twitch.set_user_authentication(token, [AuthScope.CLIPS_EDIT], refresh)\n"
        "    await twitch.create_clip('1')\n"
    )
    assert places(tmp_path, {"stats.py": stats, "userbot.py": userbot}) == ["stats.py:5:11: TP201"]


def test_own_class_method_named_like_sdk(tmp_path: Path) -> None:
    source = (
        "from twitchio.ext import commands\n\n"
        "class FollowStore:\n"
        "    async def fetch_follow(self, login):\n"
        "        return None\n\n"
        "async def lookup(login):\n"
        "    store = FollowStore()\n"
        "    await store.fetch_follow(login)\n"
        "    return await FollowStore().fetch_follow(login)\n"
    )
    assert places(tmp_path, {"db.py": source}) == []


def test_sdk_subclass_keeps_sdk_methods(tmp_path: Path) -> None:
    source = (
        "from twitchio.ext import commands\n\n"
        "class Bot(commands.Bot):\n"
        "    async def followage(self, user, channel):\n"
        "        return await user.fetch_follow(channel)\n"
    )
    assert places(tmp_path, {"bot.py": source}) == ["bot.py:5:22: TP102"]


def test_select_accepts_comma_list(tmp_path: Path) -> None:
    (tmp_path / "bot.py").write_text('URL = "https://api.twitch.tv/kraken/streams/1"\n', encoding="utf-8")
    result = cli(tmp_path, "check", "--select", "TP101,TP103", "bot.py")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith("bot.py:1:7: TP103 ")


def test_suppression_for_deselected_rule_not_unused(tmp_path: Path) -> None:
    source = 'CLIENT_SECRET = "abcd1234efgh5678ijkl9012mnop34"  # twitchpolicy: ignore[TP405]\n'
    assert places(tmp_path, {"bot.py": source}, Config(ignore=("TP405",))) == []
    assert places(tmp_path, {"bot.py": source}) == []


def test_suppression_unknown_code_not_echoed(tmp_path: Path) -> None:
    source = 'CLIENT_SECRET = "x"  # twitchpolicy: ignore[abcd1234efgh5678ijkl9012mnop34!]\n'
    (tmp_path / "bot.py").write_text(source, encoding="utf-8")
    result = cli(tmp_path, "check", "bot.py")
    assert result.stdout.splitlines()[0] == "bot.py:1:22: TP903 suppression ignore[<not a rule code>] matches no finding"
    assert "abcd1234" not in result.stdout


def test_utf8_bom_file_parses(tmp_path: Path) -> None:
    source = '\ufeffCLIENT_SECRET = "abcd1234efgh5678ijkl9012mnop34"\nTWITCH = "https://api.twitch.tv/helix"\n'
    assert places(tmp_path, {"bot.py": source}) == ["bot.py:1:17: TP405"]


def test_json_dump_keeps_refresh_token(tmp_path: Path) -> None:
    source = (
        "import json\nimport requests\n\n"
        "def login(code):\n"
        "    tokens = requests.post('https://id.twitch.tv/oauth2/token', data={'grant_type': 'authorization_code', 'code': code}).json()\n"
        "    with open('tokens.json', 'w') as file:\n"
        "        json.dump(tokens, file)\n"
    )
    assert places(tmp_path, {"login.py": source}) == []


def test_html_reads_only_scripts() -> None:
    page = '<pre>fetch("https://api.twitch.tv/helix/users&amp;")</pre>\n<script>\nfetch("https://api.twitch.tv/kraken/x");\n</script>\n'
    blanked = script_parts(page)
    assert blanked.splitlines()[0].strip() == ""
    assert blanked.splitlines()[2] == 'fetch("https://api.twitch.tv/kraken/x");'
    assert len(blanked) == len(page)
