"""Choose the files worth parsing: those whose bytes can lead to a finding, and the files linked to them by imports.

A file is a seed when its bytes name Twitch (``twitch``, ``helix``, an SDK
package such as ``twurple``, case-insensitive). Then, to a fixed point:

- files that import a kept file (a wrapper's callers, which complete its URL or token),
- and, from every kept file, the files it imports (a settings module with the
  base URL, a constants module with the scopes or the client secret), transitively,
  except a copy of the standard library inside the tree.

A file that contains a literal shaped like a Twitch client secret or access
token is parsed too, because TP405 needs no Twitch name. It is analysed alone
unless the steps above keep it.

Imports are read with regular expressions that find every import the parser
would, and some more; a few more files parsed cost time, never findings.
Python imports resolve as :func:`twitchpolicy.pyscan.resolve_import` does over
every Python file of the tree, JavaScript ones as
:func:`twitchpolicy.jsresolve.resolve_specifier` does.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from twitchpolicy.discover import PYTHON_SUFFIXES
from twitchpolicy.jsresolve import SUFFIXES as JAVASCRIPT_SUFFIXES
from twitchpolicy.jsresolve import normalized, resolve_specifier
from twitchpolicy.pyscan import ModuleIndex, module_name, resolve_import

# NOTE: a URL assembled from literals that split both words ("api.twi" + "tch.tv/he" + "lix") is missed.
KEYWORDS = (b"twitch", b"helix", b"twurple")
# The shape pycalls._looks_secret accepts: 30 lower-case letters and digits, whole.
# NOTE: a secret written with string escapes or as implicitly joined literals does not match and is not found.
SECRET_SHAPE = re.compile(rb"(?<![A-Za-z0-9])[a-z0-9]{30}(?![A-Za-z0-9])")
# Maps lower-case letters and digits to "a" and every other byte to a space, so that a plain
# substring search for 30 "a"s rules out most files before the slower SECRET_SHAPE search.
_SECRET_ALPHABET = bytes(0x61 if 0x30 <= byte <= 0x39 or 0x61 <= byte <= 0x7A else 0x20 for byte in range(256))
_SECRET_RUN = b"a" * 30
# pycalls reports a secret-shaped literal only when it is assigned or passed to a name with one
# of these words, or sent as an Authorization header.
_SECRET_NAME_WORDS = (b"secret", b"token", b"password", b"passwd", b"authorization")
_PY_FROM = re.compile(r"\bfrom[ \t]*(\.*)[ \t]*([\w.]*)[ \t]+import[ \t]*(\([^)]*\)|[^\n;#]*(?:\\\r?\n[^\n;#]*)*)")
_PY_IMPORT = re.compile(r"\bimport[ \t]+([^\n;#(]*(?:\\\r?\n[^\n;#]*)*)")
_IMPORT_WORD = re.compile(rb"import")
_CONTINUATION = re.compile(r"\\\r?\n")
# Import statements contain no string literals, so a "#" in one starts a comment. Another
# statement on the line may have a "#" in a string, so import_lines keeps the line unchanged too.
_COMMENT = re.compile(rb"#[^\r\n]*")
LIBRARY_COPY_MIN = 20
_DOTTED = re.compile(r"[^\W\d]\w*(?:\.[^\W\d]\w*)*")
_JS_SPECIFIER = re.compile(r"""['"`](\.{1,2}(?:/[^'"`\n]*)?)['"`]""")
_JS_RELATIVE = re.compile(rb"""['"`]\.{1,2}[/'"`]""")
# Bytes without which a file that is not kept cannot set the project-wide "refresh token read" flag (TP406).
PYTHON_REFRESH_HINTS = (b"refresh", b"dump")
JAVASCRIPT_REFRESH_HINTS = (b"refresh_token", b"RefreshingAuthProvider")


@dataclass
class Selection:
    """The outcome of the pre-filter.

    ``kept`` files are parsed and analysed together. ``standalone`` files hold a
    secret-shaped literal but reach nothing of Twitch through imports, so each is
    analysed alone, for TP405. ``text_candidates`` are Python files that use a text
    constant of another file. That matters only when they fail to parse and are read
    as text, so those that parse are analysed alone. ``refresh_candidates`` may read a refresh token, and are parsed
    only when the kept files request a user access token and none of them reads one.
    """

    kept: set[str] = field(default_factory=set)
    standalone: set[str] = field(default_factory=set)
    text_candidates: set[str] = field(default_factory=set)
    refresh_candidates: list[str] = field(default_factory=list)
    seeds: int = 0
    # For splitting the analysis: the Python files each kept Python file may import, and the
    # files that the SDK scanner links by receiver name rather than by import.
    imports: dict[str, set[str]] = field(default_factory=dict)
    sdk_group: set[str] = field(default_factory=set)


@dataclass
class _PythonFile:
    path: str
    name: tuple[str, ...]
    data: bytes
    _imports: set[str] | None = None
    # The imported paths named only by an absolute import whose first part is a standard library module name.
    _library_named: set[str] = field(default_factory=set)


def select_files(
    files: Sequence[tuple[str, bytes]], sdk_modules: Iterable[str] = (), python_sdk_modules: Iterable[str] = (), python_sdk_methods: Iterable[str] = ()
) -> Selection:
    """Return which of ``files`` (path and bytes, in scan order) to parse.

    ``sdk_modules`` are the package names of the SDKs in the registry. pysdk matches
    ``python_sdk_methods`` on receivers named like an SDK client in any module, once a
    module imports one of ``python_sdk_modules``, so files calling them are kept then.
    """
    keywords = KEYWORDS + tuple(name.lower().encode() for name in sdk_modules)
    selection = Selection()
    secrets = set()
    for path, data in files:
        lowered = data.lower()
        if any(keyword in lowered for keyword in keywords):
            selection.kept.add(path)
        elif (
            any(word in lowered for word in _SECRET_NAME_WORDS)
            and _SECRET_RUN in data.translate(_SECRET_ALPHABET)
            and SECRET_SHAPE.search(data)
        ):
            secrets.add(path)
    selection.seeds = len(selection.kept) + len(secrets)

    python = [_PythonFile(path, module_name(path), data) for path, data in files if path.endswith(PYTHON_SUFFIXES)]
    _add_sdk_receivers(python, selection, python_sdk_modules, python_sdk_methods)
    graph = _PythonGraph(python)
    javascript = _JavaScriptGraph([(path, data) for path, data in files if path.endswith(JAVASCRIPT_SUFFIXES)])
    graph.add_importers(selection.kept)
    javascript.add_importers(selection.kept)
    graph.add_imports(selection.kept)
    selection.imports = {path: graph.imports(graph.by_path[path]) for path in selection.kept if path in graph.by_path}
    javascript.add_imports(selection.kept)
    _add_constant_users(files, selection)
    selection.standalone = secrets - selection.kept
    for path, data in files:
        if path in selection.kept or path in selection.standalone or path in selection.text_candidates:
            continue
        if path.endswith(PYTHON_SUFFIXES):
            hints = PYTHON_REFRESH_HINTS
        elif path.endswith(JAVASCRIPT_SUFFIXES):
            hints = JAVASCRIPT_REFRESH_HINTS
        else:
            continue
        if any(hint in data for hint in hints):
            selection.refresh_candidates.append(path)
    return selection


def _add_sdk_receivers(python: list[_PythonFile], selection: Selection, sdk_modules: Iterable[str], sdk_methods: Iterable[str]) -> None:
    """Keep Python files that call an SDK method name, when a kept Python file names a Python SDK package."""
    modules = [name.lower().encode() for name in sdk_modules]
    methods = sorted(set(sdk_methods))
    users = {file.path for file in python if file.path in selection.kept and any(module in file.data.lower() for module in modules)}
    if not methods or not users:
        return
    call = re.compile(rb"\.(?:" + b"|".join(re.escape(name.encode()) for name in methods) + rb")\s*\(")
    selection.sdk_group = users | {file.path for file in python if call.search(file.data)}
    selection.kept |= selection.sdk_group


def _add_constant_users(files: Sequence[tuple[str, bytes]], selection: Selection) -> None:
    """Keep text files that use a Twitch URL constant declared in a kept file, as textscan joins them across files."""
    from twitchpolicy.textscan import collect_constants

    sources = [data.decode("utf-8-sig", errors="replace") for path, data in files if path in selection.kept and not path.endswith(PYTHON_SUFFIXES)]
    constants = collect_constants(sources)
    if not constants:
        return
    names = [name.encode() for name in sorted(constants)]
    pattern = re.compile(rb"(?<!\w)(?:" + b"|".join(re.escape(name) for name in names) + rb")(?!\w)")
    for path, data in files:
        if path in selection.kept or path.endswith(JAVASCRIPT_SUFFIXES):
            continue
        # A substring test first: the pattern's look-behind makes it slow on files without the names.
        if not any(name in data for name in names) or not pattern.search(data):
            continue
        if path.endswith(PYTHON_SUFFIXES):
            selection.text_candidates.add(path)
        else:
            selection.kept.add(path)


class _PythonGraph:
    def __init__(self, files: list[_PythonFile]):
        self.files = files
        self.index = ModuleIndex(files)
        self.by_path = {file.path: file for file in files}

    def imports(self, file: _PythonFile) -> set[str]:
        """Return the paths of the tree's Python files that ``file`` may import."""
        if file._imports is None:
            text = import_lines(file.data).decode("utf-8-sig", errors="replace")
            found: set[str] = set()
            library_named: set[str] = set()
            for module, level in _python_imports(text):
                target = resolve_import(file.path, file.name, module, level, self.index)
                if target is None or target is file:
                    continue
                if level == 0 and module[0] in sys.stdlib_module_names:
                    library_named.add(target.path)
                else:
                    found.add(target.path)
            file._library_named = library_named - found
            file._imports = found | library_named
        return file._imports

    def add_importers(self, kept: set[str]) -> None:
        """Keep every Python file that imports a kept one, transitively."""
        importers: dict[str, list[_PythonFile]] = {}
        for file in self.files:
            for target in self.imports(file):
                importers.setdefault(target, []).append(file)
        stack = [path for path in kept if path in self.by_path]
        while stack:
            for file in importers.get(stack.pop(), ()):
                if file.path not in kept:
                    kept.add(file.path)
                    stack.append(file.path)

    def add_imports(self, kept: set[str]) -> None:
        """Keep every Python file that a kept one imports, transitively, except copies of the standard library."""
        copies = library_copies(self.by_path)
        stack = [self.by_path[path] for path in kept if path in self.by_path]
        while stack:
            file = stack.pop()
            for target in self.imports(file):
                # "import json" reaching a copy is the standard library, but "from mybot import json" is the project's module.
                if target not in kept and not (target in copies and target in file._library_named):
                    kept.add(target)
                    stack.append(self.by_path[target])


def library_copies(paths: Iterable[str]) -> set[str]:
    """Return the paths that belong to a copy of the standard library inside the tree.

    A folder that contains at least ``LIBRARY_COPY_MIN`` modules or packages named like
    standard library modules is taken for such a copy (a vendored interpreter's
    ``Lib``, say), and its modules of those names are the standard library. Otherwise a
    bot's ``import json`` would bring in most of it. Only an import that names such
    a module directly (``import json``) skips the copy. A project's own module that shares
    a name, such as a local ``secrets.py``, is still followed when its folder has fewer
    such names, or when it is imported relatively or through its package
    (``from mybot import token``).

    NOTE: a flat project folder with that many such modules, importing them as ``import token``, loses them.
    """
    folders: dict[PurePath, set[str]] = {}
    for path in paths:
        folder, name = _top_level(PurePath(path))
        if name in sys.stdlib_module_names:
            folders.setdefault(folder, set()).add(name)
    roots = {folder for folder, names in folders.items() if len(names) >= LIBRARY_COPY_MIN}
    if not roots:
        return set()
    copies = set()
    for path in paths:
        pure = PurePath(path)
        for root in roots:
            if pure.is_relative_to(root) and _stem(pure.relative_to(root).parts[0]) in folders[root]:
                copies.add(path)
                break
    return copies


def _top_level(path: PurePath) -> tuple[PurePath, str]:
    """Return the folder a module or package sits in and its name: ``a/json/__init__.py`` gives ``a`` and ``json``."""
    if path.name == "__init__.py":
        return path.parent.parent, path.parent.name
    return path.parent, _stem(path.name)


def _stem(name: str) -> str:
    return name.split(".", 1)[0]


def import_lines(data: bytes) -> bytes:
    """Return the lines of Python source ``data`` that contain the word ``import``, one per line.

    A line keeps its continuation: the lines up to the closing bracket of
    ``from x import (...)``, and the lines before and after that a backslash joins to it. A part with a comment is
    returned twice, the second time without comments, because a bracket in a comment, as
    in ``from pkg import (  # helpers (http)``, would end the name list early. Searching for the literal word first is several times
    faster than a line-anchored pattern over the whole file.
    """
    parts = []
    covered = 0
    for match in _IMPORT_WORD.finditer(data):
        if match.start() < covered:
            continue
        start = _continued_line_start(data, match.start())
        stop = _line_end(data, match.end())
        bracket = data.find(b"(", match.end(), _code_end(data, match.end(), stop))
        if bracket >= 0:
            closing = _closing_bracket(data, bracket)
            if closing >= 0:
                stop = max(stop, _line_end(data, closing))
        while data[start:stop].rstrip(b"\r").endswith(b"\\") and stop < len(data):
            stop = _line_end(data, stop + 1)
        part = data[start:stop]
        parts.append(part)
        if b"#" in part:
            parts.append(_COMMENT.sub(b"", part))
        covered = stop
    return b"\n".join(parts)


def _continued_line_start(data: bytes, position: int) -> int:
    """Return where the line at ``position`` starts, with the earlier lines that a backslash joins to it."""
    start = data.rfind(b"\n", 0, position) + 1
    while start > 0:
        end = start - 1
        if end > 0 and data[end - 1] == ord("\r"):
            end -= 1
        if end == 0 or data[end - 1] != ord("\\"):
            return start
        start = data.rfind(b"\n", 0, end) + 1
    return start


def _code_end(data: bytes, position: int, stop: int) -> int:
    """Return where a comment starts between ``position`` and the line end ``stop``, else ``stop``."""
    comment = data.find(b"#", position, stop)
    return stop if comment < 0 else comment


def _closing_bracket(data: bytes, position: int) -> int:
    """Return the offset of the first ``)`` after ``position`` outside comments, or -1."""
    while position < len(data):
        stop = _line_end(data, position)
        closing = data.find(b")", position, _code_end(data, position, stop))
        if closing >= 0:
            return closing
        position = stop + 1
    return -1


def _line_end(data: bytes, position: int) -> int:
    end = data.find(b"\n", position)
    return len(data) if end < 0 else end


def _python_imports(text: str) -> Iterable[tuple[tuple[str, ...], int]]:
    """Yield (dotted name, level) for each module an import statement may name, as pyscan.link_imports resolves them."""
    # A backslash at a line end may split the statement between any two words, even "from settings" and "import".
    text = _CONTINUATION.sub(" ", text)
    for match in _PY_FROM.finditer(text):
        level = len(match.group(1))
        module = tuple(match.group(2).split(".")) if match.group(2) else ()
        yield module, level
        for name in _DOTTED.findall(match.group(3).strip("()")):
            if name != "as":
                yield module + tuple(name.split(".")), level
    for match in _PY_IMPORT.finditer(text):
        for name in _DOTTED.findall(match.group(1)):
            if name != "as":
                yield tuple(name.split(".")), 0


class _JavaScriptGraph:
    def __init__(self, files: list[tuple[str, bytes]]):
        self.data = dict(files)
        self.by_normalized = {normalized(path): path for path, _data in files}
        self._imports: dict[str, set[str]] = {}

    def imports(self, path: str) -> set[str]:
        if path not in self._imports:
            text = self.data[path].decode("utf-8-sig", errors="replace")
            found = {resolve_specifier(path, specifier, self.by_normalized) for specifier in _JS_SPECIFIER.findall(text)}
            self._imports[path] = {target for target in found if target is not None and target != path}
        return self._imports[path]

    def add_importers(self, kept: set[str]) -> None:
        candidates = [path for path, data in self.data.items() if _JS_RELATIVE.search(data)]
        changed = True
        while changed:
            changed = False
            for path in candidates:
                if path not in kept and self.imports(path) & kept:
                    kept.add(path)
                    changed = True

    def add_imports(self, kept: set[str]) -> None:
        stack = [path for path in kept if path in self.data]
        while stack:
            for target in self.imports(stack.pop()):
                if target not in kept:
                    kept.add(target)
                    stack.append(target)
