"""The JavaScript and TypeScript scanner on small source trees written to disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from twitchpolicy.jsscan import JavaScriptProject, scan_javascript
from twitchpolicy.registry import load_registry
from twitchpolicy.scan import scan_paths
from twitchpolicy.sites import CallSite, FileFacts, Fields, ScopeRequest, TokenEvidence, TokenRequest

U = "\x00"


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run each test in its own folder, so paths in reasons read like ``src/auth.ts:3``."""
    monkeypatch.chdir(tmp_path)


def scan(files: dict[str, str], sdks: object = None) -> dict[str, FileFacts]:
    for name, text in files.items():
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text(text, encoding="utf-8")
    project = JavaScriptProject(files.items(), sdks)
    return {name: scan_javascript(name, text, project) for name, text in files.items()}


def scan_one(name: str, text: str) -> FileFacts:
    return scan({name: text})[name]


def calls(facts: FileFacts) -> list[CallSite]:
    return [site for site in facts.sites if site.kind == "call"]


def only_call(facts: FileFacts) -> CallSite:
    found = calls(facts)
    assert len(found) == 1, found
    return found[0]


# -------------------------------------------------------- fetch


def test_fetch_method_headers_json_body() -> None:
    source = (
        "const token = process.env.TWITCH_TOKEN;\n"
        "export async function send(id, message) {\n"
        "  return fetch('https://api.twitch.tv/helix/chat/messages', {\n"
        "    method: 'POST',\n"
        "    headers: { 'Client-Id': 'abc', Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },\n"
        "    body: JSON.stringify({ broadcaster_id: id, sender_id: '42', message }),\n"
        "  });\n"
        "}\n"
    )
    site = only_call(scan_one("send.js", source))
    assert (site.line, site.column, site.end_line) == (3, 10, 7)
    assert site.url == "https://api.twitch.tv/helix/chat/messages"
    assert site.method == "POST"
    assert site.headers == Fields({"client-id": "abc", "authorization": f"Bearer {U}", "content-type": "application/json"})
    assert site.body == Fields({"broadcaster_id": None, "sender_id": "42", "message": None})
    assert site.query == Fields({})
    assert site.token is None
    assert site.token_names == ("token", "env:TWITCH_TOKEN")


def test_fetch_without_options_is_get() -> None:
    site = only_call(scan_one("a.js", "fetch('https://api.twitch.tv/helix/users?login=fake_user');\n"))
    assert site.method == "GET"
    assert site.query == Fields({"login": "fake_user"})
    assert site.headers == Fields({})
    assert site.body == Fields({})


def test_fetch_unreadable_options() -> None:
    site = only_call(scan_one("a.js", "export function go(options) { return fetch('https://api.twitch.tv/helix/users', options); }\n"))
    assert site.method is None
    assert site.headers is None
    assert site.body is None


def test_fetch_urlsearchparams_bodies() -> None:
    source = (
        "const form = new URLSearchParams({ client_id: 'fakeid', grant_type: 'client_credentials' });\n"
        "form.append('client_secret', process.env.SECRET);\n"
        "fetch('https://id.twitch.tv/oauth2/token', { method: 'POST', body: form });\n"
        "const built = new URLSearchParams();\n"
        "built.set('grant_type', 'refresh_token');\n"
        "built.set('refresh_token', stored);\n"
        "fetch('https://id.twitch.tv/oauth2/token', { method: 'POST', body: built.toString() });\n"
    )
    first, second = calls(scan_one("token.js", source))
    assert first.body == Fields({"client_id": "fakeid", "grant_type": "client_credentials", "client_secret": None})
    assert second.body == Fields({"grant_type": "refresh_token", "refresh_token": U})


def test_fetch_form_string_body_and_spread_headers() -> None:
    source = (
        "const base = { 'Client-ID': 'fakeid' };\n"
        "fetch('https://id.twitch.tv/oauth2/token', {\n"
        "  method: 'post',\n"
        "  headers: { ...base, 'content-type': 'application/x-www-form-urlencoded' },\n"
        "  body: `client_id=fakeid&client_secret=${secret}&grant_type=client_credentials`,\n"
        "});\n"
    )
    site = only_call(scan_one("t.js", source))
    assert site.method == "POST"
    assert site.headers == Fields({"client-id": "fakeid", "content-type": "application/x-www-form-urlencoded"})
    assert site.body == Fields({"client_id": "fakeid", "client_secret": U, "grant_type": "client_credentials"})


def test_fetch_headers_from_unknown_spread_incomplete() -> None:
    source = "export const go = (extra) => fetch('https://api.twitch.tv/helix/users', { headers: { ...extra, 'Client-Id': 'x' } });\n"
    site = only_call(scan_one("a.ts", source))
    assert site.headers == Fields({"client-id": "x"}, complete=False)


# -------------------------------------------------------- axios


def test_axios_method_functions() -> None:
    source = (
        "import axios from 'axios';\n"
        "await axios.get('https://api.twitch.tv/helix/streams', { params: { user_login: 'fake_streamer', first: 5 } });\n"
        "await axios.post('https://api.twitch.tv/helix/clips', null, { params: { broadcaster_id: '1' }, headers: { 'Client-Id': 'c' } });\n"
        "await axios.delete('https://api.twitch.tv/helix/moderation/bans?broadcaster_id=1&moderator_id=2&user_id=3');\n"
        "await axios.patch('https://api.twitch.tv/helix/channels', { title: 'Fake title' });\n"
    )
    get, post, delete, patch = calls(scan_one("a.mjs", source))
    assert (get.line, get.column, get.method) == (2, 7, "GET")
    assert get.query == Fields({"user_login": "fake_streamer", "first": "5"})
    assert (post.method, post.query, post.headers, post.body) == ("POST", Fields({"broadcaster_id": "1"}), Fields({"client-id": "c"}), Fields({}))
    assert delete.method == "DELETE"
    assert delete.query == Fields({"broadcaster_id": "1", "moderator_id": "2", "user_id": "3"})
    assert (patch.method, patch.body) == ("PATCH", Fields({"title": "Fake title"}))


def test_axios_config_call() -> None:
    source = (
        "const axios = require('axios');\n"
        "axios({\n"
        "  url: 'https://api.twitch.tv/helix/chat/announcements',\n"
        "  method: 'post',\n"
        "  params: { broadcaster_id: '1', moderator_id: '2' },\n"
        "  headers: { Authorization: 'Bearer ' + userToken },\n"
        "  data: { message: 'hi', color: 'purple' },\n"
        "});\n"
        "axios.request({ url: 'https://api.twitch.tv/helix/users' });\n"
    )
    first, second = calls(scan_one("a.cjs", source))
    assert (first.line, first.column, first.method) == (2, 1, "POST")
    assert first.url == "https://api.twitch.tv/helix/chat/announcements"
    assert first.query == Fields({"broadcaster_id": "1", "moderator_id": "2"})
    assert first.headers == Fields({"authorization": f"Bearer {U}"})
    assert first.body == Fields({"message": "hi", "color": "purple"})
    assert first.token_names == ("userToken",)
    assert (second.method, second.url) == ("GET", "https://api.twitch.tv/helix/users")


