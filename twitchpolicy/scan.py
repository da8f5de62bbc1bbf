"""Discover source files and find the Twitch API calls in them, without importing or running the code.

Python files go through :mod:`twitchpolicy.pyscan`, and JavaScript and
TypeScript files through :mod:`twitchpolicy.jsscan`. Other source files, and
Python files that do not parse, are searched as text by :mod:`twitchpolicy.textscan`.
"""

from __future__ import annotations

import ast
import fnmatch
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from twitchpolicy.jsparse import SUFFIXES as JAVASCRIPT_SUFFIXES
from twitchpolicy.jsscan import JavaScriptProject, scan_javascript
from twitchpolicy.pycalls import scan_python
from twitchpolicy.registry import Registry
from twitchpolicy.pyscan import PythonModule
from twitchpolicy.sites import CallSite, FileFacts, FileProblem, ScopeRequest, Secret, TokenRequest
from twitchpolicy.textscan import collect_constants, scan_text

PYTHON_SUFFIXES = (".py", ".pyi")
TEXT_SUFFIXES = (
    ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts", ".go", ".rs", ".java", ".kt", ".kts",
    ".cs", ".php", ".rb", ".lua", ".sh", ".bash", ".ps1", ".swift", ".dart", ".scala", ".c", ".cc", ".cpp", ".h",
    ".html", ".htm", ".vue", ".svelte",
)
HTML_SUFFIXES = (".html", ".htm")
EXCLUDED_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules", "__pycache__", ".mypy_cache",
     ".pytest_cache", ".ruff_cache", "build", "dist", ".eggs", "site-packages", ".twitchpolicy_cache"}
)


@dataclass
class ScanResult:
    sites: list[CallSite] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    files_scanned: int = 0
    scope_requests: list[ScopeRequest] = field(default_factory=list)
    token_requests: list[TokenRequest] = field(default_factory=list)
    secrets: list[Secret] = field(default_factory=list)
    refresh_token_read: bool = False
    sources: dict[str, str] = field(default_factory=dict)

    def add(self, facts: FileFacts) -> None:
        self.sites += facts.sites
        self.scope_requests += facts.scope_requests
        self.token_requests += facts.token_requests
        self.secrets += facts.secrets
        self.refresh_token_read = self.refresh_token_read or facts.reads_refresh_token


class ScanPathError(Exception):
    """Raised for a path given on the command line that does not exist."""


def _excluded(path: Path, patterns: tuple[str, ...]) -> bool:
    """Match glob patterns against the file or folder name and against the whole path."""
    text = path.as_posix()
    return any(fnmatch.fnmatch(path.name, pattern) or fnmatch.fnmatch(text, pattern) for pattern in patterns)


def iter_source_files(paths: Iterable[str], exclude: Iterable[str] = ()) -> Iterator[Path]:
    """Yield the Python and text source files under ``paths`` in a stable order.

    Skips virtual environments, VCS, cache and build folders, links whose target is
    missing, and files or folders matching an ``exclude`` glob. A file named directly
    is yielded whatever its suffix, unless it matches an ``exclude`` glob.
    """
    patterns = tuple(exclude)
    seen: set[Path] = set()

    def first_time(path: Path) -> bool:
        key = path.resolve()
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
            if not _excluded(root, patterns) and first_time(root):
                yield root
            continue
        if not root.is_dir():
            raise ScanPathError(f"not a regular file or directory: {given}")
        for directory, subdirs, files in os.walk(root):
            subdirs[:] = sorted(
                name
                for name in subdirs
                if name not in EXCLUDED_DIRS and not name.endswith(".egg-info") and not _excluded(Path(directory) / name, patterns)
            )
            for name in sorted(files):
                path = Path(directory) / name
                if not name.endswith(PYTHON_SUFFIXES + TEXT_SUFFIXES) or _excluded(path, patterns):
                    continue
                # is_file() is False for FIFOs, sockets and links to nothing, which would block or fail a read.
                if path.is_file() and first_time(path):
                    yield path


def scan_paths(paths: Iterable[str], exclude: Iterable[str] = (), registry: Registry | None = None) -> ScanResult:
    """Scan every source file under ``paths``, less the ``exclude`` globs, and return the Twitch call sites found.

    The ``registry`` supplies the SDK maps; without it, SDK calls are not found.
    """
    result = ScanResult()
    modules: list[PythonModule] = []
    text_files: list[tuple[str, str]] = []
    for path in iter_source_files(paths, exclude):
        result.files_scanned += 1
        try:
            source = path.read_bytes().decode("utf-8-sig", errors="replace")
        except OSError as error:
            result.problems.append(FileProblem(str(path), 1, 1, f"cannot read file: {error.strerror or error}", "read"))
            continue
        result.sources[str(path)] = source
        if path.suffix not in PYTHON_SUFFIXES:
            text_files.append((str(path), source))
            continue
        module = _parse_python(str(path), source, result)
        if module is None:
            text_files.append((str(path), source))
        else:
            modules.append(module)

    for facts in scan_python(modules, registry).values():
        result.add(facts)

    constants = collect_constants(source for path, source in text_files if not path.endswith(PYTHON_SUFFIXES))
    javascript_files = [(path, source) for path, source in text_files if path.endswith(JAVASCRIPT_SUFFIXES)]
    javascript = JavaScriptProject(javascript_files, registry.sdks if registry is not None else None)
    for path, source in text_files:
        if path.endswith(HTML_SUFFIXES):
            source = script_parts(source)
        if path.endswith(JAVASCRIPT_SUFFIXES):
            result.add(scan_javascript(path, source, javascript))
        else:
            result.sites += scan_text(path, source, constants)
    return result


def script_parts(page: str) -> str:
    """Blank everything outside <script> elements of an HTML page, keeping line and column positions.

    Text and <pre> blocks of a page (generated API documentation, say) describe calls; scripts make them.
    """
    parts = []
    position = 0
    for match in re.finditer(r"<script\b[^>]*>(.*?)</script\s*>", page, re.IGNORECASE | re.DOTALL):
        parts.append(re.sub(r"[^\n]", " ", page[position:match.start(1)]))
        parts.append(match.group(1))
        position = match.end(1)
    parts.append(re.sub(r"[^\n]", " ", page[position:]))
    return "".join(parts)


def mentions_twitch(source: str) -> bool:
    """Tell whether a source text names Twitch at all: its hosts, ``helix``, or an SDK."""
    lowered = source.lower()
    return "twitch" in lowered or "helix" in lowered


def _parse_python(path: str, source: str, result: ScanResult) -> PythonModule | None:
    try:
        tree = ast.parse(source, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        if not mentions_twitch(source):
            # A file that never names Twitch has nothing to check. Syntax newer than this
            # interpreter's (Python 3.12 f-strings, 3.14 except clauses) is then no reason to report it.
            return None
        line = getattr(error, "lineno", None) or 1
        column = getattr(error, "offset", None) or 1
        reason = getattr(error, "msg", None) or type(error).__name__
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        result.problems.append(FileProblem(path, line, column, f"cannot parse Python {version} syntax: {reason}", "parse"))
        return None
    try:
        return PythonModule(path, tree, source)
    except RecursionError:
        result.problems.append(FileProblem(path, 1, 1, "cannot scan Python: expressions nested too deeply", "parse"))
        return None
