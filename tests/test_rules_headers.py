"""Header and credential rules: Client-Id and Authorization (TP401 to TP403), credentials (TP404, TP405), refresh tokens (TP406)."""

from __future__ import annotations

import pytest

from conftest import Project

STREAMS = "Get Streams (GET /helix/streams)"
FAKE_SECRET = "abcd1234efgh5678ijkl9012mnop34"


# ---------------------------------------------------------------- TP401 and TP402


def test_tp401_missing_client_id(project: Project) -> None:
    project.write(
        "bot.py",
        "import httpx\n"
        "\n"
        "\n"
        "def live(token):\n"
        '    return httpx.get("https://api.twitch.tv/helix/streams", params={"user_login": "x"}, headers={"Authorization": f"Bearer {token}"})\n',
    )

    checked = project.check()

    assert checked.lines() == [f"bot.py:5:12: TP401 {STREAMS} is called without a Client-Id header"]
    assert checked.findings[0].reference == "https://dev.twitch.tv/docs/api/reference/#get-streams"


def test_tp402_missing_authorization(project: Project) -> None:
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        'HEADERS = {"Client-ID": "cid"}\n'
        "\n"
        "\n"
        "def live():\n"
        '    return requests.get("https://api.twitch.tv/helix/streams", params={"user_login": "x"}, headers=HEADERS)\n',
    )

    checked = project.check()

    assert checked.lines() == [f"bot.py:7:12: TP402 {STREAMS} is called without an Authorization header; Helix requires a token on every call"]


def test_tp401_tp402_no_headers_at_all(project: Project) -> None:
    project.write(
        "bot.py",
        'import requests\n\n\ndef live():\n    return requests.get("https://api.twitch.tv/helix/streams?user_login=x")\n',
    )

    assert project.check().places() == ["bot.py:5:12: TP401", "bot.py:5:12: TP402"]


def test_headers_from_client_defaults_clean(project: Project) -> None:
    project.write(
        "bot.py",
        "import aiohttp\n"
        "import httpx\n"
        "import requests\n"
        "\n"
        'HELIX = "https://api.twitch.tv/helix"\n'
        "\n"
        "\n"
        "def with_httpx(token):\n"
        '    with httpx.Client(base_url=HELIX, headers={"Client-Id": "cid", "Authorization": f"Bearer {token}"}) as client:\n'
        '        return client.get("/streams", params={"user_login": "x"})\n'
        "\n"
        "\n"
        "async def with_aiohttp(token):\n"
        '    async with aiohttp.ClientSession(headers={"Client-Id": "cid", "Authorization": f"Bearer {token}"}) as session:\n'
        '        async with session.get(HELIX + "/streams", params={"user_login": "x"}) as response:\n'
        "            return await response.json()\n"
        "\n"
        "\n"
        "def with_session_update(token):\n"
        "    session = requests.Session()\n"
        '    session.headers.update({"Client-Id": "cid"})\n'
        '    session.headers["Authorization"] = f"Bearer {token}"\n'
        '    return session.get(HELIX + "/streams", params={"user_login": "x"})\n'
        "\n"
        "\n"
        "def with_dict_items(token):\n"
        '    headers = {"Client-Id": "cid"}\n'
        '    headers["Authorization"] = "Bearer " + token\n'
        '    return requests.get(HELIX + "/streams", params={"user_login": "x"}, headers=headers)\n',
    )

    checked = project.check()

    assert checked.lines() == []
    assert [(call.line, call.endpoint) for call in checked.unverified] == [(10, "get-streams"), (15, "get-streams"), (23, "get-streams"), (29, "get-streams")]


def test_headers_unknown_silent(project: Project) -> None:
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "from shared import twitch_headers\n"
        "\n"
        "\n"
        "def live(session, headers):\n"
        '    session.get("https://api.twitch.tv/helix/streams?user_login=x")\n'
        '    requests.get("https://api.twitch.tv/helix/streams?user_login=x", headers=headers)\n'
        '    requests.get("https://api.twitch.tv/helix/streams?user_login=x", headers=twitch_headers())\n'
        '    requests.get("https://api.twitch.tv/helix/streams?user_login=x", headers={**headers, "Client-Id": "cid"})\n',
    )

    assert project.check("TP4").lines() == []


