"""Run every snippet of the "Serving the mock over HTTP" section of docs/mock.md."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from twitchpolicy.cli import mock_serve
from twitchpolicy.mock import World
from twitchpolicy.mock.server import MockServer

from test_mock_serve_cli import serve, stop

pytest_plugins = ["pytester"]

DOC = Path(__file__).resolve().parent.parent / "docs" / "mock.md"
DOC_PORT = "8080"


def section() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("## Serving the mock over HTTP\n")
    return text[start : text.index("\n## ", start + 1)]


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", section(), re.DOTALL)


def test_doc_pytest_example(pytester: pytest.Pytester) -> None:
    (example,) = [block for block in blocks("python") if block.startswith("# test_bot_over_http.py")]
    pytester.makepyfile(test_bot_over_http=example)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_doc_python_example() -> None:
    (example,) = [block for block in blocks("python") if "MockServer(World())" in block]
    result = subprocess.run([sys.executable, "-c", example], capture_output=True, text=True, timeout=120)
    assert result.stderr == ""
    assert result.stdout == "mock_streamer\n"


def test_doc_curl_example() -> None:
    (script,) = blocks("sh")
    with serve() as (process, info):
        result = subprocess.run(["bash", "-e", "-c", script.replace(DOC_PORT, str(info["port"]))], capture_output=True, text=True, timeout=120)
        stop(process)
    decoder = json.JSONDecoder()
    users, end = decoder.raw_decode(result.stdout)
    tokens, end = decoder.raw_decode(result.stdout, end)
    assert end == len(result.stdout)
    assert [user["id"] for user in users["data"]] == ["1000001"]
    assert tokens["scope"] == ["clips:edit"]
    assert tokens["token_type"] == "bearer"


def test_doc_console_lists_real_keys() -> None:
    console = re.search(r"```\n\$ twitchpolicy mock serve --port 8080\n(.*?)\n", section()).group(1)
    with serve() as (process, info):
        stop(process)
    assert list(json.loads(console)) == list(info)


def test_doc_options_table_matches_cli() -> None:
    documented = re.findall(r"^\| `(--[a-z-]+)` \|", section(), re.MULTILINE)
    assert documented == [option for parameter in mock_serve.params for option in parameter.opts]


def test_doc_browser_links() -> None:
    link = re.search(r"```\n(http://127\.0\.0\.1:8080/oauth2/authorize\?.*?)\n```", section()).group(1)
    denied_tail = re.search(r"`\.\.\.(\?error=access_denied[^`]*)`", section()).group(1)
    world = World()
    world.client.redirect_uris += ("http://localhost:8000/auth",)
    with MockServer(world) as server:
        approved = httpx.get(link.replace(DOC_PORT, str(server.port)))
        world.consent = "deny"
        denied = httpx.get(link.replace(DOC_PORT, str(server.port)).replace("localhost:3000/callback", "localhost:8000/auth"))
    (code,) = world.authorization_codes
    assert approved.headers["location"] == f"http://localhost:3000/callback?code={code}&scope=clips%3Aedit&state=c3ab8aa6"
    assert denied.headers["location"] == f"http://localhost:8000/auth{denied_tail}"
