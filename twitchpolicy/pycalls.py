"""Find the Twitch calls in scanned Python modules, with the headers, query, body and token each one sends.

A call inside a wrapper function whose URL or token comes from the wrapper's
parameters is reported once per caller, at the caller's line, with the
caller's arguments in place of the parameters.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote_plus, urlsplit

from twitchpolicy.pyast import walk
from twitchpolicy.pyflow import DEVICE_GRANT, Flow, Token, bind_arguments
from twitchpolicy.pysdk import scan_sdk_calls
from twitchpolicy.pyscan import PythonModule, Scope, _call_name, _http_call, _is_parameter, _urljoin, link_imports
from twitchpolicy.registry import Registry
from twitchpolicy.sites import CallSite, Fields, FileFacts, ScopeRequest, Secret, TokenEvidence, TokenRequest, mask_secret
from twitchpolicy.urls import UNKNOWN, parse_twitch_url

CREDENTIAL_NAMES = ("access_token", "oauth_token", "client_secret", "token", "refresh_token")
TOKEN_PATH = "/oauth2/token"
AUTHORIZE_PATH = "/oauth2/authorize"
DEVICE_PATH = "/oauth2/device"
# A Twitch client secret or access token: 30 lower-case letters and digits; chat tokens add "oauth:".
SECRET_VALUE = re.compile(r"(?:oauth:)?[a-z0-9]{30}")
SECRET_NAME = re.compile(r"secret|token|password|passwd", re.IGNORECASE)
NOT_SECRET_NAME = re.compile(r"url|uri|endpoint|path|type|name|file|key_id|client_id|header", re.IGNORECASE)
# Words a generated token would almost never contain, which test data and documentation use.
PLACEHOLDER_WORDS = re.compile(r"fake|dummy|example|sample|placeholder|changeme|your|xxxx|test")
_MAX_CALLERS = 1000


@dataclass
class _HttpCall:
    module: PythonModule
    node: ast.Call
    scope: Scope
    url: str | None


def scan_python(modules: list[PythonModule], registry: Registry | None = None) -> dict[str, FileFacts]:
    """Return what each module's code shows: calls, scope requests, token requests, secrets, refresh token use.

    With a ``registry``, calls through the Python SDKs it maps are found too.
    """
    link_imports(modules)
    flow = Flow(modules)
    facts = {module.path: FileFacts() for module in modules}
    if registry is not None:
        scan_sdk_calls(modules, flow, registry, facts)
    consumed: set[int] = set()

    calls = [call for module in modules for call in _http_calls(module, consumed)]
    for call in calls:
        _record_token_request(flow, call, facts)

    callers = _Callers(flow, modules)
    for call in calls:
        function = call.scope.function
        if function is not None and (_needs_caller(call) or _grant_unknown(flow, call)):
            for bound, at in callers.contexts(function, call.scope):
                _record_token_request(flow, call, facts, bound, at)
    # Each site is kept with the call node it was read from, so that a project's own wrapper call
    # (self._request("GET", url), read by its literal method) gives way to the expanded wrapper body.
    found: list[tuple[CallSite, int]] = []
    expanded: set[int] = set()
    for call in calls:
        function = call.scope.function
        own = _site(flow, call.module, call.node, call.scope, consumed)
        sites = []
        if function is not None and (_needs_caller(call) or _incomplete(own, function)):
            for bound, at in callers.contexts(function, call.scope):
                site = _site(flow, call.module, call.node, bound, consumed, at=at)
                if site is not None:
                    sites.append(site)
                    expanded.add(id(at[1]))
        if not sites and own is not None:
            sites.append(own)
        found += [(site, id(call.node)) for site in sites]
    for site, node_id in found:
        if node_id not in expanded:
            facts[site.path].sites.append(site)

    for module in modules:
        module_facts = facts[module.path]
        module_facts.sites += module.find_mentions(consumed)
        module_facts.secrets += _secrets_in_urls(module_facts.sites)
        module_facts.scope_requests += _scope_requests(module_facts.sites)
        module_facts.secrets += find_secrets(module)
        module_facts.reads_refresh_token = reads_refresh_token(module)
    return facts


def _http_calls(module: PythonModule, consumed: set[int]) -> list[_HttpCall]:
    found = []
    for node, scope in module._walk():
        if not isinstance(node, ast.Call) or id(node) in module.decorators:
            continue
        method, url_node = _http_call(node, module, scope, consumed)
        if url_node is None:
            continue
        found.append(_HttpCall(module, node, scope, module.evaluate(url_node, scope, set())))
    return found


def _needs_caller(call: _HttpCall) -> bool:
    """Tell whether the call's URL is incomplete inside its function, so its callers may complete it.

    Kraken paths are left alone: their unresolved segments are ids, and the path
    template already names the endpoint.
    """
    if call.url is None:
        return True
    parsed = parse_twitch_url(call.url)
    if parsed is None:
        return UNKNOWN in call.url or not call.url.startswith(("http", "/"))
    return parsed.is_base or (not parsed.is_complete and parsed.api != "kraken")


def _token_is_parameter(site: CallSite | None, function: ast.AST) -> bool:
    """Tell whether the call sends a token that its function receives as a parameter."""
    if site is None or site.token is not None or not site.token_names:
        return False
    return _is_parameter(function, site.token_names[0])


class _Callers:
    """Find the calls of scanned functions across modules, to read a wrapper's body once per caller."""

    def __init__(self, flow: Flow, modules: list[PythonModule]):
        self.flow = flow
        self.by_name: dict[str, list[tuple[PythonModule, ast.Call, Scope]]] = {}
        for module in modules:
            for node, scope in module._walk():
                if isinstance(node, ast.Call):
                    name = _call_name(node.func)
                    if name is not None:
                        self.by_name.setdefault(name, []).append((module, node, scope))
        self._found: dict[int, list[tuple[PythonModule, ast.Call, Scope]]] = {}

    def of(self, function: ast.AST) -> list[tuple[PythonModule, ast.Call, Scope]]:
        key = id(function)
        if key not in self._found:
            found = []
            for module, node, scope in self.by_name.get(function.name, ()):
                target = self.flow.resolve_function(module, node, scope)
                if target is not None and target[1] is function:
                    found.append((module, node, scope))
            self._found[key] = found[:_MAX_CALLERS]
        return self._found[key]

    def contexts(self, function: ast.AST, scope: Scope, depth: int = 0) -> list[tuple[Scope, tuple[PythonModule, ast.Call]]]:
        """Return ``scope`` bound to each caller's arguments, with the place to report.

        When a caller passes on parameters of its own function (a wrapper of a wrapper), that
        function's callers are used instead, up to three levels, and the outermost caller is the place.
        """
        found = []
        for module, node, caller_scope in self.of(function):
            outer = caller_scope.function
            deeper = []
            if depth < 2 and outer is not None and _passes_parameters(node, outer):
                for outer_scope, outer_place in self.contexts(outer, caller_scope, depth + 1):
                    deeper.append((scope.with_bindings(bind_arguments(function, node, module, outer_scope)), outer_place))
            found += deeper or [(scope.with_bindings(bind_arguments(function, node, module, caller_scope)), (module, node))]
        return found


