"""Scenario files collected by the pytest plugin, run through pytester as another project would."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from twitchpolicy.registry import load_registry

pytest_plugins = ["pytester"]

# pytester's in-process runs unload the modules a run imported. Loading the registry
# here keeps the YAML loader imported once; a second import breaks PyYAML's constructors.
load_registry()

SCENARIOS = Path(__file__).resolve().parent.parent / "fixtures" / "scenarios"


def copy_scenarios(pytester: pytest.Pytester) -> None:
    target = pytester.path / "scenarios"
    target.mkdir()
    for path in SCENARIOS.glob("*.twitch.yaml"):
        shutil.copy(path, target / path.name)


def test_shipped_scenarios_pass_as_items(pytester: pytest.Pytester) -> None:
    copy_scenarios(pytester)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=7)


def test_item_ids_name_the_scenario(pytester: pytest.Pytester) -> None:
    copy_scenarios(pytester)
    result = pytester.runpytest("-p", "no:cacheprovider", "--collect-only", "-q")
    collected = [line for line in result.stdout.lines if "::" in line]
    assert collected == [
        "scenarios/app_token_on_user_endpoints.twitch.yaml::app-token-on-user-endpoints",
        "scenarios/eventsub_transport_token.twitch.yaml::eventsub-transport-token-mismatch",
        "scenarios/expired_token_refreshed.twitch.yaml::expired-token-refreshed",
        "scenarios/helix_headers.twitch.yaml::helix-headers",
        "scenarios/moderator_id_mismatch.twitch.yaml::moderator-id-of-the-broadcaster",
        "scenarios/refresh_token_reused.twitch.yaml::refresh-token-reused-after-rotation",
        "scenarios/revoked_while_running.twitch.yaml::user-token-revoked-while-running",
    ]


def test_wrong_expectation_reports_the_step(pytester: pytest.Pytester) -> None:
    text = (SCENARIOS / "expired_token_refreshed.twitch.yaml").read_text(encoding="utf-8")
    pytester.path.joinpath("wrong.twitch.yaml").write_text(text.replace("expect: {status: 200}", "expect: {status: 400}", 1), encoding="utf-8")
    result = pytester.runpytest("-p", "no:cacheprovider", "-rf")
    result.assert_outcomes(failed=1)
    step = "wrong.twitch.yaml:24: step 4 refresh bot: FAILED: expected 400, got 200"
    result.stdout.fnmatch_lines(["*_ scenario expired-token-refreshed _*", step, "", "wrong.twitch.yaml:1: scenario expired-token-refreshed: FAILED"])
    result.stdout.fnmatch_lines(["FAILED wrong.twitch.yaml::expired-token-refreshed - wrong.twitch.yaml:24:*"])
    assert "wrong.twitch.yaml: 2 later steps not run after the failure" in result.stdout.lines
    assert "Traceback" not in result.stdout.str()
    assert "twitchpolicy/mock" not in result.stdout.str()


def test_failure_shows_references_unexpanded(pytester: pytest.Pytester) -> None:
    # The query carries the access token, and the report must show the ${bot} reference instead.
    pytester.path.joinpath("leak.twitch.yaml").write_text(
        """\
scenario: leak
description: A failing call whose query carries the token.
tokens:
  bot: {kind: user, user: bot_user}
steps:
  - call: get-users
    query: {login: "${bot}"}
    token: bot
    expect: {status: 401}
""",
        encoding="utf-8",
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["leak.twitch.yaml:6: step 1 call GET /helix/users?login=${bot} with token bot: FAILED: expected 401, got 200"])


def test_malformed_file_is_a_collection_error(pytester: pytest.Pytester) -> None:
    pytester.path.joinpath("bad.twitch.yaml").write_text("scenario: x\ndescription: d\nsteps:\n  - revoke: bot\n", encoding="utf-8")
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*ERROR collecting bad.twitch.yaml*", "bad.twitch.yaml:4: steps[0].revoke: unknown token 'bot'; tokens defined before this step: none"])
    assert "Traceback" not in result.stdout.str()


def test_ordinary_yaml_is_not_collected(pytester: pytest.Pytester) -> None:
    pytester.path.joinpath("config.yaml").write_text("steps: [1, 2]\n", encoding="utf-8")
    pytester.path.joinpath("twitch.yaml").write_text("scenario: x\n", encoding="utf-8")
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
