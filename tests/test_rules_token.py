"""Token kind rules (TP201 to TP204) and the evidence that shows the checker which token a call sends."""

from __future__ import annotations

import pytest

from conftest import Project

REFERENCE_CLIP = "https://dev.twitch.tv/docs/api/reference/#create-clip"

# A module that requests an app access token. Line 7 is the token request.
APP_AUTH = """\
import requests

TOKEN_URL = "https://id.twitch.tv/oauth2/token"


def app_token():
    response = requests.post(TOKEN_URL, data={"grant_type": "client_credentials", "client_id": "cid", "client_secret": "s"})
    return response.json()["access_token"]
"""

# A module that refreshes a user access token. Line 7 is the token request.
USER_AUTH = """\
import requests

TOKEN_URL = "https://id.twitch.tv/oauth2/token"


def user_token(refresh_token):
    body = requests.post(TOKEN_URL, data={"grant_type": "refresh_token", "refresh_token": refresh_token}).json()
    return body["access_token"]
"""

# Both kinds in one module: line 7 requests the app access token, line 12 refreshes a user access token.
BOTH_AUTH = APP_AUTH + """

def user_token(refresh_token):
    body = requests.post(TOKEN_URL, data={"grant_type": "refresh_token", "refresh_token": refresh_token}).json()
    return body["access_token"]
"""


def app_clip_bot(token_expression: str) -> str:
    """Return a bot that sends ``token_expression`` to Create Clip on line 6 and to Get Users on line 10."""
    return (
        "import requests\n"
        "from auth import app_token\n"
        "\n"
        "\n"
        "def clip(broadcaster_id):\n"
        f'    return requests.post("https://api.twitch.tv/helix/clips", params={{"broadcaster_id": broadcaster_id}}, headers={{"Client-Id": "cid", "Authorization": "Bearer " + {token_expression}}})\n'
        "\n"
        "\n"
        "def user(login):\n"
        f'    return requests.get("https://api.twitch.tv/helix/users", params={{"login": login}}, headers={{"Client-Id": "cid", "Authorization": "Bearer " + {token_expression}}})\n'
    )


# ---------------------------------------------------------------- TP201


def test_tp201_app_token_on_create_clip(project: Project) -> None:
    project.write("auth.py", APP_AUTH)
    project.write("bot.py", app_clip_bot("app_token()"))

    checked = project.check()

    assert checked.lines() == [
        "bot.py:6:12: TP201 Create Clip (POST /helix/clips) does not accept an app access token; "
        "it needs a user access token (token from client_credentials request at auth.py:7)"
    ]
    finding = checked.findings[0]
    assert finding.evidence == "token from client_credentials request at auth.py:7"
    assert finding.reference == REFERENCE_CLIP
    assert finding.endpoint == "create-clip"
    assert checked.unverified == []


def test_tp201_app_token_on_streams_clean(project: Project) -> None:
    project.write("auth.py", APP_AUTH)
    project.write("bot.py", app_clip_bot("app_token()").replace("/helix/clips", "/helix/streams").replace("requests.post", "requests.get"))

    checked = project.check()

    assert checked.lines() == []
    assert checked.unverified == []


def test_tp201_unknown_token_kind_unverified(project: Project) -> None:
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "\n"
        "def clip(token, broadcaster_id):\n"
        '    return requests.post("https://api.twitch.tv/helix/clips", params={"broadcaster_id": broadcaster_id}, headers={"Client-Id": "cid", "Authorization": f"Bearer {token}"})\n',
    )

    checked = project.check()

    assert checked.lines() == []
    assert [(call.path, call.line, call.column, call.endpoint, call.token_names) for call in checked.unverified] == [
        ("bot.py", 5, 12, "create-clip", ("token",))
    ]


def test_tp201_extension_only_app_token(project: Project) -> None:
    project.write("auth.py", APP_AUTH)
    project.write(
        "bot.py",
        "import requests\n"
        "from auth import app_token\n"
        "\n"
        "\n"
        "def subscribers(broadcaster_id):\n"
        '    headers = {"Client-Id": "cid", "Authorization": f"Bearer {app_token()}"}\n'
        '    return requests.get("https://api.twitch.tv/helix/subscriptions", params={"broadcaster_id": broadcaster_id}, headers=headers)\n',
    )

    checked = project.check()

    assert checked.lines() == [
        "bot.py:7:12: TP201 Get Broadcaster Subscriptions (GET /helix/subscriptions) accepts an app access token only "
        "from an extension's own client; a bot or website needs a user access token "
        "(token from client_credentials request at auth.py:7)"
    ]
    assert checked.findings[0].name == "app-token-not-accepted"


