"""The scanner and the rules on small source trees written to disk."""

from __future__ import annotations

from pathlib import Path

from twitchpolicy.checker import run_checks
from twitchpolicy.config import Config
from twitchpolicy.registry import load_registry
from twitchpolicy.rules import Finding
from twitchpolicy.scan import ScanResult, scan_paths

# These tests cover the scanner and the endpoint rules, so only TP1xx and TP9xx are selected.
ENDPOINT_RULES = Config(select=("TP1", "TP9"))


def check_sites(result: ScanResult) -> list[Finding]:
    return run_checks(load_registry(), result, ENDPOINT_RULES).findings


def findings_for(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, int, str]]:
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    result = scan_paths([str(tmp_path)])
    findings = check_sites(result)
    return [(Path(f.path).relative_to(tmp_path).as_posix(), f.line, f.column, f.code) for f in findings]


def test_requests_get_removed(tmp_path: Path) -> None:
    found = findings_for(tmp_path, {"bot.py": 'import requests\nrequests.get("https://api.twitch.tv/helix/users/follows?to_id=1")\n'})
    assert found == [("bot.py", 2, 1, "TP102")]


def test_fstring_with_module_constant(tmp_path: Path) -> None:
    source = 'import requests\nBASE = "https://api.twitch.tv/helix"\n\ndef f(b):\n    return requests.put(f"{BASE}/clips?broadcaster_id={b}")\n'
    assert findings_for(tmp_path, {"bot.py": source}) == [("bot.py", 5, 12, "TP104")]


def test_correct_calls_are_clean(tmp_path: Path) -> None:
    source = (
        "import httpx, requests\n"
        'BASE = "https://api.twitch.tv/helix"\n'
        "def f(client, login):\n"
        '    client.get(BASE + "/users", params={"login": login})\n'
        '    requests.post(f"{BASE}/clips", params={"broadcaster_id": "1"})\n'
        '    requests.request("PATCH", "%s/channels" % BASE)\n'
        '    requests.get("{}/streams".format(BASE))\n'
        '    httpx.post("https://id.twitch.tv/oauth2/token", data={})\n'
    )
    assert findings_for(tmp_path, {"bot.py": source}) == []


def test_request_method_argument(tmp_path: Path) -> None:
    source = 'import requests\nrequests.request("DELETE", "https://api.twitch.tv/helix/streams")\n'
    assert findings_for(tmp_path, {"bot.py": source}) == [("bot.py", 2, 1, "TP104")]


def test_class_attribute_and_self(tmp_path: Path) -> None:
    source = (
        "import aiohttp\n"
        "class Api:\n"
        '    BASE = "https://api.twitch.tv/helix"\n'
        "    def __init__(self):\n"
        '        self.follows = self.BASE + "/users/follows"\n'
        "    async def go(self, session):\n"
        "        async with session.get(self.follows) as response:\n"
        "            return await response.json()\n"
    )
    assert findings_for(tmp_path, {"api.py": source}) == [("api.py", 7, 20, "TP102")]


def test_constant_imported_from_settings(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/settings.py": 'API_BASE = "https://api.twitch.tv/helix"\n',
        "pkg/bot.py": "import requests\nfrom .settings import API_BASE\n\ndef go():\n    return requests.get(API_BASE + '/stream')\n",
    }
    assert findings_for(tmp_path, files) == [("pkg/bot.py", 5, 12, "TP101")]


def test_module_attribute_import(tmp_path: Path) -> None:
    files = {
        "config.py": 'KRAKEN = "https://api.twitch.tv/kraken"\n',
        "main.py": "import config, requests\nrequests.get(config.KRAKEN + '/streams/featured')\n",
    }
    assert findings_for(tmp_path, files) == [("main.py", 2, 1, "TP103")]


def test_constant_passed_to_wrapper(tmp_path: Path) -> None:
    source = 'HUB = "https://api.twitch.tv/helix/webhooks/hub"\n\ndef subscribe(api):\n    api.call(HUB)\n'
    assert findings_for(tmp_path, {"hooks.py": source}) == [("hooks.py", 1, 7, "TP102")]


