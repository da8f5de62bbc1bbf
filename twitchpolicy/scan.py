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

from twitchpolicy import pool
from twitchpolicy.cache import Cache
from twitchpolicy.discover import PYTHON_SUFFIXES, ScanPathError, Skipped, iter_source_files
from twitchpolicy.factsjson import decode_facts, decode_problem, encode_facts, encode_problem
from twitchpolicy.jsresolve import SUFFIXES as JAVASCRIPT_SUFFIXES
from twitchpolicy.prefilter import Selection, select_files
from twitchpolicy.pyscan import PythonModule
from twitchpolicy.registry import Registry
from twitchpolicy.sites import CallSite, FileFacts, FileProblem, ScopeRequest, Secret, TokenRequest
from twitchpolicy.sourcefiles import SourceFiles

__all__ = ["ScanPathError", "ScanResult", "iter_source_files", "scan_paths", "script_parts"]

HTML_SUFFIXES = (".html", ".htm")


@dataclass
class ScanResult:
    """Facts the scanners found.

    ``paths`` lists every discovered file that could be read, parsed or not, and
    ``files_parsed`` counts the files the pre-filter let through.
    """

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
    paths: list[str] = field(default_factory=list)

    def add(self, facts: FileFacts) -> None:
        self.sites += facts.sites
        self.scope_requests += facts.scope_requests
        self.token_requests += facts.token_requests
        self.secrets += facts.secrets
        self.refresh_token_read = self.refresh_token_read or facts.reads_refresh_token


def scan_paths(
    paths: Iterable[str],
    exclude: Iterable[str] = (),
    registry: Registry | None = None,
    prefilter: bool = True,
    jobs: int = 1,
    cache: Cache | None = None,
) -> ScanResult:
    """Scan every source file under ``paths``, less the ``exclude`` globs, and return the Twitch call sites found.

    The ``registry`` supplies the SDK maps; without it, SDK calls are not found.
    With ``prefilter`` (the default), only the files :mod:`twitchpolicy.prefilter`
    selects are parsed, and each import-connected group of Python files is analysed
    on its own: in ``jobs`` processes when there are enough files
    (:mod:`twitchpolicy.pool`), and with earlier results from ``cache`` when given.
    Without the pre-filter, the whole project is analysed at once in this process
    and no cache is used. The tests check that both ways give the same result.
    """
    result = ScanResult()
    cache = cache if prefilter else None
    files = SourceFiles(cache)
    for path in iter_source_files(paths, exclude, result.skipped):
        result.files_scanned += 1
        files.add(str(path), result.problems)
    result.paths = list(files.paths)

    if prefilter:
        selection = _cached_selection(files, registry, cache)
    else:
        selection = Selection(kept=set(files.paths))
    python_files: list[tuple[str, str]] = []
    other_files: list[tuple[str, str]] = []
    alone: set[str] = set()
    for path in files.paths:
        single = path in selection.standalone or path in selection.text_candidates
        if path not in selection.kept and not single:
            continue
        source = files.data(path).decode("utf-8-sig", errors="replace")
        result.sources[path] = source
        if single and path.endswith(JAVASCRIPT_SUFFIXES):
            _analyse_javascript_alone(path, source, result)
        elif path.endswith(PYTHON_SUFFIXES):
            python_files.append((path, source))
            if single:
                alone.add(path)
        else:
            other_files.append((path, source))
    result.files_parsed = len(result.sources)

    if prefilter:
        kept = [path for path, _source in python_files if path not in alone]
        groups = pool.components(kept, selection.imports, selection.sdk_group) + [[path] for path, _source in python_files if path in alone]
    else:
        groups = [[path for path, _source in python_files]]
    unparsed = _analyse_python(python_files, groups, files, registry, jobs, cache, result)
    order = {path: index for index, path in enumerate(files.paths)}
    text_files = sorted(other_files + [(path, result.sources[path]) for path in unparsed], key=lambda item: order[item[0]])
    _analyse_text_cached(text_files, registry, result, files, cache)
    if result.token_requests and not result.refresh_token_read:
        result.refresh_token_read = _reads_refresh_token(files, selection.refresh_candidates)
    if cache is not None:
        cache.save()
    return result


