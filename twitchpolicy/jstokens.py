"""Trace the token in an ``Authorization`` header back to where the code obtained it.

A token read as ``access_token`` from the JSON response of a request to
``https://id.twitch.tv/oauth2/token`` has the kind its ``grant_type`` gives.
``client_credentials`` makes an app access token. ``authorization_code``,
``refresh_token`` and the device code grant make user access tokens. A token
read from ``location.hash`` comes from the implicit grant, so it is a user
access token too. The trace follows variables (every assignment of a ``let``),
destructuring, ``this.x`` assignments in the class, object properties,
function return values, ``.then`` callbacks, parameters of functions called in
the same file, and imports of other scanned files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from tree_sitter import Node

from twitchpolicy.jseval import Evaluator, returned_expressions
from twitchpolicy.jsparse import FUNCTION_TYPES, Binding, JsModule, unwrap
from twitchpolicy.pyflow import GRANT_KINDS, grant_label
from twitchpolicy.jsvalues import FunctionValue, GlobalValue, HttpCall, JsonBodyValue, ModuleValue, ObjectValue, ParamsValue, Ref, ResponseValue
from twitchpolicy.sites import USER, TokenEvidence
from twitchpolicy.urls import parse_twitch_url

MAX_DEPTH = 40
# A `// twitchpolicy: token=app` or `/* twitchpolicy: token=user */` comment sets the token kind, like `#` comments in Python.
ANNOTATION = re.compile(r"^(?://|/\*)\s*twitchpolicy:\s*token\s*=\s*(app|user)\b")
# A parameter is traced through at most this many calls of its function.
MAX_CALL_SITES = 10


@dataclass
class TokenTrace:
    """The result of tracing a token: the evidence of its kind (None when unknown) and the names it passed through."""

    evidence: TokenEvidence | None = None
    names: list[str] = field(default_factory=list)


def token_request_evidence(call: HttpCall) -> TokenEvidence | None:
    """Return the kind of token that a request to the OAuth token endpoint returns, by its grant."""
    parsed = parse_twitch_url(call.url) if call.url is not None else None
    if parsed is None or parsed.path != "/oauth2/token":
        return None
    grant = call.grant
    kind = GRANT_KINDS.get(grant or "")
    if kind is None:
        return None
    line = call.module.position(call.node)[0]
    return TokenEvidence(kind, f"token from {grant_label(grant)} request at {call.module.path}:{line}")


class TokenTracer:
    """Follow token expressions to their source; ``implicit_reason`` describes a token read from the URL fragment."""

    def __init__(self, evaluator: Evaluator, implicit_reason: Callable[[JsModule, Node], str]):
        self.evaluator = evaluator
        self.implicit_reason = implicit_reason
        self._calls: dict[str, dict[str, list[Node]]] = {}
        self._annotations: dict[str, dict[int, str]] = {}

    def trace(self, entry: Ref | str | None) -> TokenTrace:
        result = TokenTrace()
        if isinstance(entry, Ref):
            result.evidence = self._trace_ref(entry, result.names, 0, set())
        return result

    def _trace_ref(self, ref: Ref, names: list[str], depth: int, seen: set) -> TokenEvidence | None:
        """Trace an expression with the arguments bound that were bound when it was read."""
        with self.evaluator.rebound(ref):
            return self._trace(ref.module, ref.node, names, depth, seen)

    def annotation(self, module: JsModule, node: Node) -> TokenEvidence | None:
        """Return the kind that a ``twitchpolicy: token=app|user`` comment on the lines of ``node`` sets, as evidence."""
        marks = self._annotations.get(module.path)
        if marks is None:
            marks = {}
            for comment in module.nodes("comment"):
                match = ANNOTATION.match(module.text(comment))
                if match:
                    marks[comment.start_point.row + 1] = match.group(1)
            self._annotations[module.path] = marks
        if not marks:
            return None
        first = node.start_point.row + 1
        for line in range(first, node.end_point.row + 2):
            if line in marks:
                kind = marks[line]
                return TokenEvidence(kind, f"token annotated as {kind} access token at {module.path}:{first}")
        return None

    # -------------------------------------------------------- expressions

    def _trace(self, module: JsModule, node: Node | None, names: list[str], depth: int, seen: set) -> TokenEvidence | None:
        node = unwrap(node)
        if node is None or depth > MAX_DEPTH:
            return None
        key = (module.path, node.id)
        if key in seen:
            return None
        seen.add(key)
        annotated = self.annotation(module, node)
        if annotated is not None:
            return annotated
        kind = node.type
        if kind == "template_string":
            parts = [child.named_children[0] for child in node.named_children if child.type == "template_substitution" and child.named_children]
            return self._first(module, parts, names, depth, seen)
        if kind == "binary_expression":
            return self._first(module, [node.child_by_field_name("left"), node.child_by_field_name("right")], names, depth, seen)
        if kind == "ternary_expression":
            return self._first(module, [node.child_by_field_name("consequence"), node.child_by_field_name("alternative")], names, depth, seen)
        if kind in ("identifier", "shorthand_property_identifier"):
            _add(names, module.text(node))
            binding = module.resolve(node)
            return self._binding(module, binding, names, depth, seen) if binding is not None else None
        if kind in ("member_expression", "subscript_expression"):
            return self._member(module, node, names, depth, seen)
        if kind == "call_expression":
            return self._call(module, node, names, depth, seen)
        return None

    def _first(self, module: JsModule, nodes: list, names: list[str], depth: int, seen: set) -> TokenEvidence | None:
        """Trace every node, for the names, and return the first evidence found."""
        found = None
        for node in nodes:
            evidence = self._trace(module, node, names, depth + 1, seen)
            found = found or evidence
        return found

    def _binding(self, module: JsModule, binding: Binding, names: list[str], depth: int, seen: set) -> TokenEvidence | None:
        if binding.kind == "import":
            target = self.evaluator.project.resolve_import(module, binding.source)
            if target is None or binding.imported == "*":
                return None
            ref = self.evaluator.export_ref(target, binding.imported or "default")
            return self._trace(ref.module, ref.node, names, depth + 1, seen) if ref is not None else None
        if binding.kind == "param":
            return self._parameter(module, binding, names, depth, seen)
        if binding.kind not in ("const", "let", "var"):
            return None
        found = None
        for candidate in module.assigned_values(binding):
            evidence = self._path(module, candidate, binding.path, names, depth, seen)
            found = found or evidence
        return found

    def _path(self, module: JsModule, node: Node, path: tuple[str, ...], names: list[str], depth: int, seen: set) -> TokenEvidence | None:
        """Trace ``node`` read through a destructuring path: ``const { access_token } = await res.json()``."""
        if not path:
            return self._trace(module, node, names, depth + 1, seen)
        owner = self.evaluator.value(module, node)
        for name in path[:-1]:
            owner = self.evaluator.property(owner, name)
        return self._property(owner, path[-1], names, depth, seen)

    def _parameter(self, module: JsModule, binding: Binding, names: list[str], depth: int, seen: set) -> TokenEvidence | None:
        from twitchpolicy.jseval import then_receiver

        function = binding.scope
        index = int(binding.path[0]) if binding.path else 0
        receiver = then_receiver(module, function)
        if receiver is not None and index == 0:
            return self._path(module, receiver, binding.path[1:], names, depth, seen)
        argument = self.evaluator.bound_argument(binding)
        if argument is not None:
            # Evaluated for one caller: only that caller's argument counts.
            caller, node = argument
            if node is not None:
                return self._path(caller, node, binding.path[1:], names, depth, seen)
            return self._trace(module, binding.default, names, depth + 1, seen) if binding.default is not None else None
        found = None
        for caller, call in self.call_sites(module, function)[:MAX_CALL_SITES]:
            arguments = _arguments(call)
            if index < len(arguments):
                evidence = self._path(caller, arguments[index], binding.path[1:], names, depth, seen)
                found = found or evidence
        if found is None and binding.default is not None:
            found = self._trace(module, binding.default, names, depth + 1, seen)
        return found

    def call_sites(self, module: JsModule, function: Node) -> list[tuple[JsModule, Node]]:
        """Return the calls, in ``module`` first and then in the other scanned modules, whose callee is ``function``.

        Calls are matched by the name the function is declared under, so a call
        through an import alias (``import { helix as h }``) is not found.
        """
        name = _function_name(module, function)
        if name is None:
            return []
        others = [other for other in self.evaluator.project.modules.values() if other is not module]
        found = []
        for caller in [module] + others:
            for call in self._calls_named(caller).get(name, []):
                value = self.evaluator.value(caller, call.child_by_field_name("function"))
                if isinstance(value, FunctionValue) and value.module is module and value.node == function:
                    found.append((caller, call))
        return found

    def _calls_named(self, module: JsModule) -> dict[str, list[Node]]:
        """Index a module's calls by the last name of their callee: ``api.helix(...)`` under ``helix``."""
        calls = self._calls.get(module.path)
        if calls is None:
            calls = {}
            for node in module.nodes("call_expression"):
                callee = node.child_by_field_name("function")
                if callee is not None:
                    calls.setdefault(module.text(callee).rsplit(".", 1)[-1], []).append(node)
            self._calls[module.path] = calls
        return calls

    # -------------------------------------------------------- members and calls

    def _member(self, module: JsModule, node: Node, names: list[str], depth: int, seen: set) -> TokenEvidence | None:
        owner_node = node.child_by_field_name("object")
        name = self.evaluator.member_name(module, node)
        if owner_node is None or name is None:
            return None
        if owner_node.type == "this":
            _add(names, "this." + name)
            found = None
            for ref in self.evaluator.class_member_values(module, node, name):
                evidence = self._trace(ref.module, ref.node, names, depth + 1, seen)
                found = found or evidence
            return found
        text = module.text(node)
        if text.startswith("import.meta.env."):
            _add(names, "env:" + name)
            return None
        owner = self.evaluator.value(module, owner_node)
        if isinstance(owner, GlobalValue) and owner.name == "process.env":
            _add(names, "env:" + name)
            return None
        if name.isdigit() and _reads_fragment_match(self.evaluator, module, owner_node):
            return TokenEvidence(USER, self.implicit_reason(module, node))
        dotted = _dotted_name(module, node)
        if dotted is not None and not isinstance(owner, (JsonBodyValue, ResponseValue)):
            _add(names, dotted)
        return self._property(owner, name, names, depth, seen)

    def _property(self, owner: object, name: str, names: list[str], depth: int, seen: set) -> TokenEvidence | None:
        if isinstance(owner, JsonBodyValue):
            return token_request_evidence(owner.call) if name == "access_token" else None
        if isinstance(owner, ObjectValue):
            entry = owner.entries.get(name)
            return self._trace_ref(entry, names, depth + 1, seen) if isinstance(entry, Ref) else None
        if isinstance(owner, ModuleValue):
            ref = self.evaluator.export_ref(owner.module, name)
            return self._trace(ref.module, ref.node, names, depth + 1, seen) if ref is not None else None
        return None

    def _call(self, module: JsModule, node: Node, names: list[str], depth: int, seen: set) -> TokenEvidence | None:
        callee = unwrap(node.child_by_field_name("function"))
        arguments = _arguments(node)
        if callee is None:
            return None
        if callee.type == "member_expression":
            owner_node = callee.child_by_field_name("object")
            method = self.evaluator.member_name(module, callee)
            if method == "then" and arguments:
                function = unwrap(arguments[0])
                returned = returned_expressions(function) if function is not None and function.type in FUNCTION_TYPES else []
                return self._first(module, returned, names, depth, seen)
            if method in ("trim", "toString", "valueOf") and owner_node is not None:
                return self._trace(module, owner_node, names, depth + 1, seen)
            if method == "get" and owner_node is not None and arguments:
                owner = self.evaluator.value(module, owner_node)
                if isinstance(owner, ParamsValue) and owner.fragment is not None and self.evaluator.string(module, arguments[0]) == "access_token":
                    return TokenEvidence(USER, self.implicit_reason(module, node))
        if callee.type == "identifier" and module.text(callee) == "String" and arguments and module.resolve(callee) is None:
            return self._trace(module, arguments[0], names, depth + 1, seen)
        function = self.evaluator.value(module, callee)
        if not isinstance(function, FunctionValue) or function.node.type not in FUNCTION_TYPES:
            return None
        returned = returned_expressions(function.node)
        if arguments and function.node.id not in self.evaluator.bound_functions():
            # As in Evaluator.returned_value: the parameters take this call's arguments, not those of every caller.
            with self.evaluator.bound(function.node, module, arguments):
                return self._first(function.module, returned, names, depth, seen)
        return self._first(function.module, returned, names, depth, seen)


