"""Baselines: --write-baseline records the current findings, and --baseline hides them on later runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Project
from report_project import BOT, CLIP_MESSAGE
from twitchpolicy.fingerprint import fingerprints, normalize_message

JS_BOT = """\
const CLIENT_ID = process.env.CLIENT_ID;

export async function topGames() {
  return fetch("https://api.twitch.tv/helix/games/top", { headers: { "Client-Id": CLIENT_ID } });
}
"""


def edited(text: str) -> str:
    """Add blank lines at the top and change a line that no finding sits on."""
    return "\n\n\n" + text.replace('HELIX = "https://api.twitch.tv/helix"', 'HELIX = "https://api.twitch.tv/helix"  # the Helix base URL')


def test_write_baseline_file(project: Project, cli) -> None:
    project.write("bot.py", BOT)
    result = cli("check", "--write-baseline", "twitchpolicy-baseline.json", ".", cwd=project.root)

    assert result.returncode == 0
    assert result.stdout == "Wrote 3 findings to baseline twitchpolicy-baseline.json.\n"
    text = (project.root / "twitchpolicy-baseline.json").read_text(encoding="utf-8")
    document = json.loads(text)
    assert document["version"] == 1
    assert [(entry["path"], entry["code"], entry["message"]) for entry in document["findings"]] == [
        ("bot.py", "TP201", "Create Clip (POST /helix/clips) does not accept an app access token; it needs a user access token (token from client_credentials request at bot.py)"),
        ("bot.py", "TP201", "Get Chatters (GET /helix/chat/chatters) does not accept an app access token; it needs a user access token (token from client_credentials request at bot.py)"),
        ("bot.py", "TP402", "Get Top Games (GET /helix/games/top) is called without an Authorization header; Helix requires a token on every call"),
    ]
    assert text.endswith("}\n")
    assert '"line"' not in text


def test_baseline_stable_across_edits(project: Project, cli) -> None:
    project.write("bot.py", BOT)
    cli("check", "--write-baseline", "baseline.json", ".", cwd=project.root)
    first = (project.root / "baseline.json").read_text(encoding="utf-8")
    project.write("bot.py", edited(BOT))
    cli("check", "--write-baseline", "baseline.json", ".", cwd=project.root)

    assert (project.root / "baseline.json").read_text(encoding="utf-8") == first


def test_baseline_hides_after_edits(project: Project, cli) -> None:
    project.write("bot.py", BOT)
    project.write("web/games.js", JS_BOT)
    cli("check", "--write-baseline", "baseline.json", ".", cwd=project.root)
    project.write("bot.py", edited(BOT))
    project.write("web/games.js", "// Top games for the overlay.\n\n" + JS_BOT)
    result = cli("check", "--baseline", "baseline.json", ".", cwd=project.root)

    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "All checks passed (2 files scanned; 4 findings hidden by baseline baseline.json)."


def test_baseline_shows_changed_endpoint(project: Project, cli) -> None:
    project.write("bot.py", BOT)
    cli("check", "--write-baseline", "baseline.json", ".", cwd=project.root)
    project.write("bot.py", edited(BOT).replace('HELIX + "/clips"', 'HELIX + "/chat/announcements"'))
    result = cli("check", "--baseline", "baseline.json", ".", cwd=project.root)

    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "bot.py:18:12: TP201 Send Chat Announcement (POST /helix/chat/announcements) does not accept an app access token; "
        "it needs a user access token (token from client_credentials request at bot.py:12) "
        "(https://dev.twitch.tv/docs/api/reference/#send-chat-announcement)"
    )
    assert lines[-1] == "Found 1 finding in 1 file scanned; 2 findings hidden by baseline baseline.json."


def test_baseline_shows_new_duplicate(project: Project, cli) -> None:
    project.write("bot.py", BOT)
    cli("check", "--write-baseline", "baseline.json", ".", cwd=project.root)
    project.write("bot.py", BOT + '\n\ndef more_games(client_id):\n    return requests.get(HELIX + "/games/top", headers={"Client-Id": client_id})\n')
    result = cli("check", "--baseline", "baseline.json", "--format", "json", ".", cwd=project.root)

    document = json.loads(result.stdout)
    assert [(finding["code"], finding["line"]) for finding in document["findings"]] == [("TP402", 29)]
    assert document["baseline"] == {"path": "baseline.json", "hidden": 3}


def test_baseline_count_on_stderr(project: Project, cli) -> None:
    project.write("bot.py", BOT)
    cli("check", "--write-baseline", "baseline.json", ".", cwd=project.root)
    result = cli("check", "--baseline", "baseline.json", "--format", "github", ".", cwd=project.root)

    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr == "twitchpolicy: 3 findings hidden by baseline baseline.json\n"


def test_baseline_count_in_sarif(project: Project, cli) -> None:
    project.write("bot.py", BOT)
    cli("check", "--write-baseline", "baseline.json", ".", cwd=project.root)
    result = cli("check", "--baseline", "baseline.json", "--format", "sarif", ".", cwd=project.root)

    run = json.loads(result.stdout)["runs"][0]
    assert run["results"] == []
    assert run["properties"] == {"baseline": "baseline.json", "hiddenByBaseline": 3}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "twitchpolicy: error: baseline file not found: baseline.json; create it with --write-baseline baseline.json"),
        ('{"version": 1,\n "findings": [}', "twitchpolicy: error: baseline.json:2: invalid baseline: Expecting value"),
        ("[]", "twitchpolicy: error: baseline.json: invalid baseline: expected a JSON object with version and findings, got list"),
        ('{"version": 2, "findings": []}', "twitchpolicy: error: baseline.json: invalid baseline: unsupported version 2; this twitchpolicy reads version 1"),
        ('{"version": 1}', "twitchpolicy: error: baseline.json: invalid baseline: 'findings' must be a list, got None"),
        ('{"version": 1, "findings": [{"path": "bot.py"}]}', "twitchpolicy: error: baseline.json: invalid baseline: findings[0] has no fingerprint string: {'path': 'bot.py'}"),
    ],
)
def test_baseline_invalid(project: Project, cli, content: str | None, message: str) -> None:
    project.write("bot.py", BOT)
    if content is not None:
        project.write("baseline.json", content)
    result = cli("check", "--baseline", "baseline.json", ".", cwd=project.root)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == message + "\n"


def test_baseline_path_through_symlink(tmp_path: Path, cli) -> None:
    # A shell's $PWD keeps a symbolic link that the process's working directory resolves.
    real = tmp_path / "real"
    real.mkdir()
    (real / "bot.py").write_text('import requests\nrequests.get("https://api.twitch.tv/kraken/users")\n', encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)

    cli("check", "--no-cache", "--write-baseline", "baseline.json", ".", cwd=link)
    linked = cli("check", "--no-cache", "--format", "gitlab", "--baseline", "baseline.json", str(link), cwd=link)
    plain = cli("check", "--no-cache", "--format", "gitlab", str(link), cwd=link)

    assert linked.returncode == 0
    assert json.loads(linked.stdout) == []
    assert [issue["location"]["path"] for issue in json.loads(plain.stdout)] == ["bot.py"]


def test_baseline_options_exclusive(project: Project, cli) -> None:
    project.write("bot.py", BOT)
    result = cli("check", "--baseline", "a.json", "--write-baseline", "b.json", ".", cwd=project.root)

    assert result.returncode == 2
    assert result.stderr == "twitchpolicy: error: --baseline and --write-baseline cannot be combined; --write-baseline records every current finding\n"


def test_normalize_message_drops_lines() -> None:
    assert normalize_message(CLIP_MESSAGE) == CLIP_MESSAGE.replace("bot.py:9", "bot.py")
    assert normalize_message("from device code request at src/a.py:22, authorize URL at web/b.js:7") == "from device code request at src/a.py, authorize URL at web/b.js"
    assert normalize_message("scope moderator:read:chatters at http://localhost:3000") == "scope moderator:read:chatters at http://localhost:3000"


def test_fingerprint_follows_line_text(project: Project) -> None:
    project.write("bot.py", BOT)
    before = project.check()
    project.write("bot.py", BOT.replace('    return requests.get(HELIX + "/games/top"', '    games = requests.get(HELIX + "/games/top"'))
    after = project.check()

    assert [finding.message for finding in after.findings] == [finding.message for finding in before.findings]
    old = fingerprints(before.findings, before.result.sources)
    new = fingerprints(after.findings, after.result.sources)
    assert old[:2] == new[:2]
    assert old[2] != new[2]



USER_BOT = """\
import requests

