"""Scope rules (TP301 to TP305) and the places the checker reads requested scopes from."""

from __future__ import annotations

import pytest

from conftest import Project

# The authorization code exchange. Line 7 is the token request, and the refresh token is stored.
USER_AUTH = """\
import requests

TOKEN_URL = "https://id.twitch.tv/oauth2/token"


def exchange(code, store):
    body = requests.post(TOKEN_URL, data={"grant_type": "authorization_code", "code": code}).json()
    store(body["refresh_token"])
    return body["access_token"]
"""

# Calls with the user access token: Create Clip on line 6, Get Moderators on line 10, Get Users on line 14.
USER_CALLS = """\
import requests
from auth import exchange


def clip(code, store):
    return requests.post("https://api.twitch.tv/helix/clips?broadcaster_id=1", headers={"Client-Id": "cid", "Authorization": f"Bearer {exchange(code, store)}"})


def moderators(code, store):
    return requests.get("https://api.twitch.tv/helix/moderation/moderators?broadcaster_id=1", headers={"Client-Id": "cid", "Authorization": f"Bearer {exchange(code, store)}"})


def me(code, store):
    return requests.get("https://api.twitch.tv/helix/users", headers={"Client-Id": "cid", "Authorization": f"Bearer {exchange(code, store)}"})
"""


def login_module(scope_expression: str) -> str:
    """Return a module whose line 4 builds an authorize URL with ``scope_expression`` as the scope value."""
    return (
        "from urllib.parse import urlencode\n"
        'SCOPES = ["clips:edit", "moderation:read"]\n'
        "\n"
        f'LOGIN_URL = "https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=cid&scope=" + {scope_expression}\n'
    )


# ---------------------------------------------------------------- TP301


def test_tp301_missing_scope_named(project: Project) -> None:
    project.write("auth.py", USER_AUTH)
    project.write("calls.py", USER_CALLS)
    project.write("login.py", 'LOGIN_URL = "https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=cid&scope=chat:read+moderation:read"\n')

    checked = project.check()

    assert checked.lines() == [
        "calls.py:6:12: TP301 Create Clip (POST /helix/clips) needs scope clips:edit, which the code never requests "
        "(requested: chat:read, moderation:read; from authorize URL at login.py:1)"
    ]
    finding = checked.findings[0]
    assert finding.evidence == "scopes from authorize URL at login.py:1"
    assert finding.reference == "https://dev.twitch.tv/docs/api/reference/#create-clip"


def test_tp301_scope_requested_clean(project: Project) -> None:
    project.write("auth.py", USER_AUTH)
    project.write("calls.py", USER_CALLS)
    project.write("login.py", login_module('"%20".join(SCOPES)'))

    assert project.check().lines() == []


def test_tp301_one_of_scopes_joined_with_or(project: Project) -> None:
    project.write("auth.py", USER_AUTH)
    project.write("calls.py", USER_CALLS)
    project.write("login.py", 'LOGIN_URL = "https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=cid&scope=clips:edit"\n')

    checked = project.check()

    assert checked.lines() == [
        "calls.py:10:12: TP301 Get Moderators (GET /helix/moderation/moderators) needs scope moderation:read or "
        "channel:manage:moderators, which the code never requests (requested: clips:edit; from authorize URL at login.py:1)"
    ]


def test_tp301_app_token_not_scope_checked(project: Project) -> None:
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        'LOGIN_URL = "https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=cid&scope=user:read:follows"\n'
        "\n"
        "\n"
        "def followers():\n"
        '    token = requests.post("https://id.twitch.tv/oauth2/token", data={"grant_type": "client_credentials"}).json()["access_token"]\n'
        '    return requests.get("https://api.twitch.tv/helix/channels/followers?broadcaster_id=1", headers={"Client-Id": "cid", "Authorization": f"Bearer {token}"})\n',
    )

    # The scope list lacks moderator:read:followers, but an app access token carries no scopes to check.
    assert project.check("TP301").lines() == []


def test_tp301_unknown_token_user_only_endpoint(project: Project) -> None:
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        'LOGIN_URL = "https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=cid&scope=moderator:read:followers"\n'
        "\n"
        "\n"
        "def chatters(token):\n"
        '    return requests.get("https://api.twitch.tv/helix/chat/chatters?broadcaster_id=1&moderator_id=2", headers={"Client-Id": "cid", "Authorization": f"Bearer {token}"})\n'
        "\n"
        "\n"
        "def followers(token):\n"
        '    return requests.get("https://api.twitch.tv/helix/channels/followers?broadcaster_id=1", headers={"Client-Id": "cid", "Authorization": f"Bearer {token}"})\n',
    )

    checked = project.check("TP3")

    # Get Chatters takes only a user access token, so its scope is checked even though the token kind is unknown.
    # Get Channel Followers also takes an app access token, so an unknown token leaves its scope unchecked.
    assert checked.places() == ["bot.py:7:12: TP301"]
    assert "needs scope moderator:read:chatters" in checked.findings[0].message


