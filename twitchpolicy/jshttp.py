"""Recognise HTTP requests in JavaScript: fetch, axios, got, ky, Node's https module and HTTP-named clients.

Each request becomes an :class:`~twitchpolicy.jsvalues.HttpCall` with its URL
(base URL or prefix joined), method, query parameters, headers and body as
each library reads its arguments:

- ``fetch(url, {method, headers, body})``: GET unless ``method`` names another method.
- axios: ``axios.get|delete|head|options(url, config)``,
  ``axios.post|put|patch(url, data, config)``, ``axios(config)``,
  ``axios(url, config)``, ``axios.request(config)``; instances from
  ``axios.create({baseURL, headers, params})``, with ``defaults.headers``
  assignments and request interceptors that set headers.
- got and ky: ``got(url, {method, headers, searchParams, json, form, body})``,
  ``got.post(url, options)``, ``got(options)``; instances from
  ``got.extend({prefixUrl, headers})`` and ``ky.create``/``ky.extend``.
- ``https.request(url, {method, headers})`` and ``https.get`` from Node.
- ``x.get(url, options)`` and the other method names on a receiver that only
  its name marks as an HTTP client (``http``, ``client``, ``api``, ...), read
  with axios's argument order. Their headers and body are marked incomplete,
  because such wrappers often add headers of their own.

- ``XMLHttpRequest``: ``xhr.open(method, url)`` with the
  ``setRequestHeader`` and ``send`` calls on the same variable or ``this`` field.
- jQuery: ``$.ajax({url, method or type, headers, data})``, ``$.get``,
  ``$.getJSON`` and ``$.post(url, data)``. ``data`` is the query string of a
  GET and the form body otherwise.

NOTE: superagent-style chains (``.set()``, ``.query()``, ``.send()``) and the
``request`` package are not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tree_sitter import Node

from twitchpolicy.jsparse import FUNCTION_TYPES, JsModule, unwrap, walk
from twitchpolicy.jsurls import is_absolute, join_base_url, join_prefix_url, parse_query, split_url_query
from twitchpolicy.jsvalues import ClientValue, FunctionValue, GlobalValue, HttpCall, InstanceValue, ObjectValue, PackageValue, ParamsValue, Ref, Value
from twitchpolicy.sites import Fields
from twitchpolicy.urls import UNKNOWN

if TYPE_CHECKING:
    from twitchpolicy.jseval import Evaluator

HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
METHODS_WITH_DATA = ("post", "put", "patch")
# Words of a receiver's name that mark it as an HTTP client: http.get, apiClient.post, this.twitch.put.
RECEIVER_WORDS = frozenset(
    {"http", "https", "client", "api", "axios", "request", "requests", "rest", "twitch", "helix", "session", "fetcher", "ajax"}
)
# Words and packages that mark a receiver as a test double: nock(...).get, msw's http.get, fetchMock.post.
MOCK_WORDS = frozenset({"mock", "mocks", "mocked", "nock", "msw", "stub", "fake", "sinon", "moxios", "spy"})
MOCK_PACKAGES = frozenset({"msw", "nock", "fetch-mock", "jest-fetch-mock", "axios-mock-adapter", "moxios"})
NODE_HTTP_PACKAGES = frozenset({"http", "https", "node:http", "node:https"})
HOST_OBJECTS = frozenset({"window", "globalThis", "self", "global"})
JQUERY_METHODS = frozenset({"ajax", "get", "getJSON", "post"})


@dataclass(frozen=True, eq=False)
class Mutation:
    """A statement that changes an object after it was made.

    ``kind`` is ``param`` (``params.append(name, value)``), ``query``
    (``url.searchParams.set(name, value)``), ``property`` (``obj.name =
    value``), ``default-header`` (``client.defaults.headers.common[name] =
    value`` or a request interceptor), ``base-url`` (``client.defaults.baseURL
    = value``), ``request-header`` (``xhr.setRequestHeader(name, value)``) or
    ``request-body`` (``xhr.send(value)``). ``name`` is the name itself or the
    expression that gives it.
    """

    kind: str
    module: JsModule
    receiver: Node
    name: Node | str | None
    value: Node | None


def read_call(evaluator: Evaluator, module: JsModule, node: Node) -> HttpCall | None:
    """Return the HTTP request a call expression makes, or None when it is not a recognised HTTP call."""
    from twitchpolicy.jseval import call_arguments

    callee = unwrap(node.child_by_field_name("function"))
    arguments = call_arguments(node)
    if callee is None or not arguments:
        return None
    if callee.type == "identifier":
        value = evaluator.value(module, callee)
        if isinstance(value, PackageValue) and value.package == "fetch":
            return _fetch(evaluator, module, node, arguments)
        if isinstance(value, ClientValue):
            return _client_call(evaluator, module, node, value, None, arguments)
        return None
    if callee.type != "member_expression":
        return None
    owner_node = callee.child_by_field_name("object")
    prop = callee.child_by_field_name("property")
    if owner_node is None or prop is None:
        return None
    method = module.text(prop)
    if method == "fetch":
        owner = evaluator.value(module, owner_node)
        is_host = isinstance(owner, GlobalValue) and owner.name in HOST_OBJECTS
        if is_host or isinstance(owner, PackageValue) and owner.package in ("fetch", "undici"):
            return _fetch(evaluator, module, node, arguments)
        return None
    if method == "open" and len(arguments) > 1:
        owner = evaluator.value(module, owner_node)
        if isinstance(owner, InstanceValue) and owner.name == "XMLHttpRequest":
            return _xhr(evaluator, module, node, owner_node, arguments)
        return None
    if method in JQUERY_METHODS:
        owner = evaluator.value(module, owner_node)
        if isinstance(owner, PackageValue) and owner.package == "jquery":
            return _jquery(evaluator, module, node, method, arguments)
    if method not in HTTP_METHODS and method != "request":
        return None
    owner = evaluator.value(module, owner_node)
    if isinstance(owner, ClientValue):
        return _client_call(evaluator, module, node, owner, method, arguments)
    if isinstance(owner, PackageValue) and owner.package in NODE_HTTP_PACKAGES and method in ("get", "request"):
        return _node_request(evaluator, module, node, arguments)
    if isinstance(owner, PackageValue) and owner.package in MOCK_PACKAGES:
        return None
    if owner is None or isinstance(owner, (InstanceValue, PackageValue)):
        if _named_like_client(module, owner_node, owner):
            return _client_call(evaluator, module, node, ClientValue("http"), method, arguments)
    return None


def _named_like_client(module: JsModule, owner_node: Node, owner: Value) -> bool:
    names = [module.text(owner_node).rsplit(".", 1)[-1]]
    if owner_node.type == "this":
        names = [_enclosing_class_name(module, owner_node) or ""]
    if isinstance(owner, InstanceValue):
        names.append(owner.name)
    words = set().union(*(_name_words(name) for name in names))
    return not words & MOCK_WORDS and bool(words & RECEIVER_WORDS)


def _enclosing_class_name(module: JsModule, node: Node) -> str | None:
    current = module.parent(node)
    while current is not None:
        if current.type in ("class_declaration", "class"):
            name = current.child_by_field_name("name")
            return module.text(name) if name is not None else None
        current = module.parent(current)
    return None


def _name_words(name: str) -> set[str]:
    """Split ``apiClient`` or ``this._twitch_http`` into lower-case words."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return {word.lower() for word in re.split(r"[\W_$]+", spaced) if word}