# ---------------------------------------------------------------- how the token kind is found


def test_token_from_json_subscript(project: Project) -> None:
    project.write("auth.py", APP_AUTH)
    project.write("bot.py", app_clip_bot("app_token()"))

    assert project.check("TP2").places() == ["bot.py:6:12: TP201"]


def test_token_from_dict_get(project: Project) -> None:
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        'TOKEN_URL = "https://id.twitch.tv/oauth2/token"\n'
        "\n"
        "\n"
        "def clip():\n"
        '    data = requests.post(TOKEN_URL, params={"grant_type": "client_credentials"}).json()\n'
        '    token = data.get("access_token")\n'
        '    return requests.post("https://api.twitch.tv/helix/clips?broadcaster_id=1", headers={"Client-Id": "cid", "Authorization": f"Bearer {token}"})\n',
    )

    checked = project.check("TP2")

    assert checked.places() == ["bot.py:9:12: TP201"]
    assert checked.findings[0].evidence == "token from client_credentials request at bot.py:7"


def test_token_from_self_attribute(project: Project) -> None:
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "\n"
        "class Bot:\n"
        "    def __init__(self):\n"
        "        self.token = None\n"
        "\n"
        "    def login(self):\n"
        '        response = requests.post("https://id.twitch.tv/oauth2/token", data={"grant_type": "client_credentials"})\n'
        '        self.token = response.json()["access_token"]\n'
        "\n"
        "    def clip(self, broadcaster_id):\n"
        '        headers = {"Client-Id": "cid", "Authorization": f"Bearer {self.token}"}\n'
        '        return requests.post("https://api.twitch.tv/helix/clips", params={"broadcaster_id": broadcaster_id}, headers=headers)\n',
    )

    checked = project.check("TP2")

    assert checked.places() == ["bot.py:14:16: TP201"]
    assert checked.findings[0].evidence == "token from client_credentials request at bot.py:9"


def test_token_from_function_return(project: Project) -> None:
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "\n"
        "def fetch_token():\n"
        '    response = requests.post("https://id.twitch.tv/oauth2/token", data={"grant_type": "client_credentials"})\n'
        "    return response.json()\n"
        "\n"
        "\n"
        "def clip():\n"
        '    token = fetch_token()["access_token"]\n'
        '    return requests.post("https://api.twitch.tv/helix/clips?broadcaster_id=1", headers={"Client-Id": "cid", "Authorization": f"Bearer {token}"})\n',
    )

    checked = project.check("TP2")

    assert checked.places() == ["bot.py:11:12: TP201"]
    assert checked.findings[0].evidence == "token from client_credentials request at bot.py:5"


def test_token_from_module_global(project: Project) -> None:
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "TOKEN = None\n"
        "\n"
        "\n"
        "def login():\n"
        "    global TOKEN\n"
        '    TOKEN = requests.post("https://id.twitch.tv/oauth2/token", data={"grant_type": "client_credentials"}).json()["access_token"]\n'
        "\n"
        "\n"
        "def clip():\n"
        '    return requests.post("https://api.twitch.tv/helix/clips?broadcaster_id=1", headers={"Client-Id": "cid", "Authorization": f"Bearer {TOKEN}"})\n',
    )

    checked = project.check("TP2")

    assert checked.places() == ["bot.py:12:12: TP201"]
    assert checked.findings[0].evidence == "token from client_credentials request at bot.py:8"


def test_token_imported_from_package(project: Project) -> None:
    project.write("app/__init__.py", "")
    project.write("app/auth.py", APP_AUTH)
    project.write("app/settings.py", "from .auth import app_token\n\nTOKEN = app_token()\n")
    project.write(
        "app/bot.py",
        "import requests\n"
        "\n"
        "from . import auth\n"
        "from .settings import TOKEN\n"
        "\n"
        "\n"
        "def clip():\n"
        '    return requests.post("https://api.twitch.tv/helix/clips?broadcaster_id=1", headers={"Client-Id": "cid", "Authorization": f"Bearer {TOKEN}"})\n'
        "\n"
        "\n"
        "def clip_again():\n"
        '    return requests.post("https://api.twitch.tv/helix/clips?broadcaster_id=2", headers={"Client-Id": "cid", "Authorization": f"Bearer {auth.app_token()}"})\n',
    )

    checked = project.check("TP2")

    assert checked.places() == ["app/bot.py:8:12: TP201", "app/bot.py:12:12: TP201"]
    assert [finding.evidence for finding in checked.findings] == ["token from client_credentials request at app/auth.py:7"] * 2


