"""The .twitchpolicy_cache folder: warm runs give the same output, and every input that matters invalidates it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from twitchpolicy.factsjson import decode_facts, encode_facts
from twitchpolicy.pycalls import scan_python
from twitchpolicy.registry import Registry
from twitchpolicy.scan import parse_python

ROOT = Path(__file__).resolve().parent.parent
BOT = (
    "import requests\n"
    'BASE = "https://api.twitch.tv/helix"\n\n\n'
    "def app_token(secret):\n"
    '    response = requests.post("https://id.twitch.tv/oauth2/token", data={"client_id": "abc", "client_secret": secret, "grant_type": "client_credentials"})\n'
    '    return response.json()["access_token"]\n\n\n'
    "def clip(secret):\n"
    '    return requests.post(BASE + "/clips?broadcaster_id=1", headers={"Client-Id": "abc", "Authorization": "Bearer " + app_token(secret)})\n'
)
SCOPES_CALL = (
    "import requests\n\n\n"
    "def chatters(token):\n"
    '    return requests.get("https://api.twitch.tv/helix/chat/chatters?broadcaster_id=1&moderator_id=1",'
    ' headers={"Client-Id": "abc", "Authorization": "Bearer " + token})\n'
)


def make_project(root: Path) -> None:
    (root / "pyproject.toml").write_text('[project]\nname = "bot"\n', encoding="utf-8")
    (root / "bot.py").write_text(BOT, encoding="utf-8")
    (root / "chat.py").write_text(SCOPES_CALL, encoding="utf-8")
    (root / "util.py").write_text("def pad(text):\n    return text.rjust(4)\n", encoding="utf-8")


def entries(root: Path) -> set[str]:
    return {path.name for path in (root / ".twitchpolicy_cache").glob("*.json")}


def test_warm_run_same_output(tmp_path: Path, cli) -> None:
    make_project(tmp_path)
    cold = cli("check", ".", "--format", "json", cwd=tmp_path)
    warm = cli("check", ".", "--format", "json", cwd=tmp_path)
    assert cold.returncode == 1
    assert warm.returncode == 1
    assert warm.stdout == cold.stdout
    assert warm.stderr == ""
    assert [finding["code"] for finding in json.loads(warm.stdout)["findings"]] == ["TP201"]
    folder = tmp_path / ".twitchpolicy_cache"
    assert (folder / ".gitignore").read_text(encoding="utf-8") == "*\n"
    assert (folder / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith("Signature: 8a477f597d28d172789f06886806bc55\n")


def test_edited_file_invalidates(tmp_path: Path, cli) -> None:
    make_project(tmp_path)
    cli("check", ".", cwd=tmp_path)
    (tmp_path / "bot.py").write_text(BOT.replace('"Client-Id": "abc", ', "") + "\n", encoding="utf-8")
    edited = cli("check", ".", "--format", "json", cwd=tmp_path)
    fresh = cli("check", ".", "--format", "json", "--no-cache", cwd=tmp_path)
    assert edited.stdout == fresh.stdout
    assert sorted(finding["code"] for finding in json.loads(edited.stdout)["findings"]) == ["TP201", "TP401"]


def test_policy_file_invalidates(tmp_path: Path, cli) -> None:
    make_project(tmp_path)
    cli("check", ".", cwd=tmp_path)
    before = entries(tmp_path)
    policy = tmp_path / "extra.yaml"
    policy.write_text("policy_version: 1\nscopes: []\n", encoding="utf-8")
    first = cli("check", ".", "--policy", str(policy), cwd=tmp_path)
    with_policy = entries(tmp_path)
    policy.write_text("policy_version: 1\nscopes: []\nendpoints: []\n", encoding="utf-8")
    cli("check", ".", "--policy", str(policy), cwd=tmp_path)
    changed_policy = entries(tmp_path)
    assert first.returncode == 1, first.stderr
    assert len(with_policy - before) == 3
    assert len(changed_policy - with_policy) == 3


def test_config_invalidates(tmp_path: Path, cli) -> None:
    make_project(tmp_path)
    cli("check", ".", cwd=tmp_path)
    before = entries(tmp_path)
    (tmp_path / "twitchpolicy.toml").write_text('[tokens]\ntoken = "user"\n', encoding="utf-8")
    mapped = cli("check", ".", "--format", "json", cwd=tmp_path)
    assert len(entries(tmp_path) - before) == 3
    (tmp_path / "twitchpolicy.toml").write_text('scopes = ["chat:read"]\n[tokens]\ntoken = "user"\n', encoding="utf-8")
    scoped = cli("check", ".", "--format", "json", cwd=tmp_path)
    assert [finding["code"] for finding in json.loads(mapped.stdout)["findings"]] == ["TP201"]
    assert sorted(finding["code"] for finding in json.loads(scoped.stdout)["findings"]) == ["TP201", "TP301"]


@pytest.mark.parametrize("content", ["{not json", '{"format": "twitchpolicy-cache-1", "key": "other", "data": {}}', '{"format": "twitchpolicy-cache-1"}', "[]"])
def test_corrupt_cache_rebuilt(tmp_path: Path, cli, content: str) -> None:
    make_project(tmp_path)
    cold = cli("check", ".", "--format", "json", cwd=tmp_path)
    for path in (tmp_path / ".twitchpolicy_cache").glob("*.json"):
        path.write_text(content, encoding="utf-8")
    recovered = cli("check", ".", "--format", "json", cwd=tmp_path)
    assert recovered.stdout == cold.stdout
    assert recovered.stderr == ""
    assert json.loads((tmp_path / ".twitchpolicy_cache" / "files.json").read_text(encoding="utf-8"))["format"] == "twitchpolicy-cache-1"


def test_crafted_entry_values_rejected(tmp_path: Path, cli) -> None:
    make_project(tmp_path)
    cold = cli("check", ".", "--format", "json", cwd=tmp_path)
    for path in (tmp_path / ".twitchpolicy_cache").glob("facts-*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        document["data"]["facts"] = {"bot.py": {"sites": [{"at": "x"}]}}
        path.write_text(json.dumps(document), encoding="utf-8")
    recovered = cli("check", ".", "--format", "json", cwd=tmp_path)
    assert recovered.stdout == cold.stdout
    assert recovered.stderr == ""


def _set_line_text(facts: dict) -> None:
    facts["bot.py"]["sites"][0]["at"][1] = "6"


def _set_url_number(facts: dict) -> None:
    facts["bot.py"]["sites"][0]["url"] = 5


def _set_method_list(facts: dict) -> None:
    facts["bot.py"]["sites"][1]["method"] = ["POST"]


def _set_token_kind_object(facts: dict) -> None:
    facts["bot.py"]["sites"][1]["token"][0] = {"kind": "app"}


def _set_endpoint_number(facts: dict) -> None:
    facts["bot.py"]["sites"][1]["endpoint"] = 7


@pytest.mark.parametrize("craft", [_set_line_text, _set_url_number, _set_method_list, _set_token_kind_object, _set_endpoint_number])
def test_crafted_entry_types_rejected(tmp_path: Path, cli, craft) -> None:
    make_project(tmp_path)
    cold = cli("check", ".", "--format", "json", cwd=tmp_path)
    crafted = 0
    for path in (tmp_path / ".twitchpolicy_cache").glob("facts-*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        if "bot.py" in document["data"]["facts"]:
            craft(document["data"]["facts"])
            path.write_text(json.dumps(document), encoding="utf-8")
            crafted += 1
    assert crafted == 1
    recovered = cli("check", ".", "--format", "json", cwd=tmp_path)
    assert recovered.stderr == ""
    assert recovered.returncode == 1
    assert recovered.stdout == cold.stdout


def _set_seeds_infinite(text: str) -> str:
    return text.replace('"seeds":', '"seeds":1e999,"old_seeds":', 1)


def _set_unparsed_number(text: str) -> str:
    document = json.loads(text)
    document["data"]["unparsed"] = [1]
    return json.dumps(document)


def _set_unparsed_outside_group(text: str) -> str:
    document = json.loads(text)
    document["data"]["unparsed"] = ["elsewhere.py"]
    return json.dumps(document)


@pytest.mark.parametrize(
    ("prefix", "craft"), [("selection", _set_seeds_infinite), ("facts", _set_unparsed_number), ("facts", _set_unparsed_outside_group)]
)
def test_crafted_entry_rebuilt_without_traceback(tmp_path: Path, cli, prefix: str, craft) -> None:
    make_project(tmp_path)
    cold = cli("check", ".", "--format", "json", cwd=tmp_path)
    crafted = list((tmp_path / ".twitchpolicy_cache").glob(f"{prefix}-*.json"))
    assert crafted
    for path in crafted:
        path.write_text(craft(path.read_text(encoding="utf-8")), encoding="utf-8")
    recovered = cli("check", ".", "--format", "json", cwd=tmp_path)
    assert recovered.stderr == ""
    assert recovered.returncode == 1
    assert recovered.stdout == cold.stdout


def test_same_relative_path_other_folder(tmp_path: Path, cli) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "bot"\n', encoding="utf-8")
    (tmp_path / "sub").mkdir()
    top = tmp_path / "bot.py"
    nested = tmp_path / "sub" / "bot.py"
    top.write_text('import requests\nrequests.get("https://api.twitch.tv/kraken/users")\n', encoding="utf-8")
    nested.write_text('import requests\nrequests.get("https://api.twitch.tv/helix/usersX")\n', encoding="utf-8")
    # Equal size and modification time, as files unpacked from one archive have.
    assert top.stat().st_size == nested.stat().st_size
    for path in (top, nested):
        os.utime(path, ns=(1_767_225_600_000_000_000, 1_767_225_600_000_000_000))

    in_sub = cli("check", "--format", "json", ".", cwd=tmp_path / "sub")
    at_top = cli("check", "--format", "json", "bot.py", cwd=tmp_path)

    assert [finding["code"] for finding in json.loads(in_sub.stdout)["findings"]] == ["TP101"]
    assert [finding["code"] for finding in json.loads(at_top.stdout)["findings"]] == ["TP103"]
    assert (tmp_path / ".twitchpolicy_cache").is_dir()
    assert not (tmp_path / "sub" / ".twitchpolicy_cache").exists()


def test_scanner_code_invalidates(tmp_path: Path) -> None:
    # Two commits of twitchpolicy share a version number, as pre-commit's rev updates install them.
    install = tmp_path / "install"
    shutil.copytree(ROOT / "twitchpolicy", install / "twitchpolicy", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "policy", install / "twitchpolicy" / "policy")
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "bot"\n', encoding="utf-8")
    (project / "settings.py").write_text('CLIENT_SECRET = "k3j4h5g6f7d8s9a0q1w2e3r4t5y6u7"\n', encoding="utf-8")
    environment = {**os.environ, "PYTHONPATH": str(install)}

    def check() -> str:
        command = [sys.executable, "-m", "twitchpolicy", "check", "--format", "json", "."]
        completed = subprocess.run(command, cwd=project, env=environment, capture_output=True, text=True, timeout=120)
        assert completed.stderr == ""
        return json.loads(completed.stdout)["findings"][0]["message"]

    first = check()
    sites = install / "twitchpolicy" / "sites.py"
    sites.write_text(sites.read_text(encoding="utf-8").replace("characters, masked>", "characters, hidden>"), encoding="utf-8")
    second = check()

    assert "<30 characters, masked>" in first
    assert "<30 characters, hidden>" in second


def test_special_files_in_cache_ignored(tmp_path: Path, cli) -> None:
    make_project(tmp_path)
    cold = cli("check", ".", "--format", "json", cwd=tmp_path)
    folder = tmp_path / ".twitchpolicy_cache"
    facts = sorted(folder.glob("facts-*.json"))
    assert facts
    for path in facts:
        path.unlink()
        path.symlink_to("/dev/zero")
    (folder / "files.json").unlink()
    os.mkfifo(folder / "files.json")

    # Reading the FIFO or /dev/zero would block or fill the memory, so a timeout ends a failing run.
    command = [sys.executable, "-m", "twitchpolicy", "check", ".", "--format", "json"]
    recovered = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)

    assert recovered.stderr == ""
    assert recovered.stdout == cold.stdout
    assert (folder / "files.json").is_file()
    assert not any(path.is_symlink() for path in facts)


def test_undecodable_file_name_cached(tmp_path: Path, cli) -> None:
    make_project(tmp_path)
    (tmp_path / os.fsdecode(b"old\xff.py")).write_text('import requests\nrequests.get("https://api.twitch.tv/kraken/users")\n', encoding="utf-8")
    fresh = cli("check", ".", "--format", "json", "--no-cache", cwd=tmp_path)
    cold = cli("check", ".", "--format", "json", cwd=tmp_path)
    warm = cli("check", ".", "--format", "json", cwd=tmp_path)

    assert cold.stderr == ""
    assert cold.stdout == fresh.stdout
    assert warm.stdout == fresh.stdout
    assert "TP103" in [finding["code"] for finding in json.loads(warm.stdout)["findings"]]


def test_no_cache_creates_nothing(tmp_path: Path, cli) -> None:
    make_project(tmp_path)
    completed = cli("check", ".", "--no-cache", cwd=tmp_path)
    assert completed.returncode == 1
    assert not (tmp_path / ".twitchpolicy_cache").exists()


def test_unwritable_cache_does_not_fail(tmp_path: Path, cli) -> None:
    make_project(tmp_path)
    (tmp_path / ".twitchpolicy_cache").write_text("a file where the cache folder would go\n", encoding="utf-8")
    blocked = cli("check", ".", "--format", "json", cwd=tmp_path)
    fresh = cli("check", ".", "--format", "json", "--no-cache", cwd=tmp_path)
    assert blocked.returncode == 1
    assert blocked.stderr == ""
    assert blocked.stdout == fresh.stdout


def test_cache_next_to_config(tmp_path: Path, cli) -> None:
    make_project(tmp_path)
    (tmp_path / "twitchpolicy.toml").write_text("exclude = []\n", encoding="utf-8")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "bot.py").write_text(BOT, encoding="utf-8")
    cli("check", "src", cwd=tmp_path)
    assert (tmp_path / ".twitchpolicy_cache" / "CACHEDIR.TAG").is_file()
    assert not (tmp_path / "src" / ".twitchpolicy_cache").exists()


@pytest.mark.parametrize("name", ["httpx_bot", "multi_module_bot", "pytwitchapi_bot", "twitchio_bot", "requests_app_token_bot"])
def test_facts_round_trip(name: str, registry: Registry) -> None:
    problems: list = []
    modules = []
    for path in sorted((ROOT / "fixtures" / name).rglob("*.py")):
        module = parse_python(str(path), path.read_text(encoding="utf-8"), problems)
        if module is not None:
            modules.append(module)
    facts = scan_python(modules, registry)
    assert any(item.sites for item in facts.values())
    for item in facts.values():
        restored = decode_facts(json.loads(json.dumps(encode_facts(item))))
        assert repr(restored) == repr(item)


def git(root: Path, *arguments: str) -> None:
    environment = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    subprocess.run(["git", *arguments], cwd=root, check=True, capture_output=True, env=environment)


def test_committed_cache_not_used(tmp_path: Path, cli) -> None:
    make_project(tmp_path)
    cli("check", ".", cwd=tmp_path)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-f", ".twitchpolicy_cache")
    before = sorted(path.name for path in (tmp_path / ".twitchpolicy_cache").iterdir())
    (tmp_path / "util.py").write_text("def pad(text):\n    return text.rjust(8)\n", encoding="utf-8")
    result = cli("check", ".", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr == (
        f"twitchpolicy: warning: running without the cache: {tmp_path / '.twitchpolicy_cache'} is tracked by git; "
        "remove it with 'git rm -r --cached .twitchpolicy_cache'\n"
    )
    assert sorted(path.name for path in (tmp_path / ".twitchpolicy_cache").iterdir()) == before


def test_untracked_cache_in_repository_used(tmp_path: Path, cli) -> None:
    make_project(tmp_path)
    git(tmp_path, "init", "-q")
    cli("check", ".", cwd=tmp_path)
    result = cli("check", ".", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr == ""
    assert entries(tmp_path)


def test_linked_cache_folder_not_used(tmp_path: Path, cli) -> None:
    project = tmp_path / "project"
    elsewhere = tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    make_project(project)
    (project / ".twitchpolicy_cache").symlink_to(elsewhere)
    result = cli("check", ".", cwd=project)

    assert result.returncode == 1
    assert result.stderr == f"twitchpolicy: warning: running without the cache: {project / '.twitchpolicy_cache'} is a symbolic link; delete it\n"
    assert list(elsewhere.iterdir()) == []


def test_parsed_policy_shared_across_configs(tmp_path: Path, cli) -> None:
    make_project(tmp_path)
    cli("check", ".", cwd=tmp_path)
    policy_entries = {name for name in entries(tmp_path) if name.startswith("policy-")}
    (tmp_path / "twitchpolicy.toml").write_text('[tokens]\ntoken = "user"\n', encoding="utf-8")
    cli("check", ".", cwd=tmp_path)

    assert len(policy_entries) == len(list((ROOT / "policy").rglob("*.yaml")))
    assert {name for name in entries(tmp_path) if name.startswith("policy-")} == policy_entries


def test_corrupt_parsed_policy_ignored(tmp_path: Path, cli) -> None:
    make_project(tmp_path)
    cold = cli("check", ".", "--format", "json", cwd=tmp_path)
    for path in (tmp_path / ".twitchpolicy_cache").glob("policy-*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        parsed = document["data"]
        if path.name < "policy-4":
            parsed["data"] = {"endpoints": "not a list", "scopes": [{"name": 1}]}
        elif path.name < "policy-8":
            parsed["lines"] = [["endpoints", 0]]
        else:
            parsed["data"] = []
        path.write_text(json.dumps(document), encoding="utf-8")
    warm = cli("check", ".", "--format", "json", cwd=tmp_path)

    assert warm.returncode == 1
    assert warm.stderr == ""
    assert warm.stdout == cold.stdout


JS_CALL = (
    'const HELIX = "https://api.twitch.tv/helix";\n'
    "export async function games(token) {\n"
    '  return fetch(`${HELIX}/games/top`, { headers: { Authorization: `Bearer ${token}` } });\n'
    "}\n"
)


def test_javascript_facts_cached_and_invalidated(tmp_path: Path, cli) -> None:
    (tmp_path / "package.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "games.js").write_text(JS_CALL, encoding="utf-8")
    cold = cli("check", ".", cwd=tmp_path)
    text_entries = {name for name in entries(tmp_path) if name.startswith("text-")}
    warm = cli("check", ".", cwd=tmp_path)
    (tmp_path / "games.js").write_text(JS_CALL.replace("/games/top", "/game/top"), encoding="utf-8")
    edited = cli("check", ".", cwd=tmp_path)

    assert len(text_entries) == 1
    assert warm.stdout == cold.stdout
    assert cold.stdout.splitlines()[0].startswith("games.js:3:10: TP401 Get Top Games (GET /helix/games/top)")
    assert edited.stdout.splitlines()[0].startswith("games.js:3:10: TP101 /helix/game/top is not a Twitch API endpoint")
