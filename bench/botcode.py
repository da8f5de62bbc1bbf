"""Generate the source text of Twitch bot files for the benchmark trees in ``trees.py``.

The code imitates small bots. A settings module has the Helix base URL. An
auth module requests app and user access tokens from the OAuth server and
builds an authorize URL. Caller modules call Helix with requests, httpx or
aiohttp, and JavaScript or TypeScript files use fetch or axios. Most
lines are ordinary helper code with no Twitch call in it. A ``BotSpec``
chooses the deliberate mistakes a package carries, so the checker's findings
on a tree depend only on the seed. All ids, logins and secrets are invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

HELIX = "https://api.twitch.tv/helix"
TOKEN_URL = "https://id.twitch.tv/oauth2/token"
AUTHORIZE_URL = "https://id.twitch.tv/oauth2/authorize"

LIBRARIES = ("requests", "httpx", "aiohttp")

# Helix calls a caller module may make: (function name, method, path, query keys, token kind, scope or None).
HELIX_CALLS = (
    ("get_user_by_login", "GET", "/users", ("login",), "app", None),
    ("get_live_streams", "GET", "/streams", ("user_login",), "app", None),
    ("get_channel_info", "GET", "/channels", ("broadcaster_id",), "app", None),
    ("get_top_games", "GET", "/games/top", ("first",), "app", None),
    ("get_recent_videos", "GET", "/videos", ("user_id",), "app", None),
    ("get_clips", "GET", "/clips", ("broadcaster_id",), "app", None),
    ("create_clip", "POST", "/clips", ("broadcaster_id",), "user", "clips:edit"),
    ("get_chatters", "GET", "/chat/chatters", ("broadcaster_id", "moderator_id"), "user", "moderator:read:chatters"),
    ("get_subscriptions", "GET", "/subscriptions", ("broadcaster_id",), "user", "channel:read:subscriptions"),
    ("update_channel", "PATCH", "/channels", ("broadcaster_id",), "user", "channel:manage:broadcast"),
    ("get_vips", "GET", "/channels/vips", ("broadcaster_id",), "user", "channel:read:vips"),
    ("get_banned_users", "GET", "/moderation/banned", ("broadcaster_id",), "user", "moderation:read"),
)

MISTAKES = (
    "app-token-on-create-clip",  # TP201
    "kraken-url",  # TP103
    "removed-endpoint",  # TP102
    "missing-scope",  # TP301
    "oauth-prefix-in-js",  # TP403
)

NOUNS = ("quote", "raid", "poll", "giveaway", "points", "shoutout", "timer", "alert", "song", "emote", "follow", "hype")


@dataclass
class BotSpec:
    """One bot package: its import name, HTTP library, requested scopes and deliberate mistakes."""

    package: str
    library: str
    scopes: tuple[str, ...]
    mistakes: frozenset[str] = field(default_factory=frozenset)
    env_prefix: str = "TWITCH"


def choose_spec(rng: random.Random, package: str, mistake_number: int | None) -> BotSpec:
    """Pick the library and scopes of one package, and mistakes unless ``mistake_number`` is None.

    Consecutive mistake numbers walk through ``MISTAKES`` two at a time, so every five
    packages with mistakes carry each mistake twice.
    """
    library = rng.choice(LIBRARIES)
    user_scopes = sorted({scope for *_, kind, scope in HELIX_CALLS if kind == "user"})
    scopes = tuple(sorted(rng.sample(user_scopes, rng.randint(2, len(user_scopes)))))
    mistakes: frozenset[str] = frozenset()
    if mistake_number is not None:
        first = (2 * mistake_number) % len(MISTAKES)
        mistakes = frozenset({MISTAKES[first], MISTAKES[(first + 1) % len(MISTAKES)]})
    return BotSpec(package=package, library=library, scopes=scopes, mistakes=mistakes, env_prefix=package.rsplit(".", 1)[-1].upper())


# Helper code that has nothing to do with Twitch. "{Noun}" and "{noun}" are replaced.
FILLERS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("time",), '''
class {Noun}Cooldown:
    """Rate-limit the !{noun} command per chatter."""

    def __init__(self, seconds: float = 30.0) -> None:
        self.seconds = seconds
        self._last_use: dict[str, float] = {{}}

    def ready(self, chatter: str) -> bool:
        now = time.monotonic()
        last = self._last_use.get(chatter)
        if last is not None and now - last < self.seconds:
            return False
        self._last_use[chatter] = now
        return True

    def remaining(self, chatter: str) -> float:
        last = self._last_use.get(chatter)
        if last is None:
            return 0.0
        return max(0.0, self.seconds - (time.monotonic() - last))
'''),
    ((), '''
def parse_{noun}_command(message: str, prefix: str = "!") -> tuple[str, list[str]] | None:
    """Split a chat message such as "!{noun} add text" into the command and its arguments."""
    text = message.strip()
    if not text.startswith(prefix):
        return None
    parts = text[len(prefix):].split()
    if not parts:
        return None
    command, *arguments = parts
    return command.lower(), arguments
'''),
    ((), '''
def format_{noun}_duration(seconds: int) -> str:
    """Format a number of seconds as "1h 02m 03s" for the {noun} overlay."""
    if seconds < 0:
        raise ValueError(f"negative duration: {{seconds}}")
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{{hours}}h {{minutes:02d}}m {{seconds:02d}}s"
    if minutes:
        return f"{{minutes}}m {{seconds:02d}}s"
    return f"{{seconds}}s"
'''),
    (("collections",), '''
class {Noun}Average:
    """Keep the mean of the last values of the {noun} counter."""

    def __init__(self, size: int = 20) -> None:
        self.values: collections.deque[float] = collections.deque(maxlen=size)

    def add(self, value: float) -> None:
        self.values.append(value)

    @property
    def mean(self) -> float:
        if not self.values:
            return 0.0
        return sum(self.values) / len(self.values)
'''),
    (("dataclasses",), '''
@dataclasses.dataclass
class {Noun}Settings:
    """Settings of the {noun} feature, read from the bot's JSON configuration."""

    enabled: bool = True
    channel: str = "example_channel"
    max_entries: int = 50
    blocked_words: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict) -> "{Noun}Settings":
        unknown = set(data) - {{field.name for field in dataclasses.fields(cls)}}
        if unknown:
            raise ValueError(f"unknown {noun} settings: {{sorted(unknown)}}")
        values = dict(data)
        if "blocked_words" in values:
            values["blocked_words"] = tuple(values["blocked_words"])
        return cls(**values)