def test_module_headers_filled_elsewhere(project: Project) -> None:
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        'HEADERS = {"Client-Id": "cid"}\n'
        'HEADERS.update({"Authorization": "Bearer placeholder"})\n'
        'LOGIN_HEADERS = {"Client-Id": "cid"}\n'
        "\n"
        "\n"
        "def login():\n"
        '    token = requests.post("https://id.twitch.tv/oauth2/token", data={"grant_type": "client_credentials"}).json()["access_token"]\n'
        '    LOGIN_HEADERS["Authorization"] = f"Bearer {token}"\n'
        "\n"
        "\n"
        "def live():\n"
        '    return requests.get("https://api.twitch.tv/helix/streams?user_login=x", headers=HEADERS)\n'
        "\n"
        "\n"
        "def clip():\n"
        '    return requests.post("https://api.twitch.tv/helix/clips?broadcaster_id=1", headers=LOGIN_HEADERS)\n',
    )

    # No TP402 on either call, and the app access token set in login() reaches Create Clip.
    assert project.check().places() == ["bot.py:18:12: TP201"]


def test_headers_assigned_to_session(project: Project) -> None:
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "\n"
        "def live(token):\n"
        "    session = requests.Session()\n"
        '    session.headers = {"Client-Id": "cid", "Authorization": f"Bearer {token}"}\n'
        '    return session.get("https://api.twitch.tv/helix/streams?user_login=x")\n',
    )

    assert project.check("TP4").lines() == []


def test_headers_assigned_to_httpx_client(project: Project) -> None:
    project.write(
        "bot.py",
        "import httpx\n"
        "\n"
        "\n"
        "def live(token):\n"
        "    client = httpx.Client()\n"
        '    client.headers = {"Client-Id": "cid", "Authorization": f"Bearer {token}"}\n'
        '    return client.get("https://api.twitch.tv/helix/streams?user_login=x")\n',
    )

    assert project.check("TP4").lines() == []


def test_headers_from_auth_object(project: Project) -> None:
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "\n"
        "class TwitchAuth(requests.auth.AuthBase):\n"
        "    def __init__(self, token):\n"
        "        self.token = token\n"
        "\n"
        "    def __call__(self, request):\n"
        '        request.headers["Authorization"] = f"Bearer {self.token}"\n'
        '        request.headers["Client-Id"] = "cid"\n'
        "        return request\n"
        "\n"
        "\n"
        "def live(token):\n"
        '    return requests.get("https://api.twitch.tv/helix/streams?user_login=x", auth=TwitchAuth(token))\n',
    )

    assert project.check("TP4").lines() == []


def test_tp402_oauth_endpoint_not_checked(project: Project) -> None:
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "\n"
        "def validate(token):\n"
        '    return requests.get("https://id.twitch.tv/oauth2/validate", headers={"Authorization": f"OAuth {token}"})\n',
    )

    assert project.check().lines() == []


# ---------------------------------------------------------------- TP403


def test_tp403_oauth_prefix_on_helix(project: Project) -> None:
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "session = requests.Session()\n"
        "\n"
        "\n"
        "def login(token):\n"
        '    session.headers.update({"Client-Id": "cid", "Authorization": "OAuth " + token})\n'
        "\n"
        "\n"
        "def live():\n"
        '    return session.get("https://api.twitch.tv/helix/streams?user_login=x")\n'
        "\n"
        "\n"
        "def me(token):\n"
        '    return requests.get("https://api.twitch.tv/helix/users", headers={"Client-Id": "cid", "Authorization": f"Bearer {token}"})\n',
    )

    checked = project.check()

    assert checked.lines() == [f"bot.py:11:12: TP403 {STREAMS} is called with `Authorization: OAuth ...`; Helix expects `Bearer`"]


