"""Follow values through Python code: tokens, OAuth responses, header and parameter dicts, HTTP clients.

The analysis is a small abstract interpreter over the AST. It follows names to
every value they are assigned: in the function, in the class through ``self``,
in the module, and in other scanned modules they are imported from. It follows
calls to the return values of functions defined in the scanned code, and
function parameters to the arguments of the caller being evaluated. A token read from the response of a
request to the OAuth token endpoint takes its kind from the request's grant.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from twitchpolicy.pyast import child_nodes, walk
from twitchpolicy.pyscan import HTTP_FACTORIES, HTTP_MODULES, PythonModule, Scope, _call_name, _is_parameter
from twitchpolicy.sites import APP, USER, Fields
from twitchpolicy.urls import UNKNOWN

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
GRANT_KINDS = {"client_credentials": APP, "authorization_code": USER, "refresh_token": USER, DEVICE_GRANT: USER}
GRANT_NAMES = {DEVICE_GRANT: "device code"}
_MAX_DEPTH = 14
# Following stops after this many steps for one expression, and the value is then unknown.
# Without a limit, names assigned many times from each other make the search grow exponentially.
_MAX_STEPS = 2000
_ANNOTATION = re.compile(r"#\s*twitchpolicy:\s*token\s*=\s*(app|user)\b")
# Values that stand for "no token yet": assigning one of them shows nothing about the kind.
_EMPTY_VALUES = (None, "", False)


@dataclass(frozen=True)
class Token:
    """A token value: its kind and evidence when known, and the names it passed through."""

    kind: str | None = None
    reason: str | None = None
    names: tuple[str, ...] = ()
    scopes: tuple[str, ...] | None = None

    def named(self, name: str) -> Token:
        if name in self.names:
            return self
        return Token(self.kind, self.reason, self.names + (name,), self.scopes)


@dataclass(frozen=True)
class Response:
    """The response of a request to the OAuth token endpoint, or its parsed JSON body."""

    grant: str | None
    where: str


@dataclass(frozen=True)
class Client:
    """An HTTP client object: its default headers and base URL."""

    headers: Fields
    header_nodes: dict[str, tuple[PythonModule, ast.expr, Scope]] = field(default_factory=dict)
    base_url: str | None = None


Value = Token | Response


def grant_label(grant: str | None) -> str:
    return GRANT_NAMES.get(grant or "", grant or "unknown grant")


class Flow:
    """Value following across all scanned Python modules of one run."""

    def __init__(self, modules: list[PythonModule]):
        self.modules = modules
        # id of an HTTP call node sent to the OAuth token endpoint -> (grant, "path:line")
        self.token_requests: dict[int, tuple[str | None, str]] = {}
        self._assignments: dict[int, dict[str, list[ast.expr]]] = {}
        self._module_assignments: dict[int, dict[str, list[ast.expr]]] = {}
        self._class_assignments: dict[tuple[int, str], dict[str, list[tuple[ast.expr, ast.AST | None]]]] = {}
        self._annotations: dict[int, dict[int, str]] = {}
        self._steps = 0
        self._field_steps = 0
        self._item_stores: dict[int, dict[tuple[str, str], list[tuple[ast.expr, ast.AST | None]]]] = {}
        self._adds_headers: dict[int, bool] = {}
        # Assignments and .update() calls of a module or function, each with its function, for header mutations.
        self._mutation_nodes: dict[int, list[tuple[ast.AST | None, ast.AST]]] = {}

    # ------------------------------------------------------------ indexes

    def assignments_in(self, function: ast.AST) -> dict[str, list[ast.expr]]:
        """Map each name assigned in ``function`` (with ``with ... as`` and walrus targets) to all its values."""
        key = id(function)
        if key not in self._assignments:
            found: dict[str, list[ast.expr]] = {}
            for node in _walk_own(function):
                for name, value in _bound_names(node):
                    found.setdefault(name, []).append(value)
            self._assignments[key] = found
        return self._assignments[key]

    def module_assignments(self, module: PythonModule) -> dict[str, list[ast.expr]]:
        """Map module-level names to every value assigned at module level or in a function that declares them global."""
        key = id(module)
        if key not in self._module_assignments:
            found: dict[str, list[ast.expr]] = {}
            for node in _walk_own(module.tree):
                for name, value in _bound_names(node):
                    found.setdefault(name, []).append(value)
            for node in walk(module.tree) if module.has_global else ():
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    declared = {name for child in _walk_own(node) if isinstance(child, ast.Global) for name in child.names}
                    if not declared:
                        continue
                    for name, values in self.assignments_in(node).items():
                        if name in declared:
                            found.setdefault(name, []).extend(values)
            self._module_assignments[key] = found
        return self._module_assignments[key]

    def class_assignments(self, module: PythonModule, class_name: str) -> dict[str, list[tuple[ast.expr, ast.AST | None]]]:
        """Map each attribute of a class to every value assigned to it, with the method that assigns it."""
        key = (id(module), class_name)
        if key not in self._class_assignments:
            found: dict[str, list[tuple[ast.expr, ast.AST | None]]] = {}
            class_node = module.class_nodes.get(class_name)
            if class_node is not None:
                for item in class_node.body:
                    for name, value in _bound_names(item):
                        found.setdefault(name, []).append((value, None))
                for method in class_node.body:
                    if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        continue
                    for node in walk(method):
                        for target, value in _assigned_pairs(node):
                            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
                                found.setdefault(target.attr, []).append((value, method))
            self._class_assignments[key] = found
        return self._class_assignments[key]

    def annotation(self, module: PythonModule, node: ast.AST) -> str | None:
        """Return the token kind set by a ``# twitchpolicy: token=app|user`` comment on the lines of ``node``."""
        key = id(module)
        if key not in self._annotations:
            marks = {}
            for index, line in enumerate(module.source_lines, start=1):
                if "twitchpolicy" in line:
                    match = _ANNOTATION.search(line)
                    if match:
                        marks[index] = match.group(1)
            self._annotations[key] = marks
        marks = self._annotations[key]
        if not marks:
            return None
        first = getattr(node, "lineno", 0)
        last = getattr(node, "end_lineno", first) or first
        for line in range(first, last + 1):
            if line in marks:
                return marks[line]
        return None

    def function_scope(self, module: PythonModule, function: ast.AST, class_name: str | None) -> Scope:
        return Scope(class_name, module.locals_of(function), function)

    # ------------------------------------------------------------ tokens

    def token(self, module: PythonModule, node: ast.expr | None, scope: Scope, depth: int = 0) -> Value | None:
        """Return what ``node`` evaluates to: a token, a token response, or None when it is neither."""
        if depth == 0:
            self._steps = 0
        self._steps += 1
        if node is None or depth > _MAX_DEPTH or self._steps > _MAX_STEPS:
            return None

        kind = self.annotation(module, node)
        if kind is not None:
            reason = f"token annotated as {kind} access token at {module.path}:{node.lineno}"
            return Token(kind, reason)

        if isinstance(node, ast.Await):
            return self.token(module, node.value, scope, depth + 1)
        if isinstance(node, ast.Call):
            return self._token_of_call(module, node, scope, depth)
        if isinstance(node, ast.Subscript):
            environment = _environment_name(node)
            if environment is not None:
                return Token(names=(f"env:{environment}",))
            key = node.slice.value if isinstance(node.slice, ast.Constant) else None
            if isinstance(key, int) and isinstance(node.value, (ast.Call, ast.Await)):
                return self._returned_element(module, node.value, key, scope, depth)
            stored = self._stored_items(module, node, scope, depth)
            if stored is not None:
                return stored
            return _read_key(self.token(module, node.value, scope, depth + 1), key)
        if isinstance(node, ast.Name):
            return self._token_of_name(module, node.id, scope, depth)
        if isinstance(node, ast.Attribute):
            if node.attr in ("content", "text", "body"):
                inner = self.token(module, node.value, scope, depth + 1)
                if isinstance(inner, Response):
                    return inner
            return self._token_of_attribute(module, node, scope, depth)

        # Strings built from a token (f"Bearer {token}") carry it on.
        if isinstance(node, ast.JoinedStr):
            return _first_token(self.token(module, part.value, scope, depth + 1) for part in node.values if isinstance(part, ast.FormattedValue))
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            right = [node.right] if not isinstance(node.right, ast.Tuple) else list(node.right.elts)
            return _first_token(self.token(module, part, scope, depth + 1) for part in [node.left, *right])
        if isinstance(node, ast.BoolOp):
            return _combine([self.token(module, value, scope, depth + 1) for value in node.values])
        if isinstance(node, ast.IfExp):
            return _combine([self.token(module, node.body, scope, depth + 1), self.token(module, node.orelse, scope, depth + 1)])
        return None

    def _returned_element(self, module: PythonModule, node: ast.expr, index: int, scope: Scope, depth: int) -> Value | None:
        """Follow element ``index`` of the tuple that a scanned function returns."""
        while isinstance(node, ast.Await):
            node = node.value
        if not isinstance(node, ast.Call):
            return None
        request = self.token_requests.get(id(node))
        if request is not None:
            # A wrapper that sends the token request returns (status, body) or similar; the body is in there.
            return Response(*request)
        values = []
        for callee, returned, callee_scope in self.returns_of(module, node, scope):
            if isinstance(returned, ast.Tuple) and index < len(returned.elts):
                values.append(self.token(callee, returned.elts[index], callee_scope, depth + 1))
        return _combine(values)

    def _stored_items(self, module: PythonModule, node: ast.Subscript, scope: Scope, depth: int) -> Value | None:
        """Follow ``cache["token"]`` to the values stored with ``cache["token"] = ...`` anywhere in the module."""
        if not isinstance(node.slice, ast.Constant):
            return None
        stores = self._item_stores.get(id(module))
        if stores is None:
            stores = {}
            for function, stored in _nodes_with_function(module.tree):
                if not isinstance(stored, ast.Assign):
                    continue
                for item in stored.targets:
                    if isinstance(item, ast.Subscript) and isinstance(item.slice, ast.Constant):
                        key = (ast.dump(item.value), repr(item.slice.value))
                        stores.setdefault(key, []).append((stored.value, function))
            self._item_stores[id(module)] = stores
        values = []
        for value, function in stores.get((ast.dump(node.value), repr(node.slice.value)), []):
            stored_scope = self.function_scope(module, function, _class_of(module, function)) if function is not None else Scope()
            values.append(self.token(module, value, stored_scope, depth + 1))
        return _combine(values) if values else None

    def _token_of_call(self, module: PythonModule, node: ast.Call, scope: Scope, depth: int) -> Value | None:
        request = self.token_requests.get(id(node))
        if request is not None:
            return Response(*request)
        func = node.func
        environment = _environment_name(node)
        if environment is not None:
            return Token(names=(f"env:{environment}",))
        if _call_name(func) in ("loads", "load") and node.args:
            # json.loads(response.text) and json.loads(response.content.decode()) parse the response body.
            inner = self.token(module, node.args[0], scope, depth + 1)
            return inner if isinstance(inner, Response) else None
        if isinstance(func, ast.Attribute):
            if func.attr in ("json", "decode", "read", "text"):
                inner = self.token(module, func.value, scope, depth + 1)
                return inner if isinstance(inner, Response) else None
            if func.attr == "get" and node.args and isinstance(node.args[0], ast.Constant):
                return _read_key(self.token(module, func.value, scope, depth + 1), node.args[0].value)
            if func.attr == "format":
                arguments = list(node.args) + [keyword.value for keyword in node.keywords]
                return _first_token(self.token(module, argument, scope, depth + 1) for argument in arguments)
            if func.attr in ("strip", "removeprefix", "replace", "lower"):
                return self.token(module, func.value, scope, depth + 1)
        values = [self.token(callee, ret, callee_scope, depth + 1) for callee, ret, callee_scope in self.returns_of(module, node, scope)]
        return _combine(values)

    def _token_of_name(self, module: PythonModule, name: str, scope: Scope, depth: int) -> Value | None:
        bound = scope.bindings.get(name)
        if bound is not None:
            caller, argument, caller_scope = bound
            return _named(self.token(caller, argument, caller_scope, depth + 1), name)
        if scope.function is not None:
            values = self.assignments_in(scope.function).get(name)
            if values:
                return _named(_combine(self.token(module, value, scope, depth + 1) for value in _meaningful(values)), name)
            if _is_parameter(scope.function, name):
                return Token(names=(name,))
        values = self.module_assignments(module).get(name)
        if values:
            module_scope = Scope()
            return _named(_combine(self.token(module, value, module_scope, depth + 1) for value in _meaningful(values)), name)
        linked = module.links.get(name) or module.name_links.get(name)
        if linked is not None:
            original = module.imported_names[name][2]
            values = self.module_assignments(linked).get(original)
            if values:
                return _named(_combine(self.token(linked, value, Scope(), depth + 1) for value in _meaningful(values)), name)
        return None

    def _token_of_attribute(self, module: PythonModule, node: ast.Attribute, scope: Scope, depth: int) -> Value | None:
        owner = node.value
        if isinstance(owner, ast.Name) and owner.id in ("self", "cls") and scope.class_name is not None:
            label = f"self.{node.attr}"
            return _named(self._attribute_token(module, scope.class_name, node.attr, depth), label)
        if isinstance(owner, ast.Name):
            linked = module.links.get("module:" + owner.id)
            if linked is not None:
                values = self.module_assignments(linked).get(node.attr)
                if values:
                    return _named(_combine(self.token(linked, value, Scope(), depth + 1) for value in _meaningful(values)), node.attr)
            instance = self._instance_class(module, owner, scope)
            if instance is not None:
                return _named(self._attribute_token(instance[0], instance[1], node.attr, depth), _dotted(node) or node.attr)
        return Token(names=(_dotted(node),)) if _dotted(node) else None

    def _attribute_token(self, module: PythonModule, class_name: str, attribute: str, depth: int) -> Value | None:
        values = []
        for value, method, owner_module, owner_class in self._attribute_values(module, class_name, attribute):
            method_scope = self.function_scope(owner_module, method, owner_class) if method is not None else Scope(owner_class)
            values.append(self.token(owner_module, value, method_scope, depth + 1))
        return _combine(values)

    def _instance_class(self, module: PythonModule, owner: ast.Name, scope: Scope) -> tuple[PythonModule, str] | None:
        """Return the scanned class that a local name was built from, as in ``bot = Bot()``."""
        for value, _value_scope in self._definitions(module, owner, scope):
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
                found = self._class_named(module, value.func.id)
                if found is not None:
                    return found
        return None

    def _class_named(self, module: PythonModule, name: str) -> tuple[PythonModule, str] | None:
        """Find a class by the name a module uses for it: defined there, or imported from a scanned module."""
        if name in module.class_nodes:
            return module, name
        linked = module.name_links.get(name)
        if linked is not None:
            original = module.imported_names[name][2]
            if original in linked.class_nodes:
                return linked, original
        return None

    def _attribute_values(self, module: PythonModule, class_name: str, attribute: str) -> list[tuple[ast.expr, ast.AST | None, PythonModule, str]]:
        """Collect assignments to ``self.attribute`` in the class and its base classes, in this or other scanned modules."""
        found: list[tuple[ast.expr, ast.AST | None, PythonModule, str]] = []
        seen: set[tuple[int, str]] = set()
        pending = [(module, class_name)]
        while pending:
            current_module, current = pending.pop()
            if (id(current_module), current) in seen:
                continue
            seen.add((id(current_module), current))
            for value, method in self.class_assignments(current_module, current).get(attribute, []):
                if not _is_empty(value):
                    found.append((value, method, current_module, current))
            for base in current_module.class_bases.get(current, []):
                located = self._class_named(current_module, base)
                if located is not None:
                    pending.append(located)
        return found

    # ------------------------------------------------------------ functions

    def returns_of(self, module: PythonModule, call: ast.Call, scope: Scope) -> Iterator[tuple[PythonModule, ast.expr, Scope]]:
        """Yield the return expressions of the scanned function that ``call`` calls, scoped to this call's arguments."""
        target = self.resolve_function(module, call, scope)
        if target is None:
            return
        callee, function, class_name = target
        callee_scope = self.function_scope(callee, function, class_name).with_bindings(bind_arguments(function, call, module, scope))
        for node in _walk_own(function):
            if isinstance(node, ast.Return) and node.value is not None:
                yield callee, node.value, callee_scope

    def resolve_function(self, module: PythonModule, call: ast.Call, scope: Scope) -> tuple[PythonModule, ast.AST, str | None] | None:
        """Find the function definition a call names: a module function, an imported one, or a method on ``self``."""
        func = call.func
        if isinstance(func, ast.Name):
            if func.id in module.functions:
                return module, module.functions[func.id], None
            linked = module.function_links.get(func.id)
            if linked is not None:
                original = module.imported_names[func.id][2]
                return linked, linked.functions[original], None
            return None
        if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Name):
            return None
        owner = func.value.id
        if owner in ("self", "cls") and scope.class_name is not None:
            return _find_method(module, scope.class_name, func.attr)
        linked = module.links.get("module:" + owner)
        if linked is not None and func.attr in linked.functions:
            return linked, linked.functions[func.attr], None
        return None

    # ------------------------------------------------------------ dicts and clients

    def fields(self, module: PythonModule, node: ast.expr | None, scope: Scope, depth: int = 0) -> tuple[Fields, dict] | None:
        """Read a dict expression into ``Fields``, with the value node of each key for further following.

        Returns None when the expression is not a dict the scanner can read.
        """
        if depth == 0:
            self._field_steps = 0
        self._field_steps += 1
        if node is None or depth > _MAX_DEPTH or self._field_steps > _MAX_STEPS:
            return None
        if isinstance(node, ast.Dict):
            return self._dict_fields(module, node, scope, depth)
        if isinstance(node, ast.Name) and node.id in scope.bindings:
            caller, argument, caller_scope = scope.bindings[node.id]
            return self.fields(caller, argument, caller_scope, depth + 1)
        if isinstance(node, ast.Call):
            name = _call_name(node.func)
            if name == "dict" and isinstance(node.func, ast.Name):
                merged = _FieldsBuilder()
                for argument in node.args:
                    merged.merge(self.fields(module, argument, scope, depth + 1))
                for keyword in node.keywords:
                    if keyword.arg is None:
                        merged.merge(self.fields(module, keyword.value, scope, depth + 1))
                    else:
                        merged.add(keyword.arg, self._field_value(module, keyword.value, scope, depth), (module, keyword.value, scope))
                return merged.build()
            if name == "copy" and isinstance(node.func, ast.Attribute) and not node.args:
                return self.fields(module, node.func.value, scope, depth + 1)
            results = [self.fields(callee, ret, callee_scope, depth + 1) for callee, ret, callee_scope in self.returns_of(module, node, scope)]
            results = [result for result in results if result is not None]
            return results[0] if results else None
        definitions = self._definitions(module, node, scope)
        if not definitions:
            return None
        for value, value_scope in definitions:
            result = self.fields(module, value, value_scope, depth + 1)
            if result is not None:
                return self._with_mutations(module, node, scope, result, depth)
        return None

    def _dict_fields(self, module: PythonModule, node: ast.Dict, scope: Scope, depth: int) -> tuple[Fields, dict]:
        builder = _FieldsBuilder()
        for key, value in zip(node.keys, node.values):
            if key is None:
                builder.merge(self.fields(module, value, scope, depth + 1))
                continue
            name = module.evaluate(key, scope, set())
            if name is None or UNKNOWN in name:
                builder.complete = False
                continue
            builder.add(name, self._field_value(module, value, scope, depth), (module, value, scope))
        return builder.build()

    def _field_value(self, module: PythonModule, value: ast.expr, scope: Scope, depth: int) -> object:
        text = module.evaluate(value, scope, set())
        if text is not None:
            return text
        nested = self.fields(module, value, scope, depth + 1)
        if nested is not None:
            return nested[0]
        items = module._sequence(value, scope, depth) if isinstance(value, (ast.Name, ast.Attribute, ast.List, ast.Tuple)) else None
        if items is not None:
            return " ".join(module.evaluate(item, scope, set()) or UNKNOWN for item in items)
        return None

    def _definitions(self, module: PythonModule, node: ast.expr, scope: Scope) -> list[tuple[ast.expr, Scope]]:
        """Return every value a name or attribute was assigned, each with the scope to read it in."""
        if isinstance(node, ast.Name):
            bound = scope.bindings.get(node.id)
            if bound is not None:
                return []
            if scope.function is not None and node.id in self.assignments_in(scope.function):
                return [(value, scope) for value in self.assignments_in(scope.function)[node.id]]
            if node.id in self.module_assignments(module):
                return [(value, Scope()) for value in self.module_assignments(module)[node.id]]
            definition = module.definition_of(node, scope)
            return [definition] if definition is not None else []
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls") and scope.class_name:
            pairs = self._attribute_values(module, scope.class_name, node.attr)
            return [
                (value, self.function_scope(owner_module, method, owner_class) if method is not None else Scope(owner_class))
                for value, method, owner_module, owner_class in pairs
                if owner_module is module
            ]
        definition = module.definition_of(node, scope) if isinstance(node, ast.Attribute) else None
        return [definition] if definition is not None else []

    def _with_mutations(self, module: PythonModule, node: ast.expr, scope: Scope, result: tuple[Fields, dict], depth: int) -> tuple[Fields, dict]:
        """Add ``name["key"] = value`` and ``name.update({...})`` made to the same dict in the same function or class."""
        target = ast.dump(node)
        region = None
        if scope.function is not None and isinstance(node, ast.Name) and node.id in self.assignments_in(scope.function):
            region = scope.function
        if region is None and isinstance(node, ast.Attribute) and scope.class_name:
            region = module.class_nodes.get(scope.class_name)
        if region is None:
            region = module.tree
        builder = _FieldsBuilder.of(result)
        for mutation, value, method in _mutations(self._mutation_candidates(region), target):
            mutation_scope = self.function_scope(module, method, scope.class_name) if method is not None else scope
            if mutation == "update":
                builder.merge(self.fields(module, value, mutation_scope, depth + 1))
            else:
                builder.add(mutation, self._field_value(module, value, mutation_scope, depth), (module, value, mutation_scope))
        return builder.build()

    def client(self, module: PythonModule, call: ast.Call, scope: Scope) -> Client | None:
        """Return the HTTP client a method call is made on, with its default headers; None when unknown."""
        if _call_name(call.func) == "Request":
            # urllib.request.Request(url, headers=...) contains every header unless the code calls add_header later.
            added = self._adds_headers.get(id(module))
            if added is None:
                added = any(isinstance(node, ast.Attribute) and node.attr == "add_header" for node in module.nodes())
                self._adds_headers[id(module)] = added
            return Client(Fields(complete=not added))
        if not isinstance(call.func, ast.Attribute):
            return Client(Fields()) if isinstance(call.func, ast.Name) and call.func.id in module.http_imports else None
        receiver = call.func.value
        if isinstance(receiver, ast.Name) and (receiver.id in HTTP_MODULES or module.imported_modules.get(receiver.id, ((),))[0][:1] in [(name,) for name in HTTP_MODULES]):
            return Client(Fields())
        if isinstance(receiver, ast.Call):
            return self._client_of_factory(module, receiver, scope, receiver)
        for value, value_scope in self._definitions(module, receiver, scope):
            while isinstance(value, ast.Await):
                value = value.value
            if isinstance(value, ast.Call):
                made = self._client_of_factory(module, value, value_scope, receiver)
                if made is not None:
                    return made
        return None

    def _client_of_factory(self, module: PythonModule, value: ast.Call, scope: Scope, receiver: ast.expr) -> Client | None:
        if _call_name(value.func) not in HTTP_FACTORIES:
            return None
        keywords = {keyword.arg: keyword.value for keyword in value.keywords if keyword.arg}
        builder = _FieldsBuilder()
        if "headers" in keywords:
            builder.merge(self.fields(module, keywords["headers"], scope))
        base_url = module.evaluate(keywords.get("base_url"), scope, set()) if "base_url" in keywords else None
        if isinstance(receiver, (ast.Name, ast.Attribute)):
            self._add_header_mutations(module, receiver, scope, builder)
        headers, nodes = builder.build()
        return Client(headers, nodes, base_url)

    def _add_header_mutations(self, module: PythonModule, receiver: ast.expr, scope: Scope, builder: _FieldsBuilder) -> None:
        """Apply ``session.headers.update({...})`` and ``session.headers["X"] = v`` anywhere in the module."""
        target = ast.dump(ast.Attribute(value=receiver, attr="headers", ctx=ast.Load()))
        for mutation, value, method in _mutations(self._mutation_candidates(module.tree), target):
            class_name = _class_of(module, method)
            mutation_scope = self.function_scope(module, method, class_name) if method is not None else Scope()
            if mutation == "update":
                builder.merge(self.fields(module, value, mutation_scope))
            else:
                builder.add(mutation, self._field_value(module, value, mutation_scope, 0), (module, value, mutation_scope))


    def _mutation_candidates(self, region: ast.AST) -> list[tuple[ast.AST | None, ast.AST]]:
        """Return the assignments and ``.update()`` calls in ``region``, with their function, walked once per region."""
        key = id(region)
        found = self._mutation_nodes.get(key)
        if found is None:
            found = [
                (function, node)
                for function, node in _nodes_with_function(region)
                if isinstance(node, ast.Assign) or (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update")
            ]
            self._mutation_nodes[key] = found
        return found


class _FieldsBuilder:
    def __init__(self) -> None:
        self.values: dict[str, object] = {}
        self.nodes: dict[str, tuple[PythonModule, ast.expr, Scope]] = {}
        self.complete = True

    @classmethod
    def of(cls, result: tuple[Fields, dict]) -> _FieldsBuilder:
        builder = cls()
        builder.values = dict(result[0].values)
        builder.nodes = dict(result[1])
        builder.complete = result[0].complete
        return builder

    def add(self, name: str, value: object, node: tuple[PythonModule, ast.expr, Scope] | None) -> None:
        self.values[name] = value
        if node is not None:
            self.nodes[name] = node

    def merge(self, result: tuple[Fields, dict] | None) -> None:
        if result is None:
            self.complete = False
            return
        self.values.update(result[0].values)
        self.nodes.update(result[1])
        self.complete = self.complete and result[0].complete

    def build(self) -> tuple[Fields, dict]:
        return Fields(dict(self.values), self.complete), dict(self.nodes)


def bind_arguments(function: ast.AST, call: ast.Call, module: PythonModule, scope: Scope) -> dict[str, tuple[PythonModule, ast.expr, Scope]]:
    """Map a function's parameters to the arguments of ``call``, and to defaults where no argument is given."""
    arguments = function.args
    positional = list(arguments.posonlyargs) + list(arguments.args)
    if positional and positional[0].arg in ("self", "cls") and isinstance(call.func, ast.Attribute):
        positional = positional[1:]
    bindings: dict[str, tuple[PythonModule, ast.expr, Scope]] = {}
    defaults = arguments.defaults
    for parameter, default in zip(positional[len(positional) - len(defaults):], defaults):
        bindings[parameter.arg] = (module, default, Scope())
    for parameter, default in zip(arguments.kwonlyargs, arguments.kw_defaults):
        if default is not None:
            bindings[parameter.arg] = (module, default, Scope())
    for parameter, argument in zip(positional, call.args):
        if isinstance(argument, ast.Starred):
            break
        bindings[parameter.arg] = (module, argument, scope)
    names = {parameter.arg for parameter in positional + list(arguments.kwonlyargs)}
    for keyword in call.keywords:
        if keyword.arg in names:
            bindings[keyword.arg] = (module, keyword.value, scope)
    return bindings


def _find_method(module: PythonModule, class_name: str, name: str) -> tuple[PythonModule, ast.AST, str] | None:
    seen: set[str] = set()
    pending = [class_name]
    while pending:
        current = pending.pop(0)
        if current in seen:
            continue
        seen.add(current)
        method = module.class_methods.get(current, {}).get(name)
        if method is not None:
            return module, method, current
        pending += module.class_bases.get(current, [])
    return None


def _class_of(module: PythonModule, method: ast.AST | None) -> str | None:
    if method is None:
        return None
    for class_name, methods in module.class_methods.items():
        if method in methods.values():
            return class_name
    return None


def _walk_own(root: ast.AST) -> Iterator[ast.AST]:
    """Walk ``root`` without entering nested function or class bodies."""
    stack = list(child_nodes(root))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(child_nodes(node))


def _assigned_pairs(node: ast.AST) -> list[tuple[ast.expr, ast.expr]]:
    if isinstance(node, ast.Assign):
        return [(target, node.value) for target in node.targets]
    if isinstance(node, ast.AnnAssign) and node.value is not None:
        return [(node.target, node.value)]
    if isinstance(node, ast.NamedExpr):
        return [(node.target, node.value)]
    if isinstance(node, ast.withitem) and node.optional_vars is not None:
        return [(node.optional_vars, node.context_expr)]
    return []


def _bound_names(node: ast.AST) -> Iterator[tuple[str, ast.expr]]:
    for target, value in _assigned_pairs(node):
        if isinstance(target, ast.Name):
            yield target.id, value
        elif isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)) and len(target.elts) == len(value.elts):
            for element, element_value in zip(target.elts, value.elts):
                if isinstance(element, ast.Name):
                    yield element.id, element_value
        elif isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Call, ast.Await)):
            # status, body = await post(...): each name gets one element of what the call returns.
            for index, element in enumerate(target.elts):
                if isinstance(element, ast.Name):
                    yield element.id, ast.copy_location(ast.Subscript(value=value, slice=ast.Constant(index), ctx=ast.Load()), value)


