"""Parallel analysis by import-connected groups gives exactly the findings of one whole-project analysis."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from twitchpolicy import pool
from twitchpolicy.checker import run_checks
from twitchpolicy.config import Config, find_config, load_config
from twitchpolicy.registry import Registry
from twitchpolicy.scan import scan_paths

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted(path.name for path in (ROOT / "fixtures").iterdir() if path.is_dir())


def outcome_lines(paths: list[str], registry: Registry, config: Config, **options) -> tuple[list[str], list[str]]:
    result = scan_paths(paths, config.exclude, registry, **options)
    outcome = run_checks(registry, result, config)
    findings = [f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}" for f in outcome.findings]
    unverified = [f"{call.path}:{call.line}:{call.column} {call.endpoint}" for call in outcome.unverified]
    return findings, unverified


def write_bots(root: Path, count: int) -> None:
    """Write ``count`` small bot packages, each with settings, an auth module, a wrapper and callers, plus an SDK script."""
    for index in range(count):
        package = root / f"bot{index:02d}"
        package.mkdir(parents=True)
        (package / "__init__.py").write_text("", encoding="utf-8")
        (package / "settings.py").write_text(f'SCOPES = ["chat:read"{", " + chr(34) + "clips:edit" + chr(34) if index % 2 else ""}]\nCLIENT_ID = "id{index}"\n', encoding="utf-8")
        (package / "auth.py").write_text(
            "import requests\n"
            f"from bot{index:02d}.settings import CLIENT_ID, SCOPES\n\n"
            'AUTHORIZE = "https://id.twitch.tv/oauth2/authorize?response_type=code&client_id=" + CLIENT_ID + "&scope=" + "+".join(SCOPES)\n\n\n'
            "def app_token(secret):\n"
            f'    response = requests.post("https://id.twitch.tv/oauth2/token", data={{"client_id": CLIENT_ID, "client_secret": secret, "grant_type": "{"client_credentials" if index % 3 else "authorization_code"}"}})\n'
            '    return response.json()["access_token"]\n',
            encoding="utf-8",
        )
        (package / "client.py").write_text(
            "import requests\n"
            f"from bot{index:02d}.settings import CLIENT_ID\n"
            'BASE = "https://api.twitch.tv/helix"\n\n\n'
            "def call(method, path, token):\n"
            '    return requests.request(method, BASE + path, headers={"Client-Id": CLIENT_ID, "Authorization": f"Bearer {token}"})\n',
            encoding="utf-8",
        )
        (package / "commands.py").write_text(
            f"from bot{index:02d}.auth import app_token\n"
            f"from bot{index:02d}.client import call\n\n\n"
            "def clip(secret):\n"
            '    return call("POST", "/clips?broadcaster_id=1", app_token(secret))\n\n\n'
            "def chatters(token):\n"
            '    return call("GET", "/chat/chatters?broadcaster_id=1&moderator_id=1", token)\n',
            encoding="utf-8",
        )
    (root / "stats.py").write_text(
        "from twitchAPI.twitch import Twitch\n\n\n"
        "async def report(app_id, app_secret):\n"
        "    api = await Twitch(app_id, app_secret)\n"
        "    return await api.get_chatters(1, 1)\n",
        encoding="utf-8",
    )
    (root / "views.py").write_text("async def show(api):\n    return await api.get_chatters(2, 2)\n", encoding="utf-8")


@pytest.fixture
def small_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the pool run on trees of a few files, which it leaves to one process by default."""
    monkeypatch.setattr(pool, "MIN_FILES", 1)
    if not pool.can_fork():
        pytest.skip("the pool runs only where fork is available")


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_pool_matches_whole(name: str, registry: Registry, monkeypatch: pytest.MonkeyPatch, small_pool: None) -> None:
    monkeypatch.chdir(ROOT / "fixtures" / name)
    found = find_config(Path.cwd())
    config = load_config(found) if found is not None and found.parent == Path.cwd() else Config()
    assert outcome_lines(["."], registry, config, jobs=2) == outcome_lines(["."], registry, config, prefilter=False)


def test_generated_tree_pool_matches_whole(tmp_path: Path, registry: Registry, monkeypatch: pytest.MonkeyPatch, small_pool: None) -> None:
    write_bots(tmp_path, 12)
    monkeypatch.chdir(tmp_path)
    parallel = outcome_lines(["."], registry, Config(), jobs=2)
    assert parallel == outcome_lines(["."], registry, Config(), prefilter=False)
    assert len(parallel[0]) == 26
    assert len([line for line in parallel[0] if " TP201 " in line]) == 10


def test_components_join_imports_and_sdk_group() -> None:
    paths = ["a.py", "b.py", "c.py", "d.py", "e.py", "f.py"]
    imports = {"a.py": {"b.py"}, "c.py": {"b.py", "x.py"}, "d.py": set()}
    assert pool.components(paths, imports, {"e.py", "f.py"}) == [["a.py", "b.py", "c.py"], ["d.py"], ["e.py", "f.py"]]


def test_balance_largest_first() -> None:
    sizes = {"a": 10, "b": 7, "c": 5, "d": 4, "e": 1}
    tasks = pool.balance([["a"], ["b"], ["c"], ["d", "e"]], sizes, 2)
    assert tasks == [["a", "d", "e"], ["b", "c"]]


def test_jobs_option_same_output(tmp_path: Path, cli) -> None:
    write_bots(tmp_path, 3)
    single = cli("check", ".", "--format", "json", "--jobs", "1", cwd=tmp_path)
    double = cli("check", ".", "--format", "json", "--jobs", "2", cwd=tmp_path)
    assert single.returncode == 1
    assert double.stdout == single.stdout
    assert len(json.loads(single.stdout)["findings"]) == 8


def test_jobs_zero_rejected(tmp_path: Path, cli) -> None:
    completed = cli("check", ".", "--jobs", "0", cwd=tmp_path)
    assert completed.returncode == 2
    assert "Invalid value for '--jobs' / '-j': 0 is not in the range x>=1." in completed.stderr


# Runs the command line in this process after counting every fork with os.register_at_fork.
COUNT_FORKS = """
import os, sys
forks = []
os.register_at_fork(after_in_parent=lambda: forks.append(1))
from twitchpolicy.cli import main
try:
    main(sys.argv[1:], prog_name="twitchpolicy")
finally:
    print(f"forks={len(forks)}", file=sys.stderr)
"""


def test_workers_capped_by_tasks(tmp_path: Path) -> None:
    for package in ("first", "second"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("", encoding="utf-8")
        (tmp_path / package / "base.py").write_text('HELIX = "https://api.twitch.tv/helix"\n', encoding="utf-8")
        for index in range(pool.MIN_FILES // 2):
            (tmp_path / package / f"module{index}.py").write_text(f"from {package}.base import HELIX\n\nURL = HELIX + '/users'\n", encoding="utf-8")
    command = [sys.executable, "-c", COUNT_FORKS, "check", "--no-cache", "--jobs", "16", "."]

    completed = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)

    assert completed.stdout.splitlines()[-1] == "All checks passed (154 files scanned)."
    # Two import-connected groups make two tasks, so two workers are enough.
    assert completed.stderr.splitlines()[-1] == "forks=2"