def test_token_through_wrapper_per_caller(project: Project) -> None:
    project.write("auth.py", BOTH_AUTH)
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "from auth import app_token, user_token\n"
        "\n"
        "\n"
        "def helix_post(path, token, params=None):\n"
        '    headers = {"Client-Id": "cid", "Authorization": f"Bearer {token}"}\n'
        '    return requests.post("https://api.twitch.tv/helix" + path, params=params, headers=headers)\n'
        "\n"
        "\n"
        "def main(refresh_token):\n"
        '    helix_post("/clips", app_token(), {"broadcaster_id": "1"})\n'
        '    helix_post("/clips", user_token(refresh_token), {"broadcaster_id": "1"})\n'
        '    helix_post("/clips", token=app_token(), params={"broadcaster_id": "2"})\n',
    )

    checked = project.check("TP2")

    assert checked.places() == ["bot.py:12:5: TP201", "bot.py:14:5: TP201"]
    assert checked.unverified == []


def test_token_kinds_disagree_unverified(project: Project) -> None:
    project.write("auth.py", BOTH_AUTH)
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "from auth import app_token, user_token\n"
        "\n"
        "\n"
        "def clip(refresh_token=None):\n"
        "    token = user_token(refresh_token) if refresh_token else app_token()\n"
        '    return requests.post("https://api.twitch.tv/helix/clips?broadcaster_id=1", headers={"Client-Id": "cid", "Authorization": f"Bearer {token}"})\n',
    )

    checked = project.check()

    assert checked.lines() == []
    assert [(call.line, call.endpoint, call.token_names) for call in checked.unverified] == [(8, "create-clip", ("token",))]


def test_token_from_environment_mapped_in_config(project: Project) -> None:
    config = project.config('[tokens]\n"env:TWITCH_APP_TOKEN" = "app"\n')
    project.write(
        "bot.py",
        "import os\n"
        "\n"
        "import requests\n"
        "\n"
        'APP_TOKEN = os.environ["TWITCH_APP_TOKEN"]\n'
        "\n"
        "\n"
        "def clip():\n"
        '    return requests.post("https://api.twitch.tv/helix/clips?broadcaster_id=1", headers={"Client-Id": "cid", "Authorization": f"Bearer {APP_TOKEN}"})\n'
        "\n"
        "\n"
        "def clip_getenv():\n"
        '    token = os.getenv("TWITCH_APP_TOKEN")\n'
        '    return requests.post("https://api.twitch.tv/helix/clips?broadcaster_id=1", headers={"Client-Id": "cid", "Authorization": f"Bearer {token}"})\n',
    )

    checked = project.check(config=config)

    assert checked.places() == ["bot.py:9:12: TP201", "bot.py:14:12: TP201"]
    assert [finding.evidence for finding in checked.findings] == [
        "token name env:TWITCH_APP_TOKEN mapped to app access token in twitchpolicy.toml"
    ] * 2


def test_token_environment_unmapped_unverified(project: Project) -> None:
    project.write(
        "bot.py",
        "import os\n"
        "\n"
        "import requests\n"
        "\n"
        'APP_TOKEN = os.environ["TWITCH_APP_TOKEN"]\n'
        "\n"
        "\n"
        "def clip():\n"
        '    return requests.post("https://api.twitch.tv/helix/clips?broadcaster_id=1", headers={"Client-Id": "cid", "Authorization": f"Bearer {APP_TOKEN}"})\n',
    )

    checked = project.check()

    assert checked.lines() == []
    assert [(call.line, call.token_names) for call in checked.unverified] == [(9, ("env:TWITCH_APP_TOKEN", "APP_TOKEN"))]