def _passes_parameters(call: ast.Call, function: ast.AST) -> bool:
    """Tell whether a call's arguments use parameters of the function it sits in."""
    arguments = list(call.args) + [keyword.value for keyword in call.keywords]
    names = {node.id for argument in arguments for node in walk(argument) if isinstance(node, ast.Name)}
    return any(_is_parameter(function, name) for name in names)


def _incomplete(site: CallSite | None, function: ast.AST) -> bool:
    """Tell whether the call's token or EventSub transport comes from its function's parameters."""
    if _token_is_parameter(site, function):
        return True
    if site is None or site.body is None or "transport" not in site.body.values:
        return False
    return not isinstance(site.body.get("transport"), Fields)


def _grant_unknown(flow: Flow, call: _HttpCall) -> bool:
    request = flow.token_requests.get(id(call.node))
    return request is not None and request[0] is None


def _site(flow: Flow, module: PythonModule, node: ast.Call, scope: Scope, consumed: set[int], at: tuple[PythonModule, ast.Call] | None = None) -> CallSite | None:
    """Read one HTTP call into a CallSite, reported at ``at`` (a caller of its wrapper) when given."""
    method, url_node = _http_call(node, module, scope, consumed)
    if url_node is None:
        return None
    url = module.evaluate(url_node, scope, consumed)
    if url is None:
        return None
    client = flow.client(module, node, scope)
    if client is not None and client.base_url and "://" not in url:
        url = _join_base_url(client.base_url, url)
    parsed = parse_twitch_url(url)
    if parsed is None or parsed.is_base:
        return None
    consumed.add(id(url_node))

    keywords = {keyword.arg: keyword.value for keyword in node.keywords if keyword.arg}
    query = _query(flow, module, url, keywords.get("params"), scope)
    body = _body(flow, module, keywords, scope)
    headers, header_nodes = _headers(flow, module, client, keywords.get("headers"), scope)
    if "auth" in keywords and headers is not None:
        # requests and httpx auth= objects (and aiohttp BasicAuth) may add any header, Authorization included.
        headers = Fields(headers.values, complete=False)

    place_module, place = at if at is not None else (module, node)
    token_value = _call_token(flow, module, scope, keywords, header_nodes, place_module, place)
    evidence, names = _evidence(token_value)
    credentials = tuple(name for name in CREDENTIAL_NAMES if _has(query, name) or _has(body, name))
    return CallSite(
        place_module.path,
        place.lineno,
        place_module.column(place),
        url,
        method,
        "call",
        end_line=place.end_lineno or place.lineno,
        query=query,
        body=body,
        headers=headers,
        token=evidence,
        credentials=credentials,
        token_names=names,
    )