HELIX = "https://api.twitch.tv/helix"
AUTHORIZE = "https://id.twitch.tv/oauth2/authorize?response_type=code&scope=chat:read"


def user_token(client_id, client_secret, code):
    body = {"grant_type": "authorization_code", "code": code, "client_id": client_id, "client_secret": client_secret}
    return requests.post("https://id.twitch.tv/oauth2/token", data=body).json()["access_token"]


def make_clip(client_id, client_secret, code, broadcaster_id):
    token = user_token(client_id, client_secret, code)
    headers = {"Authorization": f"Bearer {token}", "Client-Id": client_id}
    return requests.post(HELIX + "/clips", params={"broadcaster_id": broadcaster_id}, headers=headers)
"""


def missing_scope_prints(project: Project) -> tuple[list[str], list[str]]:
    outcome = project.check()
    pairs = [(finding.message, fingerprint) for finding, fingerprint in zip(outcome.findings, fingerprints(outcome.findings, outcome.result.sources)) if finding.code == "TP301"]
    return [message for message, _ in pairs], [fingerprint for _, fingerprint in pairs]


def test_fingerprint_ignores_requested_scopes(project: Project) -> None:
    project.write("bot.py", USER_BOT)
    before_messages, before_prints = missing_scope_prints(project)
    project.write("bot.py", USER_BOT.replace("scope=chat:read", "scope=chat:read+user:read:chat"))
    after_messages, after_prints = missing_scope_prints(project)

    assert before_messages == ["Create Clip (POST /helix/clips) needs scope clips:edit, which the code never requests (requested: chat:read; from authorize URL at bot.py:4)"]
    assert after_messages == ["Create Clip (POST /helix/clips) needs scope clips:edit, which the code never requests (requested: chat:read, user:read:chat; from authorize URL at bot.py:4)"]
    assert after_prints == before_prints


def test_fingerprint_changes_with_missing_scope(project: Project) -> None:
    project.write("bot.py", USER_BOT)
    _, before_prints = missing_scope_prints(project)
    project.write("bot.py", USER_BOT.replace('HELIX + "/clips"', 'HELIX + "/moderation/moderators"'))
    after_messages, after_prints = missing_scope_prints(project)

    assert after_messages == ["Add Channel Moderator (POST /helix/moderation/moderators) needs scope channel:manage:moderators, which the code never requests (requested: chat:read; from authorize URL at bot.py:4)"]
    assert len(after_prints) == 1
    assert after_prints != before_prints