def test_token_attribute_mapped_in_config(project: Project) -> None:
    config = project.config('[tokens]\n"self.app_token" = "app"\n')
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "\n"
        "class Bot:\n"
        "    def __init__(self, app_token):\n"
        "        self.app_token = app_token\n"
        "\n"
        "    def clip(self):\n"
        '        return requests.post("https://api.twitch.tv/helix/clips?broadcaster_id=1", headers={"Client-Id": "cid", "Authorization": f"Bearer {self.app_token}"})\n',
    )

    checked = project.check(config=config)

    assert checked.places() == ["bot.py:9:16: TP201"]
    assert checked.findings[0].evidence == "token name self.app_token mapped to app access token in twitchpolicy.toml"


def test_token_annotation_on_assignment(project: Project) -> None:
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "from vault import load_token\n"
        "\n"
        "\n"
        "def clip():\n"
        '    token = load_token("twitch")  # twitchpolicy: token=app\n'
        '    return requests.post("https://api.twitch.tv/helix/clips?broadcaster_id=1", headers={"Client-Id": "cid", "Authorization": f"Bearer {token}"})\n'
        "\n"
        "\n"
        "def users():\n"
        '    token = load_token("twitch")  # twitchpolicy: token=app\n'
        '    return requests.get("https://api.twitch.tv/helix/users?login=x", headers={"Client-Id": "cid", "Authorization": f"Bearer {token}"})\n',
    )

    checked = project.check()

    assert checked.lines() == [
        "bot.py:8:12: TP201 Create Clip (POST /helix/clips) does not accept an app access token; "
        "it needs a user access token (token annotated as app access token at bot.py:7)"
    ]
    assert checked.unverified == []


def test_token_annotation_user_overrides_grant(project: Project) -> None:
    project.write("auth.py", APP_AUTH)
    project.write(
        "bot.py",
        "import requests\n"
        "from auth import app_token\n"
        "\n"
        "\n"
        "def clip():\n"
        "    token = app_token()  # twitchpolicy: token=user\n"
        '    return requests.post("https://api.twitch.tv/helix/clips?broadcaster_id=1", headers={"Client-Id": "cid", "Authorization": f"Bearer {token}"})\n',
    )

    assert project.check().lines() == []


def test_token_annotation_on_call_line(project: Project) -> None:
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "\n"
        "def clip(token):\n"
        '    headers = {"Client-Id": "cid", "Authorization": f"Bearer {token}"}\n'
        '    return requests.post("https://api.twitch.tv/helix/clips?broadcaster_id=1", headers=headers)  # twitchpolicy: token=app\n',
    )

    checked = project.check("TP2")

    assert checked.places() == ["bot.py:6:12: TP201"]
    assert checked.findings[0].evidence == "token annotated as app access token at bot.py:6"


def test_token_through_str_format(project: Project) -> None:
    project.write("auth.py", APP_AUTH)
    project.write("bot.py", app_clip_bot('"{}".format(app_token())'))

    assert project.check("TP2").places() == ["bot.py:6:12: TP201"]


def test_token_through_two_wrappers(project: Project) -> None:
    project.write("auth.py", APP_AUTH)
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "from auth import app_token\n"
        "\n"
        "\n"
        "def helix_post(path, token, params=None):\n"
        '    headers = {"Client-Id": "cid", "Authorization": f"Bearer {token}"}\n'
        '    return requests.post("https://api.twitch.tv/helix" + path, params=params, headers=headers)\n'
        "\n"
        "\n"
        "def create_clip(token, broadcaster_id):\n"
        '    return helix_post("/clips", token, {"broadcaster_id": broadcaster_id})\n'
        "\n"
        "\n"
        "def main():\n"
        '    create_clip(app_token(), "1")\n',
    )

    assert project.check("TP2").places() == ["bot.py:16:5: TP201"]


def test_token_grant_through_helper_parameter(project: Project) -> None:
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "\n"
        "def token_request(grant, **extra):\n"
        '    return requests.post("https://id.twitch.tv/oauth2/token", data={"grant_type": grant, **extra}).json()\n'
        "\n"
        "\n"
        "def clip():\n"
        '    token = token_request("client_credentials")["access_token"]\n'
        '    return requests.post("https://api.twitch.tv/helix/clips?broadcaster_id=1", headers={"Client-Id": "cid", "Authorization": f"Bearer {token}"})\n',
    )

    assert project.check("TP2").places() == ["bot.py:10:12: TP201"]


