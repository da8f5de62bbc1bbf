"""Find Twitch API calls in source files without importing or running them.

Python files are parsed with :mod:`ast`: string literals, f-strings, ``+``
concatenation, ``%`` and ``.format`` are evaluated through module constants, class
attributes, function locals and constants imported from other scanned modules.
Other source files are searched as text for Twitch API URLs.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from twitchpolicy.urls import UNKNOWN, parse_twitch_url

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

PYTHON_SUFFIXES = (".py", ".pyi")
TEXT_SUFFIXES = (
    ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts", ".go", ".rs", ".java", ".kt", ".kts",
    ".cs", ".php", ".rb", ".lua", ".sh", ".bash", ".ps1", ".swift", ".dart", ".scala", ".c", ".cc", ".cpp", ".h",
)
EXCLUDED_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules", "__pycache__", ".mypy_cache",
     ".pytest_cache", ".ruff_cache", "build", "dist", ".eggs", "site-packages", ".twitchpolicy_cache"}
)


@dataclass(frozen=True)
class CallSite:
    """A Twitch API URL found in source, with the HTTP method when the code shows it.

    ``kind`` is ``call`` for a recognised HTTP call and ``mention`` for a URL found
    elsewhere (a constant passed to a wrapper, a JavaScript string). ``line`` and
    ``column`` are 1-based. ``url`` contains :data:`UNKNOWN` where a value could not be resolved.
    """

    path: str
    line: int
    column: int
    url: str
    method: str | None
    kind: str


@dataclass(frozen=True)
class ParseFailure:
    path: str
    line: int
    column: int
    message: str


@dataclass
class ScanResult:
    sites: list[CallSite] = field(default_factory=list)
    failures: list[ParseFailure] = field(default_factory=list)
    files_scanned: int = 0


class ScanPathError(Exception):
    """Raised for a path given on the command line that does not exist."""


# ---------------------------------------------------------------- discovery


def iter_source_files(paths: Iterable[str]) -> Iterator[Path]:
    """Yield the Python and text source files under ``paths``, skipping virtual environments, VCS and build folders."""
    for given in paths:
        root = Path(given)
        if not root.exists():
            raise ScanPathError(f"path not found: {given}")
        if root.is_file():
            yield root
            continue
        for directory, subdirs, files in os.walk(root):
            subdirs[:] = sorted(name for name in subdirs if name not in EXCLUDED_DIRS and not name.endswith(".egg-info"))
            for name in sorted(files):
                if name.endswith(PYTHON_SUFFIXES + TEXT_SUFFIXES):
                    yield Path(directory) / name


def scan_paths(paths: Iterable[str]) -> ScanResult:
    result = ScanResult()
    modules: list[_Module] = []
    for path in iter_source_files(paths):
        result.files_scanned += 1
        try:
            source = path.read_bytes().decode("utf-8", errors="replace")
        except OSError as error:
            result.failures.append(ParseFailure(str(path), 1, 1, f"cannot read file: {error.strerror}"))
            continue
        if path.suffix in PYTHON_SUFFIXES:
            try:
                tree = ast.parse(source, filename=str(path))
            except (SyntaxError, ValueError) as error:
                line = getattr(error, "lineno", None) or 1
                column = getattr(error, "offset", None) or 1
                reason = getattr(error, "msg", None) or str(error)
                result.failures.append(ParseFailure(str(path), line, column, f"cannot parse Python: {reason}"))
                result.sites += scan_text(str(path), source)
                continue
            modules.append(_Module(str(path), tree))
        else:
            result.sites += scan_text(str(path), source)
    _link_imports(modules)
    consumed: set[int] = set()
    for module in modules:
        result.sites += module.find_calls(consumed)
    for module in modules:
        result.sites += module.find_mentions(consumed)
    return result


# ---------------------------------------------------------------- Python


def _module_name(path: str) -> tuple[str, ...]:
    parts = Path(path).with_suffix("").parts
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return tuple(part for part in parts if part not in (".", ".."))


class _Module:
    """One parsed Python file: its constants, classes and imports."""

    def __init__(self, path: str, tree: ast.Module):
        self.path = path
        self.tree = tree
        self.name = _module_name(path)
        self.constants: dict[str, ast.expr] = {}
        self.classes: dict[str, dict[str, ast.expr]] = {}
        self.imported_names: dict[str, tuple[tuple[str, ...], int, str]] = {}
        self.imported_modules: dict[str, tuple[tuple[str, ...], int]] = {}
        self.links: dict[str, _Module] = {}
        self.parents: dict[int, ast.AST] = {}
        self._collect()

    def _collect(self) -> None:
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[id(child)] = node
        for statement in self.tree.body:
            self._collect_statement(statement, self.constants)
            if isinstance(statement, ast.ClassDef):
                attributes: dict[str, ast.expr] = {}
                for item in statement.body:
                    self._collect_statement(item, attributes)
                for item in ast.walk(statement):
                    if isinstance(item, ast.Assign) and len(item.targets) == 1:
                        target = item.targets[0]
                        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
                            attributes.setdefault(target.attr, item.value)
                self.classes[statement.name] = attributes
            elif isinstance(statement, (ast.Import, ast.ImportFrom)):
                self._collect_import(statement)

    @staticmethod
    def _collect_statement(statement: ast.stmt, into: dict[str, ast.expr]) -> None:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    into[target.id] = statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None and isinstance(statement.target, ast.Name):
            into[statement.target.id] = statement.value

    def _collect_import(self, statement: ast.Import | ast.ImportFrom) -> None:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                self.imported_modules[alias.asname or alias.name.split(".")[0]] = (tuple(alias.name.split(".")), 0)
            return
        module = tuple(statement.module.split(".")) if statement.module else ()
        for alias in statement.names:
            local = alias.asname or alias.name
            self.imported_names[local] = (module, statement.level, alias.name)
            self.imported_modules.setdefault(local, (module + (alias.name,), statement.level))

    def resolve_module(self, module: tuple[str, ...], level: int, index: dict[tuple[str, ...], _Module]) -> _Module | None:
        if level:
            package = self.name[:-1] if Path(self.path).name != "__init__.py" else self.name
            if level > 1:
                package = package[: len(package) - (level - 1)]
            wanted = package + module
        else:
            wanted = module
        if not wanted:
            return None
        found = index.get(wanted)
        if found is not None:
            return found
        # The scan root may sit inside or above the package root: match on the longest suffix.
        for name, candidate in index.items():
            if name[-len(wanted):] == wanted or wanted[-len(name):] == name and len(name) >= 1 and name[-1] == wanted[-1]:
                return candidate
        return None

    # -------------------------------------------------------- evaluation

    def evaluate(self, node: ast.AST | None, scope: _Scope, consumed: set[int], depth: int = 0) -> str | None:
        """Return the string value of ``node`` with :data:`UNKNOWN` for unresolved parts, or None if it is not a string."""
        if node is None or depth > 20:
            return None
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                if isinstance(value, ast.Constant):
                    parts.append(str(value.value))
                else:
                    inner = self.evaluate(getattr(value, "value", None), scope, consumed, depth + 1)
                    parts.append(inner if inner is not None else UNKNOWN)
            return "".join(parts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = self.evaluate(node.left, scope, consumed, depth + 1)
            right = self.evaluate(node.right, scope, consumed, depth + 1)
            if left is None and right is None:
                return None
            return (left if left is not None else UNKNOWN) + (right if right is not None else UNKNOWN)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            left = self.evaluate(node.left, scope, consumed, depth + 1)
            return None if left is None else re.sub(r"%[-#0 +]*\d*(?:\.\d+)?[sdirfx]", UNKNOWN, left)
        if isinstance(node, ast.Call):
            return self._evaluate_call(node, scope, consumed, depth)
        if isinstance(node, ast.Name):
            return self._evaluate_name(node.id, scope, consumed, depth)
        if isinstance(node, ast.Attribute):
            return self._evaluate_attribute(node, scope, consumed, depth)
        return None

    def _evaluate_call(self, node: ast.Call, scope: _Scope, consumed: set[int], depth: int) -> str | None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "format":
            template = self.evaluate(func.value, scope, consumed, depth + 1)
            return None if template is None else re.sub(r"\{[^{}]*\}", UNKNOWN, template)
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if name == "urljoin" and len(node.args) >= 2:
            base = self.evaluate(node.args[0], scope, consumed, depth + 1)
            tail = self.evaluate(node.args[1], scope, consumed, depth + 1)
            if base is None or tail is None:
                return None
            return _urljoin(base, tail)
        return None

    def _evaluate_name(self, name: str, scope: _Scope, consumed: set[int], depth: int) -> str | None:
        value = scope.lookup(name)
        if value is not None:
            return self._evaluate_definition(value, scope, consumed, depth)
        if name in self.constants:
            return self._evaluate_definition(self.constants[name], _Scope(), consumed, depth)
        if name in self.imported_names and name in self.links:
            module = self.links[name]
            original = self.imported_names[name][2]
            if original in module.constants:
                return module._evaluate_definition(module.constants[original], _Scope(), consumed, depth)
        return None

    def _evaluate_attribute(self, node: ast.Attribute, scope: _Scope, consumed: set[int], depth: int) -> str | None:
        owner = node.value
        if isinstance(owner, ast.Name):
            if owner.id in ("self", "cls") and scope.class_name in self.classes:
                value = self.classes[scope.class_name].get(node.attr)
                if value is not None:
                    return self._evaluate_definition(value, scope.for_class(), consumed, depth)
            if owner.id in self.classes and node.attr in self.classes[owner.id]:
                return self._evaluate_definition(self.classes[owner.id][node.attr], _Scope(owner.id), consumed, depth)
            linked = self.links.get("module:" + owner.id)
            if linked is not None and node.attr in linked.constants:
                return linked._evaluate_definition(linked.constants[node.attr], _Scope(), consumed, depth)
        return None

    def _evaluate_definition(self, value: ast.expr, scope: _Scope, consumed: set[int], depth: int) -> str | None:
        result = self.evaluate(value, scope, consumed, depth + 1)
        if result is not None:
            consumed.add(id(value))
        return result

    # -------------------------------------------------------- calls and mentions

    def find_calls(self, consumed: set[int]) -> list[CallSite]:
        sites = []
        for node, scope in _walk_with_scope(self.tree):
            if not isinstance(node, ast.Call):
                continue
            method, url_node = _http_call(node, self, scope, consumed)
            if url_node is None:
                continue
            url = self.evaluate(url_node, scope, consumed)
            if url is None:
                continue
            parsed = parse_twitch_url(url)
            if parsed is None or parsed.is_base:
                continue
            consumed.add(id(url_node))
            sites.append(CallSite(self.path, node.lineno, node.col_offset + 1, url, method, "call"))
        return sites

    def find_mentions(self, consumed: set[int]) -> list[CallSite]:
        """Report Twitch URLs in outermost string expressions that no HTTP call consumed."""
        sites = []
        stack: list[tuple[ast.AST, _Scope]] = [(self.tree, _Scope())]
        while stack:
            node, scope = stack.pop()
            if isinstance(node, _STRING_NODES) and not self._is_docstring(node):
                url = self.evaluate(node, scope, set())
                if url is not None:
                    parsed = parse_twitch_url(url)
                    if id(node) not in consumed and parsed is not None and not parsed.is_base:
                        sites.append(CallSite(self.path, node.lineno, node.col_offset + 1, url, None, "mention"))
                    continue
            stack.extend((child, child_scope) for child, child_scope in _children_with_scope(node, scope))
        return sites

    def _is_docstring(self, node: ast.AST) -> bool:
        parent = self.parents.get(id(node))
        return isinstance(parent, ast.Expr) and isinstance(node, ast.Constant)


class _Scope:
    """Names assigned in the enclosing function, and the enclosing class."""

    def __init__(self, class_name: str | None = None, local: dict[str, ast.expr] | None = None):
        self.class_name = class_name
        self.local = local or {}

    def lookup(self, name: str) -> ast.expr | None:
        return self.local.get(name)

    def for_class(self) -> _Scope:
        return _Scope(self.class_name)


def _function_locals(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, ast.expr]:
    """Map each name assigned exactly once in the function body to its value."""
    values: dict[str, ast.expr] = {}
    counts: dict[str, int] = {}
    for node in ast.walk(function):
        targets: list[ast.expr] = []
        value = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        elif isinstance(node, (ast.AugAssign, ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.NamedExpr)):
            for name_node in ast.walk(node):
                if isinstance(name_node, ast.Name) and isinstance(name_node.ctx, ast.Store):
                    counts[name_node.id] = counts.get(name_node.id, 0) + 2
            continue
        for target in targets:
            if isinstance(target, ast.Name) and value is not None:
                counts[target.id] = counts.get(target.id, 0) + 1
                values[target.id] = value
    for argument in ast.walk(function.args):
        if isinstance(argument, ast.arg):
            counts[argument.arg] = counts.get(argument.arg, 0) + 2
    return {name: value for name, value in values.items() if counts.get(name) == 1}


_STRING_NODES = (ast.Constant, ast.JoinedStr, ast.BinOp)


def _children_with_scope(node: ast.AST, scope: _Scope) -> Iterator[tuple[ast.AST, _Scope]]:
    if isinstance(node, ast.ClassDef):
        child_scope = _Scope(node.name)
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        child_scope = _Scope(scope.class_name, _function_locals(node))
    else:
        child_scope = scope
    for child in reversed(list(ast.iter_child_nodes(node))):
        yield child, child_scope


def _walk_with_scope(tree: ast.Module) -> Iterator[tuple[ast.AST, _Scope]]:
    """Yield every node in source order with the scope it is evaluated in."""
    stack: list[tuple[ast.AST, _Scope]] = [(tree, _Scope())]
    while stack:
        node, scope = stack.pop()
        yield node, scope
        stack.extend(_children_with_scope(node, scope))


def _http_call(node: ast.Call, module: _Module, scope: _Scope, consumed: set[int]) -> tuple[str | None, ast.expr | None]:
    """Return the HTTP method (None if unknown) and the URL argument of an HTTP call, or (None, None)."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if name is None:
        return None, None
    keywords = {keyword.arg: keyword.value for keyword in node.keywords if keyword.arg}
    lowered = name.lower()
    if lowered.upper() in HTTP_METHODS or lowered in ("head", "options"):
        url = node.args[0] if node.args else keywords.get("url")
        return name.upper(), url
    if name in ("request", "stream", "build_request", "fetch"):
        method_node = node.args[0] if node.args else keywords.get("method")
        url = node.args[1] if len(node.args) > 1 else keywords.get("url")
        method = module.evaluate(method_node, scope, consumed) if method_node is not None else None
        return (method.upper() if method and UNKNOWN not in method else None), url
    if name in ("Request", "urlopen"):
        url = node.args[0] if node.args else keywords.get("url")
        method_node = keywords.get("method")
        if method_node is not None:
            method = module.evaluate(method_node, scope, consumed)
            return (method.upper() if method and UNKNOWN not in method else None), url
        has_data = len(node.args) > 1 or "data" in keywords
        return ("POST" if has_data else "GET"), url
    return None, None


