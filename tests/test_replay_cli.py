"""``twitchpolicy replay`` run as a subprocess on the shipped scenarios and on scenario files written here."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "fixtures" / "scenarios"
SHIPPED = sorted(path.name for path in SCENARIOS.glob("*.twitch.yaml"))


def replay(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "twitchpolicy", "replay", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_shipped_scenarios_all_pass() -> None:
    result = replay("fixtures/scenarios")
    assert result.returncode == 0
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[-1] == "Replayed 7 scenarios, 33 steps: 7 passed, 0 failed."
    step_lines = [line for line in lines if ": step " in line]
    assert len(step_lines) == 33
    assert all(": ok, " in line for line in step_lines)


def test_shipped_scenario_count() -> None:
    assert SHIPPED == [
        "app_token_on_user_endpoints.twitch.yaml",
        "eventsub_transport_token.twitch.yaml",
        "expired_token_refreshed.twitch.yaml",
        "helix_headers.twitch.yaml",
        "moderator_id_mismatch.twitch.yaml",
        "refresh_token_reused.twitch.yaml",
        "revoked_while_running.twitch.yaml",
    ]


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenario_passes_alone(name: str) -> None:
    result = replay(f"fixtures/scenarios/{name}")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].endswith(": passed")


def test_step_lines_of_app_token_scenario() -> None:
    result = replay("fixtures/scenarios/app_token_on_user_endpoints.twitch.yaml")
    path = "fixtures/scenarios/app_token_on_user_endpoints.twitch.yaml"
    assert result.stdout.splitlines() == [
        f"{path}:1: scenario app-token-on-user-endpoints: passed",
        f"{path}:17: step 1 call POST /helix/clips?broadcaster_id=1000001 with token app: ok, 401 error 'Unauthorized' 'Missing User OAUTH Token'",
        f"{path}:21: step 2 call GET /helix/subscriptions?broadcaster_id=1000001 with token app: ok, 401 'Missing User OAUTH Token'",
        f"{path}:26: step 3 call POST /helix/clips?broadcaster_id=1000001 with token streamer: ok, 202",
        f"{path}:30: step 4 call GET /helix/subscriptions?broadcaster_id=1000001 with token streamer: ok, 200",
        "Replayed 1 scenario, 4 steps: 1 passed, 0 failed.",
    ]


def test_wrong_status_fails_at_its_step(tmp_path: Path) -> None:
    text = (SCENARIOS / "app_token_on_user_endpoints.twitch.yaml").read_text(encoding="utf-8")
    wrong = text.replace("expect: {status: 202}", "expect: {status: 401, message: Missing User OAUTH Token}", 1)
    (tmp_path / "wrong.twitch.yaml").write_text(wrong, encoding="utf-8")
    result = replay("wrong.twitch.yaml", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "wrong.twitch.yaml:1: scenario app-token-on-user-endpoints: FAILED"
    assert lines[3] == "wrong.twitch.yaml:26: step 3 call POST /helix/clips?broadcaster_id=1000001 with token streamer: FAILED: expected 401 'Missing User OAUTH Token', got 202"
    assert lines[4] == "wrong.twitch.yaml: 1 later step not run after the failure"
    assert lines[5] == "Replayed 1 scenario, 3 steps: 0 passed, 1 failed."


def test_wrong_message_fails(tmp_path: Path) -> None:
    text = (SCENARIOS / "revoked_while_running.twitch.yaml").read_text(encoding="utf-8")
    wrong = text.replace("message: Invalid OAuth token}", "message: Token revoked}")
    (tmp_path / "wrong.twitch.yaml").write_text(wrong, encoding="utf-8")
    result = replay("wrong.twitch.yaml", cwd=tmp_path)
    assert result.returncode == 1
    failed = [line for line in result.stdout.splitlines() if "FAILED:" in line]
    expected = (
        "wrong.twitch.yaml:20: step 3 call GET /helix/chat/chatters?broadcaster_id=1000001&moderator_id=1000002 with token bot: "
        "FAILED: expected 401 error 'Unauthorized' 'Token revoked', got 401 error 'Unauthorized' 'Invalid OAuth token'"
    )
    assert failed == [expected]


def test_missing_message_named_in_failure(tmp_path: Path) -> None:
    (tmp_path / "empty.twitch.yaml").write_text(
        """\
