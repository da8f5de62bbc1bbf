"""The ``.twitchpolicy_cache`` folder: file digests, pre-filter selections and analysis facts from earlier runs.

Every entry is keyed by a BLAKE2b digest of what produced it: the tool version
and source files, the registry (bundled and ``--policy`` files), the configuration, and the bytes
of the files involved. A file whose size and modification time (``st_mtime_ns``)
are unchanged is taken as unchanged without reading it, as mypy's incremental
cache does. An edit that keeps both is therefore missed until the file changes
again, which is rare but possible on file systems with a coarse clock.

Entries are JSON, never pickle: the cache sits in the scanned tree, which may
commit a crafted one, and reading it must not run code. An entry that is corrupt,
a symbolic link or special file, of another format or of another key is ignored
and rebuilt. Writes go to a
temporary file that ``os.replace`` moves in place, so parallel runs never read a
half-written entry. A folder that cannot be written only disables the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from stat import S_ISREG
from typing import Any

from twitchpolicy import __version__

CACHE_DIR = ".twitchpolicy_cache"
FORMAT = "twitchpolicy-cache-1"
# The fixed first line of a CACHEDIR.TAG file, by which backup and archive tools skip cache folders.
CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This folder is a cache made by twitchpolicy.\n"
# Files that mark the top of a project, to place the cache when no configuration file is found.
PROJECT_MARKERS = (".git", "pyproject.toml", "package.json", "twitchpolicy.toml")


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def project_root(first_path: str) -> Path:
    """Return the nearest folder at or above ``first_path`` with a project marker, else the path's own folder."""
    start = Path(first_path).resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in [folder, *folder.parents]:
        if any((candidate / marker).exists() for marker in PROJECT_MARKERS):
            return candidate
    return folder


