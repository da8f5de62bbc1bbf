"""Each step kind of a scenario file, run in-process with load_scenario and run_scenario."""

from __future__ import annotations

from pathlib import Path

from twitchpolicy.mock.replay import run_scenario
from twitchpolicy.mock.scenario_file import load_scenario


def outcomes(tmp_path: Path, text: str) -> list[tuple[str, str, str | None]]:
    """Run the scenario ``text`` and return (description, outcome, failure) for each step that ran."""
    path = tmp_path / "steps.twitch.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_scenario(load_scenario(path))
    return [(step.description, step.outcome, step.failure) for step in result.steps]


def test_disconnect_kills_tokens_and_subscriptions(tmp_path: Path) -> None:
    text = """\
scenario: disconnect
description: The broadcaster disconnects the app, which kills their tokens and marks the EventSub subscriptions.
grants:
  - {user: mock_streamer, scopes: channel:read:subscriptions}
tokens:
  app: {kind: app}
  streamer: {kind: user, user: mock_streamer, scopes: channel:read:subscriptions}
steps:
  - call: create-eventsub-subscription
    token: app
    json: {type: channel.subscribe, version: "1", condition: {broadcaster_user_id: "1000001"}, transport: {method: webhook, callback: "https://bot.example.invalid/cb", secret: "0123456789"}}
    expect: {status: 202}
  - disconnect: mock_streamer
  - call: get-broadcaster-subscriptions
    query: {broadcaster_id: "1000001"}
    token: streamer
    expect: {status: 401, message: Invalid OAuth token}
  - call: get-eventsub-subscriptions
    query: {status: authorization_revoked}
    token: app
  - refresh: streamer
    expect: {status: 400, message: Invalid refresh token}
"""
    assert outcomes(tmp_path, text) == [
        ("call POST /helix/eventsub/subscriptions with token app", "202", None),
        ("disconnect mock_streamer from the default client", "done", None),
        ("call GET /helix/subscriptions?broadcaster_id=1000001 with token streamer", "401 'Invalid OAuth token'", None),
        ("call GET /helix/eventsub/subscriptions?status=authorization_revoked with token app", "200", None),
        ("refresh streamer", "400 'Invalid refresh token'", None),
    ]


def test_scope_grant_and_role_events(tmp_path: Path) -> None:
    text = """\
scenario: scopes-and-roles
description: Scopes and roles change while the bot runs.
users:
  new_mod: {id: "2000001"}
tokens:
  bot: {kind: user, user: bot_user, scopes: [clips:edit, moderator:read:chatters]}
  newcomer: {kind: user, user: new_mod, scopes: moderator:read:chatters}
  app: {kind: app}
steps:
  - take_scope: bot
    scope: clips:edit
  - call: create-clip
    query: {broadcaster_id: "1000001"}
    token: bot
    expect: {status: 401, message: "Missing scope: clips:edit"}
  - call: get-chatters
    query: {broadcaster_id: "1000001", moderator_id: "2000001"}
    token: newcomer
    expect: {status: 403}
  - add_role: {user: new_mod, role: moderator, channel: mock_streamer}
  - call: get-chatters
    query: {broadcaster_id: "1000001", moderator_id: "2000001"}
    token: newcomer
    expect: {status: 200}
  - remove_role: {user: bot_user, role: moderator, channel: mock_streamer}
  - call: get-chatters
    query: {broadcaster_id: "1000001", moderator_id: "1000002"}
    token: bot
    expect: {status: 403, message: You don't have permission to perform that action.}
  - call: send-chat-message
    token: app
    json: {broadcaster_id: "1000001", sender_id: "1000002", message: hello}
    expect: {status: 401, message: "Missing scope: user:write:chat"}
  - grant: {user: bot_user, scopes: [user:write:chat, user:bot]}
  - grant: {user: mock_streamer, scopes: channel:bot}
  - call: send-chat-message
    token: app
    json: {broadcaster_id: "1000001", sender_id: "1000002", message: hello}
    expect: {status: 200}
"""
    results = outcomes(tmp_path, text)
    assert [failure for _, _, failure in results] == [None] * 11
    assert [description for description, _, _ in results] == [
        "take scope clips:edit from bot",
        "call POST /helix/clips?broadcaster_id=1000001 with token bot",
        "call GET /helix/chat/chatters?broadcaster_id=1000001&moderator_id=2000001 with token newcomer",
        "add moderator new_mod in mock_streamer",
        "call GET /helix/chat/chatters?broadcaster_id=1000001&moderator_id=2000001 with token newcomer",
        "remove moderator bot_user in mock_streamer",
        "call GET /helix/chat/chatters?broadcaster_id=1000001&moderator_id=1000002 with token bot",
        "call POST /helix/chat/messages with token app",
        "grant user:write:chat user:bot from bot_user to the default client",
        "grant channel:bot from mock_streamer to the default client",
        "call POST /helix/chat/messages with token app",
    ]