def test_axios_instance_base_url_and_defaults() -> None:
    source = (
        "import axios from 'axios';\n"
        "const HELIX = 'https://api.twitch.tv/helix/';\n"
        "export const api = axios.create({ baseURL: HELIX, headers: { 'Client-ID': 'fakeid', Authorization: 'Bearer x' } });\n"
        "api.defaults.headers.common['Accept'] = 'application/json';\n"
        "export const streams = () => api.get('/streams', { headers: { Authorization: `Bearer ${tok}` } });\n"
    )
    site = only_call(scan_one("api.ts", source))
    assert site.url == "https://api.twitch.tv/helix/streams"
    assert site.method == "GET"
    assert site.headers == Fields({"client-id": "fakeid", "authorization": f"Bearer {U}", "accept": "application/json"})


def test_axios_global_defaults_from_other_file() -> None:
    files = {
        "setup.js": "import axios from 'axios';\naxios.defaults.headers.common['Client-Id'] = 'fakeid';\naxios.defaults.baseURL = 'https://api.twitch.tv/helix';\n",
        "use.js": "import axios from 'axios';\nexport const users = () => axios.get('/users');\n",
    }
    site = only_call(scan(files)["use.js"])
    assert site.url == "https://api.twitch.tv/helix/users"
    assert site.headers == Fields({"client-id": "fakeid"})


def test_axios_instance_on_this() -> None:
    source = (
        "import axios from 'axios';\n"
        "export class Helix {\n"
        "  constructor(clientId) {\n"
        "    this.http = axios.create({ baseURL: 'https://api.twitch.tv/helix', headers: { 'Client-Id': clientId } });\n"
        "  }\n"
        "  ban(body) { return this.http.post('/moderation/bans', { data: body }); }\n"
        "}\n"
    )
    site = only_call(scan_one("h.js", source))
    assert (site.line, site.column) == (6, 22)
    assert site.url == "https://api.twitch.tv/helix/moderation/bans"
    assert site.method == "POST"
    assert site.headers == Fields({"client-id": None})
    assert site.body == Fields({"data": None})


# -------------------------------------------------------- got


def test_got_calls_and_extend() -> None:
    source = (
        "import got from 'got';\n"
        "await got('https://api.twitch.tv/helix/polls', { method: 'PATCH', headers: { 'Client-Id': 'c' }, json: { id: 'p', status: 'TERMINATED' } });\n"
        "await got.post('https://api.twitch.tv/helix/raids', { searchParams: { from_broadcaster_id: '1', to_broadcaster_id: '2' } });\n"
        "const twitch = got.extend({ prefixUrl: 'https://api.twitch.tv/helix', headers: { 'client-id': 'c' } });\n"
        "await twitch.get('users', { searchParams: new URLSearchParams({ login: 'fake' }) }).json();\n"
        "await twitch('streams/markers', { method: 'POST', form: { user_id: '1' } });\n"
    )
    patch, post, get, markers = calls(scan_one("g.mjs", source))
    assert (patch.method, patch.url) == ("PATCH", "https://api.twitch.tv/helix/polls")
    assert patch.body == Fields({"id": "p", "status": "TERMINATED"})
    assert post.query == Fields({"from_broadcaster_id": "1", "to_broadcaster_id": "2"})
    assert (get.method, get.url, get.query) == ("GET", "https://api.twitch.tv/helix/users", Fields({"login": "fake"}))
    assert get.headers == Fields({"client-id": "c"})
    assert (markers.method, markers.url, markers.body) == ("POST", "https://api.twitch.tv/helix/streams/markers", Fields({"user_id": "1"}))


# -------------------------------------------------------- URLs


def test_constant_imported_from_other_file() -> None:
    files = {
        "src/config.ts": "export const API_BASE = 'https://api.twitch.tv/helix';\nexport default { oauth: 'https://id.twitch.tv/oauth2' };\n",
        "src/chat.ts": (
            "import settings, { API_BASE as BASE } from './config';\n"
            "fetch(`${BASE}/chat/color?user_id=1&color=blue`, { method: 'PUT' });\n"
            "fetch(settings.oauth + '/validate');\n"
        ),
        "src/legacy.js": "const { API_BASE } = require('./config.js');\nconst cfg = require('./config');\nfetch(API_BASE + '/users');\nfetch(`${cfg.API_BASE}/streams`);\n",
    }
    facts = scan(files)
    color, validate = calls(facts["src/chat.ts"])
    assert color.url == "https://api.twitch.tv/helix/chat/color?user_id=1&color=blue"
    assert color.query == Fields({"user_id": "1", "color": "blue"})
    assert validate.url == "https://id.twitch.tv/oauth2/validate"
    assert [site.url for site in calls(facts["src/legacy.js"])] == ["https://api.twitch.tv/helix/users", "https://api.twitch.tv/helix/streams"]
    assert facts["src/config.ts"].sites == []


def test_reexported_constant() -> None:
    files = {
        "lib/urls.js": "export const FOLLOWED = 'https://api.twitch.tv/helix/channels/followed';\n",
        "lib/index.js": "export { FOLLOWED } from './urls';\n",
        "app.js": "import { FOLLOWED } from './lib';\nfetch(FOLLOWED + '?user_id=1');\n",
    }
    facts = scan(files)
    assert only_call(facts["app.js"]).url == "https://api.twitch.tv/helix/channels/followed?user_id=1"
    assert facts["lib/urls.js"].sites == []


def test_new_url_with_base_and_search_params() -> None:
    source = (
        "const HELIX = 'https://api.twitch.tv/helix/';\n"
        "export async function markers(userId) {\n"
        "  const url = new URL('streams/markers', HELIX);\n"
        "  url.searchParams.set('user_id', userId);\n"
        "  url.searchParams.append('first', '10');\n"
        "  return fetch(url.toString());\n"
        "}\n"
        "fetch(new URL('/helix/users', 'https://api.twitch.tv'));\n"
    )
    markers, users = calls(scan_one("u.js", source))
    assert markers.url == f"https://api.twitch.tv/helix/streams/markers?user_id={U}&first=10"
    assert markers.query == Fields({"user_id": U, "first": "10"})
    assert users.url == "https://api.twitch.tv/helix/users"


def test_let_with_one_value_and_conflicting_values() -> None:
    source = (
        "let base = 'https://api.twitch.tv/helix';\n"
        "fetch(base + '/users');\n"
        "let path = 'users';\n"
        "if (x) path = 'streams';\n"
        "fetch('https://api.twitch.tv/helix/' + path);\n"
    )
    first, second = calls(scan_one("l.js", source))
    assert first.url == "https://api.twitch.tv/helix/users"
    assert second.url == f"https://api.twitch.tv/helix/{U}"


def test_unresolved_query_string_incomplete() -> None:
    source = "export const go = (qs) => fetch(`https://api.twitch.tv/helix/users?${qs}`);\n"
    assert only_call(scan_one("q.js", source)).query == Fields({}, complete=False)


def test_eventsub_transport_nested() -> None:
    source = (
        "const HELIX = 'https://api.twitch.tv/helix';\n"
        "const transport = { method: 'webhook', callback: 'https://example.com/eventsub', secret: 'fake-secret-value' };\n"
        "await fetch(`${HELIX}/eventsub/subscriptions`, {\n"
        "  method: 'POST',\n"
        "  headers,\n"
        "  body: JSON.stringify({ type: 'channel.follow', version: '2', condition: { broadcaster_user_id: '1' }, transport }),\n"
        "});\n"
    )
    site = only_call(scan_one("es.js", source))
    transport = site.body.get("transport")
    assert isinstance(transport, Fields)
    assert transport.get("method") == "webhook"
    assert site.body.get("condition") == Fields({"broadcaster_user_id": "1"})
    assert site.body.get("type") == "channel.follow"
    assert site.headers is None


