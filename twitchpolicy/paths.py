"""Report paths relative to the working directory, which CI systems take as the repository root."""

from __future__ import annotations

import os
from pathlib import Path


def relative_path(path: str) -> str:
    """Return ``path`` as a POSIX path relative to the working directory, or absolute when it lies outside it."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()
