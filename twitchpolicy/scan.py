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


def scan_paths(
    paths: Iterable[str], exclude: Iterable[str] = (), registry: Registry | None = None, prefilter: bool = True, jobs: int = 1
) -> ScanResult:
    """Scan every source file under ``paths``, less the ``exclude`` globs, and return the Twitch call sites found.

    The ``registry`` supplies the SDK maps; without it, SDK calls are not found.
    With ``prefilter`` (the default), only the files :mod:`twitchpolicy.prefilter`
    selects are parsed; the result is the same, which the tests check both ways.
    With ``jobs`` above 1 and enough files, import-connected groups of Python files
    are analysed in that many processes (:mod:`twitchpolicy.pool`); without the
    pre-filter, the whole project is analysed in this process.
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
    python_files: list[tuple[str, str]] = []
    other_files: list[tuple[str, str]] = []
    for path, data in files:
        alone = path in selection.standalone or path in selection.text_candidates
        if path not in selection.kept and not alone:
            continue
        source = data.decode("utf-8-sig", errors="replace")
        result.sources[path] = source
        if alone:
            _analyse_alone(path, source, registry, result, other_files)
        elif path.endswith(PYTHON_SUFFIXES):
            python_files.append((path, source))
        else:
            other_files.append((path, source))
    result.files_parsed = len(result.sources)

    unparsed = _analyse_python(python_files, selection, registry, jobs if prefilter else 1, result)
    order = {path: index for index, (path, _data) in enumerate(files)}
    text_files = sorted(other_files + [(path, result.sources[path]) for path in unparsed], key=lambda item: order[item[0]])
    _analyse_text(text_files, registry, result)
    if result.token_requests and not result.refresh_token_read:
        result.refresh_token_read = _reads_refresh_token(files, selection.refresh_candidates)
    return result


def _analyse_python(files: list[tuple[str, str]], selection: Selection, registry: Registry | None, jobs: int, result: ScanResult) -> list[str]:
    """Analyse the Python files, in parallel when it pays; return the files that did not parse."""
    from twitchpolicy import pool

    if jobs > 1 and len(files) >= pool.MIN_FILES and pool.can_fork():
        sources = dict(files)
        paths = [path for path, _source in files]
        groups = [[(path, sources[path]) for path in group] for group in pool.components(paths, selection.imports, selection.sdk_group)]
        outcomes = pool.analyse_groups(groups, registry, jobs) if len(groups) > 1 else [pool.analyse_unit(files, registry)]
    else:
        outcomes = [pool.analyse_unit(files, registry)]
    facts: dict[str, FileFacts] = {}
    unparsed: list[str] = []
    for outcome in outcomes:
        facts.update(outcome.facts)
        result.problems += outcome.problems
        unparsed += outcome.unparsed
    # Facts are added in file order, as one whole-project analysis adds them.
    for path, _source in files:
        if path in facts:
            result.add(facts[path])
    return unparsed


def _select(files: list[tuple[str, bytes]], registry: Registry | None) -> Selection:
    sdks = list(registry.sdks.values()) if registry is not None else []
    modules = [name for sdk in sdks for name in sdk.modules]
    python_methods = [key.rsplit(".", 1)[-1] for sdk in sdks if sdk.language == "python" for key in sdk.methods]
    python_modules = [name for sdk in sdks if sdk.language == "python" for name in sdk.modules]
    return select_files(files, modules, python_modules, python_methods)


def _analyse_text(text_files: list[tuple[str, str]], registry: Registry | None, result: ScanResult) -> None:
    """Run the JavaScript scanner over JavaScript and TypeScript files, as one project, and the text scanner over the rest."""
    from twitchpolicy.textscan import collect_constants, scan_text

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


def _analyse_alone(path: str, source: str, registry: Registry | None, result: ScanResult, text_files: list[tuple[str, str]]) -> None:
    """Analyse a file that reaches nothing of Twitch through imports, for what it holds by itself: secrets, refresh token reads.

    A Python file that does not parse, or a file in another language, goes to ``text_files``.
    """
    if path.endswith(JAVASCRIPT_SUFFIXES):
        from twitchpolicy.jsscan import JavaScriptProject, scan_javascript

        result.add(scan_javascript(path, source, JavaScriptProject([(path, source)])))
        return
    module = parse_python(path, source, result.problems) if path.endswith(PYTHON_SUFFIXES) else None
    if module is None:
        text_files.append((path, source))
        return
    from twitchpolicy.pycalls import scan_python

    for facts in scan_python([module], registry).values():
        result.add(facts)


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


def parse_python(path: str, source: str, problems: list[FileProblem]) -> PythonModule | None:
    """Parse a Python file; on failure add a TP901 problem to ``problems`` when the file names Twitch, and return None."""
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
        problems.append(FileProblem(path, line, column, f"cannot parse Python {version} syntax: {reason}", "parse"))
        return None
    try:
        return PythonModule(path, tree, source)
    except RecursionError:
        # Reported, like a syntax error, only for a file that names Twitch, so the pre-filter can leave others unparsed.
        if mentions_twitch(source):
            problems.append(FileProblem(path, 1, 1, "cannot scan Python: expressions nested too deeply", "parse"))
        return None