def test_tp301_incomplete_scope_list_silent(project: Project) -> None:
    project.write("auth.py", USER_AUTH)
    project.write("calls.py", USER_CALLS)
    project.write(
        "login.py",
        "import os\n"
        "\n"
        'LOGIN_URL = "https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=cid&scope=chat:read+" + os.environ["EXTRA_SCOPES"]\n',
    )

    checked = project.check()

    assert checked.lines() == []
    assert [request.complete for request in checked.result.scope_requests] == [False]


def test_tp301_config_scopes_replace_code(project: Project) -> None:
    config = project.config('scopes = ["clips:edit"]\n')
    project.write("auth.py", USER_AUTH)
    project.write("calls.py", USER_CALLS)
    project.write("login.py", login_module('" ".join(SCOPES)'))

    checked = project.check(config=config)

    assert checked.lines() == [
        "calls.py:10:12: TP301 Get Moderators (GET /helix/moderation/moderators) needs scope moderation:read or "
        "channel:manage:moderators, which the code never requests (requested: clips:edit; from the scopes declared in twitchpolicy.toml)"
    ]
    assert checked.findings[0].evidence == "scopes from the scopes declared in twitchpolicy.toml"


def test_tp301_config_scopes_without_code(project: Project) -> None:
    config = project.config('scopes = ["clips:edit", "channel:manage:moderators"]\n')
    project.write("auth.py", USER_AUTH)
    project.write("calls.py", USER_CALLS)

    assert project.check(config=config).lines() == []


# ---------------------------------------------------------------- where requested scopes are read


@pytest.mark.parametrize(
    ("scope_expression", "expected"),
    [
        ('"clips:edit moderation:read"', ("clips:edit", "moderation:read")),
        ('"clips:edit+moderation:read"', ("clips:edit", "moderation:read")),
        ('"clips:edit%20moderation:read"', ("clips:edit", "moderation:read")),
        ('"+".join(SCOPES)', ("clips:edit", "moderation:read")),
        ('f"{SCOPES[0]} channel:read:editors"', ("channel:read:editors",)),
    ],
)
def test_authorize_url_scope_joins(project: Project, scope_expression: str, expected: tuple[str, ...]) -> None:
    project.write("login.py", login_module(scope_expression))

    scope_requests = project.check().result.scope_requests

    assert [(request.path, request.line, request.scopes, request.source, request.grant) for request in scope_requests] == [
        ("login.py", 4, expected, "authorize URL", "authorization_code")
    ]


def test_authorize_url_subscript_incomplete(project: Project) -> None:
    project.write("login.py", login_module('f"{SCOPES[0]} channel:read:editors"'))

    scope_requests = project.check().result.scope_requests

    assert [request.complete for request in scope_requests] == [False]


def test_authorize_url_urlencode_dict(project: Project) -> None:
    project.write(
        "login.py",
        "from urllib.parse import urlencode\n"
        "\n"
        'SCOPES = ["clips:edit", "moderation:read"]\n'
        "\n"
        "\n"
        "def login_url(state):\n"
        '    query = {"response_type": "token", "client_id": "cid", "redirect_uri": "http://localhost:3000", "scope": " ".join(SCOPES), "state": state}\n'
        '    return f"https://id.twitch.tv/oauth2/authorize?{urlencode(query)}"\n',
    )

    scope_requests = project.check().result.scope_requests

    assert [(request.line, request.column, request.scopes, request.grant, request.complete) for request in scope_requests] == [
        (8, 12, ("clips:edit", "moderation:read"), "implicit", True)
    ]


def test_device_code_request_scopes(project: Project) -> None:
    project.write(
        "login.py",
        "import requests\n"
        "\n"
        "\n"
        "def start():\n"
        '    return requests.post("https://id.twitch.tv/oauth2/device", data={"client_id": "cid", "scopes": "clips:edit moderation:read"}).json()\n',
    )

    scope_requests = project.check().result.scope_requests

    assert [(request.line, request.scopes, request.source) for request in scope_requests] == [
        (5, ("clips:edit", "moderation:read"), "device code request")
    ]


def test_device_token_request_scope_source(project: Project) -> None:
    project.write(
        "login.py",
        "import requests\n"
        "\n"
        'GRANT = "urn:ietf:params:oauth:grant-type:device_code"\n'
        "\n"
        "\n"
        "def poll(device_code):\n"
        '    body = requests.post("https://id.twitch.tv/oauth2/token", data={"client_id": "cid", "device_code": device_code, "scopes": "clips:edit", "grant_type": GRANT}).json()\n'
        '    return body["access_token"], body["refresh_token"]\n',
    )

    scope_requests = project.check().result.scope_requests

    assert [(request.line, request.scopes, request.source) for request in scope_requests] == [(7, ("clips:edit",), "device code request")]


# ---------------------------------------------------------------- TP302