def test_token_instance_attribute_outside_class(project: Project) -> None:
    project.write("auth.py", APP_AUTH)
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "from auth import app_token\n"
        "\n"
        "\n"
        "class Bot:\n"
        "    def __init__(self):\n"
        "        self.token = app_token()\n"
        "\n"
        "\n"
        "def main():\n"
        "    bot = Bot()\n"
        '    return requests.post("https://api.twitch.tv/helix/clips?broadcaster_id=1", headers={"Client-Id": "cid", "Authorization": f"Bearer {bot.token}"})\n',
    )

    assert project.check("TP2").places() == ["bot.py:13:12: TP201"]


def test_token_import_prefers_own_folder(project: Project) -> None:
    project.write("a_tools/auth.py", USER_AUTH.replace("def user_token(refresh_token)", "def app_token(refresh_token=None)"))
    project.write("b_bot/auth.py", APP_AUTH)
    project.write("b_bot/bot.py", app_clip_bot("app_token()"))

    assert project.check("TP2").places() == ["b_bot/bot.py:6:12: TP201"]


def test_token_from_imported_base_class(project: Project) -> None:
    project.write("auth.py", APP_AUTH)
    project.write("base.py", "from auth import app_token\n\n\nclass BaseClient:\n    def __init__(self):\n        self.token = app_token()\n")
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "from base import BaseClient\n"
        "\n"
        "\n"
        "class Bot(BaseClient):\n"
        "    def clip(self):\n"
        '        return requests.post("https://api.twitch.tv/helix/clips?broadcaster_id=1", headers={"Client-Id": "cid", "Authorization": f"Bearer {self.token}"})\n',
    )

    assert project.check("TP2").places() == ["bot.py:8:16: TP201"]


def test_token_wrapper_with_many_callers(project: Project) -> None:
    calls = "".join(f'    helix_post("/clips?broadcaster_id={number}", app_token())\n' for number in range(60))
    project.write("auth.py", APP_AUTH)
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "from auth import app_token\n"
        "\n"
        "\n"
        "def helix_post(path, token):\n"
        '    return requests.post("https://api.twitch.tv/helix" + path, headers={"Client-Id": "cid", "Authorization": f"Bearer {token}"})\n'
        "\n"
        "\n"
        "def main():\n" + calls,
    )

    assert project.check("TP2").places() == [f"bot.py:{line}:5: TP201" for line in range(11, 71)]


# ---------------------------------------------------------------- TP202


AUTHORIZATION_BOT = """\
import requests

from auth import {function}


def granted(user_id, refresh_token=None):
    headers = {{"Client-Id": "cid", "Authorization": f"Bearer {{{function}({argument})}}"}}
    return requests.get("https://api.twitch.tv/helix/{path}", params={{"user_id": user_id}}, headers=headers)
"""


def test_tp202_user_token_on_app_only_endpoint(project: Project) -> None:
    project.write("auth.py", USER_AUTH)
    project.write("bot.py", AUTHORIZATION_BOT.format(function="user_token", argument="refresh_token", path="authorization/users"))

    checked = project.check()

    assert checked.lines() == [
        "bot.py:8:12: TP202 Get Authorization By User (GET /helix/authorization/users) does not accept a user access token; "
        "it needs an app access token (token from refresh_token request at auth.py:7)"
    ]
    assert checked.findings[0].evidence == "token from refresh_token request at auth.py:7"


def test_tp202_app_token_on_app_only_endpoint_clean(project: Project) -> None:
    project.write("auth.py", APP_AUTH)
    project.write("bot.py", AUTHORIZATION_BOT.format(function="app_token", argument="", path="authorization/users"))

    assert project.check().lines() == []


def test_tp202_user_token_on_either_endpoint_clean(project: Project) -> None:
    project.write("auth.py", USER_AUTH)
    project.write("bot.py", AUTHORIZATION_BOT.format(function="user_token", argument="refresh_token", path="chat/color"))

    checked = project.check()

    assert checked.lines() == []
    assert checked.unverified == []


# ---------------------------------------------------------------- TP203


