"""Values that the JavaScript evaluator computes for expressions.

A string is a plain ``str`` with ``urls.UNKNOWN`` for parts that could not be
read. Everything else is one of the classes below. ``None`` stands for a value
the evaluator could not compute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from tree_sitter import Node

from twitchpolicy.jsparse import JsModule
from twitchpolicy.sites import Fields


@dataclass(frozen=True, eq=False)
class Ref:
    """An expression in a module, evaluated when it is needed.

    ``bindings`` are the calls whose arguments were bound when the expression
    was read, as (function node id, (caller module, argument nodes)) pairs. The
    expression is evaluated and traced with them bound again, so the header
    object a helper returns keeps its own caller's token.
    """

    module: JsModule
    node: Node
    bindings: tuple[tuple[int, tuple[JsModule, list[Node]]], ...] = ()


@dataclass(eq=False)
class ObjectValue:
    """An object literal, or an object built from one: keys in source order, later keys override.

    An entry is an expression (``Ref``), a string the evaluator produced itself
    (from a parsed query string, say), or None when the value is unknown.
    ``complete`` is False when keys may be missing, after a spread of an object
    the evaluator could not read or a computed key it could not resolve.
    """

    entries: dict[str, Ref | str | None] = field(default_factory=dict)
    complete: bool = True

    def copy(self) -> ObjectValue:
        return ObjectValue(dict(self.entries), self.complete)


@dataclass(eq=False)
class ArrayValue:
    items: list[Ref] = field(default_factory=list)
    complete: bool = True


@dataclass(eq=False)
class ParamsValue:
    """A ``URLSearchParams`` (kind params), ``FormData`` (form) or ``Headers`` (headers) object.

    ``fragment`` is the expression that reads ``location.hash`` when the params
    were built from the URL fragment, where the implicit grant puts the token.
    """

    kind: str
    fields: ObjectValue
    fragment: Ref | None = None


@dataclass(eq=False)
class URLValue:
    """A ``new URL(...)`` object: its ``href`` and the query parameters set on ``searchParams`` afterwards."""

    href: str
    query: ObjectValue = field(default_factory=ObjectValue)


@dataclass(eq=False)
class JsonText:
    """The string ``JSON.stringify(value)`` returns."""

    value: object


@dataclass(eq=False)
class FunctionValue:
    module: JsModule
    node: Node


@dataclass(eq=False)
class ClassValue:
    module: JsModule
    node: Node
    name: str


@dataclass(eq=False)
class InstanceValue:
    """An object made by ``new Name(...)`` that the scanner has no model for, such as a ``Map``."""

    name: str
    class_value: ClassValue | None = None


@dataclass(eq=False)
class ModuleValue:
    """A scanned module, from ``import * as name``, a default import of CommonJS or ``require``."""

    module: JsModule


@dataclass(eq=False)
class PackageValue:
    """An export of a package that is not scanned: ``package`` is the import specifier, ``name`` the export or ``*``."""

    package: str
    name: str


@dataclass(eq=False)
class GlobalValue:
    """A host object: ``process``, ``process.env``, ``window``, ``location``, ``location.hash``, ``JSON``, ``Promise``."""

    name: str
    origin: Ref | None = None


@dataclass(eq=False)
class ClientValue:
    """An HTTP client: the axios, got or ky default export, or an instance with its defaults.

    ``library`` is axios, got, ky or http (a receiver that only its name marks
    as an HTTP client). ``headers`` and ``params`` are the defaults from
    ``create``/``extend``, ``defaults.headers`` assignments and request
    interceptors.
    """

    library: str
    base_url: str | None = None
    headers: ObjectValue = field(default_factory=ObjectValue)
    params: ObjectValue | None = None
    origin: Ref | None = None


@dataclass(eq=False)
class HttpCall:
    """One HTTP request found in code, with what the scanner could read of it.

    ``header_values`` maps lower-case header names to their expressions, so the
    token in ``Authorization`` can be traced back to where it came from.
    ``consumed`` contains the (path, node id) of every string definition the URL
    was built from, so they are not reported again as bare URLs.
    """

    module: JsModule
    node: Node
    library: str
    url: str | None
    method: str | None
    query: Fields | None
    body: Fields | None
    headers: Fields | None
    header_values: dict[str, Ref | str | None] = field(default_factory=dict)
    consumed: frozenset[tuple[str, int]] = frozenset()

    @property
    def grant(self) -> str | None:
        """Return the OAuth ``grant_type`` sent in the query string or body, when it is a known literal."""
        for fields in (self.query, self.body):
            value = fields.get("grant_type") if fields is not None else None
            if isinstance(value, str) and "\x00" not in value:
                return value
        return None


@dataclass(eq=False)
class ResponseValue:
    """The result of an HTTP call (the promise, or the awaited response)."""

    call: HttpCall


@dataclass(eq=False)
class JsonBodyValue:
    """The parsed JSON body of an HTTP response: ``await res.json()``, axios ``res.data``, got ``res.body``."""

    call: HttpCall


@dataclass(eq=False)
class AuthProviderValue:
    """A twurple auth provider: ``kind`` is the token kind the SDK data gives its constructor, ``scopes`` the scope list it was given."""

    class_name: str
    kind: str
    origin: Ref
    scopes: tuple[str, ...] | None = None


@dataclass(eq=False)
class TwurpleClientValue:
    """A twurple ``ApiClient`` with its auth provider, None when the provider could not be read.

    ``user_context`` is True for the client that ``asUser`` and ``asIntent`` pass to their callback.
    """

    provider: AuthProviderValue | None
    origin: Ref
    user_context: bool = False


Value = Union[
    str, ObjectValue, ArrayValue, ParamsValue, URLValue, JsonText, FunctionValue, ClassValue, InstanceValue,
    ModuleValue, PackageValue, GlobalValue, ClientValue, ResponseValue, JsonBodyValue, AuthProviderValue,
    TwurpleClientValue, None,
]