scenario: empty-message
description: A 410 from Helix has an empty message, and a 200 has no message field at all.
tokens:
  bot: {kind: user, user: bot_user}
steps:
  - call: GET /helix/users/follows
    token: bot
    expect: {status: 410, message: ""}
  - call: GET /helix/users
    token: bot
    expect: {status: 200, message: ""}
""",
        encoding="utf-8",
    )
    result = replay("empty.twitch.yaml", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[1] == "empty.twitch.yaml:6: step 1 call GET /helix/users/follows with token bot: ok, 410"
    assert lines[2] == "empty.twitch.yaml:9: step 2 call GET /helix/users with token bot: FAILED: expected 200 '', got 200 no message"


def test_message_without_status_in_failure(tmp_path: Path) -> None:
    (tmp_path / "message.twitch.yaml").write_text(
        "scenario: message-only\ndescription: d\ntokens:\n  bot: {kind: user, user: bot_user}\nsteps:\n"
        "  - call: GET /helix/users\n    token: bot\n    expect: {message: Invalid OAuth token}\n",
        encoding="utf-8",
    )
    result = replay("message.twitch.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[1] == (
        "message.twitch.yaml:6: step 1 call GET /helix/users with token bot: FAILED: expected a status below 400 'Invalid OAuth token', got 200"
    )


def test_advance_past_year_9999_fails_its_step(tmp_path: Path) -> None:
    (tmp_path / "far.twitch.yaml").write_text("scenario: far\ndescription: d\nsteps:\n  - advance: 9007199254740991\n  - advance: 1\n", encoding="utf-8")
    result = replay("far.twitch.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "far.twitch.yaml:1: scenario far: FAILED",
        "far.twitch.yaml:4: step 1 advance 9007199254740991 s: FAILED: cannot move the mock clock 9007199254740991 s forward, past 9999-12-31T23:59:59Z",
        "far.twitch.yaml: 1 later step not run after the failure",
        "Replayed 1 scenario, 1 steps: 0 passed, 1 failed.",
    ]


def test_failure_in_one_file_runs_the_others(tmp_path: Path) -> None:
    good = (SCENARIOS / "expired_token_refreshed.twitch.yaml").read_text(encoding="utf-8")
    (tmp_path / "good.twitch.yaml").write_text(good, encoding="utf-8")
    (tmp_path / "wrong.twitch.yaml").write_text(good.replace("expect: {status: 200}", "expect: {status: 400}", 1), encoding="utf-8")
    result = replay(".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "Replayed 2 scenarios, 10 steps: 1 passed, 1 failed."
    assert "good.twitch.yaml:1: scenario expired-token-refreshed: passed" in result.stdout.splitlines()


def test_json_format(tmp_path: Path) -> None:
    text = (SCENARIOS / "refresh_token_reused.twitch.yaml").read_text(encoding="utf-8")
    (tmp_path / "reuse.twitch.yaml").write_text(text, encoding="utf-8")
    result = replay("--format", "json", "reuse.twitch.yaml", cwd=tmp_path)
    assert result.returncode == 0
    document = json.loads(result.stdout)
    assert document["passed"] == 1
    assert document["failed"] == 0
    scenario = document["scenarios"][0]
    assert (scenario["file"], scenario["scenario"], scenario["passed"], scenario["not_run"]) == ("reuse.twitch.yaml", "refresh-token-reused-after-rotation", True, 0)
    assert scenario["steps"][1] == {
        "step": 2,
        "line": 21,
        "action": "refresh",
        "description": "refresh device",
        "passed": True,
        "status": 400,
        "message": "Invalid refresh token",
        "failure": None,
    }


def test_json_message_hides_tokens(tmp_path: Path) -> None:
    (tmp_path / "echo.twitch.yaml").write_text(
        """\
scenario: scope-echo
description: The OAuth server quotes an unknown scope in its message, here an access token sent by mistake.
tokens:
  bot: {kind: user, user: bot_user, scopes: clips:edit}