def _join_base_url(base_url: str, url: str) -> str:
    """Join a relative path to a client's base_url.

    httpx appends a relative path to base_url's path, leading slash or not.
    NOTE: aiohttp 3.10+ resolves a leading "/" against the host instead; it is joined the httpx way here.
    """
    if url.startswith("/helix"):
        return _urljoin(base_url, url)
    return _urljoin(base_url.rstrip("/") + "/", url.lstrip("/"))


def _call_token(
    flow: Flow, module: PythonModule, scope: Scope, keywords: dict[str, ast.expr], header_nodes: dict, place_module: PythonModule, place: ast.Call
):
    """Follow the token in the Authorization header (or a token parameter), then apply a token= comment on the call."""
    authorization = header_nodes.get("authorization")
    token_value = flow.token(*authorization) if authorization is not None else None
    if token_value is None:
        token_value = _token_in_parameters(flow, module, keywords, scope)
    annotated = flow.annotation(place_module, place)
    if annotated is not None and (not isinstance(token_value, Token) or token_value.kind is None):
        # A token=app|user comment on the call's own lines sets the kind the analysis could not see.
        names = token_value.names if isinstance(token_value, Token) else ()
        reason = f"token annotated as {annotated} access token at {place_module.path}:{place.lineno}"
        token_value = Token(annotated, reason, names)
    return token_value


def _has(fields: Fields | None, name: str) -> bool:
    return fields is not None and name in fields.values


def _query(flow: Flow, module: PythonModule, url: str, params: ast.expr | None, scope: Scope) -> Fields | None:
    values: dict[str, object] = {}
    if "?" in url:
        values.update(parse_qsl(url.split("?", 1)[1].split("#")[0], keep_blank_values=True))
    if params is None:
        return Fields(values)
    read = flow.fields(module, params, scope)
    if read is None:
        return Fields(values, complete=False)
    values.update(read[0].values)
    return Fields(values, read[0].complete)


def _body(flow: Flow, module: PythonModule, keywords: dict[str, ast.expr], scope: Scope) -> Fields | None:
    node = keywords.get("json")
    if node is None:
        node = keywords.get("data") or keywords.get("content")
        if isinstance(node, ast.Call) and _call_name(node.func) == "dumps" and node.args:
            node = node.args[0]
    if node is None:
        return Fields()
    read = flow.fields(module, node, scope)
    if read is not None:
        return read[0]
    text = module.evaluate(node, scope, set())
    if text is not None and "=" in text and not text.lstrip().startswith("{"):
        return Fields(dict(parse_qsl(text, keep_blank_values=True)), UNKNOWN not in text)
    if text is not None and text.lstrip().startswith("{") and UNKNOWN not in text:
        try:
            loaded = json.loads(text)
        except ValueError:
            return None
        return Fields({key: value for key, value in loaded.items() if isinstance(value, str)}) if isinstance(loaded, dict) else None
    return None


