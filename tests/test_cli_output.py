"""The command line's outputs: secret masking, unverified calls, explain for every rule, and the scopes command."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import Project
from twitchpolicy.cli import main
from twitchpolicy.rules import RULES

FAKE_SECRET = "abcd1234efgh5678ijkl9012mnop34"

SECRETS_BOT = f"""\
import requests

CLIENT_SECRET = "{FAKE_SECRET}"
BOT_TOKEN = "oauth:{FAKE_SECRET}"


def app_token():
    return requests.post("https://id.twitch.tv/oauth2/token", params={{"client_id": "cid", "client_secret": "{FAKE_SECRET}", "grant_type": "client_credentials"}}).json()["access_token"]


def me():
    return requests.get("https://api.twitch.tv/helix/users", params={{"access_token": "{FAKE_SECRET}"}}, headers={{"Client-Id": "cid", "Authorization": "Bearer {FAKE_SECRET}"}})
"""


# ---------------------------------------------------------------- secret masking


def test_secret_masked_in_text(project: Project, cli) -> None:
    project.write("bot.py", SECRETS_BOT)

    result = cli("check", "--verbose", ".", cwd=project.root)

    assert result.returncode == 1
    assert FAKE_SECRET not in result.stdout
    assert FAKE_SECRET not in result.stderr
    assert result.stdout.count("<30 characters, masked>") == 4
    assert result.stdout.count("<36 characters, masked>") == 1


def test_secret_masked_in_json(project: Project, cli) -> None:
    project.write("bot.py", SECRETS_BOT)

    result = cli("check", "--format", "json", ".", cwd=project.root)

    assert result.returncode == 1
    assert FAKE_SECRET not in result.stdout
    assert FAKE_SECRET not in result.stderr
    document = json.loads(result.stdout)
    secrets = [finding for finding in document["findings"] if finding["code"] == "TP405"]
    assert [(finding["line"], finding["column"]) for finding in secrets] == [(3, 17), (4, 13), (8, 108), (12, 86), (12, 167)]
    assert [finding["message"].rsplit(": ", 1)[1] for finding in secrets] == ["<30 characters, masked>", "<36 characters, masked>"] + ["<30 characters, masked>"] * 3


# ---------------------------------------------------------------- unverified calls


UNVERIFIED_BOT = (
    "import requests\n"
    "\n"
    "\n"
    "def viewers(token):\n"
    '    return requests.get("https://api.twitch.tv/helix/streams", headers={"Client-Id": "cid", "Authorization": f"Bearer {token}"})\n'
)


def test_verbose_lists_unverified(project: Project, cli) -> None:
    project.write("bot.py", UNVERIFIED_BOT)
    quiet = cli("check", "bot.py", cwd=project.root)
    verbose = cli("check", "--verbose", "bot.py", cwd=project.root)

    assert quiet.stdout.splitlines() == [
        "1 Helix call with an unknown token kind; --verbose lists them.",
        "All checks passed (1 file scanned).",
    ]
    assert verbose.stdout.splitlines() == [
        "bot.py:5:12: unverified: get-streams: token kind unknown; the token passed through token",
        "All checks passed (1 file scanned).",
    ]
    assert quiet.returncode == verbose.returncode == 0


def test_json_lists_unverified(project: Project, cli) -> None:
    project.write("bot.py", UNVERIFIED_BOT)
    document = json.loads(cli("check", "--format", "json", "bot.py", cwd=project.root).stdout)

    assert document["unverified"] == [{"path": "bot.py", "line": 5, "column": 12, "endpoint": "get-streams", "token_names": ["token"]}]
    assert document["files_scanned"] == 1


def test_httpx_bot_tokens_all_verified(cli) -> None:
    # bot.py passes helix.token, an attribute of a local Helix instance set from the authorization code flow.
    document = json.loads(cli("check", "--format", "json", "fixtures/httpx_bot").stdout)

    assert document["unverified"] == []


def test_json_finding_fields(cli) -> None:
    document = json.loads(cli("check", "--format", "json", "fixtures/requests_app_token_bot").stdout)

    clip = next(finding for finding in document["findings"] if finding["line"] == 44)
    assert clip == {
        "code": "TP201",
        "name": "app-token-not-accepted",
        "severity": "error",
        "message": "Create Clip (POST /helix/clips) does not accept an app access token; it needs a user access token "
        "(token from client_credentials request at fixtures/requests_app_token_bot/bot.py:16)",
        "path": "fixtures/requests_app_token_bot/bot.py",
        "line": 44,
        "column": 16,
        "method": "POST",
        "url": "/helix/clips",
        "endpoint": "create-clip",
        "reference": "https://dev.twitch.tv/docs/api/reference/#create-clip",
        "evidence": "token from client_credentials request at fixtures/requests_app_token_bot/bot.py:16",
        "fix": "Send a user access token of the user the endpoint acts for, obtained with the authorization code or device code flow.",
    }
    assert document["unverified"] == []


# ---------------------------------------------------------------- explain


@pytest.mark.parametrize("rule", RULES, ids=[rule.code for rule in RULES])
def test_explain_every_rule(rule) -> None:
    by_code = CliRunner().invoke(main, ["explain", rule.code])
    by_name = CliRunner().invoke(main, ["explain", rule.name])

    assert by_code.exit_code == 0
    assert by_name.output == by_code.output
    lines = by_code.output.splitlines()
    assert lines[0] == f"{rule.code} {rule.name} ({rule.severity})"
    assert lines[2] == rule.summary
    assert f"Why: {rule.rationale}" in lines
    assert f"Fix: {rule.fix}" in lines
    bad = lines.index("Bad:")
    good = lines.index("Good:")
    assert bad < good
    assert all(line.startswith("    ") for line in lines[bad + 1 : good - 1])
    assert lines[bad + 1].strip()
    assert lines[good + 1].strip()
    assert rule.rationale
    assert rule.bad != rule.good


def test_explain_subprocess_output(cli) -> None:
    result = cli("explain", "tp203")

    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout.splitlines()[:3] == [
        "TP203 eventsub-transport-token (error)",
        "",
        "An EventSub subscription whose transport does not match the token kind.",
    ]


def test_explain_unknown_code(cli) -> None:
    result = cli("explain", "TP999")

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "twitchpolicy: error: unknown rule 'TP999'; run 'twitchpolicy rules' to list them\n"


# ---------------------------------------------------------------- scopes


HTTPX_SCOPES = [
    "channel:manage:broadcast  Modify Channel Information (PATCH /helix/channels)  [fixtures/httpx_bot/bot.py:28]",
    "clips:edit                Create Clip (POST /helix/clips)  [fixtures/httpx_bot/bot.py:32]",
    "moderator:read:chatters   Get Chatters (GET /helix/chat/chatters)  [fixtures/httpx_bot/bot.py:69]",
    "user:write:chat           Send Chat Message (POST /helix/chat/messages)  [fixtures/httpx_bot/bot.py:37]",
]
HTTPX_AUTHORIZE_URL = (
    "https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=exampleclientid"
    "&redirect_uri=http%3A%2F%2Flocalhost%3A17563%2Fcallback"
    "&scope=channel%3Amanage%3Abroadcast+clips%3Aedit+moderator%3Aread%3Achatters+user%3Awrite%3Achat"
)


def test_scopes_text_authorize_url(cli) -> None:
    result = cli("scopes", "fixtures/httpx_bot", "--authorize-url", "exampleclientid", "http://localhost:17563/callback")

    assert result.returncode == 0
    assert result.stdout.splitlines() == HTTPX_SCOPES + ["", "Authorize URL:", HTTPX_AUTHORIZE_URL]


def test_scopes_json(cli) -> None:
    result = cli("scopes", "--format", "json", "--authorize-url", "exampleclientid", "http://localhost:17563/callback", "fixtures/httpx_bot")

    document = json.loads(result.stdout)
    assert document["authorize_url"] == HTTPX_AUTHORIZE_URL
    assert document["scopes"][1] == {"scope": "clips:edit", "endpoints": ["Create Clip (POST /helix/clips)"], "calls": ["fixtures/httpx_bot/bot.py:32"]}
    assert [entry["scope"] for entry in document["scopes"]] == ["channel:manage:broadcast", "clips:edit", "moderator:read:chatters", "user:write:chat"]


def test_scopes_skip_app_token_calls(cli) -> None:
    result = cli("scopes", "--format", "json", "fixtures/requests_app_token_bot")

    # Every call there sends the app access token, which carries no scopes.
    assert json.loads(result.stdout) == {"scopes": []}


def test_scopes_none_needed(project: Project, cli) -> None:
    project.write("bot.py", 'import requests\n\nrequests.get("https://api.twitch.tv/helix/streams")\n')

    result = cli("scopes", ".", cwd=project.root)

    assert result.returncode == 0
    assert result.stdout == "No scopes needed: no call in these paths needs a scope.\n"