'''),
    (("re",), '''
_{NOUN}_LINK = re.compile(r"https?://\\S+", re.IGNORECASE)
_{NOUN}_SPACES = re.compile(r"\\s+")


def clean_{noun}_text(text: str, max_length: int = 200) -> str:
    """Remove links and repeated spaces from a {noun} message and cut it to ``max_length``."""
    text = _{NOUN}_LINK.sub("[link]", text)
    text = _{NOUN}_SPACES.sub(" ", text).strip()
    if len(text) > max_length:
        text = text[: max_length - 1] + "…"
    return text
'''),
    (("operator",), '''
def rank_{noun}_entries(scores: dict[str, int], top: int = 10) -> list[tuple[int, str, int]]:
    """Return the top entries of the {noun} leaderboard as (place, name, score), ties sharing a place."""
    ordered = sorted(scores.items(), key=operator.itemgetter(1), reverse=True)
    board = []
    place = 0
    previous = None
    for position, (name, score) in enumerate(ordered[:top], start=1):
        if score != previous:
            place = position
            previous = score
        board.append((place, name, score))
    return board
'''),
    (("datetime",), '''
def parse_{noun}_timestamp(value: str) -> datetime.datetime:
    """Parse an RFC 3339 timestamp such as "2024-05-01T18:30:00Z" from a {noun} record."""
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    moment = datetime.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"timestamp without time zone: {{value}}")
    return moment.astimezone(datetime.timezone.utc)


def {noun}_age_minutes(value: str, now: datetime.datetime) -> int:
    return int((now - parse_{noun}_timestamp(value)).total_seconds() // 60)
'''),
    (("json", "pathlib"), '''
def load_{noun}_store(path: pathlib.Path) -> dict[str, list[str]]:
    """Read the {noun} store, a JSON object of lists. A missing file is an empty store."""
    if not path.exists():
        return {{}}
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{{path}}: expected a JSON object")
    return {{str(key): [str(item) for item in items] for key, items in data.items()}}


def save_{noun}_store(path: pathlib.Path, store: dict[str, list[str]]) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(store, indent=2, sort_keys=True), encoding="utf-8")
    temporary.replace(path)
'''),
    (("random",), '''
