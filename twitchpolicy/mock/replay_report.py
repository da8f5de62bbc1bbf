"""Render replay results as text lines (``FILE:LINE: step N ...``) or as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence

from twitchpolicy.mock.replay import ScenarioResult, StepResult


def step_line(file: str, result: StepResult) -> str:
    """Return ``FILE:LINE: step N DESCRIPTION: ok, OUTCOME`` or ``...: FAILED: expected X, got Y``."""
    step = result.step
    where = f"{file}:{step.line}: step {step.number} {result.description}"
    if result.passed:
        return f"{where}: ok, {result.outcome}"
    return f"{where}: FAILED: {result.failure}"


def scenario_lines(result: ScenarioResult) -> list[str]:
    """Return the header line of the scenario, one line per step that ran, and a line for the steps left."""
    scenario = result.scenario
    lines = [f"{scenario.file}:{scenario.line}: scenario {scenario.name}: {'passed' if result.passed else 'FAILED'}"]
    lines += [step_line(scenario.file, step) for step in result.steps]
    if result.not_run:
        lines.append(f"{scenario.file}: {result.not_run} later step{'s' if result.not_run != 1 else ''} not run after the failure")
    return lines


def render_text(results: Sequence[ScenarioResult]) -> str:
    lines = []
    for result in results:
        lines += scenario_lines(result)
    failed = sum(1 for result in results if not result.passed)
    steps = sum(len(result.steps) for result in results)
    noun = "scenario" if len(results) == 1 else "scenarios"
    lines.append(f"Replayed {len(results)} {noun}, {steps} steps: {len(results) - failed} passed, {failed} failed.")
    return "\n".join(lines) + "\n"


def render_json(results: Sequence[ScenarioResult]) -> str:
    document = {
        "scenarios": [
            {
                "file": result.scenario.file,
                "line": result.scenario.line,
                "scenario": result.scenario.name,
                "passed": result.passed,
                "steps": [
                    {
                        "step": step.step.number,
                        "line": step.step.line,
                        "action": step.step.action,
                        "description": step.description,
                        "passed": step.passed,
                        "status": step.status,
                        "message": step.message,
                        "failure": step.failure,
                    }
                    for step in result.steps
                ],
                "not_run": result.not_run,
            }
            for result in results
        ],
        "passed": sum(1 for result in results if result.passed),
        "failed": sum(1 for result in results if not result.passed),
    }
    return json.dumps(document, indent=2) + "\n"
