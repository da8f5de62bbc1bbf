"""Smoke tests of the benchmark tree builder ``bench/trees.py``, which build small trees and time nothing."""

from __future__ import annotations

import ast
import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TREES = ROOT / "bench" / "trees.py"


def build(out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(TREES), "twitch", str(out), *options], capture_output=True, text=True, check=False)


def tree_digest(root: Path) -> str:
    """Hash every file's relative path and bytes, in sorted order."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def test_twitch_tree_same_seed_identical(tmp_path: Path) -> None:
    first = build(tmp_path / "first", "--files", "120", "--seed", "3")
    second = build(tmp_path / "second", "--files", "120", "--seed", "3")
    other = build(tmp_path / "other", "--files", "120", "--seed", "4")

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert other.returncode == 0, other.stderr
    assert tree_digest(tmp_path / "first") == tree_digest(tmp_path / "second")
    assert tree_digest(tmp_path / "first") != tree_digest(tmp_path / "other")


def test_twitch_tree_counts_and_parses(tmp_path: Path) -> None:
    out = tmp_path / "tree"
    result = build(out, "--files", "150")
    summary = json.loads(result.stdout.splitlines()[-1])
    files = [path for path in out.rglob("*") if path.is_file()]
    python_files = [path for path in files if path.suffix == ".py"]

    assert result.returncode == 0, result.stderr
    assert summary["files"] == 150
    assert len(files) == 150
    assert summary["python_files"] == len(python_files)
    assert summary["bytes"] == sum(path.stat().st_size for path in files)
    for path in python_files:
        ast.parse(path.read_bytes(), str(path))


def test_twitch_tree_has_deliberate_findings(tmp_path: Path) -> None:
    out = tmp_path / "tree"
    assert build(out, "--files", "120", "--seed", "1").returncode == 0

    check = subprocess.run(
        [sys.executable, "-m", "twitchpolicy", "check", str(out), "--format", "json"],
        capture_output=True, text=True, check=False,
    )
    report = json.loads(check.stdout)
    codes = {finding["code"] for finding in report["findings"]}

    assert check.returncode == 1, check.stderr
    assert report["files_scanned"] == 120
    assert {"TP102", "TP103", "TP201", "TP301"} <= codes
    assert report["unverified"] == []


def test_trees_rejects_non_empty_output(tmp_path: Path) -> None:
    (tmp_path / "kept.txt").write_text("keep me", encoding="utf-8")

    result = build(tmp_path)

    assert result.returncode == 2
    assert result.stderr == f"trees.py: output folder {tmp_path} exists and is not empty. Remove it or name another.\n"
    assert (tmp_path / "kept.txt").read_text(encoding="utf-8") == "keep me"


def test_trees_rejects_too_few_files(tmp_path: Path) -> None:
    result = build(tmp_path / "tree", "--files", "50")

    assert result.returncode == 2
    assert result.stderr == "trees.py: --files 50 is too small: the twitch tree needs at least 100 files\n"