# -------------------------------------------------------- fetch and Node


def _fetch(evaluator: Evaluator, module: JsModule, node: Node, arguments: list[Node]) -> HttpCall:
    url, consumed = _url_text(evaluator, module, arguments[0])
    options = _options(evaluator, module, arguments[1] if len(arguments) > 1 else None)
    method = _method(evaluator, options, "GET")
    headers = _header_object(evaluator, options, "headers", ObjectValue())
    body = _body(evaluator, options.entries.get("body"), "body" in options.entries, options) if options is not None else None
    return _make_call(evaluator, module, node, "fetch", url, method, headers, [], body, consumed)


def _node_request(evaluator: Evaluator, module: JsModule, node: Node, arguments: list[Node]) -> HttpCall:
    url, consumed = _url_text(evaluator, module, arguments[0])
    options = _options(evaluator, module, arguments[1] if len(arguments) > 1 and arguments[1].type not in FUNCTION_TYPES else None)
    method = _method(evaluator, options, "GET")
    headers = _header_object(evaluator, options, "headers", ObjectValue())
    # The body of a Node request goes through req.write(), which is not followed.
    return _make_call(evaluator, module, node, "node-http", url, method, headers, [], None, consumed)


def _xhr(evaluator: Evaluator, module: JsModule, node: Node, owner_node: Node, arguments: list[Node]) -> HttpCall:
    """Read ``xhr.open(method, url)`` with the headers and body that later calls on the same object set."""
    url, consumed = _url_text(evaluator, module, arguments[1])
    method_text = evaluator.string(module, arguments[0])
    method = method_text.upper() if method_text is not None and method_text.lower() in HTTP_METHODS else None
    key = evaluator.receiver_key(module, owner_node)
    mutations = evaluator.mutations(module).get(key, []) if key is not None else []
    headers = ObjectValue(complete=key is not None)
    body: Fields | None = Fields({})
    for mutation in mutations:
        if mutation.kind == "request-header":
            name = evaluator.string(module, mutation.name) if isinstance(mutation.name, Node) else None
            if name is None or UNKNOWN in name:
                headers.complete = False
            else:
                headers.entries[name.lower()] = Ref(module, mutation.value) if mutation.value is not None else None
        elif mutation.kind == "request-body" and mutation.value is not None:
            body = _body(evaluator, Ref(module, mutation.value), True)
    return _make_call(evaluator, module, node, "xhr", url, method, headers, [], body, consumed)


