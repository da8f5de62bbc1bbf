"""The command line, run as a subprocess the way users and CI run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = [
    "kraken_bot",
    "helix_requests_bot",
    "clean_bot",
    "pytwitchapi_bot",
    "twitchio_bot",
    "httpx_bot",
    "requests_app_token_bot",
    "aiohttp_bot",
    "multi_module_bot",
    "twurple_bot",
    "axios_fetch_bot",
]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "twitchpolicy", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def expected_findings(name: str) -> list[str]:
    text = (ROOT / "fixtures" / name / "expected.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("name", FIXTURES)
def test_check_fixture_findings(name: str) -> None:
    result = run("check", f"fixtures/{name}")
    found = [line.split(" ", 2)[0] + " " + line.split(" ", 2)[1] for line in result.stdout.splitlines() if ": TP" in line]
    assert found == expected_findings(name)
    assert result.returncode == (1 if found else 0)
    assert result.stderr == ""


def test_check_json_matches_text() -> None:
    text = run("check", "fixtures/helix_requests_bot")
    as_json = run("check", "--format", "json", "fixtures/helix_requests_bot")
    document = json.loads(as_json.stdout)
    from_json = [f"{f['path']}:{f['line']}:{f['column']}: {f['code']} {f['message']} ({f['reference']})" for f in document["findings"]]
    from_text = [line for line in text.stdout.splitlines() if ": TP" in line]
    assert from_json == from_text
    assert as_json.returncode == 1
    assert all(f["reference"].startswith("https://dev.twitch.tv/docs/") for f in document["findings"])


def test_check_clean_summary() -> None:
    result = run("check", "fixtures/clean_bot")
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1].startswith("All checks passed (")


def test_check_missing_path() -> None:
    result = run("check", "no/such/dir")
    assert result.returncode == 2
    assert result.stderr == "twitchpolicy: error: path not found: no/such/dir\n"
    assert result.stdout == ""


def test_check_bad_format_value() -> None:
    result = run("check", "--format", "xml", "fixtures/clean_bot")
    assert result.returncode == 2
    assert "Invalid value for '--format': 'xml' is not one of 'text', 'json', 'json-lines', 'sarif', 'github', 'gitlab', 'junit'." in result.stderr
    assert "Traceback" not in result.stderr


def test_check_with_broken_policy(tmp_path: Path) -> None:
    policy = tmp_path / "extra.yaml"
    policy.write_text("policy_version: 1\nendpoints:\n  - id: x\n    method: FETCH\n", encoding="utf-8")
    result = run("check", "--policy", str(policy), "fixtures/clean_bot")
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert f"{policy}:3: endpoints[0]: 'auth' is required" in lines
    assert f"{policy}:4: endpoints[0].method: invalid value 'FETCH'; expected one of 'GET', 'POST', 'PUT', 'PATCH', 'DELETE'" in lines
    assert "Traceback" not in result.stderr


def test_check_syntax_error_is_finding(tmp_path: Path) -> None:
    source = tmp_path / "broken.py"
    source.write_text('URL = "https://api.twitch.tv/kraken/streams/1"\ndef f(:\n', encoding="utf-8")
    result = run("check", str(tmp_path))
    lines = [line for line in result.stdout.splitlines() if ": TP" in line]
    assert lines[0] == f"{source}:1:8: TP103 Get Stream by User (GET /kraken/streams/{{channel_id}}) calls the Kraken v5 API, shut down on 2022-02-28; use Get Streams (GET /helix/streams) (https://dev.twitch.tv/docs/v5/reference/streams/#get-stream-by-user)"
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert lines[1] == f"{source}:2:7: TP901 cannot parse Python {version} syntax: invalid syntax"
    assert result.returncode == 1


def test_policy_validate_reports_lines(tmp_path: Path) -> None:
    policy = tmp_path / "mine.yaml"
    policy.write_text(
        "policy_version: 1\n"
        "endpoints:\n"
        "  - id: get-widgets\n"
        "    name: Get Widgets\n"
        "    category: Widgets\n"
        "    method: GET\n"
        "    path: /helix/widgets\n"
        "    status: live\n"
        "    auth:\n"
        "      user:\n"
        "        scopes:\n"
        "          all_of: [widgets:read]\n"
        "    reference: https://dev.twitch.tv/docs/api/reference/#get-widgets\n",
        encoding="utf-8",
    )
    result = run("policy", "validate", str(policy))
    assert result.returncode == 2
    assert result.stderr == f"{policy}:12: endpoints[0].auth.user.scopes.all_of[0]: unknown scope 'widgets:read'\n"


def test_policy_validate_accepts_valid(tmp_path: Path) -> None:
    policy = tmp_path / "mine.yaml"
    policy.write_text(
        "policy_version: 1\n"
        "scopes:\n"
        "  - name: widgets:read\n"
        "    description: Read the widgets of a channel.\n"
        "    status: current\n"
        "    reference: https://dev.twitch.tv/docs/authentication/scopes/\n"
        "endpoints:\n"
        "  - id: get-widgets\n"
        "    name: Get Widgets\n"
        "    category: Widgets\n"
        "    method: GET\n"
        "    path: /helix/widgets\n"
        "    status: live\n"
        "    auth:\n"
        "      user:\n"
        "        scopes:\n"
        "          all_of: [widgets:read]\n"
        "    reference: https://dev.twitch.tv/docs/api/reference/#get-widgets\n",
        encoding="utf-8",
    )
    result = run("policy", "validate", str(policy))
    assert result.returncode == 0
    assert result.stdout == f"{policy}: valid\n"
    shown = run("endpoints", "--policy", str(policy), "show", "GET /helix/widgets")
    assert shown.returncode == 0
    assert "scopes:  widgets:read" in shown.stdout


def test_policy_validate_missing_file() -> None:
    result = run("policy", "validate", "nope.yaml")
    assert result.returncode == 2
    assert result.stderr == "nope.yaml:1: (file): file not found\n"


def test_endpoints_filter_json() -> None:
    result = run("endpoints", "--token", "app", "--search", "conduit", "--format", "json")
    rows = json.loads(result.stdout)
    assert [row["id"] for row in rows] == [
        "get-conduits",
        "create-conduits",
        "update-conduits",
        "delete-conduit",
        "get-conduit-shards",
        "update-conduit-shards",
    ]
    assert all(row["tokens"] == ["app"] for row in rows)


def test_endpoints_scope_filter() -> None:
    result = run("endpoints", "--scope", "moderator:read:chatters", "--format", "json")
    rows = json.loads(result.stdout)
    assert [row["id"] for row in rows] == ["get-chatters"]
    assert rows[0]["scopes"] == "moderator:read:chatters"


def test_endpoints_either_token() -> None:
    rows = json.loads(run("endpoints", "--token", "either", "--format", "json").stdout)
    ids = {row["id"] for row in rows}
    assert "get-streams" in ids
    assert "create-clip" not in ids
    assert "get-conduits" not in ids


def test_endpoints_unknown_scope() -> None:
    result = run("endpoints", "--scope", "channel_subscriptionz")
    assert result.returncode == 2
    assert result.stderr.startswith("twitchpolicy: error: invalid value for --scope: unknown scope 'channel_subscriptionz'")


def test_eventsub_scope_filter() -> None:
    result = run("eventsub", "--scope", "channel:bot", "--format", "json")
    assert result.returncode == 0
    rows = json.loads(result.stdout)
    assert [row["type"] for row in rows] == [
        "channel.chat.clear",
        "channel.chat.clear_user_messages",
        "channel.chat.message",
        "channel.chat.message_delete",
        "channel.chat.notification",
        "channel.chat_settings.update",
    ]
    message = rows[2]
    assert message["scopes"] == "user:read:chat"
    assert message["authorizer"] == "user_id"
    assert message["app_grants"] == [
        {"param": "user_id", "scopes": "user:bot", "or_moderator": False},
        {"param": "broadcaster_user_id", "scopes": "channel:bot", "or_moderator": True},
    ]
    assert message["reference"] == "https://dev.twitch.tv/docs/eventsub/eventsub-subscription-types/#channelchatmessage"


def test_eventsub_table() -> None:
    result = run("eventsub")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["TYPE", "VERSION", "STATUS", "AUTHORIZER", "TRANSPORTS", "APP_GRANTS", "SCOPES"]
    assert lines[-1] == "88 subscription types"
    follow = [line.split() for line in lines if line.startswith("channel.follow ")]
    assert follow == [["channel.follow", "1", "removed"], ["channel.follow", "2", "live", "moderator_user_id", "moderator:read:followers"]]
    revoke = [line.split() for line in lines if line.startswith("user.authorization.revoke ")]
    assert revoke == [["user.authorization.revoke", "1", "live", "webhook"]]


def test_eventsub_unknown_scope() -> None:
    result = run("eventsub", "--scope", "user:read:chats")
    assert result.returncode == 2
    assert result.stderr.startswith("twitchpolicy: error: invalid value for --scope: unknown scope 'user:read:chats'")


def test_endpoints_show_by_method_url() -> None:
    result = run("endpoints", "show", "post https://API.twitch.tv/helix/clips/?broadcaster_id=1")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Create Clip [create-clip]"
    assert "    scopes:  clips:edit" in lines
    assert "  reference: https://dev.twitch.tv/docs/api/reference/#create-clip" in lines
    assert not any(line.startswith("  app access token") for line in lines)


def test_endpoints_show_sdk_methods() -> None:
    result = run("endpoints", "show", "create-clip")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert "  SDK methods:" in lines
    assert "    pyTwitchAPI: create_clip (user token)" in lines
    assert "    twurple: clips.createClip (user token)" in lines


def test_endpoints_show_unknown() -> None:
    result = run("endpoints", "show", "get-everything")
    assert result.returncode == 2
    assert result.stderr.startswith("twitchpolicy: error: endpoint not found: 'get-everything'")


def test_rules_lists_codes() -> None:
    result = run("rules")
    codes = [line.split()[0] for line in result.stdout.splitlines()]
    assert codes == [
        "TP101", "TP102", "TP103", "TP104", "TP105", "TP106",
        "TP201", "TP202", "TP203", "TP204",
        "TP301", "TP302", "TP303", "TP304", "TP305",
        "TP401", "TP402", "TP403", "TP404", "TP405", "TP406",
        "TP901", "TP902", "TP903",
    ]


def test_version_option() -> None:
    result = run("--version")
    assert result.stdout == "twitchpolicy, version 0.1.0\n"


def test_readme_commands_match_ci() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = ci.strip().splitlines()[-1]
    assert test_command in readme.splitlines()
    assert "fixtures/helix_requests_bot" in readme


def test_policy_validate_bundled_file() -> None:
    result = run("policy", "validate", "policy/helix/chat.yaml")
    assert result.returncode == 0
    assert result.stdout == "policy/helix/chat.yaml: valid\n"


def test_endpoints_show_kraken() -> None:
    result = run("endpoints", "show", "GET https://api.twitch.tv/kraken/users/12345/follows/channels")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Get User Follows [kraken-get-user-follows]"
    assert "  status:    removed with the Kraken v5 API on 2022-02-28" in lines
    assert "  replaced by: get-followed-channels (GET /helix/channels/followed)" in lines


def test_endpoints_show_oauth() -> None:
    result = run("endpoints", "show", "POST https://id.twitch.tv/oauth2/token")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Token [oauth-token]"
    assert "  grant:     Client credentials grant flow yields an app access token, not refreshable" in lines


def test_endpoints_show_id_case() -> None:
    result = run("endpoints", "show", " Get-Users ")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0] == "Get Users [get-users]"


def test_check_empty_path() -> None:
    result = run("check", "")
    assert result.returncode == 2
    assert result.stderr == "twitchpolicy: error: empty path; name a file or directory\n"


def test_check_exclude_globs(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_api.py").write_text('URL = "https://api.twitch.tv/kraken/streams/1"\n', encoding="utf-8")
    (tmp_path / "legacy.py").write_text('URL = "https://api.twitch.tv/kraken/streams/1"\n', encoding="utf-8")
    (tmp_path / "bot.py").write_text('URL = "https://api.twitch.tv/helix/streams"\n', encoding="utf-8")
    result = run("check", "--exclude", "tests", "--exclude", "legacy*", str(tmp_path))
    assert result.returncode == 0
    assert result.stdout == "All checks passed (1 file scanned).\n"


def test_unparsable_file_without_twitch_skipped(tmp_path: Path) -> None:
    # Newer syntax (or a broken file) that never names Twitch has nothing to check and is not reported.
    (tmp_path / "util.py").write_text("def f(:\n    pass\n", encoding="utf-8")
    result = run("check", str(tmp_path))
    assert result.returncode == 0
    assert result.stdout == "All checks passed (1 file scanned).\n"
