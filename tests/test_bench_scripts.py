"""Smoke tests of ``bench/check_speed.py`` and ``bench/mock_speed.py``: quick runs that check the report's shape, never its times."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"


def load_bench_module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def test_check_speed_quick_writes_section(tmp_path: Path) -> None:
    benchmarks = tmp_path / "BENCHMARKS.md"
    benchmarks.write_text("# Benchmarks\n\n## Other tool\n\nKept as it is.\n", encoding="utf-8")

    result = subprocess.run(
        [sys.executable, str(BENCH / "check_speed.py"), "--quick", "--skip-semgrep", "--stdlib-limit", "10",
         "--twitch-files", "100", "--startup-runs", "1", "--benchmarks", str(benchmarks), "--work", str(tmp_path / "work")],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )
    text = benchmarks.read_text(encoding="utf-8")
    section = text.split("## Checker speed (`bench/check_speed.py`)\n", 1)[-1]

    assert result.returncode == 0, result.stderr
    assert text.startswith("# Benchmarks\n\n## Other tool\n\nKept as it is.\n\n## Checker speed (`bench/check_speed.py`)\n")
    assert "| Twitch-heavy tree | 100 | " in section
    assert "`python bench/trees.py twitch TREE --seed 1 --files 100`" in section
    assert "`python bench/trees.py stdlib TREE --seed 1 --limit 10`" in section
    assert "| `python bench/parse_floor.py TREE` |" in section
    assert "### Targets" in section
    assert section.count("| met |") + section.count("| not met |") + section.count("| not measured |") == 7


def test_replace_section_keeps_others(tmp_path: Path) -> None:
    measure = load_bench_module("measure")
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\n## First\n\nold body\n\n## Second\n\nsecond body\n", encoding="utf-8")

    measure.replace_section(path, "First", "new body\nline two")
    after_replace = path.read_text(encoding="utf-8")
    measure.replace_section(path, "Third", "third body")
    after_append = path.read_text(encoding="utf-8")

    assert after_replace == "# Benchmarks\n\n## First\n\nnew body\nline two\n\n## Second\n\nsecond body\n"
    assert after_append == after_replace + "\n## Third\n\nthird body\n"


def test_mock_speed_quick_writes_section(tmp_path: Path) -> None:
    benchmarks = tmp_path / "BENCHMARKS.md"

    result = subprocess.run(
        [sys.executable, str(BENCH / "mock_speed.py"), "--quick", "--calls", "5", "--profile", "--benchmarks", str(benchmarks)],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )
    text = benchmarks.read_text(encoding="utf-8")

    assert result.returncode == 0, result.stderr
    assert text.startswith("# Benchmarks\n\n## Mock speed (`bench/mock_speed.py`)\n")
    assert "| twitch_mock (user access token checked, call logged) |" in text
    assert "| plain respx route, fixed JSON |" in text
    assert "Target: the mock at most 3× the plain respx route." in text
    assert "`twitchpolicy/mock/harness.py:" in text