def test_constant_used_in_call_reported_once(tmp_path: Path) -> None:
    source = 'import requests\nFOLLOWS = "https://api.twitch.tv/helix/users/follows"\nrequests.get(FOLLOWS)\n'
    assert findings_for(tmp_path, {"bot.py": source}) == [("bot.py", 3, 1, "TP102")]


def test_docstring_url_ignored(tmp_path: Path) -> None:
    source = 'def f():\n    """Calls https://api.twitch.tv/helix/users/follows, which Twitch removed."""\n'
    assert findings_for(tmp_path, {"doc.py": source}) == []


def test_other_hosts_ignored(tmp_path: Path) -> None:
    source = (
        "import requests\n"
        'requests.get("https://api.twitch.tv.example.com/helix/users/follows")\n'
        'requests.get("https://www.twitch.tv/helix/users/follows")\n'
        'requests.get("https://api.kraken.com/0/public/Ticker")\n'
    )
    assert findings_for(tmp_path, {"bot.py": source}) == []


def test_unresolved_path_not_reported(tmp_path: Path) -> None:
    source = "import requests\ndef f(endpoint):\n    return requests.get(f'https://api.twitch.tv/helix/{endpoint}')\n"
    assert findings_for(tmp_path, {"bot.py": source}) == []


def test_urllib_request_method(tmp_path: Path) -> None:
    source = (
        "from urllib.request import Request, urlopen\n"
        'req = Request("https://api.twitch.tv/helix/users", data=b"{}")\n'
        'urlopen(Request("https://api.twitch.tv/helix/users", method="GET"))\n'
    )
    assert findings_for(tmp_path, {"bot.py": source}) == [("bot.py", 2, 7, "TP104")]


def test_javascript_fetch_and_axios(tmp_path: Path) -> None:
    source = (
        "const a = await fetch(`https://api.twitch.tv/helix/users/follows?to_id=${id}`);\n"
        "await axios.post('https://api.twitch.tv/helix/streams', {});\n"
        "await fetch('https://api.twitch.tv/helix/clips', { method: 'POST', headers });\n"
        "const k = 'https://api.twitch.tv/kraken/streams/featured';\n"
    )
    assert findings_for(tmp_path, {"web/app.js": source}) == [
        ("web/app.js", 1, 17, "TP102"),
        ("web/app.js", 2, 7, "TP104"),
        ("web/app.js", 4, 12, "TP103"),
    ]


def test_syntax_error_scanned_as_text(tmp_path: Path) -> None:
    source = 'URL = "https://api.twitch.tv/helix/users/follows"\nif True print(URL)\n'
    found = findings_for(tmp_path, {"broken.py": source})
    assert found == [("broken.py", 1, 8, "TP102"), ("broken.py", 2, 9, "TP901")]


def test_excluded_directories_skipped(tmp_path: Path) -> None:
    files = {
        ".venv/lib/site.py": 'X = "https://api.twitch.tv/kraken/streams/1"\n',
        "node_modules/lib/index.js": "fetch('https://api.twitch.tv/kraken/streams/1')\n",
        "src/ok.py": 'X = "https://api.twitch.tv/helix/streams"\n',
    }
    assert findings_for(tmp_path, files) == []
    assert scan_paths([str(tmp_path)]).files_scanned == 1


def test_js_constant_template(tmp_path: Path) -> None:
    files = {
        "src/constants.ts": "export const TWITCH_HELIX_URL = 'https://api.twitch.tv/helix/';\n",
        "src/chat.ts": (
            "import { TWITCH_HELIX_URL } from './constants';\n"
            "const r = await fetch(`${TWITCH_HELIX_URL}users/follows?to_id=${id}`);\n"
            "const s = await fetch(TWITCH_HELIX_URL + 'chat/chatters', { method: 'DELETE' });\n"
            "const t = await fetch(`${TWITCH_HELIX_URL}users?login=${login}`);\n"
        ),
    }
    assert findings_for(tmp_path, files) == [("src/chat.ts", 2, 17, "TP102"), ("src/chat.ts", 3, 17, "TP104")]


def test_js_comments_skipped(tmp_path: Path) -> None:
    source = (
        "// Docs: https://api.twitch.tv/helix/moderation/\n"
        "/* Old: https://api.twitch.tv/kraken/streams/1\n"
        "   https://api.twitch.tv/kraken/users/1 */\n"
        "fetch('https://api.twitch.tv/helix/streams'); // was https://api.twitch.tv/kraken/streams/1\n"
    )
    assert findings_for(tmp_path, {"app.js": source}) == []


