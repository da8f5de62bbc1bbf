"""Shared helpers for the rule tests: write a small codebase to disk and run the checker on it in-process."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from twitchpolicy.checker import CheckOutcome, UnverifiedCall, run_checks
from twitchpolicy.config import Config, load_config
from twitchpolicy.registry import Registry, load_registry
from twitchpolicy.rules import Finding
from twitchpolicy.scan import ScanResult, scan_paths

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Checked:
    """The findings and unverified calls of one in-process run, with their text forms."""

    outcome: CheckOutcome
    result: ScanResult

    @property
    def findings(self) -> list[Finding]:
        return self.outcome.findings

    @property
    def unverified(self) -> list[UnverifiedCall]:
        return self.outcome.unverified

    def lines(self) -> list[str]:
        """Return each finding as ``path:line:col: CODE message``, the text output without the reference link."""
        return [f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}" for f in self.findings]

    def places(self) -> list[str]:
        """Return each finding as ``path:line:col: CODE``, the form of the fixtures' expected.txt."""
        return [f"{f.path}:{f.line}:{f.column}: {f.code}" for f in self.findings]


class Project:
    """A codebase in a temporary directory, which is also the working directory, so reported paths are relative."""

    def __init__(self, root: Path, registry: Registry):
        self.root = root
        self.registry = registry

    def write(self, name: str, text: str) -> Path:
        target = self.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def check(self, *select: str, config: Config | None = None) -> Checked:
        """Scan the whole directory and run the rules chosen by ``select`` (every rule by default)."""
        if config is None:
            config = Config(select=select or ("ALL",))
        result = scan_paths(["."], config.exclude, self.registry)
        return Checked(run_checks(self.registry, result, config), result)

    def config(self, text: str, name: str = "twitchpolicy.toml") -> Config:
        return load_config(self.write(name, text))


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry: Registry) -> Project:
    monkeypatch.chdir(tmp_path)
    return Project(tmp_path, registry)


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run ``python -m twitchpolicy`` in a subprocess, as users and CI run it."""
    return subprocess.run([sys.executable, "-m", "twitchpolicy", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture
def cli():
    return run_cli