EVENTSUB_BOT = """\
import requests

from auth import app_token, user_token


def subscribe(token, transport):
    body = {"type": "stream.online", "version": "1", "condition": {"broadcaster_user_id": "1"}, "transport": transport}
    headers = {"Client-Id": "cid", "Authorization": f"Bearer {token}"}
    return requests.post("https://api.twitch.tv/helix/eventsub/subscriptions", json=body, headers=headers)


def main(refresh_token, session_id, conduit_id):
    subscribe(app_token(), {"method": "websocket", "session_id": session_id})
    subscribe(user_token(refresh_token), {"method": "webhook", "callback": "https://bot.example.test/cb", "secret": "s"})
    subscribe(user_token(refresh_token), {"method": "conduit", "conduit_id": conduit_id})
    subscribe(app_token(), {"method": "webhook", "callback": "https://bot.example.test/cb", "secret": "s"})
    subscribe(app_token(), {"method": "conduit", "conduit_id": conduit_id})
    subscribe(user_token(refresh_token), {"method": "websocket", "session_id": session_id})
    subscribe(app_token(), {"method": session_id, "session_id": session_id})
"""


def test_tp203_transport_token_mismatch(project: Project) -> None:
    project.write("auth.py", BOTH_AUTH)
    project.write("bot.py", EVENTSUB_BOT)

    checked = project.check()

    label = "Create EventSub Subscription (POST /helix/eventsub/subscriptions)"
    assert checked.lines() == [
        f"bot.py:13:5: TP203 {label} with the websocket transport needs a user access token, but the call sends an app access token "
        "(token from client_credentials request at auth.py:7)",
        f"bot.py:14:5: TP203 {label} with the webhook transport needs an app access token, but the call sends a user access token "
        "(token from refresh_token request at auth.py:12)",
        f"bot.py:15:5: TP203 {label} with the conduit transport needs an app access token, but the call sends a user access token "
        "(token from refresh_token request at auth.py:12)",
    ]
    assert [finding.evidence for finding in checked.findings] == [
        "token from client_credentials request at auth.py:7",
        "token from refresh_token request at auth.py:12",
        "token from refresh_token request at auth.py:12",
    ]


def test_tp203_transport_through_wrapper_parameter(project: Project) -> None:
    project.write("auth.py", APP_AUTH)
    project.write(
        "bot.py",
        "import requests\n"
        "\n"
        "from auth import app_token\n"
        "\n"
        "\n"
        "def subscribe(kind, transport):\n"
        '    body = {"type": kind, "version": "1", "condition": {"broadcaster_user_id": "1"}, "transport": transport}\n'
        '    headers = {"Client-Id": "cid", "Authorization": f"Bearer {app_token()}"}\n'
        '    return requests.post("https://api.twitch.tv/helix/eventsub/subscriptions", json=body, headers=headers)\n'
        "\n"
        "\n"
        "def main(session_id):\n"
        '    subscribe("stream.online", {"method": "websocket", "session_id": session_id})\n',
    )

    assert project.check("TP2").places() == ["bot.py:13:5: TP203"]


# ---------------------------------------------------------------- TP204


FOLLOWERS_BOT = """\
import requests

from auth import {function}


def follower_total(broadcaster_id, refresh_token=None):
    headers = {{"Client-Id": "cid", "Authorization": f"Bearer {{{function}({argument})}}"}}
    return requests.get("https://api.twitch.tv/helix/channels/followers", params={{"broadcaster_id": broadcaster_id}}, headers=headers)
"""


def test_tp204_app_token_on_followers(project: Project) -> None:
    project.write("auth.py", APP_AUTH)
    project.write("bot.py", FOLLOWERS_BOT.format(function="app_token", argument=""))

    checked = project.check()

    assert checked.places() == ["bot.py:8:12: TP204"]
    finding = checked.findings[0]
    assert finding.severity == "warning"
    assert finding.evidence == "token from client_credentials request at auth.py:7"
    assert finding.reference == "https://dev.twitch.tv/docs/api/reference/#get-channel-followers"


def test_tp204_message_reads_once(project: Project) -> None:
    project.write("auth.py", APP_AUTH)
    project.write("bot.py", FOLLOWERS_BOT.format(function="app_token", argument=""))

    assert project.check().lines() == [
        "bot.py:8:12: TP204 Get Channel Followers (GET /helix/channels/followers) with an app access token "
        "returns only the total follower count (token from client_credentials request at auth.py:7)"
    ]


def test_tp204_user_token_on_followers_clean(project: Project) -> None:
    project.write("auth.py", USER_AUTH)
    project.write("bot.py", FOLLOWERS_BOT.format(function="user_token", argument="refresh_token"))

    checked = project.check()

    assert checked.lines() == []
    assert checked.unverified == []