def draw_{noun}_winner(entries: list[str], excluded: set[str], rng: random.Random) -> str | None:
    """Draw one entry of the {noun} at random, skipping excluded names and duplicates."""
    candidates = sorted({{entry.lower() for entry in entries}} - {{name.lower() for name in excluded}})
    if not candidates:
        return None
    return rng.choice(candidates)
'''),
)


def filler_blocks(rng: random.Random, count: int) -> tuple[set[str], list[str]]:
    """Return the imports and the code of ``count`` distinct helper blocks."""
    pairs = rng.sample([(filler, noun) for filler in range(len(FILLERS)) for noun in NOUNS], count)
    imports: set[str] = set()
    blocks = []
    for filler, noun in pairs:
        needed, template = FILLERS[filler]
        imports.update(needed)
        blocks.append(template.format(noun=noun, Noun=noun.capitalize(), NOUN=noun.upper()))
    return imports, blocks


def python_module(docstring: str, imports: set[str], from_imports: list[str], body: list[str]) -> str:
    lines = [f'"""{docstring}"""', "", "from __future__ import annotations", ""]
    lines += [f"import {name}" for name in sorted(imports)]
    if from_imports:
        lines.append("")
        lines += from_imports
    return "\n".join(lines) + "\n\n" + "\n\n".join(block.strip("\n") + "\n" for block in body)


def settings_module(spec: BotSpec) -> str:
    """Return the settings module: base URLs, client ID and secret from the environment, and a token validation call."""
    body = [f'''
HELIX = "{HELIX}"
TOKEN_URL = "{TOKEN_URL}"
AUTHORIZE_URL = "{AUTHORIZE_URL}"
VALIDATE_URL = "https://id.twitch.tv/oauth2/validate"
CLIENT_ID = os.environ["{spec.env_prefix}_CLIENT_ID"]
CLIENT_SECRET = os.environ["{spec.env_prefix}_CLIENT_SECRET"]
REDIRECT_URI = os.environ.get("{spec.env_prefix}_REDIRECT_URI", "http://localhost:3000/callback")
STATE_FILE = pathlib.Path(os.environ.get("{spec.env_prefix}_STATE", "state.json"))
''', '''
def validate_token(token: str) -> dict:
    """Check with the OAuth server whether a token is still valid."""
    response = requests.get(VALIDATE_URL, headers={"Authorization": f"OAuth {token}"}, timeout=10)
    if response.status_code == 401:
        return {}
    response.raise_for_status()
    return response.json()
''']
    return python_module(f"Settings of the {spec.package} bot.", {"os", "pathlib", "requests"}, [], body)


def auth_module(spec: BotSpec, rng: random.Random) -> str:
    """Return the auth module: an app access token, a refreshed user access token and the authorize URL."""
    scope_text = " ".join(spec.scopes)
    imports, fillers = filler_blocks(rng, 2)
    imports |= {"json", "requests"}
    body = [f'''