def unusable_reason(folder: Path) -> str | None:
    """Return why the cache folder must not be used, or None when it may be.

    A cache that the repository commits, or a link to a folder elsewhere, comes from
    the authors of the tree. Its entries could claim that a file has no findings, and
    writes through a link would land outside the project. Both are refused.
    """
    if folder.is_symlink():
        return f"{folder} is a symbolic link; delete it"
    if not folder.is_dir():
        return None
    try:
        tracked = subprocess.run(
            ["git", "ls-files", "--", folder.name],
            cwd=folder.parent, capture_output=True, text=True, timeout=10, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        # Without git, or outside a repository, nothing can be committed.
        return None
    if tracked.returncode == 0 and tracked.stdout.strip():
        return f"{folder} is tracked by git; remove it with 'git rm -r --cached {folder.name}'"
    return None


def code_key() -> str:
    """Digest the installed twitchpolicy: its version, its code and its bundled policy files."""
    return _code_hasher().hexdigest()


def run_key(policy_files: Iterable[str], settings: object) -> str:
    """Digest what every cached result depends on besides the scanned files: the code, the registry, the configuration."""
    hasher = _code_hasher()
    hasher.update(f"\0{settings!r}\0".encode())
    for name in policy_files:
        try:
            hasher.update(b"\0extra\0" + os.fsencode(name) + b"\0" + Path(name).read_bytes())
        except OSError:
            hasher.update(b"\0missing\0" + os.fsencode(name))
    return hasher.hexdigest()


def _code_hasher() -> Any:
    from twitchpolicy.policyfile import bundled_policy_dir

    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(f"{FORMAT}\0{__version__}\0".encode())
    # Installs from two commits of the repository share the version number, so the
    # scanner's own code is part of the key too.
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        hasher.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    bundled = bundled_policy_dir()
    for path in sorted(bundled.rglob("*")):
        if path.is_file():
            hasher.update(path.relative_to(bundled).as_posix().encode() + b"\0" + path.read_bytes())
    return hasher


class Cache:
    """One cache folder, read and written for one run with the key ``key``."""

    def __init__(self, folder: Path, key: str, shared_key: str | None = None):
        self.folder = folder
        self.key = key
        # Entries made with shared=True depend on the installed code alone, not on the
        # configuration or extra policy files, so every run of this install shares them.
        self.shared_key = shared_key or key
        self.writable = True
        self._stats: dict[str, list] = {}
        self._stats_changed = False
        self._stats = self._load_stats()

    # ------------------------------------------------------------ file digests

    def known_digest(self, path: str, stat: os.stat_result) -> str | None:
        """Return the digest recorded for ``path`` if its size and modification time are unchanged."""
        entry = self._stats.get(os.path.abspath(path))
        if entry is not None and entry[0] == stat.st_size and entry[1] == stat.st_mtime_ns:
            return entry[2]
        return None

    def record_digest(self, path: str, stat: os.stat_result, value: str) -> None:
        # Keyed by absolute path: runs from different folders share the cache, and the same
        # relative path can then name two files of equal size and time, as a tar archive leaves them.
        key = os.path.abspath(path)
        if self._stats.get(key) != [stat.st_size, stat.st_mtime_ns, value]:
            self._stats[key] = [stat.st_size, stat.st_mtime_ns, value]
            self._stats_changed = True

    def _load_stats(self) -> dict[str, list]:
        data = self._read("files")
        if not isinstance(data, dict):
            return {}
        return {
            path: entry
            for path, entry in data.items()
            if isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], int) and isinstance(entry[1], int) and isinstance(entry[2], str)
        }

    def save(self) -> None:
        if self._stats_changed:
            self._write("files", self._stats)

    # ------------------------------------------------------------ entries

    def entry_key(self, kind: str, parts: Iterable[str], shared: bool = False) -> str:
        hasher = hashlib.blake2b(digest_size=16)
        hasher.update(f"{self.shared_key if shared else self.key}\0{kind}\0".encode())
        for part in parts:
            hasher.update(os.fsencode(part) + b"\0")
        return f"{kind}-{hasher.hexdigest()}"

    def load(self, name: str, shared: bool = False) -> Any:
        """Return the data stored under ``name``, or None when missing, corrupt or made for another key."""
        return self._read(name, self.shared_key if shared else self.key)

    def store(self, name: str, data: Any, shared: bool = False) -> None:
        # TODO: entries made under an older key are never deleted; removing the folder reclaims the space.
        self._write(name, data, self.shared_key if shared else self.key)

    # ------------------------------------------------------------ files

    def _path(self, name: str) -> Path:
        return self.folder / (name + ".json")

    def _read(self, name: str, key: str | None = None) -> Any:
        try:
            document = json.loads(_read_regular_file(self._path(name)).decode("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            return None
        if not isinstance(document, dict) or document.get("format") != FORMAT or document.get("key") != (key or self.key):
            return None
        return document.get("data")

    def _write(self, name: str, data: Any, key: str | None = None) -> None:
        if not self.writable:
            return
        try:
            self._prepare()
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as file:
                    json.dump({"format": FORMAT, "key": key or self.key, "data": data}, file, separators=(",", ":"))
                os.replace(temporary, self._path(name))
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            # A read-only tree or a full disk: run without the cache rather than fail the check.
            self.writable = False

    def _prepare(self) -> None:
        if self.folder.is_dir():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "CACHEDIR.TAG").write_text(CACHEDIR_TAG, encoding="utf-8")
        (self.folder / ".gitignore").write_text("*\n", encoding="utf-8")


def _read_regular_file(path: Path) -> bytes:
    """Read ``path``, raising OSError when it is a symbolic link or not a regular file.

    A committed cache may hold a link to ``/dev/zero`` or a FIFO, which would fill the
    memory or block the run. The cache writes every entry with ``os.replace``, which
    replaces such a link with a regular file.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb") as file:
        if not S_ISREG(os.fstat(file.fileno()).st_mode):
            raise OSError(f"not a regular file: {path}")
        return file.read()