def _urljoin(base: str, tail: str) -> str:
    if "://" in tail:
        return tail
    if tail.startswith("/"):
        match = re.match(r"^[a-zA-Z]+://[^/]+", base)
        return (match.group(0) if match else "") + tail
    return base.rsplit("/", 1)[0] + "/" + tail if "/" in base else tail


def _link_imports(modules: list[_Module]) -> None:
    index = {module.name: module for module in modules}
    for module in modules:
        for local, (source, level, original) in module.imported_names.items():
            target = module.resolve_module(source, level, index)
            if target is not None and original in target.constants:
                module.links[local] = target
        for local, (source, level) in module.imported_modules.items():
            target = module.resolve_module(source, level, index)
            if target is not None:
                module.links["module:" + local] = target


# ---------------------------------------------------------------- text


_TEXT_URL = re.compile(
    r"""(?:https?:)?//(?:api|id)\.twitch\.tv/(?:[^\s'"`<>()\[\]{}\\,;$|]|\$\{[^}\n]*\})*""",
    re.IGNORECASE,
)
_TEMPLATE_PART = re.compile(r"\$\{[^}\n]*\}")
_METHOD_BEFORE = re.compile(r"\.(get|post|put|patch|delete)\s*(?:<[^>]*>)?\(\s*[`'\"]?$", re.IGNORECASE)
_NEW_REQUEST = re.compile(r"""(?:NewRequest(?:WithContext)?|request)\s*\([^()]*?["'](GET|POST|PUT|PATCH|DELETE)["']\s*,\s*[`'"]?$""", re.IGNORECASE)
_CURL_METHOD = re.compile(r"curl\b.*?(?:-X|--request)\s*([A-Z]+)")
_FETCH_BEFORE = re.compile(r"\bfetch\s*\(\s*[`'\"]?$")
_METHOD_OPTION = re.compile(r"""method\s*:\s*[`'"](GET|POST|PUT|PATCH|DELETE)[`'"]""", re.IGNORECASE)