def test_tp302_unused_scope(project: Project) -> None:
    project.write("auth.py", USER_AUTH)
    project.write("calls.py", USER_CALLS)
    project.write(
        "login.py",
        'LOGIN_URL = "https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=cid&scope=clips:edit+moderation:read+channel:manage:raids"\n',
    )

    checked = project.check()

    assert checked.lines() == ["login.py:1:13: TP302 scope channel:manage:raids is requested but no call in the scanned code needs it"]
    finding = checked.findings[0]
    assert finding.severity == "warning"
    assert finding.reference == "https://dev.twitch.tv/docs/authentication/scopes/"


def test_tp302_eventsub_scope_not_reported(project: Project) -> None:
    project.write("auth.py", USER_AUTH)
    project.write("calls.py", USER_CALLS)
    project.write(
        "login.py",
        'LOGIN_URL = "https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=cid&scope=clips:edit+moderation:read+user:read:chat+chat:read"\n',
    )

    assert project.check().lines() == []


def test_tp302_unresolved_helix_call_silent(project: Project) -> None:
    project.write("auth.py", USER_AUTH)
    project.write("calls.py", USER_CALLS)
    project.write(
        "login.py",
        'LOGIN_URL = "https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=cid&scope=clips:edit+moderation:read+channel:manage:raids"\n',
    )
    project.write(
        "dynamic.py",
        "import requests\n"
        "\n"
        "\n"
        "def call(path, token):\n"
        '    return requests.post("https://api.twitch.tv/helix/" + path, headers={"Client-Id": "cid", "Authorization": f"Bearer {token}"})\n',
    )

    # The call on an unknown path may be Start a Raid, which needs channel:manage:raids.
    assert project.check("TP302").lines() == []


# ---------------------------------------------------------------- TP303 and TP304


def test_tp303_legacy_scope_with_replacement(project: Project) -> None:
    project.write("login.py", 'LOGIN_URL = "https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=cid&scope=channel_subscriptions"\n')

    checked = project.check()

    assert checked.lines() == [
        "login.py:1:13: TP303 scope channel_subscriptions is a retired Kraken v5 scope; request channel:read:subscriptions instead"
    ]
    assert checked.findings[0].reference == "https://dev.twitch.tv/docs/api/migration/"


def test_tp303_legacy_scope_without_replacement(project: Project) -> None:
    project.write("login.py", 'LOGIN_URL = "https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=cid&scope=channel_feed_read"\n')

    assert project.check().lines() == ["login.py:1:13: TP303 scope channel_feed_read is a retired Kraken v5 scope; Helix has no replacement"]


def test_tp303_current_scope_clean(project: Project) -> None:
    project.write("login.py", 'LOGIN_URL = "https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=cid&scope=channel:read:subscriptions"\n')

    assert project.check("TP303", "TP304").lines() == []


def test_tp304_unknown_scope_suggestion(project: Project) -> None:
    project.write("login.py", 'LOGIN_URL = "https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=cid&scope=channel:read:subscription"\n')

    assert project.check().lines() == [
        "login.py:1:13: TP304 scope channel:read:subscription is not a Twitch scope; did you mean channel:read:subscriptions?"
    ]


def test_tp304_unknown_scope_no_suggestion(project: Project) -> None:
    project.write("login.py", 'LOGIN_URL = "https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=cid&scope=widgets:frobnicate"\n')

    assert project.check().lines() == ["login.py:1:13: TP304 scope widgets:frobnicate is not a Twitch scope"]


# ---------------------------------------------------------------- TP305


CLIENT_CREDENTIALS = """\
import requests


def app_token():
    data = {{"client_id": "cid", "client_secret": "s", "grant_type": "client_credentials"{extra}}}
    return requests.post("https://id.twitch.tv/oauth2/token", data=data).json()["access_token"]
"""


def test_tp305_scopes_with_client_credentials(project: Project) -> None:
    project.write("auth.py", CLIENT_CREDENTIALS.format(extra=', "scope": "clips:edit user:read:email"'))

    checked = project.check()

    assert checked.lines() == [
        "auth.py:6:12: TP305 the client_credentials request sends scopes clips:edit user:read:email, "
        "but an app access token never carries scopes"
    ]
    assert checked.findings[0].reference == "https://dev.twitch.tv/docs/authentication/scopes/"


def test_tp305_no_scopes_clean(project: Project) -> None:
    project.write("auth.py", CLIENT_CREDENTIALS.format(extra=""))

    checked = project.check()

    assert checked.lines() == []
    assert [(request.line, request.grant) for request in checked.result.token_requests] == [(6, "client_credentials")]


def test_tp305_scopes_not_granted_to_user_calls(project: Project) -> None:
    project.write("auth.py", USER_AUTH)
    project.write("calls.py", USER_CALLS)
    project.write("app.py", CLIENT_CREDENTIALS.format(extra=', "scope": "clips:edit moderation:read"'))
    project.write("login.py", 'LOGIN_URL = "https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=cid&scope=moderation:read"\n')

    # Scopes on the client_credentials request never reach a user access token, so clips:edit is still missing.
    assert project.check("TP301").places() == ["calls.py:6:12: TP301"]