def _mutations(nodes: list[tuple[ast.AST | None, ast.AST]], target: str) -> Iterator[tuple[str, ast.expr, ast.AST | None]]:
    """Yield ``(key, value, method)`` for ``target[key] = value`` and ``("update", dict, method)`` for ``target.update(dict)``.

    ``nodes`` are the candidate nodes of a region, each with its function, from ``Flow._mutation_candidates``.
    """
    for method, node in nodes:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            subscript = node.targets[0]
            if isinstance(subscript, ast.Subscript) and ast.dump(subscript.value) == target and isinstance(subscript.slice, ast.Constant):
                if isinstance(subscript.slice.value, str):
                    yield subscript.slice.value, node.value, method
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update" and len(node.args) == 1:
            if ast.dump(node.func.value) == target:
                yield "update", node.args[0], method
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Attribute):
            # session.headers = {...} replaces a client's default headers.
            if ast.dump(node.targets[0], annotate_fields=True).replace("ctx=Store()", "ctx=Load()") == target:
                yield "update", node.value, method


def _nodes_with_function(region: ast.AST) -> Iterator[tuple[ast.AST | None, ast.AST]]:
    current = region if isinstance(region, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
    stack: list[tuple[ast.AST | None, ast.AST]] = [(current, child) for child in child_nodes(region)]
    while stack:
        function, node = stack.pop()
        yield function, node
        inner = node if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
        stack.extend((inner, child) for child in child_nodes(node))


def _environment_name(node: ast.expr) -> str | None:
    """Return NAME for ``os.environ["NAME"]``, ``os.environ.get("NAME")`` and ``os.getenv("NAME")``."""
    if isinstance(node, ast.Subscript) and _dotted(node.value) in ("os.environ", "environ"):
        return node.slice.value if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str) else None
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        name = _dotted(node.func)
        if name in ("os.getenv", "getenv", "os.environ.get", "environ.get", "config", "env"):
            return node.args[0].value
    return None


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = _dotted(node.value)
        return f"{owner}.{node.attr}" if owner else None
    return None


