"""Find Twitch API calls in Python source through the AST.

String literals, f-strings, ``+`` concatenation, ``%`` and ``.format`` are
evaluated through module constants, class attributes (``self.x``), function
locals assigned once, and constants imported from other scanned modules.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

from twitchpolicy.pyast import child_nodes, walk
from twitchpolicy.sites import CallSite
from twitchpolicy.urls import UNKNOWN, parse_twitch_url

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
HTTP_MODULES = frozenset({"requests", "httpx", "aiohttp", "urllib", "urllib3", "treq"})
# Calls that create an HTTP client; a name bound to one is an HTTP receiver.
HTTP_FACTORIES = frozenset({"Session", "session", "Client", "AsyncClient", "ClientSession", "PoolManager", "HTTPConnection", "HTTPSConnection"})
# Words of a receiver's name that mark it as an HTTP client: session.get, self.http.post, apiClient.put.
RECEIVER_WORDS = frozenset({"session", "client", "http", "https", "conn", "connection", "api", "twitch", "helix", "rest", "web"})
# Words that mark a receiver as a test double of an HTTP library: requests_mock.get, responses.add, respx.get.
MOCK_WORDS = frozenset({"mock", "mocker", "responses", "respx", "aioresponses", "httpretty", "stub", "fake"})
# Keyword arguments that only HTTP calls take; queue.put(url) and cache.get(url) have none of them.
HTTP_KEYWORDS = frozenset({"headers", "params", "json", "data", "timeout", "auth", "cookies", "allow_redirects", "follow_redirects", "verify", "ssl"})
WEBHOOK_TOPIC_KEY = "hub.topic"
_MAX_DEPTH = 20
_STRING_NODES = (ast.Constant, ast.JoinedStr, ast.BinOp)
# str methods that take and return plain strings, applied when the receiver and arguments resolve.
_STRING_METHODS = frozenset({"replace", "strip", "lstrip", "rstrip", "lower", "upper", "removeprefix", "removesuffix"})


def module_name(path: str) -> tuple[str, ...]:
    parts = Path(path).with_suffix("").parts
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return tuple(part for part in parts if part not in (".", ".."))


class Scope:
    """The context an expression is evaluated in.

    ``local`` maps names assigned once in the enclosing function to their value;
    ``function`` is that function; ``bindings`` map its parameters to the
    argument a caller passed, with the caller's module and scope, when a call
    inside a wrapper function is evaluated for one of its callers.
    """

    def __init__(
        self,
        class_name: str | None = None,
        local: dict[str, ast.expr] | None = None,
        function: ast.FunctionDef | ast.AsyncFunctionDef | None = None,
        bindings: dict[str, tuple[PythonModule, ast.expr, Scope]] | None = None,
    ):
        self.class_name = class_name
        self.local = local or {}
        self.function = function
        self.bindings = bindings or {}

    def for_class(self) -> Scope:
        return Scope(self.class_name)

    def with_bindings(self, bindings: dict[str, tuple[PythonModule, ast.expr, Scope]]) -> Scope:
        return Scope(self.class_name, self.local, self.function, bindings)


class PythonModule:
    """One parsed Python file: its constants, classes and imports, and the Twitch calls in it."""

    def __init__(self, path: str, tree: ast.Module, source: str = ""):
        self.path = path
        self.tree = tree
        # The parser ends lines only at \n, \r\n and \r; str.splitlines() also splits at form feeds and U+2028.
        self.source_lines = re.split(r"\r\n|\r|\n", source)
        self.name = module_name(path)
        self.constants: dict[str, ast.expr] = {}
        self.classes: dict[str, dict[str, ast.expr]] = {}
        self.class_bases: dict[str, list[str]] = {}
        # The bases as written, such as "commands.Bot", to tell which package a base class comes from.
        self.class_base_paths: dict[str, list[str]] = {}
        self.imported_names: dict[str, tuple[tuple[str, ...], int, str]] = {}
        self.imported_modules: dict[str, tuple[tuple[str, ...], int]] = {}
        self.links: dict[str, PythonModule] = {}
        self.string_statements: set[int] = set()
        self.decorators: set[int] = set()
        self.webhook_topics: set[int] = set()
        self.function_locals: dict[int, dict[str, ast.expr]] = {}
        self.http_names: set[str] = set()
        self.other_names: set[str] = set()
        self.star_imports: list[tuple[tuple[str, ...], int]] = []
        self.star_links: list[PythonModule] = []
        self.http_imports: dict[str, str] = {}
        self.class_nodes: dict[str, ast.ClassDef] = {}
        self.class_methods: dict[str, dict[str, ast.FunctionDef | ast.AsyncFunctionDef]] = {}
        self.functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        self.function_links: dict[str, PythonModule] = {}
        self.name_links: dict[str, PythonModule] = {}
        self._walked: list[tuple[ast.AST, Scope]] | None = None
        # A module without the keyword has no global statement, which spares a walk per function.
        self.has_global = not source or "global" in source
        self._collect()

    # -------------------------------------------------------- collection

    def _collect(self) -> None:
        for node in self.nodes():
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                # Docstrings and bare string statements document code; they call nothing.
                self.string_statements.add(id(node.value))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.decorators.update(id(decorator) for decorator in node.decorator_list)
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values):
                    if isinstance(key, ast.Constant) and key.value == WEBHOOK_TOPIC_KEY:
                        self.webhook_topics.add(id(value))
            self._collect_http_name(node)
        for statement in self.tree.body:
            _collect_assignment(statement, self.constants)
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions[statement.name] = statement
            if isinstance(statement, ast.ClassDef):
                self.class_nodes[statement.name] = statement
                self.class_methods[statement.name] = {
                    item.name: item for item in statement.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                }
                self.classes[statement.name] = _class_attributes(statement)
                self.class_bases[statement.name] = [name for name in map(_call_name, statement.bases) if name]
                self.class_base_paths[statement.name] = [ast.unparse(base) for base in statement.bases]
            elif isinstance(statement, (ast.Import, ast.ImportFrom)):
                self._collect_import(statement)

    def _collect_http_name(self, node: ast.AST) -> None:
        """Remember names bound to an HTTP client: ``s = requests.Session()``, ``async with ClientSession() as s``."""
        pairs: list[tuple[ast.expr, ast.expr | None]] = []
        if isinstance(node, ast.Assign):
            pairs = [(target, node.value) for target in node.targets]
        elif isinstance(node, ast.AnnAssign):
            pairs = [(node.target, node.value)]
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            pairs = [(node.optional_vars, node.context_expr)]
        for target, value in pairs:
            name = _call_name(target)
            if name is None or value is None:
                continue
            if isinstance(value, ast.Call) and _call_name(value.func) in HTTP_FACTORIES:
                self.http_names.add(name)
            elif isinstance(value, (ast.Call, ast.Dict, ast.List, ast.Set, ast.Tuple, ast.DictComp, ast.ListComp, ast.SetComp)):
                # queue = asyncio.Queue(), cache = {}: the receiver is known not to be an HTTP client.
                self.other_names.add(name)

    def _collect_import(self, statement: ast.Import | ast.ImportFrom) -> None:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                self.imported_modules[alias.asname or alias.name.split(".")[0]] = (tuple(alias.name.split(".")), 0)
            return
        module = tuple(statement.module.split(".")) if statement.module else ()
        for alias in statement.names:
            if alias.name == "*":
                self.star_imports.append((module, statement.level))
                continue
            local = alias.asname or alias.name
            self.imported_names[local] = (module, statement.level, alias.name)
            if module and module[0] in HTTP_MODULES and not statement.level:
                self.http_imports[local] = module[0]
            self.imported_modules.setdefault(local, (module + (alias.name,), statement.level))

    def resolve_module(self, module: tuple[str, ...], level: int, index: dict[tuple[str, ...], PythonModule]) -> PythonModule | None:
        """Find the scanned module that an import names, relative imports included."""
        return resolve_import(self.path, self.name, module, level, index)

    def locals_of(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, ast.expr]:
        key = id(function)
        if key not in self.function_locals:
            self.function_locals[key] = _function_locals(function)
        return self.function_locals[key]

    # -------------------------------------------------------- evaluation

    def evaluate(self, node: ast.AST | None, scope: Scope, consumed: set[int], depth: int = 0) -> str | None:
        """Return the string value of ``node`` with UNKNOWN for unresolved parts, or None if it is not a string."""
        if node is None or depth > _MAX_DEPTH:
            return None
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bytes):
                return node.value.decode("latin-1")
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
            left_text = left if left is not None else UNKNOWN
            right_text = right if right is not None else UNKNOWN
            return left_text + right_text
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            left = self.evaluate(node.left, scope, consumed, depth + 1)
            if left is None:
                return None
            return self._percent_format(left, node.right, scope, consumed, depth)
        if isinstance(node, ast.Call):
            return self._evaluate_call(node, scope, consumed, depth)
        if isinstance(node, ast.Name):
            return self._evaluate_name(node.id, scope, consumed, depth)
        if isinstance(node, ast.Attribute):
            return self._evaluate_attribute(node, scope, consumed, depth)
        return None

    def _evaluate_call(self, node: ast.Call, scope: Scope, consumed: set[int], depth: int) -> str | None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "format":
            template = self.evaluate(func.value, scope, consumed, depth + 1)
            if template is None:
                return None
            return self._brace_format(template, node, scope, consumed, depth)
        if isinstance(func, ast.Attribute) and func.attr == "join" and len(node.args) == 1:
            separator = self.evaluate(func.value, scope, consumed, depth + 1)
            items = self._sequence(node.args[0], scope, depth)
            if separator is None or items is None:
                return None
            return separator.join(self._argument_text(item, scope, consumed, depth) for item in items)
        if isinstance(func, ast.Attribute) and func.attr in _STRING_METHODS:
            return self._string_method(node, scope, consumed, depth)
        name = _call_name(func)
        if name == "urlencode" and node.args:
            return self._urlencode(node.args[0], scope, consumed, depth)
        if name == "urljoin" and len(node.args) >= 2:
            base = self.evaluate(node.args[0], scope, consumed, depth + 1)
            tail = self.evaluate(node.args[1], scope, consumed, depth + 1)
            return None if base is None or tail is None else _urljoin(base, tail)
        return None

    def _string_method(self, node: ast.Call, scope: Scope, consumed: set[int], depth: int) -> str | None:
        """Apply ``replace``, ``strip``, ``lower`` and similar methods whose arguments resolve."""
        func = node.func
        receiver = self.evaluate(func.value, scope, consumed, depth + 1)
        if receiver is None:
            return None
        arguments = [self.evaluate(argument, scope, consumed, depth + 1) for argument in node.args]
        if any(argument is None for argument in arguments) or node.keywords:
            return UNKNOWN
        try:
            result = getattr(receiver, func.attr)(*arguments)
        except (TypeError, ValueError):
            return UNKNOWN
        return result if isinstance(result, str) else None

    def _sequence(self, node: ast.expr, scope: Scope, depth: int) -> list[ast.expr] | None:
        """Return the items of a list or tuple literal, directly or through a name."""
        for _ in range(_MAX_DEPTH - depth):
            if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
                return list(node.elts)
            definition = self.definition_of(node, scope)
            if definition is None:
                return None
            node, scope = definition
        return None

    def definition_of(self, node: ast.expr, scope: Scope) -> tuple[ast.expr, Scope] | None:
        """Return the value a name or ``self`` attribute was assigned, when there is one value to follow."""
        if isinstance(node, ast.Name):
            if node.id in scope.local:
                return scope.local[node.id], scope
            if node.id in self.constants:
                return self.constants[node.id], Scope()
            module = self.links.get(node.id)
            if module is not None:
                return module.constants[self.imported_names[node.id][2]], Scope()
            for star in self.star_links:
                if node.id in star.constants:
                    return star.constants[node.id], Scope()
            return None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner = node.value.id
            if owner in ("self", "cls") and scope.class_name in self.classes:
                value = self.classes[scope.class_name].get(node.attr)
                return (value, scope.for_class()) if value is not None else None
            if owner in self.classes and node.attr in self.classes[owner]:
                return self.classes[owner][node.attr], Scope(owner)
            linked = self.links.get("module:" + owner)
            if linked is not None and node.attr in linked.constants:
                return linked.constants[node.attr], Scope()
        return None

    def _urlencode(self, node: ast.expr, scope: Scope, consumed: set[int], depth: int) -> str | None:
        """Evaluate ``urlencode({...})`` with the values quoted as ``urlencode`` quotes them."""
        for _ in range(_MAX_DEPTH - depth):
            if isinstance(node, ast.Dict):
                break
            definition = self.definition_of(node, scope)
            if definition is None:
                return None
            node, scope = definition
        else:
            return None
        pairs = []
        for key, value in zip(node.keys, node.values):
            if key is None:
                pairs.append(UNKNOWN)
                continue
            name = self.evaluate(key, scope, consumed, depth + 1)
            text = self._argument_text(value, scope, consumed, depth)
            pairs.append(f"{quote_plus(name or UNKNOWN)}={quote_plus(text, safe=UNKNOWN)}")
        return "&".join(pairs)

    def _argument_text(self, node: ast.expr | None, scope: Scope, consumed: set[int], depth: int) -> str:
        value = self.evaluate(node, scope, consumed, depth + 1) if node is not None else None
        return value if value is not None else UNKNOWN

    def _brace_format(self, template: str, call: ast.Call, scope: Scope, consumed: set[int], depth: int) -> str:
        """Apply ``str.format`` with the arguments that resolve; the rest become UNKNOWN."""
        keywords = {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg}
        automatic = iter(range(len(call.args)))

        def replace(match: re.Match[str]) -> str:
            field = match.group(1).split("!")[0].split(":")[0]
            if field == "":
                index = next(automatic, None)
                return self._argument_text(call.args[index] if index is not None else None, scope, consumed, depth)
            if field.isdigit():
                index = int(field)
                return self._argument_text(call.args[index] if index < len(call.args) else None, scope, consumed, depth)
            return self._argument_text(keywords.get(field), scope, consumed, depth)

        return re.sub(r"\{([^{}]*)\}", replace, template)

    def _percent_format(self, template: str, values: ast.expr, scope: Scope, consumed: set[int], depth: int) -> str:
        """Apply ``%`` formatting with a tuple, a dict literal or a single value."""
        positional = list(values.elts) if isinstance(values, ast.Tuple) else [values]
        named: dict[str, ast.expr] = {}
        if isinstance(values, ast.Dict):
            named = {key.value: value for key, value in zip(values.keys, values.values) if isinstance(key, ast.Constant) and isinstance(key.value, str)}
        remaining = iter(positional)

        def replace(match: re.Match[str]) -> str:
            if match.group(0) == "%%":
                return "%"
            if match.group(1) is not None:
                return self._argument_text(named.get(match.group(1)), scope, consumed, depth)
            return self._argument_text(next(remaining, None), scope, consumed, depth)

        return re.sub(r"%%|%(?:\(([^)]*)\))?[-#0 +]*\d*(?:\.\d+)?[sdirfx]", replace, template)

    def _evaluate_name(self, name: str, scope: Scope, consumed: set[int], depth: int) -> str | None:
        bound = scope.bindings.get(name)
        if bound is not None:
            module, argument, caller_scope = bound
            result = module.evaluate(argument, caller_scope, consumed, depth + 1)
            if result is not None:
                consumed.add(id(argument))
            return result
        value = scope.local.get(name)
        if value is not None:
            return self._evaluate_definition(value, scope, consumed, depth)
        if scope.function is not None and _is_parameter(scope.function, name):
            # An unbound parameter is unknown, even when a module constant has the same name.
            return None
        if name in self.constants:
            return self._evaluate_definition(self.constants[name], Scope(), consumed, depth)
        module = self.links.get(name)
        if module is not None:
            original = self.imported_names[name][2]
            return module._evaluate_definition(module.constants[original], Scope(), consumed, depth)
        for star in self.star_links:
            if name in star.constants:
                return star._evaluate_definition(star.constants[name], Scope(), consumed, depth)
        return None

    def _evaluate_attribute(self, node: ast.Attribute, scope: Scope, consumed: set[int], depth: int) -> str | None:
        owner = node.value
        if not isinstance(owner, ast.Name):
            return None
        if owner.id in ("self", "cls") and scope.class_name in self.classes:
            value = self.classes[scope.class_name].get(node.attr)
            if value is not None:
                return self._evaluate_definition(value, scope.for_class(), consumed, depth)
        if owner.id in self.classes and node.attr in self.classes[owner.id]:
            return self._evaluate_definition(self.classes[owner.id][node.attr], Scope(owner.id), consumed, depth)
        linked = self.links.get("module:" + owner.id)
        if linked is not None and node.attr in linked.constants:
            return linked._evaluate_definition(linked.constants[node.attr], Scope(), consumed, depth)
        return None

    def _evaluate_definition(self, value: ast.expr, scope: Scope, consumed: set[int], depth: int) -> str | None:
        result = self.evaluate(value, scope, consumed, depth + 1)
        if result is not None:
            consumed.add(id(value))
        return result

    # -------------------------------------------------------- calls and mentions

    def find_calls(self, consumed: set[int]) -> list[CallSite]:
        """Report HTTP calls whose URL argument resolves to a Twitch API URL."""
        sites = []
        for node, scope in self._walk():
            if not isinstance(node, ast.Call) or id(node) in self.decorators:
                continue
            method, url_node = _http_call(node, self, scope, consumed)
            if url_node is None:
                continue
            url = self.evaluate(url_node, scope, consumed)
            parsed = parse_twitch_url(url) if url is not None else None
            if parsed is None or parsed.is_base:
                continue
            consumed.add(id(url_node))
            sites.append(CallSite(self.path, node.lineno, self.column(node), url, method, "call"))
        return sites

    def find_mentions(self, consumed: set[int]) -> list[CallSite]:
        """Report absolute Twitch URLs in outermost string expressions that no HTTP call consumed."""
        sites = []
        # The kept walk is depth first, so the nodes below an evaluated string expression
        # follow it; they are skipped, as only outermost expressions count.
        inside: set[int] = set()
        for node, scope in self._walk():
            if id(node) in inside:
                continue
            if _is_string_expression(node) and id(node) not in self.string_statements:
                url = self.evaluate(node, scope, set())
                if url is not None:
                    parsed = parse_twitch_url(url)
                    if id(node) not in consumed and parsed is not None and parsed.host is not None and not parsed.is_base:
                        kind = "webhook-topic" if id(node) in self.webhook_topics else "mention"
                        sites.append(CallSite(self.path, node.lineno, self.column(node), url, None, kind, end_line=node.end_lineno or node.lineno))
                    inside.update(id(child) for child in walk(node))
        return sites

    def column(self, node: ast.expr) -> int:
        """Return the 1-based character column of ``node``; the AST counts UTF-8 bytes."""
        index = node.lineno - 1
        if index >= len(self.source_lines) or self.source_lines[index].isascii():
            return node.col_offset + 1
        prefix = self.source_lines[index].encode("utf-8")[: node.col_offset]
        return len(prefix.decode("utf-8", errors="replace")) + 1

    def _children(self, node: ast.AST, scope: Scope) -> list[tuple[ast.AST, Scope]]:
        """Return the child nodes with their scope, last child first, ready to push on a depth-first stack."""
        if isinstance(node, ast.ClassDef):
            child_scope = Scope(node.name)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            child_scope = Scope(scope.class_name, self.locals_of(node), node)
        else:
            child_scope = scope
        children = child_nodes(node)
        children.reverse()
        return [(child, child_scope) for child in children]

    def _walk(self) -> Iterator[tuple[ast.AST, Scope]]:
        """Yield every node with its scope, depth first; the walk is made once and kept, as several scanners repeat it."""
        if self._walked is None:
            walked = []
            stack: list[tuple[ast.AST, Scope]] = [(self.tree, Scope())]
            while stack:
                node, scope = stack.pop()
                walked.append((node, scope))
                stack.extend(self._children(node, scope))
            self._walked = walked
        return iter(self._walked)

    def nodes(self) -> Iterator[ast.AST]:
        """Yield every node of the module, in the order of ``_walk``."""
        return (node for node, _scope in self._walk())


def resolve_import(path: str, importer: tuple[str, ...], module: tuple[str, ...], level: int, index: dict) -> Any:
    """Find the scanned module that an import in the module named ``importer`` at ``path`` names, relative imports included.

    ``index`` maps dotted names to modules, or to any object with a ``name``.
    """
    if level:
        package = importer if Path(path).name == "__init__.py" else importer[:-1]
        if level > 1:
            package = package[: len(package) - (level - 1)]
        target = package + module
    else:
        target = module
    if not target:
        return None
    found = index.get(target)
    if found is not None:
        return found
    # The scan root may sit above or inside the package root, so match the longest common suffix.
    # Of several matches (two folders with an auth.py), the one nearest this module wins.
    # Only modules whose last name part matches are compared, which keeps large trees fast.
    matches = []
    for name, candidate in index.by_last.get(target[-1], ()) if isinstance(index, ModuleIndex) else index.items():
        shorter = min(len(name), len(target))
        if shorter and name[-shorter:] == target[-shorter:]:
            matches.append((_common_prefix(name, importer), shorter, candidate))
    if not matches:
        return None
    return max(matches, key=lambda match: (match[0], match[1]))[2]


def _common_prefix(first: tuple[str, ...], second: tuple[str, ...]) -> int:
    count = 0
    for left, right in zip(first, second):
        if left != right:
            break
        count += 1
    return count


def _is_string_expression(node: ast.AST) -> bool:
    """Tell whether a node builds a string: a literal, an f-string, ``+`` or ``%``, or ``"...".format(...)``."""
    if isinstance(node, _STRING_NODES):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format" and isinstance(node.func.value, (ast.Constant, ast.JoinedStr))


class ModuleIndex(dict):
    """Scanned modules by dotted name, with a second index by the last part of the name."""

    def __init__(self, modules: list[PythonModule]):
        super().__init__((module.name, module) for module in modules)
        self.by_last: dict[str, list[tuple[tuple[str, ...], PythonModule]]] = {}
        for name, module in self.items():
            if name:
                self.by_last.setdefault(name[-1], []).append((name, module))


def link_imports(modules: list[PythonModule]) -> None:
    """Connect each module's imported names to the scanned modules that define them."""
    index = ModuleIndex(modules)
    for module in modules:
        for local, (source, level, original) in module.imported_names.items():
            target = module.resolve_module(source, level, index)
            if target is None or target is module:
                continue
            module.name_links[local] = target
            if original in target.constants:
                module.links[local] = target
            if original in target.functions:
                module.function_links[local] = target
        for local, (source, level) in module.imported_modules.items():
            target = module.resolve_module(source, level, index)
            if target is not None:
                module.links["module:" + local] = target
        for source, level in module.star_imports:
            target = module.resolve_module(source, level, index)
            if target is not None and target is not module:
                module.star_links.append(target)


