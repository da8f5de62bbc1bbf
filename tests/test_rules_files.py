"""File rules: a Python file that does not parse (TP901) and a file that cannot be read (TP902)."""

from __future__ import annotations

import sys

from pathlib import Path

import pytest

from conftest import Project


def test_tp901_parse_error_searched_as_text(project: Project) -> None:
    project.write("broken.py", 'URL = "https://api.twitch.tv/helix/users/follows"\ndef handler(:\n    pass\n')

    checked = project.check()

    # The file is still searched as text, so the removed endpoint on line 1 is found.
    assert checked.places() == ["broken.py:1:8: TP102", "broken.py:2:13: TP901"]
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert checked.lines()[1] == f"broken.py:2:13: TP901 cannot parse Python {version} syntax: invalid syntax"


def test_tp901_valid_file_clean(project: Project) -> None:
    project.write("fine.py", "def handler():\n    pass\n")

    assert project.check().lines() == []


def test_tp902_unreadable_file(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    project.write("locked.py", 'URL = "https://api.twitch.tv/kraken/streams/1"\n')
    project.write("open.py", 'URL = "https://api.twitch.tv/kraken/streams/1"\n')
    read_bytes = Path.read_bytes

    def reject_locked(path: Path) -> bytes:
        # The tests may run as root, where file permissions cannot make a read fail.
        if path.name == "locked.py":
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", reject_locked)

    checked = project.check()

    assert checked.lines() == [
        "locked.py:1:1: TP902 cannot read file: Permission denied",
        "open.py:1:7: TP103 Get Stream by User (GET /kraken/streams/{channel_id}) calls the Kraken v5 API, shut down on 2022-02-28; "
        "use Get Streams (GET /helix/streams)",
    ]
    assert checked.result.files_scanned == 2