def _analyse_python(
    files: list[tuple[str, str]],
    groups: list[list[str]],
    source_files: SourceFiles,
    registry: Registry | None,
    jobs: int,
    cache: Cache | None,
    result: ScanResult,
) -> list[str]:
    """Analyse each group of Python files as one project, in parallel when it pays; return the files that did not parse."""
    sources = dict(files)
    outcomes: dict[int, pool.UnitOutcome] = {}
    keys: dict[int, str] = {}
    if cache is not None:
        for index, group in enumerate(groups):
            keys[index] = cache.entry_key("facts", source_files.identity(group))
            cached = _decode_outcome(cache.load(keys[index]), group)
            if cached is not None:
                outcomes[index] = cached
    missing = [index for index in range(len(groups)) if index not in outcomes]
    units = [[(path, sources[path]) for path in groups[index]] for index in missing]
    if jobs > 1 and len(units) > 1 and sum(map(len, units)) >= pool.MIN_FILES and pool.can_fork():
        analysed = pool.analyse_groups(units, registry, jobs)
    else:
        analysed = [pool.analyse_unit(unit, registry) for unit in units]
    for index, outcome in zip(missing, analysed):
        outcomes[index] = outcome
        if cache is not None:
            cache.store(keys[index], _encode_outcome(outcome))

    facts: dict[str, FileFacts] = {}
    unparsed: list[str] = []
    for index in range(len(groups)):
        outcome = outcomes[index]
        facts.update(outcome.facts)
        result.problems += outcome.problems
        unparsed += outcome.unparsed
    # Facts are added in file order, as one whole-project analysis adds them.
    for path, _source in files:
        if path in facts:
            result.add(facts[path])
    return unparsed


def _encode_outcome(outcome: pool.UnitOutcome) -> dict:
    return {
        "facts": {path: encode_facts(facts) for path, facts in outcome.facts.items()},
        "problems": [encode_problem(problem) for problem in outcome.problems],
        "unparsed": outcome.unparsed,
    }