def _jquery(evaluator: Evaluator, module: JsModule, node: Node, method: str, arguments: list[Node]) -> HttpCall:
    """Read ``$.ajax(settings)``, ``$.ajax(url, settings)`` and the ``$.get``/``$.getJSON``/``$.post(url, data)`` shorthands."""
    if method == "ajax":
        first = evaluator.value(module, arguments[0])
        if isinstance(first, ObjectValue):
            settings, (url, consumed) = first, _entry_url(evaluator, first, "url")
        else:
            url, consumed = _url_text(evaluator, module, arguments[0])
            settings = _options(evaluator, module, arguments[1] if len(arguments) > 1 else None)
        http_method = _method(evaluator, settings, "GET")
        if settings is not None and "method" not in settings.entries and "type" in settings.entries:
            http_method = _method(evaluator, ObjectValue({"method": settings.entries["type"]}), "GET")
        headers = _header_object(evaluator, settings, "headers", ObjectValue())
        if settings is not None and "beforeSend" in settings.entries and headers is not None:
            # beforeSend usually calls setRequestHeader, which is not followed.
            headers = ObjectValue(headers.entries, False)
        data = settings.entries.get("data") if settings is not None else None
        present = settings is not None and "data" in settings.entries
    else:
        url, consumed = _url_text(evaluator, module, arguments[0])
        http_method = "POST" if method == "post" else "GET"
        headers = ObjectValue()
        data_node = arguments[1] if len(arguments) > 1 and arguments[1].type not in FUNCTION_TYPES else None
        data = Ref(module, data_node) if data_node is not None else None
        present = data_node is not None
    if http_method != "GET":
        return _make_call(evaluator, module, node, "jquery", url, http_method, headers, [], _body(evaluator, data, present), consumed)
    params: list[ObjectValue | str | None] = []
    if present:
        value = evaluator.ref_value(data)
        if isinstance(value, ParamsValue):
            value = value.fields
        params.append(value if isinstance(value, (ObjectValue, str)) else ObjectValue(complete=False))
    return _make_call(evaluator, module, node, "jquery", url, http_method, headers, params, Fields({}), consumed)


