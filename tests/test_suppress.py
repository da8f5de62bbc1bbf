"""Suppression comments: line and file forms, multi-line calls, unused suppressions (TP903), and look-alikes in strings."""

from __future__ import annotations

import pytest

from conftest import Project
from twitchpolicy.config import Config

STREAMS = 'requests.get("https://api.twitch.tv/helix/streams?user_login=x", headers={"Client-Id": "cid"})'


def bot(*bodies: str) -> str:
    """Return a module with one function per body. With one-line bodies, function ``n`` (from 0) starts on line ``4 + 4 * n``."""
    functions = [f"def call_{index}():\n{body}" for index, body in enumerate(bodies)]
    return "import requests\n\n\n" + "\n\n".join(functions)


def test_line_suppression_forms(project: Project) -> None:
    project.write(
        "bot.py",
        bot(
            f"    return {STREAMS}  # twitchpolicy: ignore[TP402]\n",
            f"    return {STREAMS}  # twitchpolicy: ignore[missing-authorization]\n",
            f"    return {STREAMS}  # twitchpolicy: ignore[TP4]\n",
            f"    return {STREAMS}  # twitchpolicy: ignore\n",
            f"    return {STREAMS}  # twitchpolicy:ignore[ tp402 ]\n",
        ),
    )

    assert project.check().lines() == []


def test_suppression_other_code_kept(project: Project) -> None:
    project.write("bot.py", bot(f"    return {STREAMS}  # twitchpolicy: ignore[TP401]\n"))

    assert project.check().lines() == [
        "bot.py:5:12: TP402 Get Streams (GET /helix/streams) is called without an Authorization header; Helix requires a token on every call",
        "bot.py:5:108: TP903 suppression ignore[TP401] matches no finding",
    ]


def test_suppression_any_line_of_call(project: Project) -> None:
    project.write(
        "bot.py",
        bot(
            "    return requests.get(  # twitchpolicy: ignore[TP402]\n"
            '        "https://api.twitch.tv/helix/streams",\n'
            '        headers={"Client-Id": "cid"},\n'
            "    )\n",
            "    return requests.get(\n"
            '        "https://api.twitch.tv/helix/streams",  # twitchpolicy: ignore[TP402]\n'
            '        headers={"Client-Id": "cid"},\n'
            "    )\n",
            "    return requests.get(\n"
            '        "https://api.twitch.tv/helix/streams",\n'
            '        headers={"Client-Id": "cid"},\n'
            "    )  # twitchpolicy: ignore[TP402]\n",
        ),
    )

    assert project.check().lines() == []


def test_suppression_line_above_not_applied(project: Project) -> None:
    project.write("bot.py", bot(f"    # twitchpolicy: ignore[TP402]\n    return {STREAMS}\n"))

    assert project.check().places() == ["bot.py:5:5: TP903", "bot.py:6:12: TP402"]


def test_file_level_suppression(project: Project) -> None:
    project.write(
        "bot.py",
        "# twitchpolicy: ignore-file[TP402, hardcoded-secret]\n"
        "import requests\n"
        "\n"
        'CLIENT_SECRET = "abcd1234efgh5678ijkl9012mnop34"\n'
        "\n"
        "\n"
        "def live():\n"
        f"    return {STREAMS}\n"
        "\n"
        "\n"
        "def me():\n"
        '    return requests.get("https://api.twitch.tv/helix/users", headers={"Authorization": "Bearer x"})\n',
    )
    project.write("other.py", bot(f"    return {STREAMS}\n"))

    # The file-level comment covers only its own file, and only the rules it names.
    assert project.check().places() == ["bot.py:12:12: TP401", "other.py:5:12: TP402"]


def test_file_level_without_codes(project: Project) -> None:
    project.write("bot.py", "# twitchpolicy: ignore-file\n" + bot(f"    return {STREAMS}\n", '    return requests.get("https://api.twitch.tv/helix/streams")\n'))

    assert project.check().lines() == []


def test_unused_suppressions_reported(project: Project) -> None:
    project.write(
        "bot.py",
        "# twitchpolicy: ignore-file[TP201]\n"
        + bot(
            f"    return {STREAMS}  # twitchpolicy: ignore[TP402, TP401]\n",
            '    return requests.get("https://api.twitch.tv/helix/streams", headers={"Client-Id": "cid", "Authorization": "Bearer x"})  # twitchpolicy: ignore\n',
        ),
    )

    checked = project.check()

    assert checked.lines() == [
        "bot.py:1:1: TP903 suppression ignore-file[TP201] matches no finding",
        "bot.py:6:108: TP903 suppression TP401 in ignore[TP402, TP401] matches no finding",
        "bot.py:10:124: TP903 suppression ignore matches no finding",
    ]
    assert {finding.severity for finding in checked.findings} == {"warning"}


def test_unused_suppression_rule_deselected(project: Project) -> None:
    project.write("bot.py", bot(f"    return {STREAMS}  # twitchpolicy: ignore[TP201]\n"))

    checked = project.check(config=Config(ignore=("TP903",)))

    assert checked.places() == ["bot.py:5:12: TP402"]


def test_marker_inside_string_ignored(project: Project) -> None:
    project.write(
        "bot.py",
        '"""Silence a call with # twitchpolicy: ignore[TP402] at the end of its line."""\n'
        "import requests\n"
        "\n"
        'HINT = "# twitchpolicy: ignore-file[TP402]"\n'
        "\n"
        "\n"
        "def live():\n"
        '    return requests.get("https://api.twitch.tv/helix/streams", params={"note": "# twitchpolicy: ignore[TP402]"}, headers={"Client-Id": "cid"})\n',
    )

    checked = project.check()

    assert checked.places() == ["bot.py:8:12: TP402"]


def test_javascript_line_suppression(project: Project) -> None:
    project.write(
        "overlay.js",
        'const a = fetch("https://api.twitch.tv/kraken/streams/1");  // twitchpolicy: ignore[TP103]\n'
        'const b = fetch("https://api.twitch.tv/kraken/streams/2");\n'
        'const c = fetch("https://api.twitch.tv/kraken/streams/3");  // twitchpolicy: ignore[TP101]\n',
    )

    assert project.check("TP1", "TP9").places() == ["overlay.js:2:11: TP103", "overlay.js:3:11: TP103", "overlay.js:3:61: TP903"]


def test_suppression_multiline_authorize_url(project: Project) -> None:
    project.write(
        "login.py",
        "def login_link(client_id):\n"
        "    return (\n"
        '        "https://id.twitch.tv/oauth2/authorize?response_type=code"\n'
        '        f"&client_id={client_id}&scope=channel_subscriptions"  # twitchpolicy: ignore[TP303]\n'
        "    )\n",
    )

    assert project.check().lines() == []