def _headers(flow: Flow, module: PythonModule, client, node: ast.expr | None, scope: Scope) -> tuple[Fields | None, dict]:
    values: dict[str, object] = {}
    nodes: dict = {}
    complete = client is not None
    if client is not None:
        complete = client.headers.complete
        for name, value in client.headers.values.items():
            values[name.lower()] = value
        for name, value_node in client.header_nodes.items():
            nodes[name.lower()] = value_node
    if node is not None:
        read = flow.fields(module, node, scope)
        if read is None:
            return Fields(values, complete=False), nodes
        complete = complete and read[0].complete
        for name, value in read[0].values.items():
            values[name.lower()] = value
        for name, value_node in read[1].items():
            nodes[name.lower()] = value_node
    return Fields(values, complete), nodes


def _token_in_parameters(flow: Flow, module: PythonModule, keywords: dict[str, ast.expr], scope: Scope):
    for keyword in ("params", "json", "data"):
        read = flow.fields(module, keywords.get(keyword), scope) if keyword in keywords else None
        if read is None:
            continue
        for name in ("access_token", "oauth_token"):
            if name in read[1]:
                value_module, value_node, value_scope = read[1][name]
                return flow.token(value_module, value_node, value_scope)
    return None


def _evidence(value) -> tuple[TokenEvidence | None, tuple[str, ...]]:
    if not isinstance(value, Token):
        return None, ()
    if value.kind is None or value.reason is None:
        return None, value.names
    return TokenEvidence(value.kind, value.reason, value.scopes), value.names


def _record_token_request(
    flow: Flow, call: _HttpCall, facts: dict[str, FileFacts], scope: Scope | None = None, at: tuple[PythonModule, ast.Call] | None = None
) -> None:
    """Remember requests to the OAuth token endpoint and their grant, for the tokens read from their responses.

    With ``scope`` and ``at``, the call sits in a wrapper function and is read with the
    arguments of the caller ``at``. The caller's call then stands for the request.
    """
    module, node = call.module, call.node
    scope = scope or call.scope
    url = module.evaluate(_http_call(node, module, scope, set())[1], scope, set()) if at is not None else call.url
    if url is None:
        return
    parsed = parse_twitch_url(url)
    if parsed is None or parsed.api != "oauth" or parsed.path != TOKEN_PATH:
        return
    keywords = {keyword.arg: keyword.value for keyword in node.keywords if keyword.arg}
    fields = [_query(flow, module, url, keywords.get("params"), scope), _body(flow, module, keywords, scope)]
    grant = None
    scopes: list[str] = []
    for read in fields:
        if read is None:
            continue
        value = read.get("grant_type")
        if isinstance(value, str) and UNKNOWN not in value:
            grant = value
        for name in ("scope", "scopes"):
            if isinstance(read.get(name), str):
                scopes += split_scopes(read.get(name))[0]
    place_module, place = at if at is not None else (module, node)
    flow.token_requests[id(place)] = (grant, f"{place_module.path}:{place.lineno}")
    column = place_module.column(place)
    place_facts = facts[place_module.path]
    place_facts.token_requests.append(TokenRequest(place_module.path, place.lineno, column, grant))
    # A refresh may narrow the scopes the user granted earlier, so only client_credentials (for TP305)
    # and device code polls, which repeat the device request's scopes, are recorded.
    if scopes and grant in ("client_credentials", DEVICE_GRANT):
        source = "client_credentials request" if grant == "client_credentials" else "device code request"
        request = ScopeRequest(place_module.path, place.lineno, column, tuple(scopes), source, grant, end_line=place.end_lineno or place.lineno)
        place_facts.scope_requests.append(request)


def split_scopes(text: str) -> tuple[list[str], bool]:
    """Split a scope parameter joined with spaces, ``+`` or ``%20``; the flag is False when part was unreadable."""
    decoded = unquote_plus(text.replace(UNKNOWN, " \x00 "))
    scopes = [scope for scope in decoded.split() if scope and UNKNOWN not in scope]
    return scopes, UNKNOWN not in text


