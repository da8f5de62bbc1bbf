"""Read and parse every Python file under a folder in one process: the floor for a Python-based analyser.

``check_speed.py`` times this script as a child process, so the time includes
interpreter start-up and the folder walk, like a run of ``twitchpolicy check``.
It skips the folders that twitchpolicy always skips and prints one JSON line
with the counts. A file that does not parse is counted, not reported.
"""

from __future__ import annotations

import ast
import json
import os
import sys

SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules", "__pycache__", ".mypy_cache",
     ".pytest_cache", ".ruff_cache", "build", "dist", ".eggs", "site-packages", ".twitchpolicy_cache"}
)


def main(root: str) -> None:
    parsed = 0
    failed = 0
    size = 0
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(name for name in folders if name not in SKIPPED_DIRS)
        for name in sorted(files):
            if not name.endswith((".py", ".pyi")):
                continue
            with open(os.path.join(folder, name), "rb") as handle:
                source = handle.read()
            size += len(source)
            try:
                ast.parse(source)
            except (SyntaxError, ValueError):
                failed += 1
            else:
                parsed += 1
    print(json.dumps({"parsed": parsed, "failed": failed, "bytes": size}))


if __name__ == "__main__":
    main(sys.argv[1])