steps:
  - call: GET /oauth2/authorize
    query: {client_id: "${default.client_id}", redirect_uri: "http://localhost:3000/callback", response_type: code, scope: "${bot}"}
    expect: {status: 400}
""",
        encoding="utf-8",
    )
    result = replay("--format", "json", "echo.twitch.yaml", cwd=tmp_path)
    assert result.returncode == 0
    step = json.loads(result.stdout)["scenarios"][0]["steps"][0]
    assert step["status"] == 400
    assert re.fullmatch(r"invalid scope requested: '[a-z0-9]{4}…\(30 chars\)'", step["message"])


def test_references_stay_unexpanded_in_output(tmp_path: Path) -> None:
    (tmp_path / "manual.twitch.yaml").write_text(
        """\
scenario: manual-refresh
description: The bot refreshes by hand with the refresh token in the query string of the POST.
tokens:
  bot: {kind: user, user: bot_user, scopes: clips:edit}
steps:
  - call: POST /oauth2/token
    query:
      grant_type: refresh_token
      refresh_token: ${bot.refresh_token}
      client_id: ${default.client_id}
      client_secret: ${default.client_secret}
    as: renewed
  - call: create-clip
    query: {broadcaster_id: "1000001"}
    token: renewed
    expect: {status: 202}
  - call: POST /oauth2/revoke
    form: {client_id: "${default.client_id}", token: "${renewed}"}
    expect: {status: 200}
  - call: create-clip
    query: {broadcaster_id: "1000001"}
    token: renewed
    expect: {status: 401, message: Invalid OAuth token}