def scan_text(path: str, source: str) -> list[CallSite]:
    """Find Twitch API URLs in a non-Python source file, and the HTTP method where the same line or a fetch call shows it."""
    sites = []
    line_starts = [0]
    for match in re.finditer("\n", source):
        line_starts.append(match.end())
    for match in _TEXT_URL.finditer(source):
        url = _TEMPLATE_PART.sub(UNKNOWN, match.group(0))
        parsed = parse_twitch_url(url)
        if parsed is None or parsed.is_base:
            continue
        start = match.start()
        line_index = _line_index(line_starts, start)
        before = source[line_starts[line_index]:start]
        method = _text_method(before, source[match.end(): match.end() + 400])
        sites.append(CallSite(path, line_index + 1, start - line_starts[line_index] + 1, url, method, "mention"))
    return sites


def _line_index(line_starts: list[int], offset: int) -> int:
    low, high = 0, len(line_starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if line_starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low


def _text_method(before: str, after: str) -> str | None:
    for pattern in (_METHOD_BEFORE, _NEW_REQUEST):
        found = pattern.search(before)
        if found:
            return found.group(1).upper()
    found = _CURL_METHOD.search(before)
    if found and found.group(1) in HTTP_METHODS:
        return found.group(1)
    if _FETCH_BEFORE.search(before):
        # fetch(url, {method: ...}): the options follow the URL; fetch defaults to GET.
        closing = after.find(")")
        options = after[: closing if closing >= 0 else len(after)]
        found = _METHOD_OPTION.search(options)
        return found.group(1).upper() if found else "GET"
    return None
