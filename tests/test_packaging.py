"""The installed distribution carries the policy files, so a non-editable install works anywhere."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest


def installed_files() -> list[str]:
    try:
        distribution = metadata.distribution("twitchpolicy")
    except metadata.PackageNotFoundError:
        pytest.skip("twitchpolicy is not installed in this environment")
    files = [str(path) for path in distribution.files or ()]
    # An editable wheel built by hatchling also lists the force-included policy files,
    # so the file list cannot tell the modes apart. direct_url.json (PEP 610) records the mode.
    direct_url = json.loads(distribution.read_text("direct_url.json") or "{}")
    editable = direct_url.get("dir_info", {}).get("editable", False)
    if editable or not any(path.startswith("twitchpolicy/") for path in files):
        pytest.skip("twitchpolicy is installed in editable mode")
    return files


def test_wheel_ships_policy_files() -> None:
    files = installed_files()
    source_root = Path(__file__).resolve().parent.parent / "policy"
    expected = ["twitchpolicy/policy/" + path.relative_to(source_root).as_posix() for path in sorted(source_root.rglob("*")) if path.is_file()]
    missing = [path for path in expected if path not in files]
    assert missing == []
    assert "twitchpolicy/py.typed" in files
    assert "twitchpolicy/mock/scenario.schema.json" in files


def test_installed_cli_outside_checkout(tmp_path: Path) -> None:
    installed_files()
    script = Path(sys.executable).parent / "twitchpolicy"
    result = subprocess.run([str(script), "endpoints", "show", "get-users"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.splitlines()[0] == "Get Users [get-users]"
