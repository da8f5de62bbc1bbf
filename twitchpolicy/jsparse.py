"""Parse JavaScript and TypeScript with tree-sitter, and resolve names to their declarations.

A :class:`JsModule` is one parsed file. It maps byte offsets to 1-based
character columns, cooks string literals, and resolves an identifier to the
declaration in scope (``const``/``let``/``var``, parameters, functions,
classes, imports), lexical scoping included. :class:`JsProject` contains every
scanned module, so imports and ``require`` calls of relative paths reach the
module they name.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import tree_sitter_javascript
import tree_sitter_typescript
from tree_sitter import Language, Node, Parser

from twitchpolicy.jsresolve import SUFFIXES as SUFFIXES
from twitchpolicy.jsresolve import TSX_SUFFIXES, TYPESCRIPT_SUFFIXES, resolve_specifier

FUNCTION_TYPES = frozenset(
    {"function_declaration", "generator_function_declaration", "function_expression", "function",
     "generator_function", "arrow_function", "method_definition"}
)
CLASS_TYPES = frozenset({"class_declaration", "class", "abstract_class_declaration"})
BLOCK_TYPES = frozenset({"program", "statement_block", "switch_case", "switch_default", "class_static_block"})
DECLARATION_TYPES = frozenset({"lexical_declaration", "variable_declaration"})
SCOPE_STATEMENT_TYPES = frozenset({"for_statement", "for_in_statement", "catch_clause"})
# Wrappers that do not change a value: (x), x as T, x!, x satisfies T, <T>x.
TRANSPARENT_TYPES = frozenset(
    {"parenthesized_expression", "as_expression", "non_null_expression", "satisfies_expression", "type_assertion"}
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


@lru_cache(maxsize=None)
def _parser(kind: str) -> Parser:
    if kind == "typescript":
        language = Language(tree_sitter_typescript.language_typescript())
    elif kind == "tsx":
        language = Language(tree_sitter_typescript.language_tsx())
    else:
        language = Language(tree_sitter_javascript.language())
    return Parser(language)


def grammar_for(path: str) -> str:
    """Return the tree-sitter grammar for a file: javascript (JSX included), typescript or tsx."""
    if path.endswith(TSX_SUFFIXES):
        return "tsx"
    if path.endswith(TYPESCRIPT_SUFFIXES):
        return "typescript"
    return "javascript"


@dataclass(eq=False)
class Binding:
    """A declared name: ``kind`` is const, let, var, param, function, class, import, catch or for.

    ``value`` is the initializer, and ``path`` the property names (or array
    indexes as strings) that a destructuring pattern reads from it:
    ``const { data: { access_token } } = x`` binds ``access_token`` with path
    ``("data", "access_token")``. Imports name the module ``source`` and the
    ``imported`` name (``default`` or ``*`` for default and namespace imports).
    """

    name: str
    kind: str
    node: Node
    scope: Node
    value: Node | None = None
    path: tuple[str, ...] = ()
    default: Node | None = None
    source: str | None = None
    imported: str | None = None


@dataclass(eq=False)
class JsModule:
    """One parsed JavaScript or TypeScript file."""

    path: str
    source: bytes
    root: Node
    _line_starts: list[int] = field(default_factory=list)
    _scopes: dict[int, dict[str, Binding]] = field(default_factory=dict)
    _resolved: dict[int, Binding | None] = field(default_factory=dict)
    _assignments: dict[str, list[Node]] | None = None
    _by_type: dict[str, list[Node]] | None = None
    _parents: dict[int, Node] | None = None

    @classmethod
    def parse(cls, path: str, text: str) -> JsModule:
        source = text.encode("utf-8", errors="replace")
        tree = _parser(grammar_for(path)).parse(source)
        starts = [0] + [match.end() for match in re.finditer(b"\n", source)]
        return cls(path, source, tree.root_node, starts)

    # -------------------------------------------------------- text and positions

    def text(self, node: Node) -> str:
        return self.source[node.start_byte:node.end_byte].decode("utf-8", errors="replace")

    def position(self, node: Node) -> tuple[int, int]:
        """Return the 1-based line and character column where ``node`` starts."""
        return self.position_at(node.start_byte)

    def position_at(self, offset: int) -> tuple[int, int]:
        low, high = 0, len(self._line_starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self._line_starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        prefix = self.source[self._line_starts[low]:offset]
        column = len(prefix) if prefix.isascii() else len(prefix.decode("utf-8", errors="replace"))
        return low + 1, column + 1

    def end_line(self, node: Node) -> int:
        return node.end_point.row + 1

    def cooked(self, node: Node) -> str | None:
        """Return the value of a string literal, or of a template literal without substitutions."""
        if node.type == "string" or node.type == "template_string":
            parts = []
            for child in node.named_children:
                if child.type == "string_fragment":
                    parts.append(self.text(child))
                elif child.type == "escape_sequence":
                    parts.append(unescape(self.text(child)))
                elif child.type == "template_substitution":
                    return None
            return "".join(parts)
        return None

    # -------------------------------------------------------- name resolution

    def resolve(self, identifier: Node) -> Binding | None:
        """Return the declaration that ``identifier`` refers to, or None for a global or unknown name."""
        if identifier.id in self._resolved:
            return self._resolved[identifier.id]
        binding = self._resolve(identifier)
        self._resolved[identifier.id] = binding
        return binding

    def _resolve(self, identifier: Node) -> Binding | None:
        name = self.text(identifier)
        parent = self.parent(identifier)
        while parent is not None:
            if parent.type in BLOCK_TYPES or parent.type in FUNCTION_TYPES or parent.type in SCOPE_STATEMENT_TYPES:
                binding = self.bindings(parent).get(name)
                if binding is not None:
                    return binding
            parent = self.parent(parent)
        return None

    def bindings(self, scope: Node) -> dict[str, Binding]:
        """Return the names that ``scope`` declares, computed once per scope node."""
        found = self._scopes.get(scope.id)
        if found is None:
            found = {}
            self._collect_scope(scope, found)
            self._scopes[scope.id] = found
        return found

    def _collect_scope(self, scope: Node, into: dict[str, Binding]) -> None:
        kind = scope.type
        if kind in FUNCTION_TYPES:
            self._collect_parameters(scope, into)
            name = scope.child_by_field_name("name")
            if kind in ("function_expression", "function") and name is not None:
                into.setdefault(self.text(name), Binding(self.text(name), "function", scope, scope))
            return
        if kind == "catch_clause":
            parameter = scope.child_by_field_name("parameter")
            if parameter is not None:
                for name, node, path, default in self._pattern_names(parameter):
                    into[name] = Binding(name, "catch", node, scope, None, path, default)
            return
        if kind == "for_in_statement":
            left = scope.child_by_field_name("left")
            if left is not None:
                for name, node, path, default in self._pattern_names(left):
                    into[name] = Binding(name, "for", node, scope, None, path, default)
            return
        if kind == "for_statement":
            initializer = scope.child_by_field_name("initializer")
            if initializer is not None and initializer.type in DECLARATION_TYPES:
                self._collect_declaration(initializer, scope, into)
            return
        for statement in scope.named_children:
            self._collect_statement(statement, scope, into)
        parent = self.parent(scope)
        if kind == "program" or parent is not None and parent.type in FUNCTION_TYPES:
            # var is function-scoped: a var inside an if or try block belongs to the function.
            for declaration in _nested_vars(scope):
                self._collect_declaration(declaration, scope, into, overwrite=False)

    def _collect_statement(self, statement: Node, scope: Node, into: dict[str, Binding]) -> None:
        if statement.type == "export_statement":
            declaration = statement.child_by_field_name("declaration")
            if declaration is not None:
                self._collect_statement(declaration, scope, into)
            return
        if statement.type in DECLARATION_TYPES:
            self._collect_declaration(statement, scope, into)
        elif statement.type in ("function_declaration", "generator_function_declaration"):
            name = statement.child_by_field_name("name")
            if name is not None:
                into[self.text(name)] = Binding(self.text(name), "function", statement, scope, statement)
        elif statement.type in ("class_declaration", "abstract_class_declaration"):
            name = statement.child_by_field_name("name")
            if name is not None:
                into[self.text(name)] = Binding(self.text(name), "class", statement, scope, statement)
        elif statement.type == "import_statement":
            self._collect_import(statement, scope, into)

    def _collect_declaration(self, declaration: Node, scope: Node, into: dict[str, Binding], overwrite: bool = True) -> None:
        kind_node = declaration.child_by_field_name("kind")
        kind = self.text(kind_node) if kind_node is not None else "var"
        for declarator in declaration.named_children:
            if declarator.type != "variable_declarator":
                continue
            target = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if target is None:
                continue
            for name, node, path, default in self._pattern_names(target):
                if overwrite or name not in into:
                    into[name] = Binding(name, kind, node, scope, value, path, default)

    def _collect_parameters(self, function: Node, into: dict[str, Binding]) -> None:
        single = function.child_by_field_name("parameter")
        parameters = [single] if single is not None else []
        listed = function.child_by_field_name("parameters")
        if listed is not None:
            parameters = list(listed.named_children)
        for index, parameter in enumerate(parameters):
            target, default = parameter, None
            if parameter.type in ("required_parameter", "optional_parameter"):
                target = parameter.child_by_field_name("pattern") or parameter
                default = parameter.child_by_field_name("value")
            elif parameter.type == "assignment_pattern":
                target = parameter.child_by_field_name("left") or parameter
                default = parameter.child_by_field_name("right")
            for name, node, path, inner_default in self._pattern_names(target):
                into[name] = Binding(name, "param", node, function, None, (str(index),) + path, inner_default or default)

    def _collect_import(self, statement: Node, scope: Node, into: dict[str, Binding]) -> None:
        source_node = statement.child_by_field_name("source")
        source = self.cooked(source_node) if source_node is not None else None
        for clause in statement.named_children:
            if clause.type != "import_clause":
                continue
            for item in clause.named_children:
                if item.type == "identifier":
                    into[self.text(item)] = Binding(self.text(item), "import", item, scope, source=source, imported="default")
                elif item.type == "namespace_import":
                    for name in item.named_children:
                        if name.type == "identifier":
                            into[self.text(name)] = Binding(self.text(name), "import", name, scope, source=source, imported="*")
                elif item.type == "named_imports":
                    for specifier in item.named_children:
                        if specifier.type != "import_specifier":
                            continue
                        imported = specifier.child_by_field_name("name")
                        alias = specifier.child_by_field_name("alias") or imported
                        if imported is None or alias is None:
                            continue
                        local = self.text(alias)
                        into[local] = Binding(local, "import", alias, scope, source=source, imported=self.text(imported))

    def _pattern_names(self, pattern: Node, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Node, tuple[str, ...], Node | None]]:
        """Yield (name, node, property path, default value) for each name a binding pattern declares."""
        kind = pattern.type
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            yield self.text(pattern), pattern, path, None
        elif kind == "object_pattern":
            for item in pattern.named_children:
                if item.type == "shorthand_property_identifier_pattern":
                    yield self.text(item), item, path + (self.text(item),), None
                elif item.type == "pair_pattern":
                    key = item.child_by_field_name("key")
                    value = item.child_by_field_name("value")
                    key_text = self.property_name(key) if key is not None else None
                    if key_text is not None and value is not None:
                        yield from self._pattern_names(value, path + (key_text,))
                elif item.type == "object_assignment_pattern":
                    left = item.child_by_field_name("left")
                    right = item.child_by_field_name("right")
                    if left is not None:
                        for name, node, inner, _ in self._pattern_names(left, path + ((self.text(left),) if left.type == "shorthand_property_identifier_pattern" else ())):
                            yield name, node, inner, right
        elif kind == "array_pattern":
            for index, item in enumerate(pattern.named_children):
                yield from self._pattern_names(item, path + (str(index),))
        elif kind == "assignment_pattern":
            left = pattern.child_by_field_name("left")
            right = pattern.child_by_field_name("right")
            if left is not None:
                for name, node, inner, _ in self._pattern_names(left, path):
                    yield name, node, inner, right

    def property_name(self, key: Node) -> str | None:
        """Return the name of an object key: ``a``, ``'a'``, ``"a"`` or a computed ``['a']``."""
        if key.type in ("property_identifier", "private_property_identifier", "identifier", "shorthand_property_identifier"):
            return self.text(key)
        if key.type in ("string", "template_string"):
            return self.cooked(key)
        if key.type == "number":
            return self.text(key)
        if key.type == "computed_property_name" and key.named_child_count == 1:
            inner = key.named_children[0]
            return self.cooked(inner) if inner.type in ("string", "template_string") else None
        return None

    def nodes(self, kind: str) -> list[Node]:
        """Return every node of type ``kind`` in source order; one walk of the tree indexes all types."""
        if self._by_type is None:
            self._index()
        return self._by_type.get(kind, [])

    def parent(self, node: Node) -> Node | None:
        """Return the parent of ``node``. Node.parent is avoided because tree-sitter finds it from the root each time."""
        if self._parents is None:
            self._index()
        return self._parents.get(node.id)

    def _index(self) -> None:
        self._by_type = {}
        self._parents = {}
        stack = [self.root]
        while stack:
            node = stack.pop()
            self._by_type.setdefault(node.type, []).append(node)
            children = node.children
            for child in children:
                self._parents[child.id] = node
            stack.extend(reversed(children))

    def assigned_values(self, binding: Binding) -> list[Node]:
        """Return a variable's initializer and, unless it is a const, the right side of each later ``name = value``."""
        values = [binding.value] if binding.value is not None else []
        if binding.kind == "const":
            return values
        for assignment in self.assignments(binding.name):
            left = assignment.child_by_field_name("left")
            right = assignment.child_by_field_name("right")
            if left is not None and right is not None and self.resolve(left) is binding:
                values.append(right)
        return values

    def assignments(self, name: str) -> list[Node]:
        """Return every ``name = value`` assignment expression in the file."""
        if self._assignments is None:
            self._assignments = {}
            for node in self.nodes("assignment_expression"):
                left = node.child_by_field_name("left")
                if left is not None and left.type == "identifier":
                    self._assignments.setdefault(self.text(left), []).append(node)
        return self._assignments.get(name, [])


