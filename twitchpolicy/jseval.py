"""Evaluate JavaScript and TypeScript expressions statically, without running them.

The evaluator follows names to their declarations (and to exports of other
scanned modules), reads object and array literals, template strings,
concatenation, ``new URL``, ``URLSearchParams``, ``JSON.stringify`` and the
return values of functions. It models the HTTP clients that
:mod:`twitchpolicy.jshttp` reads. Values are defined in
:mod:`twitchpolicy.jsvalues`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tree_sitter import Node

from twitchpolicy import jshttp
from twitchpolicy.jsparse import FUNCTION_TYPES, Binding, JsModule, JsProject, unescape, unwrap, walk
from twitchpolicy.jsurls import encode_component, parse_query, resolve_url
from twitchpolicy.jsvalues import (
    ArrayValue, AuthProviderValue, ClassValue, ClientValue, FunctionValue, GlobalValue, HttpCall, InstanceValue,
    JsonBodyValue, JsonText, ModuleValue, ObjectValue, PackageValue, ParamsValue, Ref, ResponseValue,
    TwurpleClientValue, URLValue, Value,
)
from twitchpolicy.sites import Fields
from twitchpolicy.urls import UNKNOWN

MAX_DEPTH = 80
# Evaluation of one expression stops after this many steps, because names reassigned from each
# other (x = x + y in a loop) can make the search grow exponentially; the value is then unknown.
MAX_STEPS = 20000
# Superclass chains are followed this many classes up.
MAX_SUPERCLASSES = 5
# Fields nest this deep at most: EventSub bodies go two levels down (transport.method).
MAX_FIELD_DEPTH = 6
HTTP_PACKAGES = {
    "axios": "axios", "got": "got", "ky": "ky", "ky-universal": "ky",
    "node-fetch": "fetch", "cross-fetch": "fetch", "isomorphic-fetch": "fetch", "undici": "fetch",
}
HOST_GLOBALS = frozenset({"window", "globalThis", "self", "global", "document"})
PARAMS_METHODS = frozenset({"append", "set"})
STRING_METHODS = frozenset({"toString", "trim", "valueOf", "toLowerCase", "toUpperCase", "trimEnd", "trimStart"})
FRAGMENT_METHODS = frozenset({"slice", "substring", "substr", "replace", "split"})


class Evaluator:
    """Compute values of expressions across the modules of one project, with caching.

    ``twurple`` is the registry's twurple SDK entry (its ``modules`` and
    ``auth``); without it, twurple auth providers and clients are not modelled.
    """

    def __init__(self, project: JsProject, twurple: object | None = None):
        self.project = project
        self.twurple_modules = frozenset(getattr(twurple, "modules", ()))
        self.twurple_auth = {auth.name: auth for auth in getattr(twurple, "auth", ()) if auth.call == "constructor"}
        self._cache: dict[tuple[str, int], tuple[Value, dict[tuple[str, int], Ref] | None]] = {}
        self._active: set[tuple[str, int]] = set()
        self._cycles = 0
        self._trails: list[dict[tuple[str, int], Ref]] = []
        self._calls: dict[tuple[str, int], HttpCall | None] = {}
        # Function node id -> (caller module, argument nodes) while a call is evaluated with its arguments.
        self._bound: dict[int, tuple[JsModule, list[Node]]] = {}
        self._active_calls: set[tuple[str, int]] = set()
        self._mutations: dict[str, dict[tuple, list[jshttp.Mutation]]] = {}
        self._class_members: dict[tuple[str, int], dict[str, list[Node]]] = {}
        self._exports: dict[str, tuple[dict[str, Ref], list[str]]] = {}
        self._library_defaults: list[jshttp.Mutation] | None = None
        self._steps = 0

    # -------------------------------------------------------- public entry points

    def value(self, module: JsModule, node: Node | None, depth: int = 0) -> Value:
        """Return the value of ``node``, None when it cannot be computed."""
        node = unwrap(node)
        if depth == 0:
            self._steps = 0
        self._steps += 1
        if self._steps > MAX_STEPS:
            # Counted like a cycle, so no value computed while the budget ran out is cached.
            self._cycles += 1
            return None
        if node is None or depth > MAX_DEPTH:
            return None
        key = (module.path, node.id)
        # Values computed with bound arguments depend on the call, so they are neither read from nor kept in the cache.
        cached = self._cache.get(key) if not self._bound else None
        if cached is not None:
            result, definitions = cached
            self._add_to_trails(definitions)
            return result
        if key in self._active:
            self._cycles += 1
            return None
        self._active.add(key)
        cycles = self._cycles
        definitions: dict[tuple[str, int], Ref] = {}
        self._trails.append(definitions)
        try:
            result = self._compute(module, node, depth)
        finally:
            self._trails.pop()
            self._active.discard(key)
        self._add_to_trails(definitions)
        if self._bound:
            return self._attach_bindings(result)
        if self._cycles == cycles:
            # Each value keeps the definitions it was computed from, so a trail started later still records them on a cache hit.
            self._cache[key] = (result, definitions or None)
        return result

    def _add_to_trails(self, definitions: dict[tuple[str, int], Ref] | None) -> None:
        if definitions and self._trails:
            self._trails[-1].update(definitions)

    def string(self, module: JsModule, node: Node | None, depth: int = 0) -> str | None:
        """Return the string value of ``node`` with UNKNOWN for unresolved parts, or None."""
        return self.to_string(self.value(module, node, depth), depth)

    def ref_value(self, entry: Ref | str | None, depth: int = 0) -> Value:
        if isinstance(entry, Ref):
            with self.rebound(entry):
                return self.value(entry.module, entry.node, depth + 1)
        return entry

    def to_string(self, value: Value, depth: int = 0) -> str | None:
        if isinstance(value, str):
            return value
        if isinstance(value, URLValue):
            return self._url_href(value, depth)
        if isinstance(value, ParamsValue) and value.kind == "params":
            return self.encode_params(value.fields, depth)
        if isinstance(value, ArrayValue):
            return ",".join(self._item_text(item, depth) for item in value.items)
        return None

    def fields(self, value: Value, depth: int = 0) -> Fields | None:
        """Convert an object, URLSearchParams or FormData value to ``Fields``; None for anything else."""
        if isinstance(value, ParamsValue):
            value = value.fields
        if not isinstance(value, ObjectValue) or depth > MAX_FIELD_DEPTH:
            return None
        values: dict[str, object] = {}
        for name, entry in value.entries.items():
            inner = self.ref_value(entry, depth)
            if isinstance(inner, (ObjectValue, ParamsValue)):
                values[name] = self.fields(inner, depth + 1)
            else:
                values[name] = self.to_string(inner, depth) if not isinstance(inner, ArrayValue) else None
        return Fields(values, value.complete)

    def encode_params(self, fields: ObjectValue, depth: int = 0) -> str:
        parts = []
        if not fields.complete:
            parts.append(UNKNOWN)
        for name, entry in fields.entries.items():
            text = self.to_string(self.ref_value(entry, depth), depth)
            parts.append(encode_component(name) + "=" + encode_component(text if text is not None else UNKNOWN))
        return "&".join(parts)

    @contextmanager
    def trail(self) -> Iterator[dict[tuple[str, int], Ref]]:
        """Record every definition evaluated inside the block, keyed by (path, node id)."""
        visited: dict[tuple[str, int], Ref] = {}
        self._trails.append(visited)
        try:
            yield visited
        finally:
            self._trails.pop()
            self._add_to_trails(visited)

    def http_call(self, module: JsModule, node: Node) -> HttpCall | None:
        """Return the HTTP request that a call expression makes, or None when it is not one."""
        key = (module.path, node.id)
        if self._bound:
            if key in self._active_calls:
                return None
            self._active_calls.add(key)
            try:
                return jshttp.read_call(self, module, node)
            finally:
                self._active_calls.discard(key)
        if key not in self._calls:
            self._calls[key] = None
            self._calls[key] = jshttp.read_call(self, module, node)
        return self._calls[key]

    @contextmanager
    def bound(self, function: Node, module: JsModule, arguments: list[Node]) -> Iterator[None]:
        """Evaluate inside the block as if ``function`` were called with ``arguments``, written in ``module``."""
        previous = self._bound.get(function.id)
        self._bound[function.id] = (module, arguments)
        try:
            yield
        finally:
            if previous is None:
                del self._bound[function.id]
            else:
                self._bound[function.id] = previous

    def bound_functions(self) -> frozenset[int]:
        """Return the node ids of the functions whose parameters are bound to a caller's arguments now."""
        return frozenset(self._bound)

    @contextmanager
    def rebound(self, ref: Ref) -> Iterator[None]:
        """Evaluate inside the block with the calls bound that were bound when ``ref`` was read, over the current ones."""
        if not ref.bindings:
            yield
            return
        previous = self._bound
        self._bound = {**previous, **dict(ref.bindings)}
        try:
            yield
        finally:
            self._bound = previous

    def _attach_bindings(self, value: Value) -> Value:
        """Return ``value`` with the current bindings recorded on the expressions it contains.

        The entries of an object are read later, often after the call that
        made the object has returned, so without this a parameter in them would
        be read with no caller's argument. Containers are copied, and a Ref that
        already has bindings keeps them because they were recorded deeper in
        the same call chain.
        """
        bindings = tuple(self._bound.items())

        def attach_ref(entry):
            if isinstance(entry, Ref) and not entry.bindings:
                return Ref(entry.module, entry.node, bindings)
            return entry

        def attach_object(target: ObjectValue) -> ObjectValue:
            return ObjectValue({name: attach_ref(entry) for name, entry in target.entries.items()}, target.complete)

        if isinstance(value, ObjectValue):
            return attach_object(value)
        if isinstance(value, ArrayValue):
            return ArrayValue([attach_ref(item) for item in value.items], value.complete)
        if isinstance(value, ParamsValue):
            return ParamsValue(value.kind, attach_object(value.fields), attach_ref(value.fragment))
        if isinstance(value, URLValue):
            return URLValue(value.href, attach_object(value.query))
        if isinstance(value, ClientValue):
            params = attach_object(value.params) if value.params is not None else None
            return ClientValue(value.library, value.base_url, attach_object(value.headers), params, value.origin)
        return value

    def bound_argument(self, binding: Binding) -> tuple[JsModule, Node | None] | None:
        """Return the caller's argument for a parameter of a function evaluated under :meth:`bound`."""
        entry = self._bound.get(binding.scope.id)
        if entry is None:
            return None
        module, arguments = entry
        index = int(binding.path[0]) if binding.path else 0
        return module, arguments[index] if index < len(arguments) else None

    # -------------------------------------------------------- expressions

    def _compute(self, module: JsModule, node: Node, depth: int) -> Value:
        kind = node.type
        if kind in ("string", "template_string"):
            return self._template(module, node, depth)
        if kind == "number":
            return module.text(node)
        if kind in ("true", "false"):
            return kind
        if kind in ("identifier", "shorthand_property_identifier", "type_identifier"):
            # TypeScript names a declared class with a type_identifier.
            return self._identifier(module, node, depth)
        if kind in ("member_expression", "subscript_expression"):
            return self._member(module, node, depth)
        if kind == "binary_expression":
            return self._binary(module, node, depth)
        if kind == "ternary_expression":
            consequence = self.value(module, node.child_by_field_name("consequence"), depth + 1)
            alternative = self.value(module, node.child_by_field_name("alternative"), depth + 1)
            return consequence if isinstance(consequence, str) and consequence == alternative else None

        if kind == "call_expression":
            return self._call(module, node, depth)
        if kind == "new_expression":
            return self._new(module, node, depth)
        if kind == "object":
            return self._object(module, node, depth)
        if kind == "array":
            return ArrayValue([Ref(module, item) for item in node.named_children if item.type != "comment"])
        if kind in FUNCTION_TYPES:
            return FunctionValue(module, node)
        if kind == "class":
            return ClassValue(module, node, "")
        return None

    def _template(self, module: JsModule, node: Node, depth: int) -> str:
        parts = []
        for child in node.named_children:
            if child.type == "string_fragment":
                parts.append(module.text(child))
            elif child.type == "escape_sequence":
                parts.append(unescape(module.text(child)))
            elif child.type == "template_substitution":
                inner = child.named_children[0] if child.named_children else None
                text = self.string(module, inner, depth + 1)
                parts.append(text if text is not None else UNKNOWN)
        return "".join(parts)

    def _binary(self, module: JsModule, node: Node, depth: int) -> Value:
        operator = node.child_by_field_name("operator")
        operator_text = operator.type if operator is not None else ""
        left_node = node.child_by_field_name("left")
        right_node = node.child_by_field_name("right")
        if operator_text in ("||", "??"):
            # process.env.X || 'default': the right side is what a checkout without the variable uses.
            # An empty default ('' or {}) is only a placeholder, so the value stays unknown.
            left = self.value(module, left_node, depth + 1)
            if left is not None or right_node is None or _is_empty_literal(module, right_node):
                return left
            return self.value(module, right_node, depth + 1)
        if operator_text != "+":
            return None
        left = self.string(module, left_node, depth + 1)
        right = self.string(module, right_node, depth + 1)
        if left is None and right is None:
            return None
        if left is None:
            left = UNKNOWN
        if right is None:
            right = UNKNOWN
        return left + right

    def _object(self, module: JsModule, node: Node, depth: int) -> ObjectValue:
        result = ObjectValue()
        for child in node.named_children:
            if child.type == "pair":
                key = child.child_by_field_name("key")
                name = module.property_name(key) if key is not None else None
                if name is None and key is not None and key.type == "computed_property_name" and key.named_children:
                    name = self.string(module, key.named_children[0], depth + 1)
                if name is None or UNKNOWN in name:
                    result.complete = False
                    continue
                result.entries[name] = Ref(module, child.child_by_field_name("value") or child)
            elif child.type == "shorthand_property_identifier":
                result.entries[module.text(child)] = Ref(module, child)
            elif child.type == "method_definition":
                name_node = child.child_by_field_name("name")
                if name_node is not None:
                    result.entries[module.text(name_node)] = Ref(module, child)
            elif child.type == "spread_element":
                spread = self.value(module, child.named_children[0] if child.named_children else None, depth + 1)
                if isinstance(spread, ParamsValue):
                    spread = spread.fields
                if isinstance(spread, ObjectValue):
                    result.entries.update(spread.entries)
                    result.complete = result.complete and spread.complete
                else:
                    result.complete = False
        return result

    # -------------------------------------------------------- names

    def _identifier(self, module: JsModule, node: Node, depth: int) -> Value:
        binding = module.resolve(node)
        if binding is None:
            return self._global(module.text(node), Ref(module, node))
        return self.binding_value(module, binding, depth)

    def _global(self, name: str, origin: Ref) -> Value:
        if name == "axios":
            return self.axios_default(origin.module)
        if name == "fetch":
            return PackageValue("fetch", "default")
        if name in ("$", "jQuery"):
            return PackageValue("jquery", "default")
        if name in HOST_GLOBALS or name in ("process", "location", "JSON", "Promise"):
            return GlobalValue(name, origin)
        return None

    def binding_value(self, module: JsModule, binding: Binding, depth: int) -> Value:
        """Return the value of a declared name, following destructuring, imports and reassignments."""
        if binding.kind == "function":
            return FunctionValue(module, binding.node)
        if binding.kind == "class":
            return ClassValue(module, binding.node, binding.name)
        if binding.kind == "import":
            return self._import(module, binding, depth)
        if binding.kind == "param":
            return self._parameter(module, binding, depth)
        if binding.kind not in ("const", "let", "var"):
            return None

        values = []
        for candidate in module.assigned_values(binding):
            if _is_empty_literal(module, candidate):
                continue
            self._record_trail(module, candidate)
            values.append(self._follow_path(self.value(module, candidate, depth + 1), binding.path, depth))
        result = _single(values)
        if result is None and binding.default is not None:
            result = self.value(module, binding.default, depth + 1)
        if not binding.path:
            result = self._apply_mutations(module, ("binding", binding.scope.id, binding.name), result, depth)
        return result

    def axios_default(self, module: JsModule) -> ClientValue:
        """Return axios's default instance with the ``axios.defaults`` settings of every scanned module."""
        return self._apply_mutations(module, ("library", "axios"), ClientValue("axios"), 0)

    def _record_trail(self, module: JsModule, node: Node) -> None:
        if self._trails:
            self._trails[-1][(module.path, node.id)] = Ref(module, node)

    def _follow_path(self, value: Value, path: tuple[str, ...], depth: int) -> Value:
        for name in path:
            value = self.property(value, name, depth)
        return value

    def _import(self, module: JsModule, binding: Binding, depth: int) -> Value:
        target = self.project.resolve_import(module, binding.source)
        if target is None:
            value = package_value(binding.source or "", binding.imported or "*")
            return self.axios_default(module) if isinstance(value, ClientValue) and value.library == "axios" else value
        if binding.imported == "*":
            return ModuleValue(target)
        return self.export_value(target, binding.imported or "default", depth)

    def _parameter(self, module: JsModule, binding: Binding, depth: int) -> Value:
        function = binding.scope
        index = int(binding.path[0]) if binding.path else 0
        receiver = then_receiver(module, function)
        if receiver is not None and index == 0:
            return self._follow_path(self.value(module, receiver, depth + 1), binding.path[1:], depth)
        argument = self.bound_argument(binding)
        if argument is not None and argument[1] is not None:
            return self._follow_path(self.value(argument[0], argument[1], depth + 1), binding.path[1:], depth)
        if binding.default is not None:
            return self.value(module, binding.default, depth + 1)
        return None

    # -------------------------------------------------------- exports

    def exports(self, module: JsModule) -> tuple[dict[str, Ref], list[str]]:
        """Return a module's named exports (``default`` included) and its ``export * from`` sources."""
        found = self._exports.get(module.path)
        if found is None:
            found = _collect_exports(module)
            self._exports[module.path] = found
        return found

    def export_ref(self, module: JsModule, name: str, seen: frozenset[str] = frozenset()) -> Ref | None:
        if module.path in seen:
            return None
        named, stars = self.exports(module)
        ref = named.get(name)
        if ref is not None:
            source = _reexport_source(ref)
            if source is not None:
                target = self.project.resolve_import(module, source[0])
                return self.export_ref(target, source[1], seen | {module.path}) if target is not None else None
            return ref
        for star in stars:
            target = self.project.resolve_import(module, star)
            if target is not None:
                found = self.export_ref(target, name, seen | {module.path})
                if found is not None:
                    return found
        return None

    def export_value(self, module: JsModule, name: str, depth: int) -> Value:
        ref = self.export_ref(module, name)
        if ref is None:
            if name == "default":
                return ModuleValue(module)
            return None
        self._record_trail(ref.module, ref.node)
        return self.value(ref.module, ref.node, depth + 1)

    # -------------------------------------------------------- members

    def _member(self, module: JsModule, node: Node, depth: int) -> Value:
        owner = node.child_by_field_name("object")
        name = self.member_name(module, node, depth)
        if owner is None or name is None:
            return None
        if owner.type == "this":
            return self.this_property(module, node, name, depth)
        owner_value = self.value(module, owner, depth + 1)
        if isinstance(owner_value, ModuleValue):
            return self.export_value(owner_value.module, name, depth)
        return self.property(owner_value, name, depth, Ref(module, node))

    def member_name(self, module: JsModule, node: Node, depth: int = 0) -> str | None:
        """Return the property a member or subscript expression reads: ``a.b`` and ``a['b']`` give ``b``."""
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            return module.text(prop) if prop is not None else None
        index = node.child_by_field_name("index")
        text = self.string(module, index, depth + 1) if index is not None else None
        return text if text is not None and UNKNOWN not in text else None

    def property(self, owner: Value, name: str, depth: int = 0, origin: Ref | None = None) -> Value:
        """Return ``owner[name]`` for the values the evaluator models."""
        if isinstance(owner, ObjectValue):
            return self.ref_value(owner.entries.get(name), depth)
        if isinstance(owner, ParamsValue):
            return owner.fields if name == "fields" else None
        if isinstance(owner, ArrayValue):
            return self.ref_value(owner.items[int(name)], depth) if name.isdigit() and int(name) < len(owner.items) else None
        if isinstance(owner, ModuleValue):
            return self.export_value(owner.module, name, depth)

        if isinstance(owner, PackageValue):
            if owner.name == "*" or name == "default" and owner.name == "default":
                return package_value(owner.package, "default" if name == "default" else name)
            return None
        if isinstance(owner, ClientValue) and name == "default":
            return owner
        if isinstance(owner, InstanceValue) and owner.class_value is not None:
            owner = owner.class_value
        if isinstance(owner, ClassValue):
            # A field or method, static or not: ClassName.BASE_URL, new Client().request.
            body = owner.node.child_by_field_name("body")
            members = self.members(owner.module, body, name) if body is not None else []
            return _single([self.value(ref.module, ref.node, depth + 1) for ref in members])
        if isinstance(owner, ResponseValue):
            if owner.call.library in ("axios", "http") and name == "data" or owner.call.library in ("got",) and name == "body":
                return JsonBodyValue(owner.call)
            return None
        if isinstance(owner, URLValue):
            if name == "href":
                return self._url_href(owner, depth)
            if name == "searchParams":
                return ParamsValue("params", owner.query)
            return None
        if isinstance(owner, GlobalValue):
            return _global_property(owner, name, origin)
        return None

    def this_property(self, module: JsModule, node: Node, name: str, depth: int) -> Value:
        """Return the value of ``this.name`` from the assignments and fields of the enclosing class."""
        values = []
        for ref in self.class_member_values(module, node, name):
            if _is_empty_literal(ref.module, ref.node):
                continue
            self._record_trail(ref.module, ref.node)
            values.append(self.value(ref.module, ref.node, depth + 1))
        klass = enclosing_class(module, node)
        result = _single(values)
        if klass is not None:
            result = self._apply_mutations(module, ("this", klass.id, name), result, depth)
        return result

    def class_member_values(self, module: JsModule, node: Node, name: str) -> list[Ref]:
        """Return the expressions assigned to ``this.name`` or to the class field ``name`` in the class around ``node``.

        A name the class does not assign is looked up in the classes it extends,
        in other scanned modules too. In a method of an object literal, ``this``
        is the object, so its property ``name`` is returned.
        """
        klass = enclosing_class(module, node)
        if klass is None:
            owner = enclosing_object(module, node)
            value = self._object(module, owner, 0).entries.get(name) if owner is not None else None
            return [value] if isinstance(value, Ref) else []
        return self.members(module, klass, name)

    def members(self, module: JsModule, class_body: Node, name: str, depth: int = 0) -> list[Ref]:
        """Return what a class body and, failing that, its superclasses assign to ``name``."""
        key = (module.path, class_body.id)
        members = self._class_members.get(key)
        if members is None:
            members = _collect_class_members(module, class_body)
            self._class_members[key] = members
        if name in members or depth >= MAX_SUPERCLASSES:
            return [Ref(module, value) for value in members.get(name, [])]
        superclass = self._superclass(module, class_body)
        if superclass is None:
            return []
        body = superclass.node.child_by_field_name("body")
        return self.members(superclass.module, body, name, depth + 1) if body is not None else []

    def _superclass(self, module: JsModule, class_body: Node) -> ClassValue | None:
        """Return the class that ``class X extends Y`` names, when it is a scanned class."""
        declaration = module.parent(class_body)
        heritage = next((child for child in declaration.named_children if child.type == "class_heritage"), None) if declaration is not None else None
        if heritage is None or not heritage.named_children:
            return None
        target = heritage.named_children[0]
        if target.type == "extends_clause":
            target = target.child_by_field_name("value")
        value = self.value(module, target) if target is not None else None
        return value if isinstance(value, ClassValue) else None

    # -------------------------------------------------------- calls

    def _call(self, module: JsModule, node: Node, depth: int) -> Value:
        http = self.http_call(module, node)
        if http is not None:
            return ResponseValue(http)
        callee = unwrap(node.child_by_field_name("function"))
        arguments = call_arguments(node)
        if callee is None:
            return None
        if callee.type == "identifier":
            return self._call_function(module, callee, arguments, depth)
        if callee.type not in ("member_expression", "subscript_expression"):
            return None
        owner_node = callee.child_by_field_name("object")
        method = self.member_name(module, callee, depth)
        if owner_node is None or method is None:
            return None
        if owner_node.type == "this":
            return self.returned_value(self.this_property(module, callee, method, depth), depth, (module, arguments))
        owner = self.value(module, owner_node, depth + 1)
        return self._call_method(module, owner, owner_node, method, arguments, depth)

    def _call_function(self, module: JsModule, callee: Node, arguments: list[Node], depth: int) -> Value:
        name = module.text(callee)
        if module.resolve(callee) is None:
            first = arguments[0] if arguments else None
            if name == "require" and first is not None:
                specifier = module.cooked(first)
                target = self.project.resolve_import(module, specifier)
                if target is not None:
                    return ModuleValue(target)
                value = package_value(specifier or "", "*")
                return self.axios_default(module) if isinstance(value, ClientValue) and value.library == "axios" else value
            if name in ("String", "encodeURIComponent", "encodeURI"):
                text = self.string(module, first, depth + 1)
                if name == "encodeURIComponent" and text is not None:
                    return encode_component(text).replace("+", "%20")
                return text
        return self.returned_value(self.value(module, callee, depth + 1), depth, (module, arguments))

    def _call_method(self, module: JsModule, owner: Value, owner_node: Node, method: str, arguments: list[Node], depth: int) -> Value:
        first = arguments[0] if arguments else None
        if isinstance(owner, ResponseValue) and method == "json":
            return JsonBodyValue(owner.call)
        if method == "then" and first is not None:
            return self.returned_value(self.value(module, first, depth + 1), depth)
        if isinstance(owner, GlobalValue):
            return self._call_global(module, owner, method, arguments, depth)
        if isinstance(owner, str) or isinstance(owner, URLValue) and method == "toString":
            text = self.to_string(owner, depth)
            if text is None or method not in STRING_METHODS:
                return None
            if method == "toLowerCase":
                return text.lower()
            if method == "toUpperCase":
                return text.upper()
            if method.startswith("trim"):
                return text.strip()
            return text

        if isinstance(owner, ParamsValue) and method == "toString":
            return self.to_string(owner, depth)
        if isinstance(owner, ArrayValue) and method == "join":
            separator = self.string(module, first, depth + 1) if first is not None else ","
            if separator is None:
                return None
            return separator.join(self._item_text(item, depth) for item in owner.items)
        if isinstance(owner, PackageValue) and method == "stringify" and owner.package in ("qs", "querystring", "query-string"):
            value = self.value(module, first, depth + 1)
            return self.encode_params(value, depth) if isinstance(value, ObjectValue) else None

        if isinstance(owner, ClientValue) and method in ("create", "extend"):
            return jshttp.extend_client(self, module, owner, first, depth)
        caller = (module, arguments)
        if isinstance(owner, ModuleValue):
            return self.returned_value(self.export_value(owner.module, method, depth), depth, caller)
        if isinstance(owner, (ObjectValue, InstanceValue, ClassValue)):
            return self.returned_value(self.property(owner, method, depth), depth, caller)
        return None

    def _call_global(self, module: JsModule, owner: GlobalValue, method: str, arguments: list[Node], depth: int) -> Value:
        first = arguments[0] if arguments else None
        if owner.name == "JSON" and method == "stringify":
            return JsonText(self.value(module, first, depth + 1))
        if owner.name == "location.hash" and method in FRAGMENT_METHODS:
            return owner
        if owner.name == "Promise" and method == "resolve":
            return self.value(module, first, depth + 1)
        return None

    def returned_value(self, function: Value, depth: int, caller: tuple[JsModule, list[Node]] | None = None) -> Value:
        """Return what calling ``function`` returns: the first return expression whose value is known.

        With ``caller`` (its module and argument nodes), the parameters take the caller's arguments.
        """
        if not isinstance(function, FunctionValue):
            return None
        if caller is not None and caller[1] and function.node.id not in self._bound:
            with self.bound(function.node, caller[0], caller[1]):
                return self._first_returned(function, depth)
        return self._first_returned(function, depth)

    def _first_returned(self, function: FunctionValue, depth: int) -> Value:
        for node in returned_expressions(function.node):
            result = self.value(function.module, node, depth + 1)
            if result is not None:
                return result
        return None

    def _url_href(self, value: URLValue, depth: int) -> str:
        """Return a URL's href with the parameters set on its ``searchParams`` appended."""
        if not value.query.entries and value.query.complete:
            return value.href
        separator = "&" if "?" in value.href else "?"
        return value.href + separator + self.encode_params(value.query, depth)

    def _item_text(self, item: Ref, depth: int) -> str:
        text = self.to_string(self.ref_value(item, depth), depth)
        return text if text is not None else UNKNOWN

    # -------------------------------------------------------- new

    def _new(self, module: JsModule, node: Node, depth: int) -> Value:
        constructor = unwrap(node.child_by_field_name("constructor"))
        arguments = call_arguments(node)
        first = arguments[0] if arguments else None
        if constructor is None:
            return None
        if constructor.type in ("member_expression", "identifier"):
            constructed = self.value(module, constructor, depth + 1)
        else:
            constructed = None
        name = module.text(constructor).rsplit(".", 1)[-1]
        global_name = constructed is None and (constructor.type == "identifier" and module.resolve(constructor) is None)
        if isinstance(constructed, PackageValue) and constructed.package in self.twurple_modules:
            return self._twurple(module, node, constructed.name, arguments, depth)
        if isinstance(constructed, ClassValue):
            return InstanceValue(constructed.name or name, constructed)
        if not global_name:
            return InstanceValue(name)
        if name == "URL":
            relative = self.string(module, first, depth + 1)
            if relative is None:
                return None
            if len(arguments) > 1:
                base = self.string(module, arguments[1], depth + 1)
                relative = resolve_url(relative, base if base is not None else UNKNOWN)
            return URLValue(relative)
        if name in ("URLSearchParams", "FormData", "Headers"):
            kind = {"URLSearchParams": "params", "FormData": "form", "Headers": "headers"}[name]
            return self._params(module, kind, first, depth)
        return InstanceValue(name)

    def _params(self, module: JsModule, kind: str, initial: Node | None, depth: int) -> ParamsValue:
        if initial is None:
            return ParamsValue(kind, ObjectValue())
        value = self.value(module, initial, depth + 1)
        if isinstance(value, ObjectValue):
            return ParamsValue(kind, value.copy())
        if isinstance(value, ParamsValue):
            return ParamsValue(kind, value.fields.copy(), value.fragment)
        if isinstance(value, GlobalValue) and value.name == "location.hash":
            return ParamsValue(kind, ObjectValue(complete=False), Ref(module, initial))
        if isinstance(value, str) and kind == "params":
            pairs, complete = parse_query(value.lstrip("?"))
            return ParamsValue(kind, ObjectValue(dict(pairs), complete))
        return ParamsValue(kind, ObjectValue(complete=False))

    def _twurple(self, module: JsModule, node: Node, class_name: str, arguments: list[Node], depth: int) -> Value:
        origin = Ref(module, node)
        if class_name == "ApiClient":
            options = self.value(module, arguments[0], depth + 1) if arguments else None
            provider = self.property(options, "authProvider", depth) if isinstance(options, ObjectValue) else None
            return TwurpleClientValue(provider if isinstance(provider, AuthProviderValue) else None, origin)
        auth = self.twurple_auth.get(class_name)
        if auth is None:
            return InstanceValue(class_name)
        scopes = None
        position = auth.scopes.position if auth.scopes is not None else None
        if position is not None and position < len(arguments):
            listed = self.value(module, arguments[position], depth + 1)
            if isinstance(listed, ArrayValue):
                scopes = tuple(text for text in (self.to_string(self.ref_value(item)) for item in listed.items) if text)
        return AuthProviderValue(class_name, auth.token, origin, scopes)

    # -------------------------------------------------------- mutations after construction

    def _apply_mutations(self, module: JsModule, key: tuple, value: Value, depth: int) -> Value:
        """Add what later statements set on an object: ``params.append``, ``url.searchParams.set``, ``obj.x = v``."""
        if not isinstance(value, (ObjectValue, ParamsValue, URLValue, ClientValue)):
            return value
        if isinstance(value, ClientValue) and value.library == "axios" and value.origin is None:
            mutations = self.library_mutations()
        else:
            mutations = self.mutations(module).get(key, [])
        if not mutations:
            return value
        if isinstance(value, ObjectValue):
            value = value.copy()
            target = value
        elif isinstance(value, ParamsValue):
            value = ParamsValue(value.kind, value.fields.copy(), value.fragment)
            target = value.fields
        elif isinstance(value, URLValue):
            value = URLValue(value.href, value.query.copy())
            target = value.query
        else:
            value = ClientValue(value.library, value.base_url, value.headers.copy(), value.params, value.origin)
            target = value.headers
        for mutation in mutations:
            if mutation.kind == "base-url":
                if isinstance(value, ClientValue):
                    value.base_url = self.string(mutation.module, mutation.value, depth + 1)
                continue
            if not _mutation_applies(mutation.kind, value):
                continue
            name = mutation.name if isinstance(mutation.name, str) else self.string(mutation.module, mutation.name, depth + 1)
            if name is None or UNKNOWN in name:
                target.complete = False
                continue
            if mutation.kind == "default-header":
                name = name.lower()
            target.entries[name] = Ref(mutation.module, mutation.value) if mutation.value is not None else None
        return value

    def mutations(self, module: JsModule) -> dict[tuple, list[jshttp.Mutation]]:
        """Return the statements in ``module`` that change an object after it was made, by receiver."""
        found = self._mutations.get(module.path)
        if found is None:
            found = {}
            for mutation in jshttp.collect_mutations(self, module):
                key = self.receiver_key(module, mutation.receiver)
                if key is not None:
                    found.setdefault(key, []).append(mutation)
            self._mutations[module.path] = found
        return found

    def library_mutations(self) -> list[jshttp.Mutation]:
        """Return the ``axios.defaults`` assignments of every module: they change the one shared default instance."""
        if self._library_defaults is None:
            self._library_defaults = [
                mutation
                for module in self.project.modules.values()
                for mutation in self.mutations(module).get(("library", "axios"), [])
                if mutation.kind in ("default-header", "base-url")
            ]
        return self._library_defaults

    def receiver_key(self, module: JsModule, receiver: Node) -> tuple | None:
        """Return what identifies an object across statements: its variable's binding, ``this.name`` in a class, or axios."""
        receiver = unwrap(receiver)
        if receiver is None:
            return None
        if receiver.type == "identifier":
            binding = module.resolve(receiver)
            if binding is None:
                return ("library", "axios") if module.text(receiver) == "axios" else None
            if binding.kind == "import" and (binding.source or "") == "axios":
                return ("library", "axios")
            return ("binding", binding.scope.id, binding.name)
        if receiver.type == "member_expression":
            owner = receiver.child_by_field_name("object")
            if owner is not None and owner.type == "this":
                klass = enclosing_class(module, receiver)
                name = self.member_name(module, receiver)
                return ("this", klass.id, name) if klass is not None and name else None
        return None