def test_annotated_self_attribute(tmp_path: Path) -> None:
    source = (
        "import requests\n"
        "class Api:\n"
        "    def __init__(self) -> None:\n"
        '        self.base_url: str = "https://api.twitch.tv/helix"\n'
        "    def follows(self):\n"
        '        return requests.get(f"{self.base_url}/users/follows")\n'
    )
    assert findings_for(tmp_path, {"api.py": source}) == [("api.py", 6, 16, "TP102")]


def test_local_inside_async_with(tmp_path: Path) -> None:
    source = (
        "import aiohttp\n"
        "async def ban():\n"
        "    async with aiohttp.ClientSession() as session:\n"
        '        url = "https://api.twitch.tv/helix/moderation/bans"\n'
        "        await session.put(url)\n"
    )
    assert findings_for(tmp_path, {"mod.py": source}) == [("mod.py", 5, 15, "TP104")]


def test_webhook_topic_reported(tmp_path: Path) -> None:
    source = (
        "import requests\n"
        "def subscribe(uid):\n"
        '    body = {"hub.mode": "subscribe", "hub.topic": f"https://api.twitch.tv/helix/users/follows?to_id={uid}"}\n'
        '    requests.post("https://api.twitch.tv/helix/webhooks/hub", json=body)\n'
    )
    assert findings_for(tmp_path, {"hooks.py": source}) == [("hooks.py", 3, 51, "TP105"), ("hooks.py", 4, 5, "TP102")]


def test_route_decorator_not_a_call(tmp_path: Path) -> None:
    source = (
        "from flask import Flask\n"
        "app = Flask(__name__)\n"
        '@app.get("/helix/status")\n'
        "def status():\n"
        '    return "ok"\n'
        'LOCAL = "/helix/not-twitch"\n'
    )
    assert findings_for(tmp_path, {"web.py": source}) == []


def test_bare_path_in_connection_call(tmp_path: Path) -> None:
    source = (
        "import http.client\n"
        'conn = http.client.HTTPSConnection("api.twitch.tv")\n'
        'conn.request("GET", "/kraken/streams/" + "12345")\n'
    )
    assert findings_for(tmp_path, {"old.py": source}) == [("old.py", 3, 1, "TP103")]


def test_dangling_symlink_skipped(tmp_path: Path) -> None:
    (tmp_path / "activate.py").symlink_to(tmp_path / "missing.py")
    assert findings_for(tmp_path, {"ok.py": "x = 1\n"}) == []
    assert scan_paths([str(tmp_path)]).files_scanned == 1


def test_format_arguments_resolved(tmp_path: Path) -> None:
    source = (
        "import requests\n"
        'API_BASE = "https://api.twitch.tv/helix"\n'
        "def go(uid):\n"
        '    requests.get("{}/users/follows".format(API_BASE))\n'
        '    requests.get("%s/users/follows?to_id=%s" % (API_BASE, uid))\n'
        '    requests.get("%(base)s/users/follows" % {"base": API_BASE})\n'
        '    requests.get("{base}/stream".format(base=API_BASE))\n'
    )
    assert findings_for(tmp_path, {"bot.py": source}) == [
        ("bot.py", 4, 5, "TP102"),
        ("bot.py", 5, 5, "TP102"),
        ("bot.py", 6, 5, "TP102"),
        ("bot.py", 7, 5, "TP101"),
    ]


def test_non_http_receivers_ignored(tmp_path: Path) -> None:
    source = (
        "import asyncio\n"
        'CHAT = "https://api.twitch.tv/helix/chat/messages"\n'
        "async def go(queue: asyncio.Queue, limits: dict):\n"
        "    await queue.put(CHAT)\n"
        "    return limits.get(CHAT)\n"
    )
    assert findings_for(tmp_path, {"bot.py": source}) == []