def test_clock_rate_limit_and_failures(tmp_path: Path) -> None:
    text = """\
scenario: limits
description: Rate limits, planned server errors and the clock.
world: {rate_limit: 2, clock: 1800000000}
tokens:
  app: {kind: app}
  bot: {kind: user, user: bot_user, expires_in: 1000}
steps:
  - call: get-streams
    token: app
  - call: get-streams
    token: app
  - call: get-streams
    token: app
    expect: {status: 429, error: Too Many Requests}
  - advance: 60
  - fail_next: {status: 503, endpoint: get-streams}
  - call: get-streams
    token: app
    expect: {status: 503}
  - call: get-streams
    token: app
  - exhaust_rate_limit: bot
  - call: get-users
    token: bot
    expect: {status: 429}
  - call: get-users
    token: bot
    client: public
    expect: {status: 401, message: Client ID and OAuth token do not match}
  - change_password: bot_user
  - advance: 60
  - call: get-users
    token: bot
    client: none
    expect: {status: 401, message: Client ID is missing}
  - call: get-users
    token: bot
    expect: {status: 401, message: Invalid OAuth token}
"""
    results = outcomes(tmp_path, text)
    assert [failure for _, _, failure in results] == [None] * 14
    assert [outcome for _, outcome, _ in results] == [
        "200",
        "200",
        "429 error 'Too Many Requests' 'The application exceeded the number of calls it may make. For details, see Rate Limits in the Twitch API documentation.'",
        "done",
        "done",
        "503",
        "200",
        "done",
        "429 'The application exceeded the number of calls it may make. For details, see Rate Limits in the Twitch API documentation.'",
        "401 'Client ID and OAuth token do not match'",
        "done",
        "done",
        "401 'Client ID is missing'",
        "401 'Invalid OAuth token'",
    ]


def test_refresh_of_app_token_fails_the_step(tmp_path: Path) -> None:
    text = """\
scenario: app-refresh
description: An app access token has no refresh token.
tokens:
  app: {kind: app}
steps:
  - refresh: app
  - advance: 1
"""
    path = tmp_path / "steps.twitch.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_scenario(load_scenario(path))
    assert result.passed is False
    assert result.not_run == 1
    assert result.steps[0].failure == "token 'app' has no refresh token; an app access token or an implicit-flow token cannot be refreshed"


def test_call_without_expect_fails_on_error_status(tmp_path: Path) -> None:
    text = """\
scenario: no-expect
description: A call without expect passes only below status 400.
tokens:
  app: {kind: app}
steps:
  - call: create-clip
    query: {broadcaster_id: "1000001"}
    token: app
"""
    results = outcomes(tmp_path, text)
    assert results == [("call POST /helix/clips?broadcaster_id=1000001 with token app", "401 'Missing User OAUTH Token'", "expected a status below 400, got 401 'Missing User OAUTH Token'")]


def test_oauth_scheme_on_helix(tmp_path: Path) -> None:
    text = """\
scenario: oauth-prefix
description: Helix expects Bearer and counts the Kraken-era OAuth prefix as no token.
tokens:
  bot: {kind: user, user: bot_user}
steps:
  - call: get-users
    token: bot
    auth_scheme: OAuth
    expect: {status: 401, message: OAuth token is missing}
  - call: GET /oauth2/validate
    token: bot
    auth_scheme: OAuth
    expect: {status: 200}
"""
    assert [failure for _, _, failure in outcomes(tmp_path, text)] == [None, None]
