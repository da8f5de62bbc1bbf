"""The pre-filter parses fewer files and loses nothing: every tree gives the same findings with it on and off."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from twitchpolicy.checker import run_checks
from twitchpolicy.config import Config, find_config, load_config
from twitchpolicy.prefilter import LIBRARY_COPY_MIN, import_lines, library_copies
from twitchpolicy.registry import Registry
from twitchpolicy.scan import ScanResult, scan_paths

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted(path.name for path in (ROOT / "fixtures").iterdir() if path.is_dir())
# A module that names nothing of Twitch and imports nothing that does, as most of a large tree.
UNRELATED = 'import json\n\n\ndef load(path):\n    with open(path) as file:\n        return json.load(file)\n'


def both_ways(paths: list[str], registry: Registry, config: Config | None = None) -> tuple[ScanResult, list[str], list[str]]:
    """Scan with the pre-filter and without, assert identical findings and unverified calls, and return them."""
    config = config or Config()
    filtered = scan_paths(paths, config.exclude, registry, prefilter=True)
    full = scan_paths(paths, config.exclude, registry, prefilter=False)
    filtered_outcome = run_checks(registry, filtered, config)
    full_outcome = run_checks(registry, full, config)
    findings = [f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}" for f in filtered_outcome.findings]
    assert findings == [f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}" for f in full_outcome.findings]
    assert filtered_outcome.unverified == full_outcome.unverified
    assert filtered.files_scanned == full.files_scanned
    codes = [finding.code for finding in filtered_outcome.findings]
    unverified = [f"{call.path}:{call.line}" for call in filtered_outcome.unverified]
    return filtered, codes, unverified


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_same_either_way(name: str, registry: Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / "fixtures" / name)
    found = find_config(Path.cwd())
    config = load_config(found) if found is not None and found.parent == Path.cwd() else Config()
    result, codes, _unverified = both_ways(["."], registry, config)
    # clean_bot and mock_bot have no findings, and scenarios holds only scenario files.
    if name not in ("clean_bot", "mock_bot", "scenarios"):
        assert codes
    assert result.files_parsed <= result.files_scanned


def test_base_url_in_settings_module(project, registry: Registry) -> None:
    write(project.root, {
        "settings.py": 'BASE = "https://api.twitch.tv/helix"\n',
        "client.py": (
            "import requests\nfrom settings import BASE\n\n\n"
            "def users(token):\n"
            '    return requests.get(BASE + "/users", headers={"Authorization": f"Bearer {token}"})\n'
        ),
        "storage.py": UNRELATED,
    })
    result, codes, unverified = both_ways(["."], registry)
    assert codes == ["TP401"]
    assert unverified == ["client.py:6"]
    assert result.files_parsed == 2
    assert result.files_scanned == 3


def test_scopes_in_constants_module(project, registry: Registry) -> None:
    write(project.root, {
        "constants.py": 'SCOPES = ["chat:read", "clips:edit"]\n',
        "auth.py": (
            "from constants import SCOPES\n\n"
            'AUTHORIZE = "https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=abc&scope=" + "+".join(SCOPES)\n'
        ),
        "chatters.py": (
            "import requests\n\n\n"
            "def chatters(token):\n"
            '    return requests.get("https://api.twitch.tv/helix/chat/chatters?broadcaster_id=1&moderator_id=1",'
            ' headers={"Client-Id": "abc", "Authorization": f"Bearer {token}"})\n'
        ),
        "storage.py": UNRELATED,
    })
    result, codes, _unverified = both_ways(["."], registry)
    assert codes == ["TP302", "TP301"]
    assert result.files_parsed == 3


def test_wrapper_called_from_plain_module(project, registry: Registry) -> None:
    write(project.root, {
        "api_client.py": (
            "import requests\n"
            'BASE = "https://api.twitch.tv/helix"\n\n\n'
            "def api_post(path, token):\n"
            '    return requests.post(BASE + path, headers={"Client-Id": "abc", "Authorization": f"Bearer {token}"})\n'
        ),
        "commands.py": (
            "from api_client import api_post\n\n\n"
            "def clip(token):\n"
            '    return api_post("/clips?broadcaster_id=1", token)\n\n\n'
            "def raid(path, token):\n"
            "    return api_post(path, token)\n"
        ),
        "views.py": 'from commands import raid\n\n\ndef start(token):\n    return raid("/raids?from_broadcaster_id=1&to_broadcaster_id=2", token)\n',
        "storage.py": UNRELATED,
    })
    result, _codes, unverified = both_ways(["."], registry)
    assert unverified == ["commands.py:5", "views.py:5"]
    assert result.files_parsed == 3


def test_javascript_config_module(project, registry: Registry) -> None:
    write(project.root, {
        "src/config.js": 'export const HEADERS = { "Client-Id": "abc" };\n',
        "src/api.js": (
            'import { HEADERS } from "./config.js";\n\n'
            "export async function users() {\n"
            '  return fetch("https://api.twitch.tv/helix/users", { headers: HEADERS });\n'
            "}\n"
        ),
        "src/format.js": "export function pad(text) {\n  return text.padStart(4);\n}\n",
    })
    result, codes, _unverified = both_ways(["."], registry)
    assert codes == ["TP402"]
    assert result.files_parsed == 2


def test_secret_outside_twitch_modules(project, registry: Registry) -> None:
    write(project.root, {
        "keys.py": 'CLIENT_SECRET = "k3j4h5g6f7d8s9a0q1w2e3r4t5y6u7"\n',
        "storage.py": UNRELATED,
    })
    result, codes, _unverified = both_ways(["."], registry)
    assert codes == ["TP405"]
    assert result.files_parsed == 1


def test_refresh_token_read_in_unrelated_module(project, registry: Registry) -> None:
    write(project.root, {
        "auth.py": (
            "import requests\n\n\n"
            "def exchange(code):\n"
            '    response = requests.post("https://id.twitch.tv/oauth2/token", data={"grant_type": "authorization_code", "code": code})\n'
            '    return response.json()["access_token"]\n'
        ),
        "storage.py": "import json\n\n\ndef save(tokens, file):\n    json.dump(tokens, file)\n",
    })
    result, codes, _unverified = both_ways(["."], registry)
    assert "TP406" not in codes
    assert result.refresh_token_read is True
    assert result.files_parsed == 1


def test_go_constant_in_other_file(project, registry: Registry) -> None:
    write(project.root, {
        "base.go": 'package bot\n\nconst helixBase = "https://api.twitch.tv/helix"\n',
        "users.go": 'package bot\n\nfunc users() { http.Post(helixBase + "/users") }\n',
        "other.go": "package bot\n\nfunc other() {}\n",
    })
    result, codes, _unverified = both_ways(["."], registry)
    assert codes == ["TP104"]
    assert result.files_parsed == 2


def test_sdk_client_used_in_other_module(project, registry: Registry) -> None:
    write(project.root, {
        "bot.py": (
            "from twitchAPI.twitch import Twitch\n\n\n"
            "async def setup(app_id, app_secret):\n"
            "    api = await Twitch(app_id, app_secret)\n"
            "    return api\n"
        ),
        "stats.py": "async def chatters(api, user):\n    return await api.get_chatters(user, user)\n",
        "storage.py": UNRELATED,
    })
    result, _codes, _unverified = both_ways(["."], registry)
    assert result.files_parsed == 2


def test_parse_error_reported_only_naming_twitch(project, registry: Registry) -> None:
    write(project.root, {
        "broken.py": 'URL = "https://api.twitch.tv/helix/users"\ndef f(:\n',
        "newer.py": "def f(:\n    pass\n",
    })
    result, codes, _unverified = both_ways(["."], registry)
    assert codes == ["TP901"]
    assert result.files_parsed == 1


def test_secret_shape_without_secret_name(project, registry: Registry) -> None:
    write(project.root, {
        "keys.py": 'CLIENT_SECRET = "k3j4h5g6f7d8s9a0q1w2e3r4t5y6u7"\n',
        "digests.py": 'EXPECTED_DIGEST = "k3j4h5g6f7d8s9a0q1w2e3r4t5y6u7"\n',
    })
    result, codes, _unverified = both_ways(["."], registry)
    assert codes == ["TP405"]
    assert result.files_parsed == 1


def test_secret_in_authorization_header(project, registry: Registry) -> None:
    write(project.root, {"calls.py": 'HEADERS = {"Authorization": "Bearer k3j4h5g6f7d8s9a0q1w2e3r4t5y6u7"}\n'})
    result, codes, _unverified = both_ways(["."], registry)
    assert codes == ["TP405"]
    assert result.files_parsed == 1


def test_import_lines_keep_continuations() -> None:
    source = (
        b'"""Module docs that mention import once."""\n'
        b"import os, sys\n"
        b"from .settings import (\n    BASE,\n    SCOPES,\n)\n"
        b"from auth import token, \\\n    refresh\n"
        b"x = 1\n"
        b"    from lazy import thing\n"
    )
    assert import_lines(source).split(b"\n") == [
        b'"""Module docs that mention import once."""',
        b"import os, sys",
        b"from .settings import (",
        b"    BASE,",
        b"    SCOPES,",
        b")",
        b"from auth import token, \\",
        b"    refresh",
        b"    from lazy import thing",
    ]


def test_import_list_with_bracketed_comment(project, registry: Registry) -> None:
    write(project.root, {
        "pkg/__init__.py": "",
        "pkg/wrappers.py": 'import requests\n\n\ndef helix_get(url, token):\n    return requests.get(url, headers={"Authorization": f"Bearer {token}"})\n',
        "main.py": (
            "from pkg import (  # re-exported helpers (http)\n    wrappers,\n)\n\n"
            'USERS = "https://api.twitch.tv/helix/users"\n\n\n'
            "def users(token):\n    return wrappers.helix_get(USERS, token)\n"
        ),
    })
    result, codes, _unverified = both_ways(["."], registry)
    assert codes == ["TP401"]
    assert result.files_parsed == 3


def test_import_lines_without_comments() -> None:
    source = b"from pkg import (  # helpers (http)\n    wrappers,\n)\n"
    assert import_lines(source).split(b"\n") == [
        b"from pkg import (  # helpers (http)",
        b"    wrappers,",
        b")",
        b"from pkg import (  ",
        b"    wrappers,",
        b")",
    ]


def standard_library_copy(root: Path, folder: str) -> None:
    """Write a folder of LIBRARY_COPY_MIN modules named like standard library ones, json importing re."""
    names = sorted(name for name in sys.stdlib_module_names if name.isidentifier() and not name.startswith("_"))[:LIBRARY_COPY_MIN]
    files = {f"{folder}/{name}.py": f"def helper():\n    return {name!r}\n" for name in names if name not in ("json", "re")}
    files[f"{folder}/json/__init__.py"] = "import re\n\n\ndef loads(text):\n    return re.sub('x', 'y', text)\n"
    files[f"{folder}/re/__init__.py"] = "def sub(pattern, replacement, text):\n    return text\n"
    write(root, files)


def test_standard_library_copy_not_followed(project, registry: Registry) -> None:
    standard_library_copy(project.root, "lib")
    write(project.root, {
        "lib/bot.py": (
            "import json\nimport requests\n\n\n"
            "def users(token):\n"
            '    return requests.get("https://api.twitch.tv/helix/users", headers={"Authorization": f"Bearer {token}"})\n'
        ),
    })
    result, codes, unverified = both_ways(["."], registry)
    assert library_copies([str(path.relative_to(project.root)) for path in project.root.rglob("*.py")]) >= {"lib/json/__init__.py", "lib/re/__init__.py"}
    assert codes == ["TP401"]
    assert unverified == ["lib/bot.py:6"]
    assert result.files_parsed == 1


def test_project_module_with_library_name_followed(project, registry: Registry) -> None:
    write(project.root, {
        "secrets.py": 'SCOPES = "clips:edit"\n',
        "auth.py": (
            "from secrets import SCOPES\n\n"
            'AUTHORIZE = "https://id.twitch.tv/oauth2/authorize?response_type=code&scope=" + SCOPES\n'
        ),
    })
    assert library_copies(["secrets.py", "auth.py"]) == set()
    result, codes, _unverified = both_ways(["."], registry)
    assert codes == ["TP302"]
    assert result.files_parsed == 2


# Helper modules of a large package whose names are also standard library module names.
PACKAGE_MODULES_NAMED_LIKE_LIBRARY = (
    "abc calendar cmd code copy csv email enum errno html http json logging numbers platform queue random select signal socket string time types typing uuid"
).split()


def test_package_module_named_like_library_followed(project, registry: Registry) -> None:
    files = {f"src/mybot/{name}.py": f"def helper():\n    return {name!r}\n" for name in PACKAGE_MODULES_NAMED_LIKE_LIBRARY}
    files["src/mybot/__init__.py"] = ""
    files["src/mybot/token.py"] = 'SCOPES = ["clips:edit"]\n'
    files["src/mybot/secrets.py"] = 'EXTRA = "moderator:read:chatters"\n'
    files["src/mybot/auth.py"] = (
        "from mybot.token import SCOPES\n"
        "from .secrets import EXTRA\n\n"
        'AUTHORIZE = "https://id.twitch.tv/oauth2/authorize?response_type=code&scope=" + "+".join(SCOPES)\n'
        'MODERATOR = "https://id.twitch.tv/oauth2/authorize?response_type=code&scope=" + EXTRA\n'
    )
    write(project.root, files)
    assert "src/mybot/token.py" in library_copies(files)
    result, codes, _unverified = both_ways(["."], registry)
    assert codes == ["TP302", "TP302"]
    assert result.files_parsed == 3


def test_importer_with_backslash_before_import(project, registry: Registry) -> None:
    write(project.root, {
        "settings.py": 'BASE = "https://api.twitch.tv/helix"\n',
        "client.py": (
            "import requests\nfrom settings \\\n    import BASE\n\n\n"
            "def users(token):\n"
            '    return requests.get(BASE + "/users", headers={"Authorization": f"Bearer {token}"})\n'
        ),
        "users.py": (
            "import requests\nfrom \\\n  settings import BASE\n\n\n"
            "def user(token):\n"
            '    return requests.get(BASE + "/users", headers={"Authorization": f"Bearer {token}"})\n'
        ),
    })
    result, codes, unverified = both_ways(["."], registry)
    assert codes == ["TP401", "TP401"]
    assert unverified == ["client.py:7", "users.py:7"]
    assert result.files_parsed == 3