# -------------------------------------------------------- axios, got, ky


def _client_call(evaluator: Evaluator, module: JsModule, node: Node, client: ClientValue, method: str | None, arguments: list[Node]) -> HttpCall:
    if client.library in ("got", "ky"):
        return _got_call(evaluator, module, node, client, method, arguments)
    return _axios_call(evaluator, module, node, client, method, arguments)


def _axios_call(evaluator: Evaluator, module: JsModule, node: Node, client: ClientValue, method: str | None, arguments: list[Node]) -> HttpCall:
    url_node = config_node = data_node = None
    if method in METHODS_WITH_DATA:
        url_node = arguments[0]
        data_node = arguments[1] if len(arguments) > 1 else None
        config_node = arguments[2] if len(arguments) > 2 else None
    elif method in HTTP_METHODS:
        url_node = arguments[0]
        config_node = arguments[1] if len(arguments) > 1 else None
    elif isinstance(evaluator.value(module, arguments[0]), ObjectValue):
        config_node = arguments[0]
    else:
        url_node = arguments[0]
        config_node = arguments[1] if len(arguments) > 1 else None
    config = _options(evaluator, module, config_node)

    if url_node is not None:
        url, consumed = _url_text(evaluator, module, url_node)
    else:
        url, consumed = _entry_url(evaluator, config, "url")
    base = _entry_string(evaluator, config, "baseURL") or client.base_url
    if url is not None and base is not None and not is_absolute(url):
        url = join_base_url(base, url)

    if method in HTTP_METHODS:
        http_method = method.upper()
    else:
        http_method = _method(evaluator, config, "GET")
    headers = _merge_headers(client.headers, _header_object(evaluator, config, "headers", ObjectValue()))
    params = [client.params, _entry_object(evaluator, config, "params")]
    if data_node is not None:
        body = _body(evaluator, Ref(module, data_node), unwrap(data_node).type not in ("null", "undefined"))
    else:
        body = _body(evaluator, config.entries.get("data"), "data" in config.entries, config) if config is not None else None
    guessed = client.library == "http"
    return _make_call(evaluator, module, node, client.library, url, http_method, headers, params, body, consumed, guessed)


def _got_call(evaluator: Evaluator, module: JsModule, node: Node, client: ClientValue, method: str | None, arguments: list[Node]) -> HttpCall:
    first = evaluator.value(module, arguments[0])
    if isinstance(first, ObjectValue) and len(arguments) == 1:
        options = first
        url, consumed = _entry_url(evaluator, options, "url")
    else:
        url, consumed = _url_text(evaluator, module, arguments[0])
        options = _options(evaluator, module, arguments[1] if len(arguments) > 1 else None)
    prefix = _entry_string(evaluator, options, "prefixUrl") or client.base_url
    if url is not None and prefix is not None:
        url = join_prefix_url(prefix, url)
    http_method = method.upper() if method in HTTP_METHODS else _method(evaluator, options, "GET")
    headers = _merge_headers(client.headers, _header_object(evaluator, options, "headers", ObjectValue()))
    params = [client.params, _entry_object(evaluator, options, "searchParams")]
    body: Fields | None = None
    if options is not None:
        body = _body(evaluator, None, False, options)
        for name in ("json", "form", "body"):
            if name in options.entries:
                body = _body(evaluator, options.entries[name], True)
                break
    return _make_call(evaluator, module, node, client.library, url, http_method, headers, params, body, consumed)


