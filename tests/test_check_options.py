"""The output options of ``twitchpolicy check``: --output-file, --statistics, --exit-zero and --color."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import Project
from report_project import BOT, CLIP_MESSAGE
from twitchpolicy.output import color_enabled

ANSI = "\x1b["


def run_with_env(root: Path, env_changes: dict[str, str | None], *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run([sys.executable, "-m", "twitchpolicy", *args], cwd=root, env=env, capture_output=True, text=True, timeout=120)


# ---------------------------------------------------------------- --output-file


def test_output_file_written(project: Project, cli) -> None:
    project.write("bot.py", BOT)
    result = cli("check", "--format", "json", "-o", "reports/twitchpolicy.json", ".", cwd=project.root)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == ""
    document = json.loads((project.root / "reports" / "twitchpolicy.json").read_text(encoding="utf-8"))
    assert [finding["code"] for finding in document["findings"]] == ["TP201", "TP201", "TP402"]


def test_output_file_text_matches_stdout(project: Project, cli) -> None:
    project.write("bot.py", BOT)
    printed = cli("check", ".", cwd=project.root).stdout
    cli("check", "--output-file", "out.txt", ".", cwd=project.root)

    assert (project.root / "out.txt").read_text(encoding="utf-8") == printed


def test_output_file_unwritable(project: Project, cli) -> None:
    project.write("bot.py", BOT)
    project.write("taken", "a file, not a folder\n")
    result = cli("check", "-o", "taken/report.txt", ".", cwd=project.root)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("twitchpolicy: error: cannot write output file taken/report.txt: ")
    assert len(result.stderr.splitlines()) == 1


# ---------------------------------------------------------------- --statistics


def test_statistics_text(cli) -> None:
    result = cli("check", "--statistics", "fixtures/multi_module_bot", "fixtures/requests_app_token_bot", "fixtures/aiohttp_bot")

    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "2  TP201  app-token-not-accepted",
        "2  TP301  missing-scope",
        "1  TP202  user-token-not-accepted",
        "1  TP203  eventsub-transport-token",
        "1  TP204  app-token-limited",
        "1  TP302  unused-scope",
        "1  TP303  legacy-scope",
        "1  TP304  unknown-scope",
        "1  TP305  scopes-with-client-credentials",
        "1  TP402  missing-authorization",
        "1  TP404  credentials-in-url",
        "1  TP405  hardcoded-secret",
        "1  TP406  refresh-token-discarded",
        "Found 15 findings in 7 files scanned.",
    ]


def test_statistics_json(project: Project, cli) -> None:
    project.write("bot.py", BOT)
    result = cli("check", "--statistics", "--format", "json", ".", cwd=project.root)

    assert json.loads(result.stdout) == [
        {"code": "TP201", "name": "app-token-not-accepted", "count": 2},
        {"code": "TP402", "name": "missing-authorization", "count": 1},
    ]


def test_statistics_rejects_sarif(cli) -> None:
    result = cli("check", "--statistics", "--format", "sarif", "fixtures/clean_bot")

    assert result.returncode == 2
    assert result.stderr == "twitchpolicy: error: --statistics works with --format text or json, not sarif\n"


# ---------------------------------------------------------------- --exit-zero


def test_exit_zero_with_findings(project: Project, cli) -> None:
    project.write("bot.py", BOT)
    result = cli("check", "--exit-zero", ".", cwd=project.root)

    assert result.returncode == 0
    assert result.stdout.splitlines()[0] == f"bot.py:15:12: TP201 {CLIP_MESSAGE} (https://dev.twitch.tv/docs/api/reference/#create-clip)"


def test_exit_zero_keeps_usage_errors(cli) -> None:
    result = cli("check", "--exit-zero", "no/such/dir")

    assert result.returncode == 2


# ---------------------------------------------------------------- colour


def test_color_absent_when_piped(project: Project) -> None:
    project.write("bot.py", BOT)
    result = run_with_env(project.root, {"NO_COLOR": None, "FORCE_COLOR": None}, "check", ".")

    assert ANSI not in result.stdout
    assert result.stdout.splitlines()[-1] == "Found 3 findings in 1 file scanned."


def test_color_with_force_color(project: Project) -> None:
    project.write("bot.py", BOT)
    result = run_with_env(project.root, {"NO_COLOR": None, "FORCE_COLOR": "1"}, "check", ".")

    first = result.stdout.splitlines()[0]
    assert first.startswith("\x1b[1mbot.py\x1b[0m:15:12: \x1b[31m\x1b[1mTP201\x1b[0m Create Clip")
    assert result.stdout.splitlines()[-1] == "\x1b[1mFound 3 findings in 1 file scanned.\x1b[0m"


def test_color_no_color_wins(project: Project) -> None:
    project.write("bot.py", BOT)
    result = run_with_env(project.root, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, "check", ".")

    assert ANSI not in result.stdout


def test_color_option_overrides_env(project: Project) -> None:
    project.write("bot.py", BOT)
    always = run_with_env(project.root, {"NO_COLOR": "1", "FORCE_COLOR": None}, "check", "--color", "always", ".")
    never = run_with_env(project.root, {"NO_COLOR": None, "FORCE_COLOR": "1"}, "check", "--color", "never", ".")

    assert ANSI in always.stdout
    assert ANSI not in never.stdout


def test_color_only_in_text(project: Project) -> None:
    project.write("bot.py", BOT)
    result = run_with_env(project.root, {"NO_COLOR": None, "FORCE_COLOR": "1"}, "check", "--format", "json", ".")

    assert ANSI not in result.stdout
    assert len(json.loads(result.stdout)["findings"]) == 3


def test_color_enabled_table() -> None:
    assert color_enabled("auto", True, {}) is True
    assert color_enabled("auto", False, {}) is False
    assert color_enabled("auto", True, {"NO_COLOR": "1"}) is False
    assert color_enabled("auto", True, {"NO_COLOR": ""}) is True
    assert color_enabled("auto", False, {"FORCE_COLOR": "1"}) is True
    assert color_enabled("always", False, {"NO_COLOR": "1"}) is True
    assert color_enabled("never", True, {"FORCE_COLOR": "1"}) is False