# ---------------------------------------------------------------- TP404


def test_tp404_token_in_query(project: Project) -> None:
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "\n"
        "def live(token):\n"
        '    return requests.get("https://api.twitch.tv/helix/streams", params={"user_login": "x", "access_token": token}, headers={"Client-Id": "cid"})\n'
        "\n"
        "\n"
        "def me(token):\n"
        '    return requests.get("https://api.twitch.tv/helix/users?oauth_token=" + token, headers={"Client-Id": "cid"})\n',
    )

    checked = project.check()

    assert checked.lines() == [
        f"bot.py:5:12: TP404 {STREAMS} sends access_token in the query string; Helix reads tokens only from the Authorization header",
        "bot.py:9:12: TP404 Get Users (GET /helix/users) sends oauth_token in the query string; Helix reads tokens only from the Authorization header",
    ]


def test_tp404_secret_in_body(project: Project) -> None:
    project.write(
        "bot.py",
        "import os\n"
        "\n"
        "import requests\n"
        "\n"
        "\n"
        "def say(token, text):\n"
        '    body = {"broadcaster_id": "1", "sender_id": "2", "message": text, "client_secret": os.environ["TWITCH_SECRET"]}\n'
        '    return requests.post("https://api.twitch.tv/helix/chat/messages", json=body, headers={"Client-Id": "cid", "Authorization": f"Bearer {token}"})\n',
    )

    checked = project.check()

    assert checked.lines() == [
        "bot.py:8:12: TP404 Send Chat Message (POST /helix/chat/messages) sends client_secret in the body; "
        "Helix reads tokens only from the Authorization header"
    ]


def test_tp404_oauth_token_endpoint_clean(project: Project) -> None:
    project.write(
        "bot.py",
        "import os\n"
        "\n"
        "import requests\n"
        "\n"
        "\n"
        "def revoke(token):\n"
        '    return requests.post("https://id.twitch.tv/oauth2/revoke", data={"client_id": "cid", "token": token})\n'
        "\n"
        "\n"
        "def refresh(refresh_token):\n"
        '    data = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_secret": os.environ["TWITCH_SECRET"]}\n'
        '    return requests.post("https://id.twitch.tv/oauth2/token", data=data).json()\n',
    )

    assert project.check().lines() == []


# ---------------------------------------------------------------- TP405


def test_tp405_hardcoded_secrets_masked(project: Project) -> None:
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        f'CLIENT_SECRET = "{FAKE_SECRET}"\n'
        f'BOT_TOKEN = "oauth:{FAKE_SECRET}"\n'
        "\n"
        "\n"
        "def app_token():\n"
        f'    data = {{"grant_type": "client_credentials", "client_id": "cid", "client_secret": "{FAKE_SECRET}"}}\n'
        '    return requests.post("https://id.twitch.tv/oauth2/token", data=data).json()["access_token"]\n'
        "\n"
        "\n"
        "def me():\n"
        f'    return requests.get("https://api.twitch.tv/helix/users", headers={{"Client-Id": "cid", "Authorization": "Bearer {FAKE_SECRET}"}})\n',
    )

    checked = project.check()

    assert checked.places() == ["bot.py:3:17: TP405", "bot.py:4:13: TP405", "bot.py:8:86: TP405", "bot.py:13:108: TP405"]
    assert checked.lines()[0] == "bot.py:3:17: TP405 CLIENT_SECRET is a client secret written in source: <30 characters, masked>"
    assert checked.lines()[2] == "bot.py:8:86: TP405 client_secret is a client secret written in source: <30 characters, masked>"
    assert [finding.message.rsplit(": ", 1)[1] for finding in checked.findings] == [
        "<30 characters, masked>",
        "<36 characters, masked>",
        "<30 characters, masked>",
        "<30 characters, masked>",
    ]
    for finding in checked.findings:
        assert FAKE_SECRET not in finding.message
        assert finding.evidence is None or FAKE_SECRET not in finding.evidence