def _read_key(value: Value | None, key: object) -> Value | None:
    if isinstance(value, Response) and key == "access_token":
        kind = GRANT_KINDS.get(value.grant or "")
        reason = f"token from {grant_label(value.grant)} request at {value.where}"
        return Token(kind, reason if kind else None)
    if isinstance(value, Token) and value.kind is None and isinstance(key, str):
        return value
    return None


def _is_empty(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and value.value in _EMPTY_VALUES


def _meaningful(values: list[ast.expr]) -> list[ast.expr]:
    return [value for value in values if not _is_empty(value)]


def _named(value: Value | None, name: str) -> Value | None:
    if isinstance(value, Token):
        return value.named(name)
    if value is None:
        return Token(names=(name,))
    return value


def _first_token(values: Iterator[Value | None]) -> Value | None:
    for value in values:
        if isinstance(value, Token):
            return value
    return None


def _combine(values) -> Value | None:
    """Merge the values a name may hold: one kind if every known kind agrees, else no kind."""
    values = [value for value in values if value is not None]
    responses = [value for value in values if isinstance(value, Response)]
    if responses and len(responses) == len(values):
        return responses[0]
    tokens = [value for value in values if isinstance(value, Token)]
    if not tokens:
        return None
    kinds = {token.kind for token in tokens if token.kind is not None}
    names = tuple(dict.fromkeys(name for token in tokens for name in token.names))
    if len(kinds) == 1:
        chosen = next(token for token in tokens if token.kind is not None)
        return Token(chosen.kind, chosen.reason, names, chosen.scopes)
    return Token(names=names)