def extend_client(evaluator: Evaluator, module: JsModule, owner: ClientValue, options_node: Node | None, depth: int) -> ClientValue:
    """Return the instance that ``axios.create(options)``, ``got.extend(options)`` or ``ky.create(options)`` makes."""
    options = evaluator.value(module, options_node, depth + 1) if options_node is not None else ObjectValue()
    origin = Ref(module, options_node if options_node is not None else module.root)
    if not isinstance(options, ObjectValue):
        return ClientValue(owner.library, owner.base_url, ObjectValue(dict(owner.headers.entries), False), owner.params, origin)
    base_key = "baseURL" if owner.library in ("axios", "http") else "prefixUrl"
    params_key = "params" if owner.library in ("axios", "http") else "searchParams"
    headers = _merge_headers(owner.headers, _header_object(evaluator, options, "headers", ObjectValue()))
    params = _entry_object(evaluator, options, params_key) or owner.params
    base = _entry_string(evaluator, options, base_key) or owner.base_url
    return ClientValue(owner.library, base, headers if headers is not None else ObjectValue(complete=False), params, origin)


# -------------------------------------------------------- arguments


def _url_text(evaluator: Evaluator, module: JsModule, node: Node) -> tuple[str | None, set[tuple[str, int]]]:
    with evaluator.trail() as trail:
        url = evaluator.string(module, node)
    consumed = set(trail) | {(module.path, node.id)}
    inner = unwrap(node)
    if inner is not None:
        consumed.add((module.path, inner.id))
    return url, consumed


def _entry_url(evaluator: Evaluator, options: ObjectValue | None, name: str) -> tuple[str | None, set[tuple[str, int]]]:
    entry = options.entries.get(name) if options is not None else None
    if isinstance(entry, Ref):
        with evaluator.rebound(entry):
            return _url_text(evaluator, entry.module, entry.node)
    return (entry if isinstance(entry, str) else None), set()


def _options(evaluator: Evaluator, module: JsModule, node: Node | None) -> ObjectValue | None:
    """Return the options object of a call: empty when none is given, None when it cannot be read."""
    if node is None:
        return ObjectValue()
    value = evaluator.value(module, node)
    return value if isinstance(value, ObjectValue) else None


def _entry_string(evaluator: Evaluator, options: ObjectValue | None, name: str) -> str | None:
    if options is None or name not in options.entries:
        return None
    return evaluator.to_string(evaluator.ref_value(options.entries[name]))


def _entry_object(evaluator: Evaluator, options: ObjectValue | None, name: str) -> ObjectValue | str | None:
    """Return query parameters given as an object, URLSearchParams or string; None when absent."""
    if options is None:
        return ObjectValue(complete=False)
    if name not in options.entries:
        # A spread the evaluator could not read may carry the parameters.
        return None if options.complete else ObjectValue(complete=False)
    value = evaluator.ref_value(options.entries[name])
    if isinstance(value, ParamsValue):
        return value.fields
    if isinstance(value, (ObjectValue, str)):
        return value
    return ObjectValue(complete=False)


def _method(evaluator: Evaluator, options: ObjectValue | None, default: str) -> str | None:
    if options is None:
        return None
    if "method" not in options.entries:
        return default
    text = evaluator.to_string(evaluator.ref_value(options.entries["method"]))
    if text is None or text.lower() not in HTTP_METHODS:
        return None
    return text.upper()


def _header_object(evaluator: Evaluator, options: ObjectValue | None, name: str, absent: ObjectValue) -> ObjectValue | None:
    """Return the headers of an options object with lower-case names, ``absent`` when not given, None when unreadable."""
    if options is None:
        return None
    if name not in options.entries:
        return absent if options.complete else ObjectValue(complete=False)
    value = evaluator.ref_value(options.entries[name])
    if isinstance(value, ParamsValue):
        value = value.fields
    if not isinstance(value, ObjectValue):
        return None
    return ObjectValue({key.lower(): entry for key, entry in value.entries.items()}, value.complete)