def _mutation_applies(kind: str, value: Value) -> bool:
    if kind == "default-header":
        return isinstance(value, ClientValue)
    if kind == "query":
        return isinstance(value, URLValue)
    if kind == "param":
        return isinstance(value, ParamsValue)
    return kind == "property" and isinstance(value, ObjectValue)


def package_value(package: str, name: str) -> Value:
    """Return the value of an export of an unscanned package: the HTTP clients are modelled, the rest kept by name."""
    library = HTTP_PACKAGES.get(package)
    if library in ("axios", "got", "ky") and name in ("default", "*", library):
        return ClientValue(library)
    if library == "fetch" and name in ("default", "*", "fetch"):
        return PackageValue("fetch", "default")
    return PackageValue(package, name)


def _global_property(owner: GlobalValue, name: str, origin: Ref | None) -> Value:
    if owner.name in HOST_GLOBALS:
        if name in ("location", "document"):
            return GlobalValue(name, origin)
        if name in ("axios", "fetch"):
            return ClientValue(name) if name == "axios" else PackageValue("fetch", "default")
        return None
    if owner.name in ("location", "document") and name == "location":
        return GlobalValue("location", origin)
    if owner.name == "location" and name == "hash":
        return GlobalValue("location.hash", origin)
    if owner.name == "process" and name == "env":
        return GlobalValue("process.env", origin)
    return None


