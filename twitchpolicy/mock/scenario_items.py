"""Collect scenario files (``*.twitch.yaml``) as pytest items, one item per file.

An item's id is ``path::scenario-name``. A failing item reports its failing step as
``FILE:LINE: step N ...: FAILED: expected X, got Y``, then every step that ran,
instead of a traceback through the mock. An invalid file is a collection error of
one line naming its line and field.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from twitchpolicy.mock.replay import ScenarioResult, run_scenario
from twitchpolicy.mock.replay_report import scenario_lines, step_line
from twitchpolicy.mock.scenario_file import ScenarioFile, ScenarioFileError, is_scenario_file, load_scenario


class ScenarioFailed(Exception):
    """Raised by a scenario item whose step did not get the expected response."""

    def __init__(self, result: ScenarioResult) -> None:
        super().__init__(f"scenario {result.scenario.name} failed")
        self.result = result


class ScenarioCollector(pytest.File):
    """A scenario file, collected as one ScenarioItem."""

    def collect(self) -> Iterator[pytest.Item]:
        try:
            scenario = load_scenario(self.path, _display_name(self.path, self.config.rootpath))
        except ScenarioFileError as error:
            raise self.CollectError(str(error.problem)) from None
        yield ScenarioItem.from_parent(self, name=scenario.name, scenario=scenario)


class ScenarioItem(pytest.Item):
    """One scenario: it passes when every step gets the response the file expects."""

    def __init__(self, *, scenario: ScenarioFile, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario

    def runtest(self) -> None:
        result = run_scenario(self.scenario)
        if not result.passed:
            raise ScenarioFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailed):
            # The failing step comes first because pytest's short summary (-rf) shows the first line.
            result = excinfo.value.result
            return "\n".join([step_line(result.scenario.file, result.steps[-1]), "", *scenario_lines(result)])
        return str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.scenario.line - 1, f"scenario {self.scenario.name}"


def collect_scenario_file(file_path: Path, parent: pytest.Collector) -> ScenarioCollector | None:
    if not is_scenario_file(file_path):
        return None
    collector: ScenarioCollector = ScenarioCollector.from_parent(parent, path=file_path)
    return collector


def _display_name(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