def test_typescript_and_jsx_syntax() -> None:
    files = {
        "a.ts": "const base: string = 'https://api.twitch.tv/helix' as const;\nfetch(`${base}/users` as string, { method: 'GET' } satisfies RequestInit)!;\n",
        "b.tsx": "const View = (): JSX.Element => <a href='https://api.twitch.tv/helix/videos'>{fetch(`https://api.twitch.tv/helix/games` as any) && 'x'}</a>;\n",
        "c.jsx": "export const C = () => <p>Docs: https://api.twitch.tv/helix/users/follows</p>;\n",
    }
    facts = scan(files)
    assert [(site.line, site.column, site.kind, site.url) for site in facts["a.ts"].sites] == [(2, 1, "call", "https://api.twitch.tv/helix/users")]
    assert [(site.column, site.kind, site.url) for site in facts["b.tsx"].sites] == [
        (42, "mention", "https://api.twitch.tv/helix/videos"),
        (79, "call", "https://api.twitch.tv/helix/games"),
    ]
    assert [(site.column, site.kind, site.url) for site in facts["c.jsx"].sites] == [(33, "mention", "https://api.twitch.tv/helix/users/follows")]


def test_column_counts_characters() -> None:
    site = only_call(scan_one("a.js", "const s = 'é😀'; fetch('https://api.twitch.tv/helix/users');\n"))
    assert (site.line, site.column) == (1, 17)


# -------------------------------------------------------- negatives


def test_other_hosts_comments_and_maps_ignored() -> None:
    source = (
        "// fetch('https://api.twitch.tv/helix/users/follows')\n"
        "/* axios.get('https://api.twitch.tv/kraken/streams') */\n"
        "fetch('https://api.twitch.tv.example.com/helix/users');\n"
        "fetch('https://example.com/helix/users');\n"
        "const cache = new Map();\n"
        "cache.get('https://api.twitch.tv/helix/users');\n"
    )
    facts = scan_one("n.js", source)
    assert [(site.line, site.column, site.kind, site.method) for site in facts.sites] == [(6, 12, "mention", None)]


def test_test_doubles_not_calls() -> None:
    source = (
        "import { http } from 'msw';\n"
        "import nock from 'nock';\n"
        "http.get('https://api.twitch.tv/helix/users', () => null);\n"
        "nock('https://api.twitch.tv').get('/helix/users').reply(200);\n"
        "fetchMock.post('https://api.twitch.tv/helix/clips', {});\n"
    )
    facts = scan_one("mocks.test.js", source)
    assert calls(facts) == []
    assert [site.line for site in facts.sites] == [3, 5]


def test_named_http_receiver_is_guess() -> None:
    source = "export class Api { constructor(private http: HttpClient) {}\n  users() { return this.http.get('https://api.twitch.tv/helix/users'); } }\n"
    site = only_call(scan_one("api.service.ts", source))
    assert (site.line, site.column, site.method) == (2, 20, "GET")
    assert site.headers == Fields({}, complete=False)


def test_constant_reported_once_at_call() -> None:
    source = "const FOLLOWS = 'https://api.twitch.tv/helix/users/follows';\nfetch(FOLLOWS);\nconst OTHER = 'https://api.twitch.tv/helix/clips';\n"
    facts = scan_one("c.js", source)
    assert [(site.line, site.column, site.kind) for site in facts.sites] == [(2, 1, "call"), (3, 16, "mention")]


def test_webhook_topic_and_prose_mentions() -> None:
    source = (
        "const body = { 'hub.mode': 'subscribe', 'hub.topic': `https://api.twitch.tv/helix/streams?user_id=${id}` };\n"
        "const help = 'See https://api.twitch.tv/helix/users/follows.';\n"
    )
    facts = scan_one("w.js", source)
    assert [(site.line, site.column, site.kind, site.url) for site in facts.sites] == [
        (1, 55, "webhook-topic", f"https://api.twitch.tv/helix/streams?user_id={U}"),
        (2, 19, "mention", "https://api.twitch.tv/helix/users/follows"),
    ]


# -------------------------------------------------------- token evidence


def test_client_credentials_token_across_files() -> None:
    files = {
        "src/auth.ts": (
            "export async function getAppToken(): Promise<string> {\n"
            "  const response = await fetch('https://id.twitch.tv/oauth2/token', {\n"
            "    method: 'POST',\n"
            "    body: new URLSearchParams({ client_id: 'fakeid', client_secret: 'x', grant_type: 'client_credentials' }),\n"
            "  });\n"
            "  const data = await response.json();\n"
            "  return data.access_token;\n"
            "}\n"
        ),
        "src/bot.ts": (
            "import { getAppToken } from './auth';\n"
            "export async function clip() {\n"
            "  const appToken = await getAppToken();\n"
            "  return fetch('https://api.twitch.tv/helix/clips?broadcaster_id=1', { method: 'POST', headers: { Authorization: `Bearer ${appToken}` } });\n"
            "}\n"
        ),
    }
    facts = scan(files)
    site = only_call(facts["src/bot.ts"])
    assert site.token == TokenEvidence("app", "token from client_credentials request at src/auth.ts:2")
    assert site.token_names == ("appToken",)
    assert facts["src/auth.ts"].token_requests == [TokenRequest("src/auth.ts", 2, 26, "client_credentials")]


def test_authorization_code_destructured() -> None:
    source = (
        "const axios = require('axios');\n"
        "async function exchange(code) {\n"
        "  const { data: { access_token, refresh_token } } = await axios.post('https://id.twitch.tv/oauth2/token', null, {\n"
        "    params: { client_id: 'id', client_secret: 's', code, grant_type: 'authorization_code', redirect_uri: 'http://localhost' },\n"
        "  });\n"
        "  store(refresh_token);\n"
        "  return axios.get('https://api.twitch.tv/helix/users', { headers: { 'Client-Id': 'id', Authorization: `Bearer ${access_token}` } });\n"
        "}\n"
    )
    facts = scan_one("login.js", source)
    token_call, users = calls(facts)
    assert users.token == TokenEvidence("user", "token from authorization_code request at login.js:3")
    assert users.token_names == ("access_token",)
    assert token_call.credentials == ("client_secret",)
    assert facts.token_requests == [TokenRequest("login.js", 3, 59, "authorization_code")]
    assert facts.reads_refresh_token is True


def test_token_through_class_property_and_subscript() -> None:
    source = (
        "class Bot {\n"
        "  async refresh(refreshToken) {\n"
        "    const res = await fetch('https://id.twitch.tv/oauth2/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }) });\n"
        "    const json = await res.json();\n"
        "    this.token = json['access_token'];\n"
        "  }\n"
        "  ban() {\n"
        "    return fetch('https://api.twitch.tv/helix/moderation/bans', { method: 'POST', headers: this.headers() });\n"
        "  }\n"
        "  headers() { return { 'Client-Id': 'fakeid', Authorization: 'Bearer ' + this.token }; }\n"
        "}\n"
    )
    facts = scan_one("bot.js", source)
    ban = calls(facts)[1]
    assert ban.headers == Fields({"client-id": "fakeid", "authorization": f"Bearer {U}"})
    assert ban.token == TokenEvidence("user", "token from refresh_token request at bot.js:3")
    assert ban.token_names == ("this.token",)
    assert facts.reads_refresh_token is True