def test_http_receivers_recognised(tmp_path: Path) -> None:
    source = (
        "import aiohttp, requests\n"
        'CHAT = "https://api.twitch.tv/helix/chat/messages"\n'
        "s = requests.Session()\n"
        "s.get(CHAT)\n"
        "async def go():\n"
        "    async with aiohttp.ClientSession() as web:\n"
        "        await web.put(CHAT)\n"
        "    async with aiohttp.ClientSession() as x:\n"
        "        await x.patch(CHAT)\n"
        "def other(pool):\n"
        "    pool.delete(CHAT, headers={})\n"
    )
    assert findings_for(tmp_path, {"bot.py": source}) == [
        ("bot.py", 4, 1, "TP104"),
        ("bot.py", 7, 15, "TP104"),
        ("bot.py", 9, 15, "TP104"),
        ("bot.py", 11, 5, "TP104"),
    ]


def test_requests_request_signature(tmp_path: Path) -> None:
    source = (
        "import httpx, requests\n"
        "from requests import Request\n"
        'CHAT = "https://api.twitch.tv/helix/chat/messages"\n'
        'requests.Request("GET", CHAT)\n'
        'httpx.Request("PUT", CHAT)\n'
        'Request("POST", CHAT)\n'
    )
    assert findings_for(tmp_path, {"bot.py": source}) == [("bot.py", 4, 1, "TP104"), ("bot.py", 5, 1, "TP104")]


def test_columns_count_characters(tmp_path: Path) -> None:
    source = 'import requests\ns = "é"; requests.put("https://api.twitch.tv/helix/clips")\n'
    assert findings_for(tmp_path, {"bot.py": source}) == [("bot.py", 2, 10, "TP104")]


def test_fetch_options_with_calls(tmp_path: Path) -> None:
    source = "await fetch('https://api.twitch.tv/helix/chat/messages', { headers: headers(), method: 'POST' });\n"
    assert findings_for(tmp_path, {"send.js": source}) == []


def test_trailing_period_dropped(tmp_path: Path) -> None:
    source = "const help = 'See https://api.twitch.tv/helix/users/follows.';\n"
    assert findings_for(tmp_path, {"help.js": source}) == [("help.js", 1, 19, "TP102")]