def walk(root: Node) -> Iterator[Node]:
    """Yield ``root`` and every node below it, depth first, in source order, without recursion."""
    cursor = root.walk()
    while True:
        yield cursor.node
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent() or cursor.node == root:
                return


def _nested_vars(scope: Node) -> Iterator[Node]:
    stack = [child for child in scope.named_children if child.type not in DECLARATION_TYPES]
    while stack:
        node = stack.pop()
        if node.type in FUNCTION_TYPES or node.type in CLASS_TYPES:
            continue
        if node.type == "variable_declaration":
            yield node
            continue
        stack.extend(node.named_children)


def unwrap(node: Node | None) -> Node | None:
    """Strip parentheses, ``await``, TypeScript casts and non-null assertions."""
    while node is not None and (node.type in TRANSPARENT_TYPES or node.type == "await_expression"):
        inner = node.named_children
        if not inner:
            return None
        # <T>x puts the type first; every other wrapper puts the expression first.
        node = inner[-1] if node.type == "type_assertion" else inner[0]
    return node


def unescape(sequence: str) -> str:
    """Decode one JavaScript escape sequence such as ``\\n``, ``\\x41``, ``\\u0041`` or ``\\u{1F600}``."""
    body = sequence[1:]
    if not body or body[0] in "\r\n\u2028\u2029":
        return ""
    if body[0] in _ESCAPES and not body[1:].isdigit():
        return _ESCAPES[body[0]]
    try:
        if body[0] == "x" and len(body) == 3:
            return chr(int(body[1:], 16))
        if body[0] == "u":
            digits = body[2:-1] if body.startswith("u{") else body[1:]
            return chr(int(digits, 16))
    except ValueError:
        return body
    return body


class JsProject:
    """Every scanned JavaScript and TypeScript module, for imports across files."""

    def __init__(self) -> None:
        self.modules: dict[str, JsModule] = {}
        self._by_normalized: dict[str, JsModule] = {}

    def add(self, path: str, text: str) -> JsModule:
        module = JsModule.parse(path, text)
        self.modules[path] = module
        self._by_normalized[posixpath.normpath(path.replace("\\", "/"))] = module
        return module

    def module(self, path: str, text: str) -> JsModule:
        """Return the module for ``path``, parsing ``text`` if the project has not seen it."""
        found = self.modules.get(path)
        if found is None or found.source != text.encode("utf-8", errors="replace"):
            found = self.add(path, text)
        return found

    def resolve_import(self, importer: JsModule, specifier: str | None) -> JsModule | None:
        """Find the scanned module that a relative import or ``require`` names.

        ``./config`` tries ``config.ts``, ``config.js`` and the other suffixes, then
        ``config/index.*``. A ``.js`` suffix may name a ``.ts`` file, as TypeScript's
        ESM output expects. Package imports (``axios``, ``@scope/pkg``) return None.
        """
        return resolve_specifier(importer.path, specifier, self._by_normalized)