def _scope_requests(sites: list[CallSite]) -> list[ScopeRequest]:
    """Read scopes from authorize URLs and device code requests among the call sites and URL mentions."""
    requests = []
    for site in sites:
        parsed = parse_twitch_url(site.url)
        if parsed is None or parsed.api != "oauth" or parsed.path not in (AUTHORIZE_PATH, DEVICE_PATH):
            continue
        values: dict[str, object] = {}
        if "?" in site.url:
            values.update(parse_qsl(urlsplit(site.url.replace(UNKNOWN, "%00")).query, keep_blank_values=True))
        for fields in (site.query, site.body):
            if fields is not None:
                values.update(fields.values)
        name = "scope" if parsed.path == AUTHORIZE_PATH else "scopes"
        value = values.get(name) or values.get("scope")
        if not isinstance(value, str):
            continue
        scopes, complete = split_scopes(value)
        source = "authorize URL" if parsed.path == AUTHORIZE_PATH else "device code request"
        grant = None
        if parsed.path == AUTHORIZE_PATH:
            grant = "implicit" if values.get("response_type") == "token" else "authorization_code"
        requests.append(ScopeRequest(site.path, site.line, site.column, tuple(scopes), source, grant, complete, site.end_line))
    return requests


def find_secrets(module: PythonModule) -> list[Secret]:
    """Find client secrets and access tokens written as literals: assigned to a secret-like name, or in a header."""
    found = []
    for node in module.nodes():
        pairs: list[tuple[str, ast.expr]] = []
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                name = _call_name(target) if isinstance(target, (ast.Name, ast.Attribute)) else None
                if name and node.value is not None:
                    pairs.append((name, node.value))
        elif isinstance(node, ast.Call):
            pairs += [(keyword.arg, keyword.value) for keyword in node.keywords if keyword.arg]
        elif isinstance(node, ast.Dict):
            pairs += [(key.value, value) for key, value in zip(node.keys, node.values) if isinstance(key, ast.Constant) and isinstance(key.value, str)]
        for name, value in pairs:
            secret = _secret_literal(name, value)
            if secret is not None:
                kind = "client secret" if "secret" in name.lower() else "access token"
                found.append(Secret(module.path, value.lineno, module.column(value), name, kind, mask_secret(secret)))
    return found


def _secrets_in_urls(sites: list[CallSite]) -> list[Secret]:
    """Find tokens and secrets written into a URL's query string, such as ``?access_token=...``."""
    found = []
    for site in sites:
        if "?" not in site.url:
            continue
        for name, value in parse_qsl(site.url.split("?", 1)[1].split("#")[0]):
            if name in CREDENTIAL_NAMES and _looks_secret(value):
                kind = "client secret" if "secret" in name else "access token"
                found.append(Secret(site.path, site.line, site.column, name, kind, mask_secret(value)))
    return found


def _secret_literal(name: str, value: ast.expr) -> str | None:
    if not isinstance(value, ast.Constant) or not isinstance(value.value, str):
        return None
    text = value.value
    lowered = name.lower()
    if lowered == "authorization":
        prefix, _, credential = text.partition(" ")
        if prefix.lower() in ("bearer", "oauth") and _looks_secret(credential):
            return credential
        return None
    if not SECRET_NAME.search(name) or NOT_SECRET_NAME.search(name):
        return None
    return text if _looks_secret(text) else None


def _looks_secret(text: str) -> bool:
    if not SECRET_VALUE.fullmatch(text):
        return False
    body = text.removeprefix("oauth:")
    if PLACEHOLDER_WORDS.search(body):
        return False
    # A real token mixes letters and digits; "abcdefghijklmnopqrstuvwxyzabcd" or a run of zeros is a placeholder.
    return any(character.isdigit() for character in body) and any(character.isalpha() for character in body) and len(set(body)) > 8


def reads_refresh_token(module: PythonModule) -> bool:
    """Tell whether the module reads a refresh token from a response, an SDK result or an attribute."""
    for node in module.nodes():
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and isinstance(node.slice, ast.Constant):
            if node.slice.value == "refresh_token":
                return True
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            if node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value == "refresh_token":
                return True
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and node.attr == "refresh_token":
            return True
        elif isinstance(node, ast.Call) and _call_name(node.func) in ("dump", "dumps") and node.args:
            # json.dump(tokens, file) keeps the whole token response, refresh_token included.
            return True
        elif isinstance(node, ast.Assign) and isinstance(node.value, (ast.Call, ast.Await)):
            # token, refresh_token = await authenticator.authenticate(): an SDK hands the refresh token back.
            for target in node.targets:
                if isinstance(target, (ast.Tuple, ast.List)) and any(
                    isinstance(element, ast.Name) and "refresh" in element.id.lower() for element in target.elts
                ):
                    return True
    return False