def test_tp405_access_token_article(project: Project) -> None:
    project.write("bot.py", f'BOT_TOKEN = "oauth:{FAKE_SECRET}"\n')

    assert project.check().lines() == ["bot.py:1:13: TP405 BOT_TOKEN is an access token written in source: <36 characters, masked>"]


def test_tp405_placeholders_and_ids_clean(project: Project) -> None:
    project.write(
        "bot.py",
        "import os\n"
        "\n"
        f'CLIENT_ID = "{FAKE_SECRET}"\n'
        'CLIENT_SECRET = "your-client-secret-here"\n'
        'ACCESS_TOKEN = "abcdefghijklmnopqrstuvwxyzabcd"\n'
        'REFRESH_TOKEN = "000000000000000000000000000000"\n'
        'BOT_TOKEN = os.environ["TWITCH_BOT_TOKEN"]\n'
        'TOKEN_URL = "https://id.twitch.tv/oauth2/token"\n'
        f'SESSION_NAME = "{FAKE_SECRET}"\n',
    )

    assert project.check().lines() == []


def test_tp405_token_in_url_literal(project: Project) -> None:
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "\n"
        "def follows():\n"
        f'    return requests.get("https://api.twitch.tv/helix/users/follows?to_id=1&access_token={FAKE_SECRET}")\n',
    )

    assert "TP405" in [finding.code for finding in project.check().findings]


# ---------------------------------------------------------------- TP406


TOKEN_EXCHANGE = """\
import requests


def login(code):
    response = requests.post(
        "https://id.twitch.tv/oauth2/token",
        data={{"grant_type": "{grant}", "code": code, "client_id": "cid", "redirect_uri": "http://localhost:3000"}},
    )
    body = response.json()
{extra}    return body["access_token"]
"""


def test_tp406_refresh_token_never_read(project: Project) -> None:
    project.write("auth.py", TOKEN_EXCHANGE.format(grant="authorization_code", extra=""))

    checked = project.check()

    assert checked.lines() == [
        "auth.py:5:16: TP406 the authorization_code token request's refresh_token is never read; "
        "the user access token expires in about four hours"
    ]
    assert checked.findings[0].reference == "https://dev.twitch.tv/docs/authentication/refresh-tokens/"


def test_tp406_device_code_grant(project: Project) -> None:
    project.write("auth.py", TOKEN_EXCHANGE.format(grant="urn:ietf:params:oauth:grant-type:device_code", extra=""))

    assert project.check().lines() == [
        "auth.py:5:16: TP406 the device code token request's refresh_token is never read; "
        "the user access token expires in about four hours"
    ]


@pytest.mark.parametrize(
    "extra",
    [
        '    save(body["refresh_token"])\n',
        '    save(body.get("refresh_token"))\n',
    ],
)
def test_tp406_refresh_token_stored_clean(project: Project, extra: str) -> None:
    project.write("auth.py", TOKEN_EXCHANGE.format(grant="authorization_code", extra=extra))

    assert project.check().lines() == []


def test_tp406_refresh_read_in_other_module(project: Project) -> None:
    project.write("auth.py", TOKEN_EXCHANGE.format(grant="authorization_code", extra=""))
    project.write("store.py", "def save(tokens):\n    return tokens.refresh_token\n")

    assert project.check().lines() == []


def test_tp406_client_credentials_clean(project: Project) -> None:
    project.write("auth.py", TOKEN_EXCHANGE.format(grant="client_credentials", extra=""))

    assert project.check().lines() == []


def test_tp406_unrelated_refresh_name(project: Project) -> None:
    project.write("auth.py", "REFRESH_INTERVAL = 30\n" + TOKEN_EXCHANGE.format(grant="authorization_code", extra=""))

    assert project.check().places() == ["auth.py:6:16: TP406"]