def _is_empty_literal(module: JsModule, node: Node) -> bool:
    """Tell whether ``node`` is a placeholder value that real code replaces later: null, undefined, '' or {}."""
    node = unwrap(node)
    if node is None:
        return True
    if node.type in ("null", "undefined"):
        return True
    if node.type == "identifier" and module.text(node) == "undefined":
        return True
    return node.type in ("string", "template_string") and module.cooked(node) == ""


def _single(values: list[Value]) -> Value:
    """Return the one value the candidates agree on: strings must be equal, other values the first known."""
    known = [value for value in values if value is not None]
    if not known:
        return None
    strings = [value for value in known if isinstance(value, str)]
    if strings:
        return strings[0] if len(strings) == len(known) and len(set(strings)) == 1 else None
    return known[0]


def call_arguments(node: Node) -> list[Node]:
    arguments = node.child_by_field_name("arguments")
    if arguments is None or arguments.type != "arguments":
        return []
    return [child for child in arguments.named_children if child.type != "comment"]


def then_receiver(module: JsModule, function: Node) -> Node | None:
    """Return ``p`` when ``function`` is the callback in ``p.then(function)``."""
    parent = module.parent(function)
    if parent is None or parent.type != "arguments" or not parent.named_children or parent.named_children[0] != function:
        return None
    call = module.parent(parent)
    callee = call.child_by_field_name("function") if call is not None else None
    if callee is None or callee.type != "member_expression":
        return None
    prop = callee.child_by_field_name("property")
    if prop is None or prop.text != b"then":
        return None
    return callee.child_by_field_name("object")


