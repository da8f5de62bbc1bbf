"""Find the source files under the paths given to ``twitchpolicy check``, and count what was skipped.

Folders are read with ``os.scandir`` in sorted order: a folder's files first,
then its subfolders, the order ``os.walk`` gives. Symbolic links to folders are
not followed.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

PYTHON_SUFFIXES = (".py", ".pyi")
TEXT_SUFFIXES = (
    ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts", ".go", ".rs", ".java", ".kt", ".kts",
    ".cs", ".php", ".rb", ".lua", ".sh", ".bash", ".ps1", ".swift", ".dart", ".scala", ".c", ".cc", ".cpp", ".h",
    ".html", ".htm", ".vue", ".svelte",
)
SOURCE_SUFFIXES = PYTHON_SUFFIXES + TEXT_SUFFIXES
# Folders that hold no project source: version control, virtual environments, dependencies,
# build output, and the caches of Python tools and of twitchpolicy itself.
EXCLUDED_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules", "__pycache__", ".mypy_cache",
     ".pytest_cache", ".ruff_cache", "build", "dist", ".eggs", "site-packages", ".twitchpolicy_cache"}
)
# Every virtual environment made by venv or virtualenv has this file at its top, whatever its name.
VENV_MARKER = "pyvenv.cfg"


class ScanPathError(Exception):
    """Raised for a path given on the command line that does not exist."""


@dataclass
class Skipped:
    """Counts of what discovery left out: folders by default exclude or virtual environment marker, and paths by exclude glob."""

    default_dirs: list[str] = field(default_factory=list)
    venv_dirs: list[str] = field(default_factory=list)
    excluded_dirs: int = 0
    excluded_files: int = 0

    def summary(self) -> str | None:
        """Return one line with the counts per reason, or None when nothing was skipped."""
        parts = []
        if self.default_dirs:
            names = ", ".join(sorted(set(self.default_dirs)))
            parts.append(f"{_count(len(self.default_dirs), 'directory')}: {names} (default excludes)")
        if self.venv_dirs:
            parts.append(f"{_count(len(self.venv_dirs), 'directory')} with a {VENV_MARKER}: {', '.join(self.venv_dirs)} (virtual environments)")
        if self.excluded_dirs or self.excluded_files:
            counts = [_count(number, noun) for number, noun in ((self.excluded_dirs, "directory"), (self.excluded_files, "file")) if number]
            parts.append(f"{' and '.join(counts)} by exclude globs")
        return "skipped " + "; ".join(parts) if parts else None


def _count(number: int, noun: str) -> str:
    if number == 1:
        return f"1 {noun}"
    return f"{number} {noun[:-1]}ies" if noun.endswith("y") else f"{number} {noun}s"


def excluded(path: Path, patterns: tuple[str, ...]) -> bool:
    """Match glob patterns against the file or folder name and against the whole path.

    An absolute pattern is matched against the absolute path instead.
    """
    text = path.as_posix()
    absolute = None
    for pattern in patterns:
        if os.path.isabs(pattern):
            if absolute is None:
                absolute = Path(os.path.abspath(path)).as_posix()
            if fnmatch.fnmatch(absolute, pattern):
                return True
        elif fnmatch.fnmatch(path.name, pattern) or fnmatch.fnmatch(text, pattern):
            return True
    return False


def iter_source_files(paths: Iterable[str], exclude: Iterable[str] = (), skipped: Skipped | None = None) -> Iterator[Path]:
    """Yield the Python and text source files under ``paths`` in a stable order.

    Skips the default excluded folders, virtual environments, links whose target is
    missing, and files or folders matching an ``exclude`` glob; ``skipped`` counts them.
    A file named directly is yielded whatever its suffix, unless it matches an ``exclude`` glob.
    """
    patterns = tuple(exclude)
    skipped = skipped if skipped is not None else Skipped()
    seen: set[str] = set()

    def first_time(key: str) -> bool:
        if key in seen:
            return False
        seen.add(key)
        return True

    for given in paths:
        if not given.strip():
            raise ScanPathError("empty path; name a file or directory")
        root = Path(given)
        if not root.exists():
            raise ScanPathError(f"path not found: {given}")
        if root.is_file():
            if excluded(root, patterns):
                skipped.excluded_files += 1
            elif first_time(os.path.realpath(root)):
                yield root
            continue
        if not root.is_dir():
            raise ScanPathError(f"not a regular file or directory: {given}")
        for path, key in _walk(root, patterns, skipped, os.path.realpath(root)):
            if first_time(key):
                yield path


def _walk(directory: Path, patterns: tuple[str, ...], skipped: Skipped, real_directory: str) -> Iterator[tuple[Path, str]]:
    """Yield each source file under ``directory`` with its real path, which identifies files reached twice.

    Linked folders are not entered, so a file's real path is its folder's real path and
    its name, unless the file itself is a link. That spares resolving every path.
    """
    try:
        with os.scandir(directory) as scanner:
            entries = sorted(scanner, key=lambda entry: entry.name)
    except OSError:
        # os.walk skips folders it cannot list too; the files it can list are still scanned.
        return
    subdirs = []
    for entry in entries:
        if _is_dir(entry):
            subdirs.append(entry)
            continue
        if not entry.name.endswith(SOURCE_SUFFIXES):
            continue
        path = directory / entry.name
        if excluded(path, patterns):
            skipped.excluded_files += 1
            continue
        # is_file() is False for FIFOs, sockets and links to nothing, which would block or fail a read.
        if entry.is_file():
            key = os.path.realpath(path) if entry.is_symlink() else os.path.join(real_directory, entry.name)
            yield path, key
    for entry in subdirs:
        path = directory / entry.name
        if entry.name in EXCLUDED_DIRS or entry.name.endswith(".egg-info"):
            # twitchpolicy's own cache folder is left out of the summary: every run with the cache makes one.
            if entry.name != ".twitchpolicy_cache":
                skipped.default_dirs.append(entry.name)
            continue
        if excluded(path, patterns):
            skipped.excluded_dirs += 1
            continue
        if entry.is_symlink():
            continue
        if os.path.isfile(os.path.join(entry.path, VENV_MARKER)):
            skipped.venv_dirs.append(path.as_posix())
            continue
        yield from _walk(path, patterns, skipped, os.path.join(real_directory, entry.name))


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False