def test_token_through_then_chain_and_module_variable() -> None:
    source = (
        "let accessToken = null;\n"
        "function login() {\n"
        "  return fetch('https://id.twitch.tv/oauth2/token?grant_type=client_credentials&client_id=a&client_secret=b', { method: 'POST' })\n"
        "    .then((res) => res.json())\n"
        "    .then((json) => { accessToken = json.access_token; });\n"
        "}\n"
        "const opts = () => ({ headers: { Authorization: `Bearer ${accessToken}` } });\n"
        "fetch('https://api.twitch.tv/helix/streams', opts());\n"
    )
    facts = scan_one("m.js", source)
    token_call, streams = calls(facts)
    assert streams.token == TokenEvidence("app", "token from client_credentials request at m.js:3")
    assert streams.token_names == ("accessToken",)
    assert token_call.credentials == ("client_secret",)
    assert token_call.query == Fields({"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"})
    assert facts.reads_refresh_token is False


def test_wrapper_expanded_at_caller() -> None:
    source = (
        "async function helix(path, token) {\n"
        "  return fetch('https://api.twitch.tv/helix/' + path, { headers: { Authorization: `Bearer ${token}` } });\n"
        "}\n"
        "async function main() {\n"
        "  const r = await fetch('https://id.twitch.tv/oauth2/token', { method: 'POST', body: JSON.stringify({ grant_type: 'client_credentials' }) });\n"
        "  const { access_token: appToken } = await r.json();\n"
        "  await helix('users', appToken);\n"
        "}\n"
    )
    facts = scan_one("p.js", source)
    token_call, helix = calls(facts)
    assert token_call.line == 5
    assert (helix.line, helix.column, helix.end_line) == (7, 9, 7)
    assert helix.url == "https://api.twitch.tv/helix/users"
    assert helix.token == TokenEvidence("app", "token from client_credentials request at p.js:5")
    assert helix.token_names == ("token", "appToken")


def test_device_code_token_and_scopes() -> None:
    source = (
        "const start = await fetch('https://id.twitch.tv/oauth2/device', { method: 'POST', body: new URLSearchParams({ client_id: 'c', scopes: 'channel:manage:broadcast user:read:chat' }) });\n"
        "const { device_code } = await start.json();\n"
        "const poll = await fetch('https://id.twitch.tv/oauth2/token', { method: 'POST', body: new URLSearchParams({ client_id: 'c', device_code, grant_type: 'urn:ietf:params:oauth:grant-type:device_code' }) });\n"
        "const tokens = await poll.json();\n"
        "await fetch('https://api.twitch.tv/helix/channels?broadcaster_id=1', { method: 'PATCH', headers: { Authorization: 'Bearer ' + tokens.access_token } });\n"
    )
    facts = scan_one("d.mjs", source)
    assert calls(facts)[2].token == TokenEvidence("user", "token from device code request at d.mjs:3")
    assert facts.scope_requests == [ScopeRequest("d.mjs", 1, 21, ("channel:manage:broadcast", "user:read:chat"), "device code request", None, True)]
    assert [request.grant for request in facts.token_requests] == ["urn:ietf:params:oauth:grant-type:device_code"]
    assert facts.reads_refresh_token is False


def test_implicit_grant_token() -> None:
    files = {
        "login.js": "export const LOGIN = 'https://id.twitch.tv/oauth2/authorize?client_id=c&redirect_uri=http://localhost&response_type=token&scope=user:read:email';\n",
        "app.js": (
            "const params = new URLSearchParams(document.location.hash.substring(1));\n"
            "const token = params.get('access_token');\n"
            "fetch('https://api.twitch.tv/helix/users', { headers: { 'Client-Id': 'c', Authorization: `Bearer ${token}` } });\n"
            "const legacy = window.location.hash.match(/access_token=(\\w+)/)[1];\n"
            "fetch('https://api.twitch.tv/helix/streams', { headers: { Authorization: `Bearer ${legacy}` } });\n"
        ),
    }
    facts = scan(files)
    users, streams = calls(facts["app.js"])
    assert users.token == TokenEvidence("user", "token from implicit grant authorize URL at login.js:1")
    assert streams.token == TokenEvidence("user", "token from implicit grant authorize URL at login.js:1")
    assert facts["login.js"].scope_requests == [ScopeRequest("login.js", 1, 23, ("user:read:email",), "authorize URL", "implicit", True)]


def test_unknown_grant_gives_no_evidence() -> None:
    source = (
        "export async function token(grant) {\n"
        "  const res = await fetch('https://id.twitch.tv/oauth2/token', { method: 'POST', body: new URLSearchParams({ grant_type: grant }) });\n"
        "  const { access_token } = await res.json();\n"
        "  return fetch('https://api.twitch.tv/helix/users', { headers: { Authorization: `Bearer ${access_token}` } });\n"
        "}\n"
    )
    facts = scan_one("g.js", source)
    assert calls(facts)[1].token is None
    assert calls(facts)[1].token_names == ("access_token",)
    assert facts.token_requests == [TokenRequest("g.js", 2, 21, None)]


def test_token_from_config_object_and_env() -> None:
    files = {
        "config.js": "module.exports = { twitch: { token: process.env.TWITCH_OAUTH_TOKEN } };\n",
        "bot.js": "const config = require('./config');\nfetch('https://api.twitch.tv/helix/users', { headers: { Authorization: `Bearer ${config.twitch.token}` } });\n",
    }
    site = only_call(scan(files)["bot.js"])
    assert site.token is None
    assert site.token_names == ("config.twitch.token", "env:TWITCH_OAUTH_TOKEN")


def test_axios_interceptor_token() -> None:
    source = (
        "import axios from 'axios';\n"
        "const api = axios.create({ baseURL: 'https://api.twitch.tv/helix' });\n"
        "async function appToken() {\n"
        "  const { data } = await axios.post('https://id.twitch.tv/oauth2/token', new URLSearchParams({ grant_type: 'client_credentials' }));\n"
        "  return data.access_token;\n"
        "}\n"
        "api.interceptors.request.use(async (config) => {\n"
        "  config.headers.Authorization = `Bearer ${await appToken()}`;\n"
        "  config.headers['Client-Id'] = 'fakeid';\n"
        "  return config;\n"
        "});\n"
        "api.get('/users');\n"
    )
    site = calls(scan_one("i.js", source))[1]
    assert site.url == "https://api.twitch.tv/helix/users"
    assert site.headers == Fields({"authorization": f"Bearer {U}", "client-id": "fakeid"})
    assert site.token == TokenEvidence("app", "token from client_credentials request at i.js:4")


# -------------------------------------------------------- scopes, secrets, credentials