def _decode_outcome(data: object, paths: list[str]) -> pool.UnitOutcome | None:
    """Rebuild a cached outcome for the files ``paths``; a corrupt entry gives None, so they are analysed again."""
    if not isinstance(data, dict):
        return None
    try:
        facts = data["facts"]
        unparsed = _strings(data["unparsed"])
        # Files that did not parse are read again as text, so each must be one of the group's own.
        if not isinstance(facts, dict) or not set(unparsed) <= set(paths):
            return None
        return pool.UnitOutcome(
            {str(path): decode_facts(item) for path, item in facts.items()},
            [decode_problem(item) for item in data["problems"]],
            list(unparsed),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _cached_selection(files: SourceFiles, registry: Registry | None, cache: Cache | None) -> Selection:
    """Return the pre-filter's selection, from the cache when no file changed since it was stored."""
    key = cache.entry_key("selection", files.identity(files.paths)) if cache is not None else None
    if cache is not None and key is not None:
        selection = _decode_selection(cache.load(key))
        if selection is not None:
            return selection
    selection = _select(files.items(), registry)
    if cache is not None and key is not None:
        cache.store(key, _encode_selection(selection))
    return selection


def _encode_selection(selection: Selection) -> dict:
    return {
        "kept": sorted(selection.kept),
        "standalone": sorted(selection.standalone),
        "text_candidates": sorted(selection.text_candidates),
        "refresh_candidates": selection.refresh_candidates,
        "seeds": selection.seeds,
        "imports": {path: sorted(targets) for path, targets in selection.imports.items()},
        "sdk_group": sorted(selection.sdk_group),
    }


def _decode_selection(data: object) -> Selection | None:
    if not isinstance(data, dict):
        return None
    try:
        imports = data["imports"]
        seeds = data["seeds"]
        # JSON allows 1e999, which loads as an infinite float that int() cannot convert.
        if not isinstance(imports, dict) or not isinstance(seeds, int) or isinstance(seeds, bool):
            return None
        return Selection(
            kept=set(_strings(data["kept"])),
            standalone=set(_strings(data["standalone"])),
            text_candidates=set(_strings(data["text_candidates"])),
            refresh_candidates=list(_strings(data["refresh_candidates"])),
            seeds=seeds,
            imports={str(path): set(_strings(targets)) for path, targets in imports.items()},
            sdk_group=set(_strings(data["sdk_group"])),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _strings(data: object) -> list[str]:
    if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
        raise ValueError("expected a list of strings")
    return data


def _select(files: list[tuple[str, bytes]], registry: Registry | None) -> Selection:
    sdks = list(registry.sdks.values()) if registry is not None else []
    modules = [name for sdk in sdks for name in sdk.modules]
    python_methods = [key.rsplit(".", 1)[-1] for sdk in sdks if sdk.language == "python" for key in sdk.methods]
    python_modules = [name for sdk in sdks if sdk.language == "python" for name in sdk.modules]
    return select_files(files, modules, python_modules, python_methods)


def _analyse_text_cached(
    text_files: list[tuple[str, str]], registry: Registry | None, result: ScanResult, source_files: SourceFiles, cache: Cache | None
) -> None:
    """Analyse the text files as :func:`_analyse_text` does, or take the facts of an earlier run on the same files."""
    if cache is None or not text_files:
        for facts in _analyse_text(text_files, registry).values():
            result.add(facts)
        return
    key = cache.entry_key("text", source_files.identity([path for path, _source in text_files]))
    cached = _decode_outcome(cache.load(key), [path for path, _source in text_files])
    if cached is None:
        cached = pool.UnitOutcome(_analyse_text(text_files, registry), [], [])
        cache.store(key, _encode_outcome(cached))
    for path, _source in text_files:
        if path in cached.facts:
            result.add(cached.facts[path])


def _analyse_text(text_files: list[tuple[str, str]], registry: Registry | None) -> dict[str, FileFacts]:
    """Run the JavaScript scanner over JavaScript and TypeScript files, as one project, and the text scanner over the rest."""
    from twitchpolicy.textscan import collect_constants, scan_text

    constants = collect_constants(source for path, source in text_files if not path.endswith(PYTHON_SUFFIXES))
    javascript_files = [(path, source) for path, source in text_files if path.endswith(JAVASCRIPT_SUFFIXES)]
    javascript = None
    if javascript_files:
        from twitchpolicy.jsscan import JavaScriptProject

        javascript = JavaScriptProject(javascript_files, registry.sdks if registry is not None else None)
    facts = {}
    for path, source in text_files:
        if path.endswith(HTML_SUFFIXES):
            source = script_parts(source)
        if path.endswith(JAVASCRIPT_SUFFIXES):
            from twitchpolicy.jsscan import scan_javascript

            facts[path] = scan_javascript(path, source, javascript)
        else:
            facts[path] = FileFacts(sites=scan_text(path, source, constants))
    return facts


def _analyse_javascript_alone(path: str, source: str, result: ScanResult) -> None:
    """Analyse a JavaScript file that reaches nothing of Twitch through imports, for its secrets and refresh token reads."""
    from twitchpolicy.jsscan import JavaScriptProject, scan_javascript

    result.add(scan_javascript(path, source, JavaScriptProject([(path, source)])))


def _reads_refresh_token(files: SourceFiles, candidates: list[str]) -> bool:
    """Tell whether a file the pre-filter left out reads a refresh token, which a full scan would count for TP406."""
    for path in candidates:
        source = files.data(path).decode("utf-8-sig", errors="replace")
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