def returned_expressions(function: Node) -> list[Node]:
    """Return the expressions a function returns: an arrow's expression body, or each ``return x``."""
    body = function.child_by_field_name("body")
    if body is None:
        return []
    if body.type != "statement_block":
        return [body]
    found = []
    stack = list(body.named_children)
    while stack:
        node = stack.pop()
        if node.type in FUNCTION_TYPES or node.type == "class":
            continue
        if node.type == "return_statement":
            found += [child for child in node.named_children if child.type != "comment"][:1]
            continue
        stack.extend(node.named_children)
    found.sort(key=lambda item: item.start_byte)
    return found


def enclosing_class(module: JsModule, node: Node) -> Node | None:
    """Return the class body around ``node``; ``function`` expressions rebind ``this``, arrow functions do not."""
    current = module.parent(node)
    while current is not None:
        if current.type == "class_body":
            return current
        if current.type in ("function_expression", "function", "function_declaration", "generator_function", "generator_function_declaration"):
            return None
        current = module.parent(current)
    return None


def enclosing_object(module: JsModule, node: Node) -> Node | None:
    """Return the object literal whose method contains ``node``, where ``this`` is that object."""
    current = module.parent(node)
    while current is not None:
        if current.type in ("method_definition", "function_expression", "function"):
            parent = module.parent(current)
            if parent is not None and parent.type == "pair":
                parent = module.parent(parent)
            return parent if parent is not None and parent.type == "object" else None
        if current.type in ("class_body", "function_declaration", "program"):
            return None
        current = module.parent(current)
    return None