def test_authorize_url_scopes() -> None:
    source = (
        "const SCOPES = ['chat:read', 'chat:edit'];\n"
        "const a = 'https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=c&scope=bits:read+channel:read:redemptions';\n"
        "const b = `https://id.twitch.tv/oauth2/authorize?response_type=code&scope=${SCOPES.join('%20')}&client_id=${id}`;\n"
        "const params = new URLSearchParams({ client_id: 'c', response_type: 'code', scope: SCOPES.join(' ') });\n"
        "const c = 'https://id.twitch.tv/oauth2/authorize?' + params.toString();\n"
        "const d = `https://id.twitch.tv/oauth2/authorize?scope=user:read:email ${extra}&response_type=code`;\n"
        "const e = new URL('https://id.twitch.tv/oauth2/authorize');\n"
        "e.searchParams.set('scope', 'moderator:read:chatters');\n"
    )
    facts = scan_one("auth.js", source)
    assert facts.scope_requests == [
        ScopeRequest("auth.js", 2, 12, ("bits:read", "channel:read:redemptions"), "authorize URL", "authorization_code", True),
        ScopeRequest("auth.js", 3, 12, ("chat:read", "chat:edit"), "authorize URL", "authorization_code", True),
        ScopeRequest("auth.js", 5, 12, ("chat:read", "chat:edit"), "authorize URL", "authorization_code", True),
        ScopeRequest("auth.js", 6, 12, ("user:read:email",), "authorize URL", "authorization_code", False),
        ScopeRequest("auth.js", 7, 20, ("moderator:read:chatters",), "authorize URL", None, True),
    ]


def test_authorize_constant_reported_once() -> None:
    source = (
        "const AUTH = 'https://id.twitch.tv/oauth2/authorize?client_id=c&response_type=code&scope=chat:read';\n"
        "res.redirect(`${AUTH}&state=${state}`);\n"
    )
    assert [(request.line, request.scopes) for request in scan_one("r.js", source).scope_requests] == [(1, ("chat:read",))]


def test_client_credentials_with_scope() -> None:
    source = "fetch('https://id.twitch.tv/oauth2/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'chat:read' }) });\n"
    assert scan_one("s.js", source).scope_requests == [ScopeRequest("s.js", 1, 1, ("chat:read",), "client_credentials request", "client_credentials", True)]


def test_secrets_found_and_masked() -> None:
    source = (
        "const CLIENT_SECRET = 'abcdefghijklmnopqrstuvwxyz0123';\n"
        "const config = { botToken: 'oauth:0123456789abcdefghijklmnopqrst' };\n"
        "this.accessToken = process.env.TOKEN || 'zyxwvutsrqponmlkjihgfedcba9876';\n"
        "fetch('https://api.twitch.tv/helix/users', { headers: { Authorization: 'Bearer 0a1b2c3d4e5f6g7h8i9j0k1l2m3n4o' } });\n"
        "const CLIENT_ID = 'abcdefghijklmnopqrstuvwxyz0123';\n"
        "const tokenEndpoint = 'abcdefghijklmnopqrstuvwxyz012';\n"
        "const secretNote = 'Not-A-Secret-Value-With-Capitals';\n"
        "const TOKEN_URL = 'abcdefghijklmnopqrstuvwxyz0123';\n"
        "const placeholderSecret = 'abcdefghijklmnopqrstuvwxyzabcd';\n"
    )
    secrets = scan_one("s.js", source).secrets
    assert [(s.line, s.column, s.name, s.kind, s.masked) for s in secrets] == [
        (1, 23, "CLIENT_SECRET", "client secret", "<30 characters, masked>"),
        (2, 28, "botToken", "access token", "<36 characters, masked>"),
        (3, 41, "this.accessToken", "access token", "<30 characters, masked>"),
        (4, 72, "Authorization", "access token", "<30 characters, masked>"),
    ]
    assert "abcdefghijklmnopqrstuvwxyz0123" not in repr(secrets)


def test_credentials_in_query_and_helix_body() -> None:
    source = (
        "fetch(`https://api.twitch.tv/helix/users?access_token=${t}`);\n"
        "fetch('https://api.twitch.tv/helix/chat/messages', { method: 'POST', body: JSON.stringify({ oauth_token: t, message: 'm' }) });\n"
        "fetch('https://id.twitch.tv/oauth2/token', { method: 'POST', body: new URLSearchParams({ client_secret: s, grant_type: 'client_credentials' }) });\n"
    )
    users, chat, token = calls(scan_one("c.js", source))
    assert users.credentials == ("access_token",)
    assert chat.credentials == ("oauth_token",)
    assert token.credentials == ("client_secret",)


# -------------------------------------------------------- twurple


@pytest.fixture(scope="module")
def sdks() -> object:
    return load_registry().sdks


def test_twurple_calls_mapped(sdks: object) -> None:
    source = (
        "import { ApiClient } from '@twurple/api';\n"
        "import { AppTokenAuthProvider, RefreshingAuthProvider, StaticAuthProvider } from '@twurple/auth';\n"
        "const app = new ApiClient({ authProvider: new AppTokenAuthProvider('id', process.env.SECRET) });\n"
        "const provider = new StaticAuthProvider('id', process.env.TOKEN, ['clips:edit', 'moderator:read:followers']);\n"
        "const user = new ApiClient({ authProvider: provider });\n"
        "await app.users.getUserByName('fake_user');\n"
        "await app.clips.createClip({ channel: '1' });\n"
        "await user.channels.getChannelFollowers('1');\n"
        "await user.users.notAMethod();\n"
    )
    facts = scan({"bot.ts": source}, sdks)["bot.ts"]
    assert [(s.line, s.column, s.url, s.method, s.kind, s.endpoint, s.sdk) for s in facts.sites] == [
        (6, 7, "", None, "call", "get-users", "twurple"),
        (7, 7, "", None, "call", "create-clip", "twurple"),
        (8, 7, "", None, "call", "get-channel-followers", "twurple"),
    ]
    app_token = TokenEvidence("app", "app access token from twurple AppTokenAuthProvider at bot.ts:3")
    user_token = TokenEvidence("user", "user access token from twurple StaticAuthProvider at bot.ts:4", ("clips:edit", "moderator:read:followers"))
    assert [site.token for site in facts.sites] == [app_token, app_token, user_token]
    assert facts.scope_requests == [ScopeRequest("bot.ts", 4, 18, ("clips:edit", "moderator:read:followers"), "twurple StaticAuthProvider", None, True)]


def test_twurple_refreshing_provider(sdks: object) -> None:
    source = (
        "import { ApiClient } from '@twurple/api';\n"
        "import { RefreshingAuthProvider } from '@twurple/auth';\n"
        "const auth = new RefreshingAuthProvider({ clientId: 'id', clientSecret: 's' });\n"
        "const appOnly = new ApiClient({ authProvider: new RefreshingAuthProvider({ clientId: 'id', clientSecret: 's' }) });\n"
        "await auth.addUserForToken(tokenData, ['chat']);\n"
        "const api = new ApiClient({ authProvider: auth });\n"
        "await api.clips.createClip({ channel: '1' });\n"
        "await api.chat.sendChatMessageAsApp('1', 'hi');\n"
        "await api.streams.getStreams();\n"
        "await api.asUser('1', async (ctx) => ctx.streams.getStreams());\n"
        "await appOnly.streams.getStreams();\n"
    )
    facts = scan({"r.ts": source}, sdks)["r.ts"]
    assert [(site.line, site.endpoint) for site in facts.sites] == [(7, "create-clip"), (8, "send-chat-message"), (9, "get-streams"), (10, "get-streams"), (11, "get-streams")]
    tokens = [site.token for site in facts.sites]
    assert tokens[0] == TokenEvidence("user", "user access token that twurple sends for this method with the RefreshingAuthProvider at r.ts:3")
    assert tokens[1] == TokenEvidence("app", "app access token that twurple sends for this method with the RefreshingAuthProvider at r.ts:3")
    assert tokens[2] is None
    assert tokens[3] == TokenEvidence("user", "user access token from twurple RefreshingAuthProvider at r.ts:3, in asUser context")
    assert tokens[4] == TokenEvidence("app", "app access token from twurple RefreshingAuthProvider at r.ts:4")
    assert facts.reads_refresh_token is True


