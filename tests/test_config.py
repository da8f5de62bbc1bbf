"""Configuration: rule selection, per-file ignores, exclusion, config discovery, and invalid values."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Project
from twitchpolicy.config import Config, ConfigError, find_config, load_config

FAKE_SECRET = "abcd1234efgh5678ijkl9012mnop34"

# TP405 on line 3, TP401 and TP402 on line 7, TP102 on line 11.
MIXED = f"""\
import requests

CLIENT_SECRET = "{FAKE_SECRET}"


def live():
    return requests.get("https://api.twitch.tv/helix/streams?user_login=x")


def followers():
    return requests.get("https://api.twitch.tv/helix/users/follows?to_id=1", headers={{"Client-Id": "cid", "Authorization": "Bearer x"}})
"""

ALL_MIXED = ["bot.py:3:17: TP405", "bot.py:7:12: TP401", "bot.py:7:12: TP402", "bot.py:11:12: TP102"]


# ---------------------------------------------------------------- selection


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ALL_MIXED),
        ('select = ["ALL"]\n', ALL_MIXED),
        ('select = ["TP4"]\n', ["bot.py:3:17: TP405", "bot.py:7:12: TP401", "bot.py:7:12: TP402"]),
        ('select = ["tp40"]\nignore = ["missing-client-id"]\n', ["bot.py:3:17: TP405", "bot.py:7:12: TP402"]),
        ('select = ["TP1"]\nextend-select = ["hardcoded-secret"]\n', ["bot.py:3:17: TP405", "bot.py:11:12: TP102"]),
        ('ignore = ["TP4"]\n', ["bot.py:11:12: TP102"]),
        ('select = ["removed-endpoint", "TP402"]\n', ["bot.py:7:12: TP402", "bot.py:11:12: TP102"]),
    ],
)
def test_config_rule_selection(project: Project, text: str, expected: list[str]) -> None:
    config = project.config(text)
    project.write("bot.py", MIXED)

    assert project.check(config=config).places() == expected


def test_config_per_file_ignores(project: Project) -> None:
    config = project.config('[per-file-ignores]\n"legacy/*" = ["TP1", "hardcoded-secret"]\n"bot.py" = ["TP401"]\n')
    project.write("bot.py", MIXED)
    project.write("legacy/old.py", MIXED)

    assert project.check(config=config).places() == [
        "bot.py:3:17: TP405",
        "bot.py:7:12: TP402",
        "bot.py:11:12: TP102",
        "legacy/old.py:7:12: TP401",
        "legacy/old.py:7:12: TP402",
    ]


def test_config_exclude(project: Project) -> None:
    config = project.config('exclude = ["legacy"]\n')
    project.write("bot.py", MIXED)
    project.write("legacy/old.py", MIXED)

    checked = project.check(config=config)

    assert checked.places() == ALL_MIXED
    assert checked.result.files_scanned == 1


def test_config_pyproject_table(project: Project) -> None:
    config = project.config('[project]\nname = "bot"\n\n[tool.twitchpolicy]\nselect = ["TP1"]\n', name="pyproject.toml")
    project.write("bot.py", MIXED)

    assert config.select == ("TP1",)
    assert project.check(config=config).places() == ["bot.py:11:12: TP102"]


def test_find_config_nearest_with_table(project: Project) -> None:
    project.write("twitchpolicy.toml", 'select = ["TP1"]\n')
    project.write("bot/pyproject.toml", '[project]\nname = "bot"\n')
    project.write("bot/src/main.py", MIXED)
    project.write("other/pyproject.toml", '[tool.twitchpolicy]\nselect = ["TP4"]\n')
    project.write("other/main.py", MIXED)

    # A pyproject.toml without [tool.twitchpolicy] is passed over for the next file up.
    assert find_config(project.root / "bot" / "src") == project.root / "twitchpolicy.toml"
    assert find_config(project.root / "bot" / "src" / "main.py") == project.root / "twitchpolicy.toml"
    assert find_config(project.root / "other") == project.root / "other" / "pyproject.toml"


# ---------------------------------------------------------------- invalid values, in-process


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('colour = "red"\n', "twitchpolicy.toml:1: invalid colour value 'red': unknown key; known keys are select, ignore, extend-select, per-file-ignores, exclude, policy, scopes, tokens"),
        ('select = ["TP999"]\n', "twitchpolicy.toml:1: invalid select value 'TP999': not a rule code, code prefix or rule name; run `twitchpolicy rules`"),
        ('select = "TP2"\n', "twitchpolicy.toml:1: invalid select value 'TP2': expected a list of strings"),
        ('\nignore = ["missing-scopes"]\n', "twitchpolicy.toml:2: invalid ignore value 'missing-scopes': not a rule code, code prefix or rule name; run `twitchpolicy rules`"),
        ('extend-select = [""]\n', "twitchpolicy.toml:1: invalid extend-select value '': not a rule code, code prefix or rule name; run `twitchpolicy rules`"),
        ('[tokens]\napp_token = "bot"\n', "twitchpolicy.toml:2: invalid tokens.app_token value 'bot': expected \"app\" or \"user\""),
        ('[tokens]\n"self.app_token" = "App"\n', "twitchpolicy.toml:2: invalid tokens.self.app_token value 'App': expected \"app\" or \"user\""),
        ('[per-file-ignores]\n"tests/*" = ["XX1"]\n', "twitchpolicy.toml:2: invalid per-file-ignores.tests/* value 'XX1': not a rule code, code prefix or rule name"),
        ('[per-file-ignores]\n"tests/*" = "TP405"\n', "twitchpolicy.toml:2: invalid per-file-ignores.tests/* value 'TP405': expected a list of rule codes or names"),
        ('scopes = "chat:read clips:edit"\n', "twitchpolicy.toml:1: invalid scopes value 'chat:read clips:edit': expected a list of strings"),
        ("exclude = [1]\n", "twitchpolicy.toml:1: invalid exclude value [1]: expected a list of strings"),
    ],
)
def test_config_invalid_value(project: Project, text: str, message: str) -> None:
    path = project.write("twitchpolicy.toml", text)

    with pytest.raises(ConfigError) as raised:
        load_config(path)

    assert str(raised.value) == f"{project.root}/{message}"


def test_config_invalid_toml(project: Project) -> None:
    path = project.write("twitchpolicy.toml", "select = [\n")

    with pytest.raises(ConfigError) as raised:
        load_config(path)

    assert str(raised.value).startswith(f"{path}: invalid TOML: ")


def test_config_line_of_key_in_own_table(project: Project) -> None:
    path = project.write("pyproject.toml", '[tool.ruff]\nselect = ["E"]\n\n[tool.twitchpolicy]\nselect = ["E501"]\n')

    with pytest.raises(ConfigError) as raised:
        load_config(path)

    assert str(raised.value).startswith(f"{path}:5: invalid tool.twitchpolicy.select value 'E501'")


def test_config_line_of_inline_table_value(project: Project) -> None:
    path = project.write("twitchpolicy.toml", 'tokens = { "env:APP_TOKEN" = "app", bot_token = "bot" }\n')

    with pytest.raises(ConfigError) as raised:
        load_config(path)

    assert str(raised.value) == f"{path}:1: invalid tokens.bot_token value 'bot': expected \"app\" or \"user\""


# ---------------------------------------------------------------- the command line


def finding_places(stdout: str) -> list[str]:
    """Return ``path:line:col: CODE`` of each finding line of text output."""
    return [" ".join(line.split(" ")[:2]) for line in stdout.splitlines() if ": TP" in line]


def test_cli_config_error_one_line(project: Project, cli) -> None:
    project.write("pyproject.toml", '[tool.twitchpolicy]\nselect = ["TP4"]\n\n[tool.twitchpolicy.tokens]\nAPP_TOKEN = "application"\n')
    project.write("bot.py", MIXED)

    result = cli("check", ".", cwd=project.root)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"twitchpolicy: error: {project.root}/pyproject.toml:5: invalid tool.twitchpolicy.tokens.APP_TOKEN value 'application': "
        'expected "app" or "user"\n'
    )


def test_cli_unknown_key_one_line(project: Project, cli) -> None:
    project.write("twitchpolicy.toml", 'select = ["TP4"]\nseverity = { TP302 = "error" }\n')
    project.write("bot.py", MIXED)

    result = cli("check", "bot.py", cwd=project.root)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"twitchpolicy: error: {project.root}/twitchpolicy.toml:2: invalid severity value {{'TP302': 'error'}}: unknown key")
    assert "Traceback" not in result.stderr


def test_cli_select_and_ignore_override(project: Project, cli) -> None:
    project.write("twitchpolicy.toml", 'select = ["TP4"]\nextend-select = ["TP102"]\n')
    project.write("bot.py", MIXED)

    from_config = cli("check", ".", cwd=project.root)
    selected = cli("check", "--select", "TP1", "--select", "hardcoded-secret", ".", cwd=project.root)
    ignored = cli("check", "--ignore", "TP401", "--ignore", "TP405", ".", cwd=project.root)

    assert finding_places(from_config.stdout) == ALL_MIXED
    # --select replaces both select and extend-select of the file.
    assert finding_places(selected.stdout) == ["bot.py:3:17: TP405", "bot.py:11:12: TP102"]
    # --ignore adds to the file's ignore.
    assert finding_places(ignored.stdout) == ["bot.py:7:12: TP402", "bot.py:11:12: TP102"]
    assert from_config.returncode == selected.returncode == ignored.returncode == 1


def test_cli_explicit_config_file(project: Project, cli) -> None:
    project.write("twitchpolicy.toml", 'select = ["TP4"]\n')
    project.write("elsewhere/strict.toml", 'select = ["TP102"]\n')
    project.write("bot.py", MIXED)

    result = cli("check", "--config", "elsewhere/strict.toml", ".", cwd=project.root)

    assert result.stdout.splitlines() == [
        "bot.py:11:12: TP102 Get Users Follows (GET /helix/users/follows) was removed on 2023-09-12; "
        "use Get Followed Channels (GET /helix/channels/followed) or Get Channel Followers (GET /helix/channels/followers) "
        "(https://dev.twitch.tv/docs/api/reference/#get-users-follows)",
        "1 Helix call with an unknown token kind; --verbose lists them.",
        "Found 1 finding in 1 file scanned.",
    ]
    assert result.returncode == 1


def test_cli_exclude_relative_to_config(project: Project, cli) -> None:
    project.write("app/twitchpolicy.toml", 'exclude = ["legacy/*.py"]\n')
    project.write("app/bot.py", MIXED)
    project.write("app/legacy/old.py", MIXED)

    result = cli("check", "app", cwd=project.root)

    assert result.stdout.splitlines()[-1] == "Found 4 findings in 1 file scanned."


def test_cli_exclude_from_any_folder(project: Project, cli) -> None:
    project.write("twitchpolicy.toml", 'exclude = ["legacy/*.py"]\n')
    project.write("bot.py", MIXED)
    project.write("legacy/old.py", MIXED)

    absolute = cli("check", str(project.root), cwd=project.root)
    inside = cli("check", ".", cwd=project.root / "legacy")
    named = cli("check", "old.py", cwd=project.root / "legacy")

    assert absolute.stdout.splitlines()[-1] == "Found 4 findings in 1 file scanned."
    assert inside.stdout.splitlines()[-1] == "All checks passed (0 files scanned)."
    assert named.stdout.splitlines()[-1] == "All checks passed (0 files scanned)."
    assert inside.returncode == 0


def test_config_default_without_file(tmp_path: Path) -> None:
    config = Config()

    assert config.select == ("ALL",)
    assert config.tokens == {}
    assert config.scopes is None
    assert config.ignored_for(str(tmp_path / "bot.py")) == ()