def _collect_class_members(module: JsModule, class_body: Node) -> dict[str, list[Node]]:
    members: dict[str, list[Node]] = {}
    for member in class_body.named_children:
        if member.type in ("field_definition", "public_field_definition"):
            name = member.child_by_field_name("property") or member.child_by_field_name("name")
            value = member.child_by_field_name("value")
            if name is not None and value is not None:
                members.setdefault(module.text(name), []).append(value)
        elif member.type == "method_definition":
            name = member.child_by_field_name("name")
            if name is not None and module.text(name) not in ("constructor",):
                members.setdefault(module.text(name), []).append(member)
    for node in walk(class_body):
        if node.type != "assignment_expression":
            continue
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None or left.type != "member_expression":
            continue
        owner = left.child_by_field_name("object")
        prop = left.child_by_field_name("property")
        if owner is not None and owner.type == "this" and prop is not None and enclosing_class(module, node) == class_body:
            members.setdefault(module.text(prop), []).append(right)
    return members


def _collect_exports(module: JsModule) -> tuple[dict[str, Ref], list[str]]:
    named: dict[str, Ref] = {}
    stars: list[str] = []
    for statement in module.root.named_children:
        if statement.type == "export_statement":
            _collect_export_statement(module, statement, named, stars)
        elif statement.type == "expression_statement" and statement.named_children:
            _collect_commonjs_export(module, statement.named_children[0], named)
    return named, stars