SCOPES = "{scope_text}"
''', '''
def fetch_app_token() -> str:
    """Request an app access token with the client credentials grant."""
    response = requests.post(
        TOKEN_URL,
        data={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "grant_type": "client_credentials"},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["access_token"]
''', '''
def refresh_user_token() -> str:
    """Exchange the stored refresh token for a new user access token and store the new refresh token."""
    state = json.loads(STATE_FILE.read_text(encoding="utf-8"))
    response = requests.post(
        TOKEN_URL,
        data={
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "grant_type": "refresh_token",
            "refresh_token": state["refresh_token"],
        },
        timeout=10,
    )
    response.raise_for_status()
    payload = response.json()
    state["refresh_token"] = payload["refresh_token"]
    STATE_FILE.write_text(json.dumps(state), encoding="utf-8")
    return payload["access_token"]
''', '''
def authorize_url(state: str) -> str:
    """Build the URL the broadcaster opens to grant the bot its scopes."""
    query = urllib.parse.urlencode(
        {"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI, "scope": SCOPES, "state": state}
    )
    return AUTHORIZE_URL + "?" + query
''', *fillers]
    imports.add("urllib.parse")
    from_imports = [f"from {spec.package}.settings import AUTHORIZE_URL, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, STATE_FILE, TOKEN_URL"]
    return python_module(f"Tokens of the {spec.package} bot.", imports, from_imports, body)


def _query(keys: tuple[str, ...]) -> str:
    values = {"login": "login", "user_login": "login", "first": "20", "moderator_id": "BOT_USER_ID"}
    return "{" + ", ".join(f'"{key}": {values.get(key, "broadcaster_id")}' for key in keys) + "}"


def helix_function(spec: BotSpec, call: tuple) -> str:
    """Return one function that makes a Helix call with the package's HTTP library."""
    name, method, path, keys, kind, _scope = call
    if name == "create_clip" and "app-token-on-create-clip" in spec.mistakes:
        kind = "app"
    token_call = "fetch_app_token()" if kind == "app" else "refresh_user_token()"
    argument = "login" if any(key in ("login", "user_login") for key in keys) else "broadcaster_id"
    query = _query(keys)
    verb = method.lower()
    if spec.library == "requests":
        return f'''
def {name}({argument}):
    token = {token_call}
    headers = {{"Client-Id": CLIENT_ID, "Authorization": f"Bearer {{token}}"}}
    response = requests.{verb}(f"{{HELIX}}{path}", params={query}, headers=headers, timeout=10)
    response.raise_for_status()
    return response.json().get("data", [])
'''
    if spec.library == "wrapper":
        return f'''
def {name}({argument}):
    return helix_request("{method}", "{path}", {token_call}, params={query})
'''
    if spec.library == "httpx":
        return f'''
def {name}({argument}):
    token = {token_call}
    with httpx.Client(base_url=HELIX, headers={{"Client-Id": CLIENT_ID}}, timeout=10) as client:
        response = client.{verb}("{path}", params={query}, headers={{"Authorization": f"Bearer {{token}}"}})
    response.raise_for_status()
    return response.json().get("data", [])
'''
    return f'''
async def {name}({argument}):
    token = {token_call}
    headers = {{"Client-Id": CLIENT_ID, "Authorization": f"Bearer {{token}}"}}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.{verb}(f"{{HELIX}}{path}", params={query}) as response:
            response.raise_for_status()
            payload = await response.json()
    return payload.get("data", [])
'''


def mistake_function(spec: BotSpec, mistake: str) -> str | None:
    """Return a function carrying one deliberate mistake, or None for mistakes that live elsewhere."""
    if mistake == "kraken-url":
        return '''
def get_channel_legacy(channel_id):
    # Left over from the Kraken v5 client, which Twitch shut down in 2022.
    response = requests.get(
        f"https://api.twitch.tv/kraken/channels/{channel_id}",
        headers={"Client-Id": CLIENT_ID, "Accept": "application/vnd.twitchtv.v5+json"},
        timeout=10,
    )
    return response.json()
'''
    if mistake == "removed-endpoint":
        return '''
def get_follows(broadcaster_id):
    token = fetch_app_token()
    response = requests.get(
        f"{HELIX}/users/follows",
        params={"to_id": broadcaster_id},
        headers={"Client-Id": CLIENT_ID, "Authorization": f"Bearer {token}"},
        timeout=10,
    )
    return response.json().get("data", [])
'''
    if mistake == "missing-scope":
        return '''
def ban_user(broadcaster_id, user_id, reason):
    token = refresh_user_token()
    response = requests.post(
        f"{HELIX}/moderation/bans",
        params={"broadcaster_id": broadcaster_id, "moderator_id": BOT_USER_ID},
        json={"data": {"user_id": user_id, "reason": reason}},
        headers={"Client-Id": CLIENT_ID, "Authorization": f"Bearer {token}"},
        timeout=10,
    )
    response.raise_for_status()
'''
    return None


def caller_module(spec: BotSpec, rng: random.Random, calls: int, fillers: int, with_mistakes: bool, previous: str | None = None) -> str:
    """Return a caller module: ``calls`` Helix calls among ``fillers`` helper blocks.

    ``previous``, a module path inside the package such as ``features.chat.cmd_0001``, makes
    this module import that one and take its bot user id from it, which chains the modules
    of a large package together.
    """
    imports, blocks = filler_blocks(rng, fillers)
    if spec.library != "wrapper":
        imports.add(spec.library)
    if with_mistakes and spec.mistakes & {"kraken-url", "removed-endpoint", "missing-scope"}:
        imports.add("requests")
    chosen = [call for call in HELIX_CALLS if call[4] == "app" or call[5] in spec.scopes or call[0] == "create_clip"]
    sampled = rng.sample(chosen, min(calls, len(chosen)))
    create_clip = next(call for call in HELIX_CALLS if call[0] == "create_clip")
    if with_mistakes and "app-token-on-create-clip" in spec.mistakes and create_clip not in sampled:
        sampled.append(create_clip)
    functions = [helix_function(spec, call) for call in sampled]
    if with_mistakes:
        functions += [text for text in (mistake_function(spec, mistake) for mistake in sorted(spec.mistakes)) if text]
    if previous is None:
        body = [f'BOT_USER_ID = "{rng.randint(1000000, 9999999)}"\n']
    else:
        body = ["BOT_USER_ID = upstream.BOT_USER_ID\n"]
    for index, function in enumerate(functions):
        blocks.insert(min(len(blocks), index * 2 + 1), function)
    body += blocks
    from_imports = [
        f"from {spec.package}.auth import fetch_app_token, refresh_user_token",
        f"from {spec.package}.settings import CLIENT_ID, HELIX",
    ]
    if spec.library == "wrapper":
        from_imports.append(f"from {spec.package}.client import helix_request")
    if previous is not None:
        parent, _, module = f"{spec.package}.{previous}".rpartition(".")
        from_imports.append(f"from {parent} import {module} as upstream")
    return python_module(f"Commands of the {spec.package} bot.", imports, from_imports, body)


def wrapper_module(spec: BotSpec) -> str:
    """Return the shared Helix client module of a large package: one function every caller goes through."""
    body = ['''
def helix_request(method, path, token, params=None, json=None):
    """Send one Helix request with the client ID and the given access token."""
    response = requests.request(
        method,
        HELIX + path,
        params=params,
        json=json,
        headers={"Client-Id": CLIENT_ID, "Authorization": f"Bearer {token}"},
        timeout=10,
    )
    if response.status_code == 429:
        reset = float(response.headers.get("Ratelimit-Reset", "0"))
        raise RuntimeError(f"rate limited until {reset}")
    response.raise_for_status()
    return response.json().get("data", []) if response.content else []
''']
    from_imports = [f"from {spec.package}.settings import CLIENT_ID, HELIX"]
    return python_module(f"Helix client of the {spec.package} bot.", {"requests"}, from_imports, body)


def javascript_module(spec: BotSpec, rng: random.Random, typescript: bool) -> str:
    """Return a JavaScript or TypeScript overlay module that calls Helix with fetch or axios."""
    prefix = "OAuth" if "oauth-prefix-in-js" in spec.mistakes else "Bearer"
    param = "login: string" if typescript else "login"
    use_axios = rng.random() < 0.5
    head = [
        f"const HELIX = '{HELIX}';",
        f"const CLIENT_ID = process.env.{spec.env_prefix}_CLIENT_ID;",
        f"const CLIENT_SECRET = process.env.{spec.env_prefix}_CLIENT_SECRET;",
        "",
        "async function getAppToken() {",
        f"  const response = await fetch('{TOKEN_URL}', {{",
        "    method: 'POST',",
        "    body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'client_credentials' }),",
        "  });",
        "  const json = await response.json();",
        "  return json.access_token;",
        "}",
        "",
    ]
    if use_axios:
        head.insert(0, "const axios = require('axios');")
        calls = [
            "const helix = axios.create({ baseURL: HELIX, headers: { 'Client-Id': CLIENT_ID } });",
            "",
            f"async function streamFor({param}) {{",
            "  const token = await getAppToken();",
            f"  const response = await helix.get('/streams', {{ params: {{ user_login: login }}, headers: {{ Authorization: `{prefix} ${{token}}` }} }});",
            "  return response.data.data[0] || null;",
            "}",
        ]
    else:
        calls = [
            f"async function streamFor({param}) {{",
            "  const token = await getAppToken();",
            "  const response = await fetch(`${HELIX}/streams?user_login=${encodeURIComponent(login)}`, {",
            f"    headers: {{ 'Client-Id': CLIENT_ID, Authorization: `{prefix} ${{token}}` }},",
            "  });",
            "  const json = await response.json();",
            "  return json.data[0] || null;",
            "}",
        ]
    noun = rng.choice(NOUNS)
    tail = [
        "",
        f"function render{noun.capitalize()}Banner(stream{': any' if typescript else ''}) {{",
        "  if (!stream) {",
        "    return 'offline';",
        "  }",
        "  const minutes = Math.floor((Date.now() - Date.parse(stream.started_at)) / 60000);",
        f"  return `${{stream.user_name}} is live with ${{stream.game_name}} for ${{minutes}} min ({noun})`;",
        "}",
        "",
        f"module.exports = {{ streamFor, render{noun.capitalize()}Banner }};",
        "",
    ]
    return "\n".join(head + calls + tail)
