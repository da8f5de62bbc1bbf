"""The work behind ``twitchpolicy replay``: find and check scenario files, run them, print the results."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from twitchpolicy.mock.replay import run_scenario
from twitchpolicy.mock.replay_report import render_json, render_text
from twitchpolicy.mock.scenario_file import ScenarioFile, ScenarioFileError, find_scenario_files, load_scenario

EXIT_FAILED = 1
EXIT_USAGE = 2


def replay_paths(paths: Sequence[str], output_format: str) -> int:
    """Check every scenario file under ``paths`` before running any, then return the exit status."""
    scenarios: list[ScenarioFile] = []
    errors: list[str] = []
    for argument in paths:
        path = Path(argument)
        if not path.exists():
            errors.append(f"{argument}: file or folder not found")
            continue
        files = find_scenario_files(path)
        if not files:
            errors.append(f"{argument}: no scenario files (*.twitch.yaml or *.twitch.yml) in this folder")
        for file in files:
            try:
                scenarios.append(load_scenario(file))
            except ScenarioFileError as error:
                errors.append(str(error.problem))
    if errors:
        for line in errors:
            click.echo(line, err=True)
        return EXIT_USAGE
    results = [run_scenario(scenario) for scenario in scenarios]
    render = render_json if output_format == "json" else render_text
    click.echo(render(results), nl=False)
    return 0 if all(result.passed for result in results) else EXIT_FAILED
