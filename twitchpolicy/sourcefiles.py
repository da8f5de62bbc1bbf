"""The source files of one scan: their bytes, read once and only when needed, and their digests for the cache."""

from __future__ import annotations

import os
from pathlib import Path

from twitchpolicy.cache import Cache, digest
from twitchpolicy.sites import FileProblem


class SourceFiles:
    """Discovered files in scan order. With a cache, an unchanged file (same size and mtime) is read only when used."""

    def __init__(self, cache: Cache | None = None):
        self.cache = cache
        self.paths: list[str] = []
        self.digests: dict[str, str] = {}
        self._data: dict[str, bytes] = {}

    def add(self, path: str, problems: list[FileProblem]) -> None:
        """Add a discovered file; a file that cannot be read becomes a TP902 problem instead."""
        try:
            if self.cache is not None:
                stat = os.stat(path)
                known = self.cache.known_digest(path, stat)
                if known is not None and os.access(path, os.R_OK):
                    self.digests[path] = known
                    self.paths.append(path)
                    return
            data = Path(path).read_bytes()
        except OSError as error:
            problems.append(FileProblem(path, 1, 1, f"cannot read file: {error.strerror or error}", "read"))
            return
        self._data[path] = data
        self.paths.append(path)
        if self.cache is not None:
            self.digests[path] = digest(data)
            self.cache.record_digest(path, stat, self.digests[path])

    def data(self, path: str) -> bytes:
        found = self._data.get(path)
        if found is None:
            try:
                found = Path(path).read_bytes()
            except OSError:
                # NOTE: a file that became unreadable since discovery is scanned as empty.
                found = b""
            self._data[path] = found
        return found

    def items(self) -> list[tuple[str, bytes]]:
        """Return every file with its bytes, reading those not read yet."""
        return [(path, self.data(path)) for path in self.paths]

    def identity(self, paths: list[str]) -> list[str]:
        """Return ``path`` and digest of each of ``paths``, which key a cache entry about them."""
        return [f"{path}\0{self.digests[path]}" for path in paths]