def _reads_fragment_match(evaluator: Evaluator, module: JsModule, node: Node) -> bool:
    """Tell whether ``node`` is ``location.hash.match(/access_token=.../)``."""
    node = unwrap(node)
    if node is None or node.type != "call_expression":
        return False
    callee = node.child_by_field_name("function")
    if callee is None or callee.type != "member_expression" or evaluator.member_name(module, callee) != "match":
        return False
    owner = evaluator.value(module, callee.child_by_field_name("object"))
    arguments = _arguments(node)
    return isinstance(owner, GlobalValue) and owner.name == "location.hash" and bool(arguments) and "access_token" in module.text(arguments[0])


def _arguments(call: Node) -> list[Node]:
    arguments = call.child_by_field_name("arguments")
    if arguments is None or arguments.type != "arguments":
        return []
    return [child for child in arguments.named_children if child.type != "comment"]


def _function_name(module: JsModule, function: Node) -> str | None:
    """Return the name a function is called by: its declared name, or the variable or property it is assigned to."""
    name = function.child_by_field_name("name")
    if name is not None:
        return module.text(name)
    parent = module.parent(function)
    if parent is not None and parent.type == "variable_declarator":
        target = parent.child_by_field_name("name")
        return module.text(target) if target is not None and target.type == "identifier" else None
    if parent is not None and parent.type == "pair":
        key = parent.child_by_field_name("key")
        return module.property_name(key) if key is not None else None
    return None


def _dotted_name(module: JsModule, node: Node) -> str | None:
    """Return ``config.twitch.token`` for a member chain of plain names, else None."""
    parts = []
    current = node
    while current.type == "member_expression":
        prop = current.child_by_field_name("property")
        if prop is None:
            return None
        parts.insert(0, module.text(prop))
        current = current.child_by_field_name("object")
        if current is None:
            return None
    if current.type != "identifier":
        return None
    return ".".join([module.text(current)] + parts)


def _add(names: list[str], name: str) -> None:
    if name not in names:
        names.append(name)