def _merge_headers(defaults: ObjectValue, given: ObjectValue | None) -> ObjectValue | None:
    if given is None:
        return None
    merged = ObjectValue(dict(defaults.entries), defaults.complete and given.complete)
    merged.entries.update(given.entries)
    return merged


def _body(evaluator: Evaluator, entry: Ref | str | None, present: bool, options: ObjectValue | None = None) -> Fields | None:
    """Return the fields of a request body: JSON, URLSearchParams, FormData, an object or a form-encoded string.

    An absent body is empty, unless ``options`` has a spread the evaluator could not read.
    """
    from twitchpolicy.jsvalues import JsonText

    if not present:
        return Fields({}, options is None or options.complete)
    value = evaluator.ref_value(entry)
    if isinstance(value, JsonText):
        value = value.value
    if isinstance(value, (ObjectValue, ParamsValue)):
        return evaluator.fields(value)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith(("{", "[")) or "=" not in text:
            return None
        pairs, complete = parse_query(text)
        return Fields(dict(pairs), complete)
    return None


def _query(evaluator: Evaluator, url: str | None, params: list[ObjectValue | str | None]) -> Fields | None:
    values: dict[str, object] = {}
    complete = True
    if url is not None:
        path, query = split_url_query(url)
        if query is not None:
            pairs, complete = parse_query(query)
            values.update(pairs)
        elif re.search(r"[^/]" + UNKNOWN + "$", path):
            # /users${query}: the unresolved part may be a query string.
            complete = False
    for given in params:
        if given is None:
            continue
        if isinstance(given, str):
            pairs, parsed = parse_query(given.lstrip("?"))
            values.update(pairs)
            complete = complete and parsed
            continue
        complete = complete and given.complete
        for name, entry in given.entries.items():
            values[name] = evaluator.to_string(evaluator.ref_value(entry))
    return Fields(values, complete)


def _make_call(
    evaluator: Evaluator, module: JsModule, node: Node, library: str, url: str | None, method: str | None,
    headers: ObjectValue | None, params: list, body: Fields | None, consumed: set[tuple[str, int]], guessed: bool = False,
) -> HttpCall:
    header_fields = None
    if headers is not None:
        values = {}
        for name, entry in headers.entries.items():
            values[name] = evaluator.to_string(evaluator.ref_value(entry))
        header_fields = Fields(values, headers.complete and not guessed)
    if guessed and body is not None:
        body = Fields(body.values, False)
    return HttpCall(
        module, node, library, url, method, _query(evaluator, url, params), body, header_fields,
        dict(headers.entries) if headers is not None else {}, frozenset(consumed),
    )


# -------------------------------------------------------- mutations


def collect_mutations(evaluator: Evaluator, module: JsModule) -> list[Mutation]:
    """Find the statements in ``module`` that change an object after it was made; see :class:`Mutation`."""
    found: list[Mutation] = []
    for node in module.nodes("call_expression"):
        _collect_call_mutation(evaluator, module, node, found)
    for node in module.nodes("assignment_expression"):
        _collect_assignment_mutation(module, node, found)
    return found


def _collect_call_mutation(evaluator: Evaluator, module: JsModule, node: Node, found: list[Mutation]) -> None:
    from twitchpolicy.jseval import call_arguments

    callee = node.child_by_field_name("function")
    if callee is None or callee.type != "member_expression":
        return
    receiver = callee.child_by_field_name("object")
    prop = callee.child_by_field_name("property")
    arguments = call_arguments(node)
    if receiver is None or prop is None or not arguments:
        return
    method = module.text(prop)
    if method == "setRequestHeader":
        found.append(Mutation("request-header", module, receiver, arguments[0], arguments[1] if len(arguments) > 1 else None))
    elif method == "send":
        found.append(Mutation("request-body", module, receiver, None, arguments[0]))
    elif method in ("append", "set"):
        value = arguments[1] if len(arguments) > 1 else None
        if receiver.type == "member_expression" and _property(module, receiver) == "searchParams":
            found.append(Mutation("query", module, receiver.child_by_field_name("object"), arguments[0], value))
        else:
            found.append(Mutation("param", module, receiver, arguments[0], value))
    elif method == "use" and module.text(receiver).replace(" ", "").endswith(".interceptors.request"):
        client = receiver.child_by_field_name("object")
        client = client.child_by_field_name("object") if client is not None else None
        function = evaluator.value(module, arguments[0])
        if client is not None and isinstance(function, FunctionValue):
            found += _interceptor_headers(function.module, client, function.node)


