"""The published scenario JSON Schema on its own, as an editor or another validator uses it without twitchpolicy's loader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "twitchpolicy" / "mock" / "scenario.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def scenario_with(step: dict[str, Any]) -> dict[str, Any]:
    return {"scenario": "x", "description": "d", "tokens": {"app": {"kind": "app"}}, "steps": [step]}


@pytest.mark.parametrize("path", sorted((ROOT / "fixtures" / "scenarios").glob("*.twitch.yaml")), ids=lambda path: path.name)
def test_shipped_scenario_matches_schema(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [error.message for error in VALIDATOR.iter_errors(data)] == []


@pytest.mark.parametrize(
    "step",
    [
        pytest.param({"expect": {"status": 200}}, id="no-action"),
        pytest.param({}, id="empty-step"),
        pytest.param({"revoke": "app", "expire": "app"}, id="two-token-events"),
        pytest.param({"add_role": {"user": "bot_user", "role": "vip", "channel": "mock_streamer"}, "remove_role": {"user": "bot_user", "role": "vip", "channel": "mock_streamer"}}, id="two-role-events"),
    ],
)
def test_step_needs_exactly_one_action(step: dict[str, Any]) -> None:
    errors = list(VALIDATOR.iter_errors(scenario_with(step)))
    assert len(errors) == 1
    assert list(errors[0].absolute_path) == ["steps", 0]
    assert errors[0].validator == "oneOf"


@pytest.mark.parametrize("step", [{"revoke": "app"}, {"advance": 5}, {"call": "GET /helix/users", "token": "app"}], ids=["revoke", "advance", "call"])
def test_step_with_one_action_is_valid(step: dict[str, Any]) -> None:
    assert list(VALIDATOR.iter_errors(scenario_with(step))) == []