def test_twurple_without_sdk_data() -> None:
    source = "import { ApiClient } from '@twurple/api';\nconst api = new ApiClient({ authProvider });\nawait api.users.getUserByName('x');\n"
    assert scan_one("t.ts", source).sites == []


def test_twurple_method_on_unknown_object(sdks: object) -> None:
    source = "const users = { getUserByName() {} };\nconst api = { users };\napi.users.getUserByName('x');\n"
    assert scan({"o.js": source}, sdks)["o.js"].sites == []


# -------------------------------------------------------- scan_paths


def test_scan_paths_uses_javascript_scanner(tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "app.ts").write_text(
        "await fetch('https://api.twitch.tv/helix/users', { headers: { 'Client-Id': 'x' } });\n"
        "await fetch('https://id.twitch.tv/oauth2/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) });\n"
        "const CLIENT_SECRET = 'abcdefghijklmnopqrstuvwxyz0123';\n",
        encoding="utf-8",
    )
    (tmp_path / "run.sh").write_text("curl -X DELETE https://api.twitch.tv/helix/users\n", encoding="utf-8")
    result = scan_paths(["."])
    assert [(site.path, site.line, site.column, site.kind, site.method) for site in result.sites] == [
        ("run.sh", 1, 16, "mention", "DELETE"),
        ("web/app.ts", 1, 7, "call", "GET"),
        ("web/app.ts", 2, 7, "call", "POST"),
    ]
    assert result.sites[1].headers == Fields({"client-id": "x"})
    assert result.token_requests == [TokenRequest("web/app.ts", 2, 7, "client_credentials")]
    assert [secret.name for secret in result.secrets] == ["CLIENT_SECRET"]


# -------------------------------------------------------- more ways values travel


def test_wrapper_in_other_file_expanded() -> None:
    files = {
        "lib/helix.js": "export function helix(path, token) {\n  return fetch('https://api.twitch.tv/helix/' + path, { headers: { Authorization: 'Bearer ' + token } });\n}\n",
        "main.js": (
            "import { helix } from './lib/helix';\n"
            "const res = await fetch('https://id.twitch.tv/oauth2/token?grant_type=refresh_token&refresh_token=x', { method: 'POST' });\n"
            "const { access_token: userToken } = await res.json();\n"
            "await helix('users', userToken);\n"
        ),
    }
    facts = scan(files)
    assert facts["lib/helix.js"].sites == []
    site = calls(facts["main.js"])[1]
    assert (site.line, site.column, site.url) == (4, 7, "https://api.twitch.tv/helix/users")
    assert site.token == TokenEvidence("user", "token from refresh_token request at main.js:2")
    assert site.token_names == ("token", "userToken")


def test_this_in_object_literal_and_static_field() -> None:
    source = (
        "class Urls { static HELIX = 'https://api.twitch.tv/helix'; }\n"
        "const api = {\n"
        "  base: Urls.HELIX,\n"
        "  headers: { 'Client-Id': 'fakeid' },\n"
        "  users() { return fetch(`${this.base}/users`, { headers: this.headers }); },\n"
        "};\n"
    )
    site = only_call(scan_one("o.js", source))
    assert site.url == "https://api.twitch.tv/helix/users"
    assert site.headers == Fields({"client-id": "fakeid"})


def test_headers_object_and_vite_env() -> None:
    source = (
        "const headers = new Headers({ 'Client-Id': import.meta.env.VITE_CLIENT_ID });\n"
        "headers.set('Authorization', `Bearer ${import.meta.env.VITE_TWITCH_TOKEN}`);\n"
        "fetch('https://api.twitch.tv/helix/users', { headers });\n"
    )
    site = only_call(scan_one("v.ts", source))
    assert site.headers == Fields({"client-id": None, "authorization": f"Bearer {U}"})
    assert site.token_names == ("env:VITE_TWITCH_TOKEN",)


def test_refresh_token_read_with_get() -> None:
    assert scan_one("r.js", "const refresh = new URLSearchParams(body).get('refresh_token');\n").reads_refresh_token is True
    assert scan_one("n.js", "const token = data.access_token;\n").reads_refresh_token is False


def test_xmlhttprequest_open_headers_send() -> None:
    source = (
        "function load(token) {\n"
        "  const xhr = new XMLHttpRequest();\n"
        "  xhr.open('POST', 'https://api.twitch.tv/helix/clips?broadcaster_id=1');\n"
        "  xhr.setRequestHeader('Client-ID', 'fakeid');\n"
        "  xhr.setRequestHeader('Authorization', 'Bearer ' + token);\n"
        "  xhr.send();\n"
        "  const other = new XMLHttpRequest();\n"
        "  other.open('GET', 'https://api.twitch.tv/kraken/streams/1');\n"
        "  other.send(JSON.stringify({ a: 1 }));\n"
        "}\n"
    )
    clips, kraken = calls(scan_one("x.js", source))
    assert (clips.line, clips.column, clips.method) == (3, 3, "POST")
    assert clips.query == Fields({"broadcaster_id": "1"})
    assert clips.headers == Fields({"client-id": "fakeid", "authorization": f"Bearer {U}"})
    assert clips.token_names == ("token",)
    assert clips.body == Fields({})
    assert (kraken.method, kraken.headers, kraken.body) == ("GET", Fields({}), Fields({"a": "1"}))


def test_jquery_ajax_and_shorthands() -> None:
    source = (
        "$.ajax({ url: 'https://api.twitch.tv/helix/users', type: 'GET', headers: { 'Client-ID': 'fakeid' }, data: { login: 'fake' } });\n"
        "jQuery.getJSON('https://api.twitch.tv/kraken/channels/1', function (data) {});\n"
        "$.post('https://id.twitch.tv/oauth2/token', { grant_type: 'client_credentials', client_id: 'c' });\n"
        "$.ajax({ url: 'https://api.twitch.tv/helix/streams', beforeSend: (xhr) => xhr.setRequestHeader('Authorization', auth) });\n"
    )
    facts = scan_one("j.js", source)
    users, channel, token, streams = calls(facts)
    assert (users.method, users.query, users.headers) == ("GET", Fields({"login": "fake"}), Fields({"client-id": "fakeid"}))
    assert (channel.method, channel.query, channel.headers) == ("GET", Fields({}), Fields({}))
    assert (token.method, token.body) == ("POST", Fields({"grant_type": "client_credentials", "client_id": "c"}))
    assert streams.headers == Fields({}, complete=False)
    assert facts.token_requests == [TokenRequest("j.js", 3, 1, "client_credentials")]