""",
        encoding="utf-8",
    )
    result = replay("manual.twitch.yaml", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines()[1] == (
        "manual.twitch.yaml:6: step 1 call POST /oauth2/token?grant_type=refresh_token&refresh_token=${bot.refresh_token}"
        "&client_id=${default.client_id}&client_secret=${default.client_secret}: ok, 200"
    )


MALFORMED = [
    pytest.param("scenario: x\ndescription: d\nsteps:\n  - call: GET /helix/users\n   token: x\n", "bad.twitch.yaml:5: (file): invalid YAML: while parsing a block collection, did not find expected '-' indicator", id="bad-yaml"),
    pytest.param("", "bad.twitch.yaml:1: (file): the file is empty; a scenario file starts with 'scenario: NAME'", id="empty"),
    pytest.param(
        "scenario: x\ndescription: d\nsteps:\n  - call: GET /helix/users\n    qeury: {id: '1'}\n",
        "bad.twitch.yaml:5: steps[0].qeury: unknown field; allowed fields are as, auth_scheme, call, client, expect, form, json, query, token",
        id="unknown-field",
    ),
    pytest.param(
        "scenario: x\ndescriptoin: d\nsteps:\n  - advance: 1\n",
        "bad.twitch.yaml:2: descriptoin: unknown field; allowed fields are description, grants, roles, scenario, steps, tokens, users, world",
        id="unknown-top-level-field",
    ),
    pytest.param(
        "scenario: x\ndescription: d\nsteps:\n  - call: get-users\n    expect: {status: '401'}\n",
        "bad.twitch.yaml:5: steps[0].expect.status: invalid value '401'; expected integer",
        id="wrong-type",
    ),
    pytest.param(
        "scenario: x\ndescription: d\ntokens:\n  bot: {kind: user, user: bot_user}\nsteps:\n  - call: get-users\n    token: bto\n",
        "bad.twitch.yaml:7: steps[0].token: unknown token 'bto'; tokens defined before this step: bot",
        id="unknown-token",
    ),
    pytest.param(
        "scenario: x\ndescription: d\nsteps:\n  - revoke: bot\n",
        "bad.twitch.yaml:4: steps[0].revoke: unknown token 'bot'; tokens defined before this step: none",
        id="unknown-token-in-event",
    ),
    pytest.param(
        "scenario: x\ndescription: d\nsteps:\n  - call: create-clips\n",
        "bad.twitch.yaml:4: steps[0].call: unknown endpoint id 'create-clips'; list ids with 'twitchpolicy endpoints', or write a method and path such as 'GET /helix/users'",
        id="unknown-endpoint-id",
    ),
    pytest.param(
        "scenario: x\ndescription: d\nsteps:\n  - call: GET /helix/clip\n",
        "bad.twitch.yaml:4: steps[0].call: unknown endpoint GET /helix/clip; list Helix endpoints with 'twitchpolicy endpoints'",
        id="unknown-path",
    ),
    pytest.param(
        "scenario: x\ndescription: d\nsteps:\n  - call: PUT /helix/clips\n",
        "bad.twitch.yaml:4: steps[0].call: unknown endpoint PUT /helix/clips; that path takes GET, POST",
        id="wrong-method",
    ),
    pytest.param(
        "scenario: x\ndescription: d\ntokens:\n  bot: {kind: user, user: bot_usr}\nsteps:\n  - advance: 1\n",
        "bad.twitch.yaml:4: tokens.bot.user: no mock user 'bot_usr'; known users include bot_user, editor_user, follower_user, mock_streamer, mod_user, other_streamer, sub_user, vip_user; add new users under 'users'",
        id="unknown-user",
    ),
    pytest.param(
        "scenario: x\ndescription: d\ntokens:\n  bot: {kind: user, user: bot_user, scopes: [clip:edit]}\nsteps:\n  - advance: 1\n",
        "bad.twitch.yaml:4: tokens.bot.scopes: unknown scope 'clip:edit'; see 'twitchpolicy endpoints --scope NAME' for scope names",
        id="unknown-scope",
    ),
    pytest.param(
        "scenario: x\ndescription: d\nsteps:\n  - call: get-users\n    query: {id: '${clip}'}\n",
        "bad.twitch.yaml:5: steps[0].query.id: unknown name in ${clip}; names defined before this step: none",
        id="unknown-reference",
    ),
    pytest.param(
        "scenario: x\ndescription: d\ntokens:\n  app: {kind: app}\nsteps:\n  - revoke: app\n    expire: app\n",
        "bad.twitch.yaml:7: steps[0].expire: step 1 has two actions, revoke and expire; write them as separate steps",
        id="two-actions",
    ),
    pytest.param(
        "scenario: x\ndescription: d\nsteps:\n  - expect: {status: 200}\n",
        "bad.twitch.yaml:4: steps[0]: step 1 has no action; use one of call, refresh, revoke, expire, exhaust_rate_limit, advance, disconnect, change_password, take_scope, grant, add_role, remove_role, fail_next",
        id="no-action",
    ),
    pytest.param(
        "scenario: x\ndescription: d\nsteps:\n  - call: POST /helix/schedule/segment\n    json:\n      start_time: 2026-01-02T18:00:00Z\n",
        "bad.twitch.yaml:6: steps[0].json.start_time: unquoted date 2026-01-02T18:00:00+00:00 is a YAML timestamp, which JSON cannot hold; put it in quotes",
        id="unquoted-timestamp-in-json",
    ),
    pytest.param(
        "scenario: x\ndescription: d\nsteps:\n  - call: POST /helix/chat/messages\n    json: {message: !!binary aGk=}\n",
        "bad.twitch.yaml:5: steps[0].json.message: invalid value of YAML type bytes; a scenario file contains only strings, numbers, booleans, null, lists and mappings",
        id="binary-in-json",
    ),
    pytest.param(
        "scenario: x\ndescription: d\nsteps:\n  - advance: .nan\n",
        "bad.twitch.yaml:4: steps[0].advance: invalid value nan; give a finite number",
        id="advance-not-a-number",
    ),
    pytest.param(
        "scenario: x\ndescription: d\nworld: {clock: .inf}\nsteps:\n  - advance: 1\n",
        "bad.twitch.yaml:3: world.clock: invalid value inf; give a finite number",
        id="clock-infinite",
    ),
    pytest.param(
        "scenario: x\ndescription: d\ntokens:\n  app: {kind: app}\nsteps:\n  - call: get-eventsub-subscriptions\n    token: app\n    as: app\n",
        "bad.twitch.yaml:8: steps[0].as: the name 'app' is a token, so ${app} would send the token instead; choose another name",
        id="saved-id-named-like-token",
    ),
    pytest.param(
        "scenario: x\ndescription: d\ntokens:\n  app: {kind: app}\n  bot: {kind: user, user: bot_user}\nsteps:\n"
        "  - call: get-eventsub-subscriptions\n    token: app\n    as: sub\n  - refresh: bot\n    as: sub\n",
        "bad.twitch.yaml:11: steps[1].as: the name 'sub' is a saved id, so ${sub} would send the token instead; choose another name",
        id="token-named-like-saved-id",
    ),
    pytest.param(
        "scenario: x\ndescription: d\nworld: {clock: 1.0e+20}\nsteps:\n  - advance: 1\n",
        "bad.twitch.yaml:3: world.clock: 1e+20 is greater than the maximum of 253402300799",
        id="clock-after-year-9999",
    ),
    pytest.param(
        "scenario: x\ndescription: d\nworld: {clock: walll}\nsteps:\n  - advance: 1\n",
        "bad.twitch.yaml:3: world.clock: invalid value 'walll'; expected one of 'fixed', 'wall'",
        id="clock-misspelt",
    ),
    pytest.param(
        "scenario: x\ndescription: d\nsteps:\n  - advance: 100000000000000000000\n",
        "bad.twitch.yaml:4: steps[0].advance: 100000000000000000000 is greater than the maximum of 9007199254740991",
        id="advance-beyond-exact-integers",
    ),
    pytest.param(
        "scenario: x\ndescription: d\nworld: {rate_limit: 100000000000000000000}\nsteps:\n  - advance: 1\n",
        "bad.twitch.yaml:3: world.rate_limit: 100000000000000000000 is greater than the maximum of 9007199254740991",
        id="rate-limit-beyond-exact-integers",
    ),
    pytest.param(
        "scenario: x\ndescription: d\ntokens:\n  app: {kind: app, expires_in: 100000000000000000000}\nsteps:\n  - advance: 1\n",
        "bad.twitch.yaml:4: tokens.app.expires_in: 100000000000000000000 is greater than the maximum of 9007199254740991",
        id="expires-in-beyond-exact-integers",
    ),
    pytest.param(
        "scenario: x\ndescription: d\ntokens:\n  app: {kind: app, user: bot_user}\nsteps:\n  - advance: 1\n",
        "bad.twitch.yaml:4: tokens.app.user: an app access token has no user; set kind: user or remove 'user'",
        id="app-token-with-user",
    ),
]


@pytest.mark.parametrize(("text", "line"), MALFORMED)
def test_malformed_file_one_line(tmp_path: Path, text: str, line: str) -> None:
    (tmp_path / "bad.twitch.yaml").write_text(text, encoding="utf-8")
    result = replay("bad.twitch.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [line]


def test_malformed_file_stops_every_run(tmp_path: Path) -> None:
    good = (SCENARIOS / "expired_token_refreshed.twitch.yaml").read_text(encoding="utf-8")
    (tmp_path / "good.twitch.yaml").write_text(good, encoding="utf-8")
    (tmp_path / "bad.twitch.yaml").write_text("scenario: x\ndescription: d\nsteps:\n  - revoke: bot\n", encoding="utf-8")
    result = replay(".", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["bad.twitch.yaml:4: steps[0].revoke: unknown token 'bot'; tokens defined before this step: none"]


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "settings.yaml").write_text("a: 1\n", encoding="utf-8")
    result = replay("nothing.twitch.yaml", "empty", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "nothing.twitch.yaml: file or folder not found",
        "empty: no scenario files (*.twitch.yaml or *.twitch.yml) in this folder",
    ]


def test_docs_example_replays_as_shown(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "mock.md").read_text(encoding="utf-8")
    section = text[text.index("## Scenario files") :]
    scenario = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    printed = section.split("$ twitchpolicy replay chatters.twitch.yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "chatters.twitch.yaml").write_text(scenario, encoding="utf-8")
    result = replay("chatters.twitch.yaml", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == printed
