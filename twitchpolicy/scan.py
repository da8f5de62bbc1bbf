"""Discover source files and find the Twitch API calls in them, without importing or running the code.

Python files go through :mod:`twitchpolicy.pyscan`, and JavaScript and
TypeScript files through :mod:`twitchpolicy.jsscan`. Other source files, and
Python files that do not parse, are searched as text by :mod:`twitchpolicy.textscan`.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field

from twitchpolicy.discover import PYTHON_SUFFIXES, ScanPathError, Skipped, iter_source_files
from twitchpolicy.jsresolve import SUFFIXES as JAVASCRIPT_SUFFIXES
from twitchpolicy.prefilter import Selection, select_files
from twitchpolicy.pyscan import PythonModule
from twitchpolicy.registry import Registry
from twitchpolicy.sites import CallSite, FileFacts, FileProblem, ScopeRequest, Secret, TokenRequest

__all__ = ["ScanPathError", "ScanResult", "iter_source_files", "scan_paths", "script_parts"]

HTML_SUFFIXES = (".html", ".htm")


@dataclass
class ScanResult:
    """What the scanners found. ``files_parsed`` counts the files the pre-filter let through."""

    sites: list[CallSite] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    files_scanned: int = 0
    scope_requests: list[ScopeRequest] = field(default_factory=list)
    token_requests: list[TokenRequest] = field(default_factory=list)
    secrets: list[Secret] = field(default_factory=list)
    refresh_token_read: bool = False
    sources: dict[str, str] = field(default_factory=dict)
    skipped: Skipped = field(default_factory=Skipped)
    files_parsed: int = 0

    def add(self, facts: FileFacts) -> None:
        self.sites += facts.sites
        self.scope_requests += facts.scope_requests
        self.token_requests += facts.token_requests
        self.secrets += facts.secrets
        self.refresh_token_read = self.refresh_token_read or facts.reads_refresh_token


def scan_paths(paths: Iterable[str], exclude: Iterable[str] = (), registry: Registry | None = None, prefilter: bool = True) -> ScanResult:
    """Scan every source file under ``paths``, less the ``exclude`` globs, and return the Twitch call sites found.

    The ``registry`` supplies the SDK maps; without it, SDK calls are not found.
    With ``prefilter`` (the default), only the files :mod:`twitchpolicy.prefilter`
    selects are parsed; the result is the same, which the tests check both ways.
    """
    result = ScanResult()
    files: list[tuple[str, bytes]] = []
    for path in iter_source_files(paths, exclude, result.skipped):
        result.files_scanned += 1
        try:
            files.append((str(path), path.read_bytes()))
        except OSError as error:
            result.problems.append(FileProblem(str(path), 1, 1, f"cannot read file: {error.strerror or error}", "read"))

    selection = _select(files, registry) if prefilter else Selection(kept={path for path, _data in files})
    modules: list[PythonModule] = []
    text_files: list[tuple[str, str]] = []
    for path, data in files:
        alone = path in selection.standalone or path in selection.text_candidates
        if path not in selection.kept and not alone:
            continue
        source = data.decode("utf-8-sig", errors="replace")
        result.sources[path] = source
        if path.endswith(JAVASCRIPT_SUFFIXES) and alone:
            _analyse_alone(None, path, source, registry, result)
            continue
        if not path.endswith(PYTHON_SUFFIXES):
            text_files.append((path, source))
            continue
        module = _parse_python(path, source, result)
        if module is None:
            text_files.append((path, source))
        elif alone:
            _analyse_alone(module, path, source, registry, result)
        else:
            modules.append(module)
    result.files_parsed = len(result.sources)
    _analyse(modules, text_files, registry, result)
    if result.token_requests and not result.refresh_token_read:
        result.refresh_token_read = _reads_refresh_token(files, selection.refresh_candidates)
    return result


def _select(files: list[tuple[str, bytes]], registry: Registry | None) -> Selection:
    sdks = list(registry.sdks.values()) if registry is not None else []
    modules = [name for sdk in sdks for name in sdk.modules]
    python_methods = [key.rsplit(".", 1)[-1] for sdk in sdks if sdk.language == "python" for key in sdk.methods]
    python_modules = [name for sdk in sdks if sdk.language == "python" for name in sdk.modules]
    return select_files(files, modules, python_modules, python_methods)


def _analyse(modules: list[PythonModule], text_files: list[tuple[str, str]], registry: Registry | None, result: ScanResult) -> None:
    """Run the Python, JavaScript and text scanners over the parsed files, each across all of its files."""
    from twitchpolicy.pycalls import scan_python
    from twitchpolicy.textscan import collect_constants, scan_text

    for facts in scan_python(modules, registry).values():
        result.add(facts)

    constants = collect_constants(source for path, source in text_files if not path.endswith(PYTHON_SUFFIXES))
    javascript_files = [(path, source) for path, source in text_files if path.endswith(JAVASCRIPT_SUFFIXES)]
    javascript = None
    if javascript_files:
        from twitchpolicy.jsscan import JavaScriptProject

        javascript = JavaScriptProject(javascript_files, registry.sdks if registry is not None else None)
    for path, source in text_files:
        if path.endswith(HTML_SUFFIXES):
            source = script_parts(source)
        if path.endswith(JAVASCRIPT_SUFFIXES):
            from twitchpolicy.jsscan import scan_javascript

            result.add(scan_javascript(path, source, javascript))
        else:
            result.sites += scan_text(path, source, constants)


def _analyse_alone(module: PythonModule | None, path: str, source: str, registry: Registry | None, result: ScanResult) -> None:
    """Analyse a file that reaches nothing of Twitch through imports, for what it holds by itself: secrets, refresh token reads."""
    if module is not None:
        from twitchpolicy.pycalls import scan_python

        for facts in scan_python([module], registry).values():
            result.add(facts)
        return
    from twitchpolicy.jsscan import JavaScriptProject, scan_javascript

    result.add(scan_javascript(path, source, JavaScriptProject([(path, source)])))


def _reads_refresh_token(files: list[tuple[str, bytes]], candidates: list[str]) -> bool:
    """Tell whether a file the pre-filter left out reads a refresh token, which a full scan would count for TP406."""
    data = dict(files)
    for path in candidates:
        source = data[path].decode("utf-8-sig", errors="replace")
        if path.endswith(JAVASCRIPT_SUFFIXES):
            from twitchpolicy.jsscan import JavaScriptProject, scan_javascript

            # NOTE: read alone, without the other files a full scan's JavaScript project holds.
            if scan_javascript(path, source, JavaScriptProject([(path, source)])).reads_refresh_token:
                return True
            continue
        from twitchpolicy.pycalls import reads_refresh_token

        try:
            module = PythonModule(path, ast.parse(source, filename=path), source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        if reads_refresh_token(module):
            return True
    return False


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
        # Reported, like a syntax error, only for a file that names Twitch, so the pre-filter can leave others unparsed.
        if mentions_twitch(source):
            result.problems.append(FileProblem(path, 1, 1, "cannot scan Python: expressions nested too deeply", "parse"))
        return None
