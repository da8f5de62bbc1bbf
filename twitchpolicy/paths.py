"""Report paths relative to the working directory, which CI systems take as the repository root."""

from __future__ import annotations

import os
from pathlib import Path


def relative_path(path: str) -> str:
    """Return ``path`` as a POSIX path relative to the working directory, or absolute when it lies outside it."""
    absolute = Path(os.path.abspath(path))
    working_directory = Path.cwd()
    try:
        return absolute.relative_to(working_directory).as_posix()
    except ValueError:
        pass
    # Path.cwd() has its symbolic links resolved, but a path such as "$PWD/src" may pass
    # through one. The folder is resolved and the file name kept, so a linked file keeps its name.
    resolved = Path(os.path.realpath(absolute.parent)) / absolute.name
    try:
        return resolved.relative_to(working_directory).as_posix()
    except ValueError:
        return absolute.as_posix()