def _interceptor_headers(module: JsModule, client: Node, function: Node) -> list[Mutation]:
    """Read ``config.headers.Authorization = v`` and ``config.headers.set(name, v)`` in an axios request interceptor."""
    parameters = function.child_by_field_name("parameters")
    parameter = function.child_by_field_name("parameter")
    if parameter is None and parameters is not None and parameters.named_children:
        parameter = parameters.named_children[0]
        parameter = parameter.child_by_field_name("pattern") or parameter
    if parameter is None or parameter.type != "identifier":
        return []
    config = module.text(parameter)
    found = []
    for node in walk(function):
        if node.type == "assignment_expression":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is None or right is None:
                continue
            chain = _member_chain(module, left)
            if chain is not None and len(chain) >= 3 and chain[0] == config and chain[1] == "headers":
                found.append(Mutation("default-header", module, client, _last_name(module, left), right))
        elif node.type == "call_expression":
            callee = node.child_by_field_name("function")
            if callee is None or callee.type != "member_expression" or _property(module, callee) != "set":
                continue
            owner = callee.child_by_field_name("object")
            arguments = node.child_by_field_name("arguments")
            values = [child for child in arguments.named_children if child.type != "comment"] if arguments is not None else []
            if owner is not None and _member_chain(module, owner) == [config, "headers"] and len(values) > 1:
                found.append(Mutation("default-header", module, client, values[0], values[1]))
    return found


def _collect_assignment_mutation(module: JsModule, node: Node, found: list[Mutation]) -> None:
    left = node.child_by_field_name("left")
    right = node.child_by_field_name("right")
    if left is None or right is None or left.type not in ("member_expression", "subscript_expression"):
        return
    chain = _member_chain(module, left)
    if chain is None:
        return
    if "defaults" in chain[1:]:
        index = chain.index("defaults", 1)
        receiver = left
        for _ in range(len(chain) - index):
            receiver = receiver.child_by_field_name("object")
        rest = chain[index + 1:]
        if rest == ["baseURL"]:
            found.append(Mutation("base-url", module, receiver, None, right))
        elif rest and rest[0] == "headers" and len(rest) in (2, 3):
            found.append(Mutation("default-header", module, receiver, _last_name(module, left), right))
        return
    owner = left.child_by_field_name("object")
    if owner is not None and owner.type == "identifier":
        found.append(Mutation("property", module, owner, _last_name(module, left), right))


def _member_chain(module: JsModule, node: Node) -> list[str] | None:
    """Return ``["config", "headers", "Authorization"]`` for ``config.headers['Authorization']``."""
    names: list[str] = []
    while node.type in ("member_expression", "subscript_expression"):
        if node.type == "member_expression":
            names.insert(0, _property(module, node) or "")
        else:
            index = node.child_by_field_name("index")
            names.insert(0, module.cooked(index) if index is not None and module.cooked(index) is not None else "\x00")
        node = node.child_by_field_name("object")
        if node is None:
            return None
    if node.type not in ("identifier", "this"):
        return None
    names.insert(0, module.text(node))
    return names


def _last_name(module: JsModule, node: Node) -> Node | str | None:
    if node.type == "member_expression":
        return _property(module, node)
    return node.child_by_field_name("index")


def _property(module: JsModule, node: Node) -> str | None:
    prop = node.child_by_field_name("property")
    return module.text(prop) if prop is not None else None