def test_duplicate_paths_scanned_once(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('import requests\nrequests.get("https://api.twitch.tv/kraken/streams/1")\n', encoding="utf-8")
    result = scan_paths([str(tmp_path / "a.py"), str(tmp_path / "a.py"), str(tmp_path)])
    assert result.files_scanned == 1
    assert len(result.sites) == 1


def test_fifo_skipped(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe.py")
    assert findings_for(tmp_path, {"ok.py": "x = 1\n"}) == []
    assert scan_paths([str(tmp_path)]).files_scanned == 1


def test_suggestion_names_replacement(tmp_path: Path) -> None:
    (tmp_path / "bot.py").write_text('import requests\nrequests.get("https://api.twitch.tv/helix/users/follow")\n', encoding="utf-8")
    result = scan_paths([str(tmp_path)])
    findings = check_sites(result)
    assert [f.code for f in findings] == ["TP101"]
    assert findings[0].message == (
        "/helix/users/follow is not a Twitch API endpoint; the closest, Get Users Follows (GET /helix/users/follows), "
        "was removed on 2023-09-12; use Get Followed Channels (GET /helix/channels/followed) "
        "or Get Channel Followers (GET /helix/channels/followers)"
    )


def test_queue_named_requests_ignored(tmp_path: Path) -> None:
    source = (
        "import asyncio\n"
        'HELIX = "https://api.twitch.tv/helix"\n'
        "class Worker:\n"
        "    def __init__(self):\n"
        "        self.pending_requests = asyncio.Queue()\n"
        "    async def run(self, rapid_retry):\n"
        '        await self.pending_requests.put(HELIX + "/clips")\n'
        '        rapid_retry.put(HELIX + "/clips")\n'
    )
    assert findings_for(tmp_path, {"worker.py": source}) == []


def test_http_mocks_ignored(tmp_path: Path) -> None:
    source = (
        "def test_ban(requests_mock, respx_mock):\n"
        '    requests_mock.delete("https://api.twitch.tv/helix/moderation/bans", json={})\n'
        '    respx_mock.put("https://api.twitch.tv/helix/moderation/bans")\n'
    )
    assert findings_for(tmp_path, {"tests/test_api.py": source}) == []


def test_text_after_url_ignored(tmp_path: Path) -> None:
    source = 'raise ValueError("https://api.twitch.tv/helix/users/follows is gone")\n'
    assert findings_for(tmp_path, {"err.py": source}) == [("err.py", 1, 18, "TP102")]


def test_wrapper_with_literal_method(tmp_path: Path) -> None:
    source = (
        'HELIX = "https://api.twitch.tv/helix"\n'
        "class Api:\n"
        "    def follow(self):\n"
        '        return self._request("DELETE", f"{HELIX}/chat/settings")\n'
    )
    assert findings_for(tmp_path, {"api.py": source}) == [("api.py", 4, 16, "TP104")]


def test_removed_path_without_method(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('FOLLOWS = "https://api.twitch.tv/helix/users/follows"\n', encoding="utf-8")
    result = scan_paths([str(tmp_path)])
    findings = check_sites(result)
    assert [f.code for f in findings] == ["TP102"]
    assert findings[0].message.startswith("every endpoint at /helix/users/follows was removed: Get Users Follows (GET) on 2023-09-12, ")


def test_wrong_method_on_removed_path(tmp_path: Path) -> None:
    source = 'import requests\nrequests.patch("https://api.twitch.tv/helix/users/follows")\n'
    assert findings_for(tmp_path, {"a.py": source}) == [("a.py", 2, 1, "TP102")]


def test_star_import_followed(tmp_path: Path) -> None:
    files = {
        "config.py": 'FOLLOWS = "https://api.twitch.tv/helix/users/follows"\n',
        "bot.py": "import requests\nfrom config import *\nrequests.get(FOLLOWS)\n",
    }
    assert findings_for(tmp_path, files) == [("bot.py", 3, 1, "TP102")]


def test_bytes_url(tmp_path: Path) -> None:
    source = 'import requests\nrequests.get(b"https://api.twitch.tv/kraken/users/1")\n'
    assert findings_for(tmp_path, {"a.py": source}) == [("a.py", 2, 1, "TP103")]


def test_form_feed_column(tmp_path: Path) -> None:
    source = 'import requests\n\x0cx = 1\nrequests.put("https://api.twitch.tv/helix/clips")\n'
    assert findings_for(tmp_path, {"a.py": source}) == [("a.py", 3, 1, "TP104")]


def test_shell_curl_methods(tmp_path: Path) -> None:
    source = (
        "#!/bin/sh\n"
        "HELIX=https://api.twitch.tv/helix\n"
        "curl -s -X DELETE \\\n"
        "  https://api.twitch.tv/helix/chat/settings\n"
        "curl -d '{}' https://api.twitch.tv/helix/streams\n"
        '[ $# -gt 0 ] && curl -X PUT https://api.twitch.tv/helix/clips\n'
        'curl -X POST "$HELIX/users/follows"\n'
        "# curl -X PUT https://api.twitch.tv/helix/clips\n"
    )
    assert findings_for(tmp_path, {"run.sh": source}) == [
        ("run.sh", 4, 3, "TP104"),
        ("run.sh", 5, 14, "TP104"),
        ("run.sh", 6, 29, "TP104"),
        ("run.sh", 7, 15, "TP102"),
    ]


def test_go_method_constant(tmp_path: Path) -> None:
    source = 'req, _ := http.NewRequest(http.MethodPut, "https://api.twitch.tv/helix/clips", nil)\n'
    assert findings_for(tmp_path, {"main.go": source}) == [("main.go", 1, 44, "TP104")]


def test_fetch_body_method_ignored(tmp_path: Path) -> None:
    source = "fetch('https://api.twitch.tv/helix/chat/messages', {headers: h, method: 'POST', body: JSON.stringify({ method: 'DELETE' })});\n"
    assert findings_for(tmp_path, {"c.js": source}) == []


def test_self_call_in_client_class(tmp_path: Path) -> None:
    source = (
        "class ApiClient:\n"
        "    async def post(self, uri):\n"
        "        ...\n"
        "class TwitchSession(ApiClient):\n"
        "    async def refresh(self):\n"
        '        return await self.put("https://id.twitch.tv/oauth2/token")\n'
        "class Cache:\n"
        "    def warm(self):\n"
        '        return self.put("https://api.twitch.tv/helix/streams")\n'
    )
    assert findings_for(tmp_path, {"http.py": source}) == [("http.py", 6, 22, "TP104")]