def _collect_export_statement(module: JsModule, statement: Node, named: dict[str, Ref], stars: list[str]) -> None:
    source_node = statement.child_by_field_name("source")
    source = module.cooked(source_node) if source_node is not None else None
    declaration = statement.child_by_field_name("declaration")
    value = statement.child_by_field_name("value")
    is_default = any(child.type == "default" for child in statement.children)
    if declaration is not None:
        if declaration.type in ("lexical_declaration", "variable_declaration"):
            for declarator in declaration.named_children:
                name = declarator.child_by_field_name("name") if declarator.type == "variable_declarator" else None
                if name is not None and name.type == "identifier":
                    named[module.text(name)] = Ref(module, name)
        else:
            name = declaration.child_by_field_name("name")
            if name is not None:
                named[module.text(name)] = Ref(module, name)
            if is_default:
                named["default"] = Ref(module, name if name is not None else declaration)
        return
    if value is not None:
        named["default"] = Ref(module, value)
        return
    clause = next((child for child in statement.named_children if child.type == "export_clause"), None)
    if clause is None:
        if source is not None:
            stars.append(source)
        return
    for specifier in clause.named_children:
        if specifier.type != "export_specifier":
            continue
        local = specifier.child_by_field_name("name")
        alias = specifier.child_by_field_name("alias") or local
        if local is None or alias is None:
            continue
        if source is not None:
            named[module.text(alias)] = Ref(module, specifier)
        else:
            named[module.text(alias)] = Ref(module, local)