def test_options_spread_resolved_or_incomplete() -> None:
    source = (
        "import axios from 'axios';\n"
        "const config = (extra) => ({ ...extra, headers: { 'Client-Id': 'c' } });\n"
        "axios.get('https://api.twitch.tv/helix/users', config({ params: { login: 'fake' } }));\n"
        "export const post = (init) => fetch('https://api.twitch.tv/helix/clips', { ...init, method: 'POST' });\n"
    )
    users, clips = calls(scan_one("s.js", source))
    assert users.query == Fields({"login": "fake"})
    assert users.body == Fields({})
    assert users.headers == Fields({"client-id": "c"})
    assert clips.method == "POST"
    assert clips.headers == Fields({}, complete=False)
    assert clips.body == Fields({}, complete=False)


def test_wrapper_expanded_per_caller() -> None:
    source = (
        "const HELIX = 'https://api.twitch.tv/helix';\n"
        "async function api(path, options = {}) {\n"
        "  return fetch(HELIX + path, { ...options, headers: { 'Client-Id': 'c', Authorization: `Bearer ${process.env.TOKEN}` } });\n"
        "}\n"
        "async function users() { return api('/users?login=fake'); }\n"
        "async function ban(body) { return api('/moderation/bans?broadcaster_id=1&moderator_id=1', { method: 'POST', body: JSON.stringify(body) }); }\n"
        "async function status() { return fetch('https://api.twitch.tv/helix/streams', { headers: { 'Client-Id': 'c' } }); }\n"
    )
    facts = scan_one("w.js", source)
    assert [(site.line, site.column, site.method, site.url) for site in calls(facts)] == [
        (5, 33, "GET", "https://api.twitch.tv/helix/users?login=fake"),
        (6, 35, "POST", "https://api.twitch.tv/helix/moderation/bans?broadcaster_id=1&moderator_id=1"),
        (7, 34, "GET", "https://api.twitch.tv/helix/streams"),
    ]
    users, ban, _ = calls(facts)
    assert users.headers == Fields({"client-id": "c", "authorization": f"Bearer {U}"})
    assert users.token_names == ("env:TOKEN",)
    assert ban.body is None


def test_then_callback_destructuring() -> None:
    source = (
        "fetch('https://id.twitch.tv/oauth2/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) })\n"
        "  .then((res) => res.json())\n"
        "  .then(({ access_token }) => fetch('https://api.twitch.tv/helix/games/top', { headers: { Authorization: `Bearer ${access_token}` } }));\n"
    )
    token_call, games = calls(scan_one("t.js", source))
    assert token_call.line == 1
    assert games.token == TokenEvidence("app", "token from client_credentials request at t.js:1")
    assert games.token_names == ("access_token",)


def test_secret_in_url_query() -> None:
    source = "fetch('https://api.twitch.tv/helix/users?access_token=0a1b2c3d4e5f6g7h8i9j0k1l2m3n4o');\n"
    facts = scan_one("q.js", source)
    assert [(s.line, s.column, s.name, s.kind, s.masked) for s in facts.secrets] == [(1, 1, "access_token", "access token", "<30 characters, masked>")]
    assert only_call(facts).credentials == ("access_token",)


def test_wrapper_of_wrapper_expanded_at_outer_caller() -> None:
    source = (
        "const HELIX = 'https://api.twitch.tv/helix/';\n"
        "function request(url, token) { return fetch(url, { headers: { 'Client-Id': 'c', Authorization: `Bearer ${token}` } }); }\n"
        "function helix(path, token) { return request(HELIX + path, token); }\n"
        "async function main() {\n"
        "  const r = await fetch('https://id.twitch.tv/oauth2/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) });\n"
        "  const { access_token } = await r.json();\n"
        "  await helix('streams', access_token);\n"
        "  await helix('clips', access_token);\n"
        "}\n"
    )
    facts = scan_one("ww.js", source)
    sites = calls(facts)[1:]
    assert [(site.line, site.column, site.url) for site in sites] == [
        (7, 9, "https://api.twitch.tv/helix/streams"),
        (8, 9, "https://api.twitch.tv/helix/clips"),
    ]
    assert sites[0].token == TokenEvidence("app", "token from client_credentials request at ww.js:5")
    assert sites[0].token_names == ("token", "access_token")


def test_eventsub_transport_from_parameter_expanded() -> None:
    source = (
        "function subscribe(type, transport) {\n"
        "  return fetch('https://api.twitch.tv/helix/eventsub/subscriptions', { method: 'POST', body: JSON.stringify({ type, version: '1', condition: {}, transport }) });\n"
        "}\n"
        "subscribe('channel.follow', { method: 'websocket', session_id: id });\n"
    )
    site = only_call(scan_one("es.js", source))
    assert (site.line, site.column) == (4, 1)
    assert site.body.get("transport") == Fields({"method": "websocket", "session_id": None})


def test_token_from_base_class_in_other_file() -> None:
    files = {
        "base.ts": (
            "export class TwitchBase {\n"
            "  protected token = '';\n"
            "  protected base = 'https://api.twitch.tv/helix';\n"
            "  async login() {\n"
            "    const res = await fetch('https://id.twitch.tv/oauth2/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) });\n"
            "    this.token = (await res.json()).access_token;\n"
            "  }\n"
            "}\n"
        ),
        "bot.ts": (
            "import { TwitchBase } from './base';\n"
            "export class Bot extends TwitchBase {\n"
            "  clip() { return fetch(`${this.base}/clips?broadcaster_id=1`, { method: 'POST', headers: { Authorization: `Bearer ${this.token}` } }); }\n"
            "}\n"
        ),
    }
    site = only_call(scan(files)["bot.ts"])
    assert site.url == "https://api.twitch.tv/helix/clips?broadcaster_id=1"
    assert site.token == TokenEvidence("app", "token from client_credentials request at base.ts:5")
    assert site.token_names == ("this.token",)


# -------------------------------------------------------- helpers called with different tokens

TOKEN_FUNCTIONS = (
    "async function appToken() {\n"
    "  const res = await fetch('https://id.twitch.tv/oauth2/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) });\n"
    "  return (await res.json()).access_token;\n"
    "}\n"
    "async function userToken(code) {\n"
    "  const res = await fetch('https://id.twitch.tv/oauth2/token', { method: 'POST', body: new URLSearchParams({ code, grant_type: 'authorization_code' }) });\n"
    "  return (await res.json()).access_token;\n"
    "}\n"
)
APP_EVIDENCE = TokenEvidence("app", "token from client_credentials request at h.js:2")
USER_EVIDENCE = TokenEvidence("user", "token from authorization_code request at h.js:6")


def helix_call_tokens(facts: FileFacts) -> dict[str, TokenEvidence | None]:
    return {site.url: site.token for site in calls(facts) if "/helix/" in site.url}


@pytest.mark.parametrize("app_first", [True, False], ids=["app-caller-first", "user-caller-first"])
def test_header_helper_kind_per_caller(app_first: bool) -> None:
    app_caller = (
        "export async function streams() {\n"
        "  const token = await appToken();\n"
        "  return fetch('https://api.twitch.tv/helix/streams', { headers: headers(token) });\n"
        "}\n"
    )
    user_caller = (
        "export async function clip(code) {\n"
        "  const token = await userToken(code);\n"
        "  return fetch('https://api.twitch.tv/helix/clips?broadcaster_id=1', { method: 'POST', headers: headers(token) });\n"
        "}\n"
    )
    helper = "function headers(token) {\n  return { 'Client-Id': 'cid', Authorization: `Bearer ${token}` };\n}\n"
    callers = app_caller + user_caller if app_first else user_caller + app_caller
    tokens = helix_call_tokens(scan_one("h.js", TOKEN_FUNCTIONS + helper + callers))
    assert tokens["https://api.twitch.tv/helix/streams"] == APP_EVIDENCE
    assert tokens["https://api.twitch.tv/helix/clips?broadcaster_id=1"] == USER_EVIDENCE