def _collect_assignment(statement: ast.stmt, into: dict[str, ast.expr]) -> None:
    if isinstance(statement, ast.Assign):
        for target in statement.targets:
            if isinstance(target, ast.Name):
                into[target.id] = statement.value
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None and isinstance(statement.target, ast.Name):
        into[statement.target.id] = statement.value


def _class_attributes(class_node: ast.ClassDef) -> dict[str, ast.expr]:
    """Class-level assignments, then ``self.x = ...`` and ``self.x: T = ...`` in its methods (first one wins)."""
    attributes: dict[str, ast.expr] = {}
    for item in class_node.body:
        _collect_assignment(item, attributes)
    for node in walk(class_node):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
            attributes.setdefault(target.attr, value)
    return attributes


def _is_parameter(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    arguments = function.args
    every = arguments.posonlyargs + arguments.args + arguments.kwonlyargs
    every += [argument for argument in (arguments.vararg, arguments.kwarg) if argument is not None]
    return any(argument.arg == name for argument in every)


def _store_names(target: ast.AST) -> Iterator[str]:
    for node in walk(target):
        if isinstance(node, ast.Name):
            yield node.id


def _function_locals(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, ast.expr]:
    """Map each name assigned exactly once in the function to its value.

    A name that is also a parameter, a loop, with, walrus or augmented-assignment target is left out.
    """
    values: dict[str, ast.expr] = {}
    counts: dict[str, int] = {}

    def disqualify(target: ast.AST) -> None:
        for name in _store_names(target):
            counts[name] = counts.get(name, 0) + 2

    for node in walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    counts[target.id] = counts.get(target.id, 0) + 1
                    values[target.id] = node.value
                else:
                    disqualify(target)
        elif isinstance(node, ast.AnnAssign) and node.value is not None and isinstance(node.target, ast.Name):
            counts[node.target.id] = counts.get(node.target.id, 0) + 1
            values[node.target.id] = node.value
        elif isinstance(node, (ast.AugAssign, ast.For, ast.AsyncFor, ast.comprehension)):
            disqualify(node.target)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    disqualify(item.optional_vars)
        elif isinstance(node, ast.NamedExpr):
            disqualify(node.target)
    for argument in walk(function.args):
        if isinstance(argument, ast.arg):
            counts[argument.arg] = counts.get(argument.arg, 0) + 2
    return {name: value for name, value in values.items() if counts.get(name) == 1}


def _call_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _receiver_name(func: ast.expr) -> str | None:
    """Return the last name of the object a method is called on: ``self._session`` gives ``_session``."""
    if not isinstance(func, ast.Attribute):
        return None
    receiver = func.value
    if isinstance(receiver, ast.Call):
        receiver = receiver.func
    return _call_name(receiver)


def _name_words(name: str) -> set[str]:
    """Split ``apiClient`` or ``self._twitch_session`` into lower-case words."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return {word.lower() for word in re.split(r"[\W_]+", spaced) if word}


def _is_http_call(node: ast.Call, module: PythonModule, scope: Scope) -> bool:
    """Tell whether a get/post/request call goes to an HTTP client rather than a dict, queue or test double."""
    if isinstance(node.func, ast.Name):
        return node.func.id in module.http_imports
    receiver = _receiver_name(node.func)
    if receiver is None:
        return False
    if receiver in ("self", "cls") and scope.class_name is not None:
        # self.post(url) inside class TwitchSession(APIClient): the class is the HTTP client.
        names = [scope.class_name] + module.class_bases.get(scope.class_name, [])
        return any(_name_words(name) & RECEIVER_WORDS for name in names)
    words = _name_words(receiver)
    if words & MOCK_WORDS:
        return False
    if receiver in module.http_names or receiver.lower() in HTTP_MODULES:
        return True
    if receiver in module.other_names:
        return False
    return bool(words & RECEIVER_WORDS) or any(keyword.arg in HTTP_KEYWORDS for keyword in node.keywords)


def _http_call(node: ast.Call, module: PythonModule, scope: Scope, consumed: set[int]) -> tuple[str | None, ast.expr | None]:
    """Return the HTTP method (None if unknown) and the URL argument of an HTTP call, or (None, None)."""
    name = _call_name(node.func)
    if name is None:
        return None, None
    keywords = {keyword.arg: keyword.value for keyword in node.keywords if keyword.arg}
    if name.upper() in HTTP_METHODS and name.islower():
        if not _is_http_call(node, module, scope):
            return None, None
        return name.upper(), node.args[0] if node.args else keywords.get("url")
    if name in ("request", "stream", "build_request") and _is_http_call(node, module, scope):
        return _method_and_url(node, module, scope, consumed, keywords)
    if name == "Request" and _request_class_module(node, module) in ("requests", "httpx"):
        return _method_and_url(node, module, scope, consumed, keywords)
    if name in ("Request", "urlopen"):
        url = node.args[0] if node.args else keywords.get("url")
        if "method" in keywords:
            return _method_value(module, keywords["method"], scope, consumed), url
        has_data = len(node.args) > 1 or "data" in keywords
        return ("POST" if has_data else "GET"), url
    first = node.args[0] if node.args else None
    if len(node.args) >= 2 and isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value.upper() in HTTP_METHODS[:5]:
        # A project's own wrapper called like requests.request: self._request("POST", url) or ("get", path).
        return first.value.upper(), node.args[1]
    return None, None


def _method_and_url(node: ast.Call, module: PythonModule, scope: Scope, consumed: set[int], keywords: dict) -> tuple[str | None, ast.expr | None]:
    """Read ``(method, url)`` arguments, as requests, httpx and aiohttp take them."""
    method_node = node.args[0] if node.args else keywords.get("method")
    url = node.args[1] if len(node.args) > 1 else keywords.get("url")
    return _method_value(module, method_node, scope, consumed), url


def _request_class_module(node: ast.Call, module: PythonModule) -> str | None:
    """Return ``requests`` or ``httpx`` when ``Request`` comes from them; their signature is (method, url)."""
    if isinstance(node.func, ast.Name):
        return module.http_imports.get(node.func.id)
    receiver = _receiver_name(node.func)
    return receiver if receiver in ("requests", "httpx") else None


def _method_value(module: PythonModule, node: ast.expr | None, scope: Scope, consumed: set[int]) -> str | None:
    value = module.evaluate(node, scope, consumed) if node is not None else None
    if value is None or UNKNOWN in value or value.upper() not in HTTP_METHODS:
        return None
    return value.upper()


def _urljoin(base: str, tail: str) -> str:
    if "://" in tail:
        return tail
    if tail.startswith("/"):
        match = re.match(r"^[a-zA-Z]+://[^/]+", base)
        return (match.group(0) if match else "") + tail
    return base.rsplit("/", 1)[0] + "/" + tail if "/" in base else tail