def _reexport_source(ref: Ref) -> tuple[str, str] | None:
    """Return (source, name) for ``export { name } from 'source'``."""
    if ref.node.type != "export_specifier":
        return None
    clause = ref.module.parent(ref.node)
    statement = ref.module.parent(clause) if clause is not None else None
    source_node = statement.child_by_field_name("source") if statement is not None else None
    local = ref.node.child_by_field_name("name")
    if source_node is None or local is None:
        return None
    return ref.module.cooked(source_node) or "", ref.module.text(local)


def _collect_commonjs_export(module: JsModule, expression: Node, named: dict[str, Ref]) -> None:
    """Read ``module.exports = {...}``, ``module.exports.name = v`` and ``exports.name = v``."""
    if expression.type != "assignment_expression":
        return
    left = expression.child_by_field_name("left")
    right = expression.child_by_field_name("right")
    if left is None or right is None:
        return
    target = module.text(left).replace(" ", "")
    if target == "module.exports":
        named["default"] = Ref(module, right)
        inner = unwrap(right)
        if inner is not None and inner.type == "object":
            for child in inner.named_children:
                if child.type == "pair":
                    key = child.child_by_field_name("key")
                    name = module.property_name(key) if key is not None else None
                    if name is not None:
                        named[name] = Ref(module, child.child_by_field_name("value") or child)
                elif child.type == "shorthand_property_identifier":
                    named[module.text(child)] = Ref(module, child)
        return
    for prefix in ("module.exports.", "exports."):
        if target.startswith(prefix) and "." not in target[len(prefix):]:
            named[target[len(prefix):]] = Ref(module, right)