def test_header_helper_spread_kind_per_caller() -> None:
    source = TOKEN_FUNCTIONS + (
        "const auth = (token) => ({ Authorization: `Bearer ${token}` });\n"
        "export async function conduits() {\n"
        "  return fetch('https://api.twitch.tv/helix/eventsub/conduits', { headers: { ...auth(await appToken()), 'Client-Id': 'cid' } });\n"
        "}\n"
        "export async function user(code) {\n"
        "  return fetch('https://api.twitch.tv/helix/users', { headers: { ...auth(await userToken(code)), 'Client-Id': 'cid' } });\n"
        "}\n"
    )
    tokens = helix_call_tokens(scan_one("h.js", source))
    assert tokens["https://api.twitch.tv/helix/eventsub/conduits"] == APP_EVIDENCE
    assert tokens["https://api.twitch.tv/helix/users"] == USER_EVIDENCE


def test_bearer_string_helper_kind_per_caller() -> None:
    source = TOKEN_FUNCTIONS + (
        "function bearer(token) { return `Bearer ${token}`; }\n"
        "export async function conduits() {\n"
        "  return fetch('https://api.twitch.tv/helix/eventsub/conduits', { headers: { 'Client-Id': 'cid', Authorization: bearer(await appToken()) } });\n"
        "}\n"
        "export async function user(code) {\n"
        "  return fetch('https://api.twitch.tv/helix/users', { headers: { 'Client-Id': 'cid', Authorization: bearer(await userToken(code)) } });\n"
        "}\n"
    )
    tokens = helix_call_tokens(scan_one("h.js", source))
    assert tokens["https://api.twitch.tv/helix/eventsub/conduits"] == APP_EVIDENCE
    assert tokens["https://api.twitch.tv/helix/users"] == USER_EVIDENCE


def test_client_factory_kind_independent_of_other_files() -> None:
    factory = (
        "import axios from 'axios';\n"
        "export function helix(token) {\n"
        "  return axios.create({ baseURL: 'https://api.twitch.tv/helix', headers: { 'Client-Id': 'cid', Authorization: `Bearer ${token}` } });\n"
        "}\n"
    )
    app_caller = (
        "import axios from 'axios';\n"
        "import { helix } from './twitch';\n"
        "export async function run() {\n"
        "  const { data } = await axios.post('https://id.twitch.tv/oauth2/token', null, { params: { grant_type: 'client_credentials' } });\n"
        "  await helix(data.access_token).get('/streams');\n"
        "}\n"
    )
    user_caller = (
        "import axios from 'axios';\n"
        "import { helix } from './twitch';\n"
        "export async function commercial(code) {\n"
        "  const { data } = await axios.post('https://id.twitch.tv/oauth2/token', null, { params: { code, grant_type: 'authorization_code' } });\n"
        "  await helix(data.access_token).post('/channels/commercial', { broadcaster_id: '1', length: 30 });\n"
        "}\n"
    )
    user_evidence = TokenEvidence("user", "token from authorization_code request at user.ts:4")
    alone = scan({"twitch.ts": factory, "user.ts": user_caller})
    together = scan({"twitch.ts": factory, "main.ts": app_caller, "user.ts": user_caller})
    commercial_url = "https://api.twitch.tv/helix/channels/commercial"
    assert helix_call_tokens(alone["user.ts"]) == {commercial_url: user_evidence}
    assert helix_call_tokens(together["user.ts"]) == {commercial_url: user_evidence}
    app_evidence = TokenEvidence("app", "token from client_credentials request at main.ts:4")
    assert helix_call_tokens(together["main.ts"]) == {"https://api.twitch.tv/helix/streams": app_evidence}


# -------------------------------------------------------- token=app|user comments

CLIP_URL = "https://api.twitch.tv/helix/clips?broadcaster_id=1"


def test_annotation_on_assignment_line() -> None:
    source = (
        "const TOKEN = process.env.TOKEN; // twitchpolicy: token=app\n"
        "export const clip = () => fetch('https://api.twitch.tv/helix/clips?broadcaster_id=1', { method: 'POST', headers: { 'Client-Id': 'c', Authorization: `Bearer ${TOKEN}` } });\n"
    )
    site = only_call(scan_one("a.js", source))
    assert site.token == TokenEvidence("app", "token annotated as app access token at a.js:1")
    assert site.token_names == ("TOKEN",)


def test_block_annotation_on_assignment_line() -> None:
    source = (
        "const TOKEN = /* twitchpolicy: token=user */ process.env.TOKEN;\n"
        "export const clip = () => fetch('https://api.twitch.tv/helix/clips?broadcaster_id=1', { method: 'POST', headers: { 'Client-Id': 'c', Authorization: `Bearer ${TOKEN}` } });\n"
    )
    site = only_call(scan_one("a.js", source))
    assert site.token == TokenEvidence("user", "token annotated as user access token at a.js:1")


def test_annotation_on_last_line_of_call() -> None:
    source = (
        "const headers = { 'Client-Id': 'c', Authorization: `Bearer ${process.env.OTHER}` };\n"
        "export const clip = () => fetch(\n"
        "  'https://api.twitch.tv/helix/clips?broadcaster_id=1',\n"
        "  { method: 'POST', headers },\n"
        "); // twitchpolicy: token=app\n"
    )
    site = only_call(scan_one("a.js", source))
    assert (site.line, site.end_line) == (2, 5)
    assert site.token == TokenEvidence("app", "token annotated as app access token at a.js:2")


def test_annotation_does_not_replace_traced_token() -> None:
    source = TOKEN_FUNCTIONS + (
        "const headers = async (code) => ({ 'Client-Id': 'c', Authorization: `Bearer ${await userToken(code)}` });\n"
        "export const clip = async (code) => fetch('https://api.twitch.tv/helix/clips?broadcaster_id=1', { method: 'POST', headers: await headers(code) }); // twitchpolicy: token=app\n"
    )
    tokens = helix_call_tokens(scan_one("h.js", source))
    assert tokens == {CLIP_URL: USER_EVIDENCE}


@pytest.mark.parametrize("comment", [
    "// twitchpolicy: token=bot",
    "// twitchpolicy: tokn=app",
    "// see twitchpolicy: token=app",
])
def test_invalid_annotation_ignored(comment: str) -> None:
    source = (
        f"const TOKEN = process.env.TOKEN; {comment}\n"
        "const text = '// twitchpolicy: token=app';\n"
        "export const clip = () => fetch('https://api.twitch.tv/helix/clips?broadcaster_id=1', { method: 'POST', headers: { 'Client-Id': 'c', Authorization: `Bearer ${TOKEN}` } }); const note = '// twitchpolicy: token=app';\n"
    )
    site = only_call(scan_one("a.js", source))
    assert site.token is None
