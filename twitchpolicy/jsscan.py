"""Find Twitch API calls, and the authorization facts around them, in JavaScript and TypeScript.

:func:`scan_javascript` reports one file. A :class:`JavaScriptProject` contains
every JavaScript and TypeScript file of the scan, so constants, functions and
HTTP clients imported from another scanned file resolve, and a URL constant
used by a call in another file is reported once, at the call.

Per file the scan produces:

- a ``call`` site for each HTTP request to a Twitch API URL (see
  :mod:`twitchpolicy.jshttp`), positioned at the call. It has the query, body
  and headers, the token evidence and token names of its ``Authorization``
  header (see :mod:`twitchpolicy.jstokens`), and the credentials it sends in
  the query string or body. A call in a wrapper
  function whose parameters decide its URL or token is reported at each
  caller instead;
- a ``call`` site with ``sdk="twurple"`` for each ``apiClient.<group>.<method>``
  call that the twurple method map names;
- a ``mention`` for any other full Twitch URL in a string (``webhook-topic``
  for the value of a ``hub.topic`` key), positioned at the URL;
- scope requests from authorize URLs, device code requests, token requests
  that send scopes, and twurple's StaticAuthProvider;
- token requests to the OAuth token endpoint with their grant;
- hard-coded client secrets and access tokens, masked, also those written
  into a URL's query string;
- whether the file reads a ``refresh_token``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tree_sitter import Node

from twitchpolicy.jseval import Evaluator, call_arguments
from twitchpolicy.jsparse import FUNCTION_TYPES, JsModule, JsProject, unwrap, walk
from twitchpolicy.jstwurple import scan_twurple
from twitchpolicy.jstokens import TokenTrace, TokenTracer
from twitchpolicy.pycalls import CREDENTIAL_NAMES, NOT_SECRET_NAME, SECRET_NAME, _looks_secret, _secrets_in_urls
from twitchpolicy.jsurls import parse_query, split_scopes, split_url_query
from twitchpolicy.jsvalues import AuthProviderValue, HttpCall, Ref, URLValue
from twitchpolicy.sites import CallSite, Fields, FileFacts, ScopeRequest, Secret, TokenRequest, mask_secret
from twitchpolicy.urls import UNKNOWN, parse_twitch_url

TWITCH_URL = re.compile(r"""(?:https?:)?//(?:api|id)\.twitch\.tv/[^\s'"`<>()\[\]{}\\,;|]*""", re.IGNORECASE)
TWITCH_HOST = re.compile(r"(?:https?:)?//(?:api|id)\.twitch\.tv/", re.IGNORECASE)
TRAILING_PUNCTUATION = ".:!?"
# A wrapper function is expanded at this many of its callers at most, as in the Python scanner.
MAX_CALLERS = 1000
RESPONSE_TYPE_GRANTS = {"code": "authorization_code", "token": "implicit"}
STRING_TYPES = frozenset({"string", "template_string", "jsx_text"})
# Wrappers between a secret literal and the name it is assigned to: (x), x || y, a ? x : y, x as T.
SECRET_WRAPPERS = frozenset(
    {"parenthesized_expression", "binary_expression", "ternary_expression", "as_expression", "satisfies_expression", "non_null_expression"}
)


@dataclass(frozen=True, eq=False)
class ReportedCall:
    """An HTTP call and the place it is reported: the call itself, or a caller of the wrapper it sits in."""

    module: JsModule
    node: Node
    call: HttpCall
    trace: TokenTrace


class JavaScriptProject:
    """The JavaScript and TypeScript files of one scan, with what is shared across them.

    ``sdks`` is the registry's SDK data by id. Its ``twurple`` entry supplies
    the auth providers, the packages they come from and the method map, so
    twurple calls are found only when it is given.
    """

    def __init__(self, files: Iterable[tuple[str, str]] = (), sdks: Mapping[str, object] | None = None):
        self.parsed = JsProject()
        self.twurple = (sdks or {}).get("twurple")
        self.evaluator = Evaluator(self.parsed, self.twurple)
        self.tracer = TokenTracer(self.evaluator, self._implicit_reason)
        self._calls: dict[str, list[HttpCall]] | None = None
        self._consumed: set[tuple[str, int]] = set()
        self._implicit_authorize: str | None = None
        for path, source in files:
            self.parsed.add(path, source)

    def module(self, path: str, source: str) -> JsModule:
        """Return the parsed module for ``path``; a new or changed file resets what was computed across files."""
        known = self.parsed.modules.get(path)
        module = self.parsed.module(path, source)
        if module is not known:
            self._calls = None
            self._implicit_authorize = None
            self.evaluator = Evaluator(self.parsed, self.twurple)
            self.tracer = TokenTracer(self.evaluator, self._implicit_reason)
        return module

    def calls(self, module: JsModule) -> list[ReportedCall]:
        """Return the HTTP calls to Twitch URLs reported in ``module``, finding those of every module on first use.

        A call inside a wrapper function whose URL or token comes from the
        wrapper's parameters is reported once per caller, at the caller, with
        the caller's arguments in place of the parameters, as the Python
        scanner does. A caller that is itself read as an HTTP call (a wrapper
        named like a client) then gives way to the expanded call.
        """
        if self._calls is None:
            self._find_calls()
        return self._calls.get(module.path, [])

    def _find_calls(self) -> None:
        self._calls = {path: [] for path in self.parsed.modules}
        self._consumed = set()
        own: list[ReportedCall] = []
        expanded: list[ReportedCall] = []
        for module in self.parsed.modules.values():
            for node in module.nodes("call_expression"):
                call = self.evaluator.http_call(module, node)
                if call is None:
                    continue
                trace = self._trace(call)
                found = self._expand(module, node, call, trace)
                if found:
                    expanded += found
                elif _twitch_url(call.url) is not None:
                    own.append(ReportedCall(module, node, call, trace))
        callers = {(entry.module.path, entry.node.id) for entry in expanded}
        for entry in own + expanded:
            if entry in own and (entry.module.path, entry.node.id) in callers:
                continue
            self._calls[entry.module.path].append(entry)
            self._consumed |= entry.call.consumed

    def _trace(self, call: HttpCall) -> TokenTrace:
        if "authorization" not in call.header_values:
            return TokenTrace()
        return self.tracer.trace(call.header_values["authorization"])

    def _expand(self, module: JsModule, node: Node, call: HttpCall, trace: TokenTrace) -> list[ReportedCall]:
        """Read a call inside a wrapper function once per caller of the wrapper, when its parameters decide the call."""
        function = enclosing_function(module, node)
        if function is None or not (_needs_caller(call) or _token_is_parameter(module, function, trace) or _transport_unread(call)):
            return []
        return self._expand_through(module, node, module, function, 0)

    def _expand_through(self, module: JsModule, node: Node, function_module: JsModule, function: Node, depth: int) -> list[ReportedCall]:
        """Bind ``function`` to each caller's arguments and read the call at ``node``.

        When a caller passes on parameters of its own function (a wrapper of a
        wrapper), that function's callers are used instead, up to three levels
        as in the Python scanner, and the outermost caller is the place reported.
        """
        found = []
        for caller_module, caller in self.tracer.call_sites(function_module, function)[:MAX_CALLERS]:
            with self.evaluator.bound(function, caller_module, call_arguments(caller)):
                outer = enclosing_function(caller_module, caller)
                if depth < 2 and outer is not None and _passes_parameters(caller_module, caller, outer):
                    deeper = self._expand_through(module, node, caller_module, outer, depth + 1)
                    if deeper:
                        found += deeper
                        continue
                bound = self.evaluator.http_call(module, node)
                if bound is None or _twitch_url(bound.url) is None:
                    continue
                found.append(ReportedCall(caller_module, caller, bound, self._trace(bound)))
        return found

    def consumed(self, module: JsModule, node: Node) -> bool:
        """Tell whether an HTTP call already reported the URL that ``node`` defines."""
        return (module.path, node.id) in self._consumed

    def _implicit_reason(self, module: JsModule, node: Node) -> str:
        line = module.position(node)[0]
        authorize = self._implicit_authorize_url()
        if authorize is not None:
            return f"token from implicit grant authorize URL at {authorize}"
        return f"token from the URL fragment at {module.path}:{line} (implicit grant)"

    def _implicit_authorize_url(self) -> str | None:
        """Return ``path:line`` of the first authorize URL with ``response_type=token`` in the project."""
        if self._implicit_authorize is None:
            self._implicit_authorize = ""
            for module in self.parsed.modules.values():
                if b"response_type" not in module.source:
                    continue
                for node, text in _outermost_strings(self.evaluator, module):
                    authorize = _authorize_query(text)
                    if authorize is not None and authorize[0].get("response_type") == "token":
                        self._implicit_authorize = f"{module.path}:{module.position(node)[0]}"
                        break
                if self._implicit_authorize:
                    break
        return self._implicit_authorize or None


def scan_javascript(path: str, source: str, project: JavaScriptProject | None = None) -> FileFacts:
    """Scan one JavaScript or TypeScript file. ``project`` contains the other files of the scan, for imports."""
    project = project if project is not None else JavaScriptProject()
    module = project.module(path, source)
    facts = FileFacts()
    _scan_calls(project, module, facts)
    scan_twurple(project, module, facts)
    _scan_strings(project, module, facts)
    _scan_secrets(module, facts)
    facts.secrets += _secrets_in_urls(facts.sites)
    facts.reads_refresh_token = _reads_refresh_token(module, project)
    facts.sites.sort(key=lambda site: (site.line, site.column))
    facts.scope_requests.sort(key=lambda request: (request.line, request.column))
    return facts


# -------------------------------------------------------- HTTP calls


def _scan_calls(project: JavaScriptProject, module: JsModule, facts: FileFacts) -> None:
    for reported in project.calls(module):
        call, trace = reported.call, reported.trace
        parsed = _twitch_url(call.url)
        if parsed is None:
            continue
        line, column = module.position(reported.node)
        # A token=app|user comment on the call's own lines sets the kind that the trace could not find.
        evidence = trace.evidence or project.tracer.annotation(module, reported.node)
        facts.sites.append(CallSite(
            module.path, line, column, call.url or "", call.method, "call", module.end_line(reported.node),
            query=call.query, body=call.body, headers=call.headers, token=evidence,
            credentials=_credentials(call), token_names=tuple(trace.names),
        ))
        if parsed.path == "/oauth2/token":
            facts.token_requests.append(TokenRequest(module.path, line, column, call.grant))
            # As in the Python scanner: scopes sent with any token request, client_credentials included.
            scope = _field(call, "scope") or _field(call, "scopes")
            if scope is not None:
                scopes, complete = split_scopes(scope)
                source = f"{call.grant} request" if call.grant else "token request"
                facts.scope_requests.append(ScopeRequest(module.path, line, column, scopes, source, call.grant, complete))
        elif parsed.path == "/oauth2/device":
            scope = _field(call, "scopes")
            if scope is not None:
                scopes, complete = split_scopes(scope)
                facts.scope_requests.append(ScopeRequest(module.path, line, column, scopes, "device code request", None, complete))


def _needs_caller(call: HttpCall) -> bool:
    """Tell whether the call's URL is incomplete inside its function, so its callers may complete it.

    As in the Python scanner, Kraken paths are left alone: their unresolved
    segments are ids, and the path already names the endpoint.
    """
    if call.url is None:
        return True
    parsed = parse_twitch_url(call.url)
    if parsed is None:
        return UNKNOWN in call.url or not call.url.startswith(("http", "/"))
    return parsed.is_base or not parsed.is_complete and parsed.api != "kraken"


def _token_is_parameter(module: JsModule, function: Node, trace: TokenTrace) -> bool:
    """Tell whether the call sends a token that its function receives as a parameter."""
    if trace.evidence is not None or not trace.names:
        return False
    binding = module.bindings(function).get(trace.names[0])
    return binding is not None and binding.kind == "param"


def _transport_unread(call: HttpCall) -> bool:
    """Tell whether an EventSub body has a transport the scanner could not read, such as a parameter."""
    if call.body is None or "transport" not in call.body.values:
        return False
    return not isinstance(call.body.get("transport"), Fields)


def _passes_parameters(module: JsModule, call: Node, function: Node) -> bool:
    """Tell whether a call's arguments use parameters of the function it sits in."""
    parameters = {name for name, binding in module.bindings(function).items() if binding.kind == "param"}
    for argument in call_arguments(call):
        for node in walk(argument):
            if node.type in ("identifier", "shorthand_property_identifier") and module.text(node) in parameters:
                if module.resolve(node) is module.bindings(function).get(module.text(node)):
                    return True
    return False


def enclosing_function(module: JsModule, node: Node) -> Node | None:
    current = module.parent(node)
    while current is not None and current.type not in FUNCTION_TYPES:
        current = module.parent(current)
    return current


def _twitch_url(url: str | None):
    if url is None:
        return None
    parsed = parse_twitch_url(url)
    if parsed is None or parsed.is_base:
        return None
    return parsed


def _field(call: HttpCall, name: str) -> str | None:
    """Return a parameter from the query string or body; UNKNOWN when it is sent but not readable."""
    for fields in (call.query, call.body):
        if fields is not None and fields.has(name):
            value = fields.get(name)
            return value if isinstance(value, str) else UNKNOWN
    return None


def _credentials(call: HttpCall) -> tuple[str, ...]:
    """Return the token and secret parameters sent in the query string or body, as the Python scanner names them."""
    sources = [fields for fields in (call.query, call.body) if fields is not None]
    return tuple(name for name in CREDENTIAL_NAMES if any(name in fields.values for fields in sources))


# -------------------------------------------------------- strings: mentions and authorize URLs


def _outermost_strings(evaluator: Evaluator, module: JsModule, skip: set[int] | None = None) -> Iterable[tuple[Node, str]]:
    """Yield each outermost string expression (literal, template, ``+`` chain) with its value."""
    stack = [module.root]
    while stack:
        node = stack.pop()
        if node.type == "comment" or skip is not None and node.id in skip:
            continue
        if node.type in STRING_TYPES or node.type == "binary_expression" and _operator(node) == "+":
            text = module.text(node) if node.type == "jsx_text" else evaluator.string(module, node)
            if text is not None:
                yield node, text
                continue
        stack.extend(reversed(node.children))


def _scan_strings(project: JavaScriptProject, module: JsModule, facts: FileFacts) -> None:
    evaluator = project.evaluator
    covered = _scan_url_builders(project, module, facts)
    scope_nodes: list[tuple[Node, str, dict]] = []
    for node, text in _outermost_strings(evaluator, module):
        if not project.consumed(module, node):
            _report_mentions(module, node, text, facts)
        if "authorize" not in text or node.id in covered:
            continue
        with evaluator.trail() as trail:
            evaluator.string(module, node)
        scope_nodes.append((node, text, dict(trail)))
    for node, text, trail in scope_nodes:
        if any(_has_authorize_scope(evaluator, ref) for key, ref in trail.items() if key != (module.path, node.id)):
            # The scope list sits in a constant that is reported where it is defined.
            continue
        _report_authorize(module, node, text, facts)


def _scan_url_builders(project: JavaScriptProject, module: JsModule, facts: FileFacts) -> set[int]:
    """Report authorize URLs built as ``new URL(...)`` with ``url.searchParams.set('scope', ...)`` afterwards."""
    covered: set[int] = set()
    if b"searchParams" not in module.source:
        return covered
    for node in module.nodes("variable_declarator"):
        value = unwrap(node.child_by_field_name("value"))
        name = node.child_by_field_name("name")
        if value is None or name is None or value.type != "new_expression" or name.type != "identifier":
            continue
        url = project.evaluator.value(module, name)
        if isinstance(url, URLValue) and url.query.entries:
            text = project.evaluator.to_string(url)
            if text is not None and _report_authorize(module, value, text, facts):
                covered.update(child.id for child in walk(value))
    return covered


def _has_authorize_scope(evaluator: Evaluator, ref: Ref) -> bool:
    node = unwrap(ref.node)
    if node is None or node.type not in STRING_TYPES and node.type != "binary_expression":
        return False
    text = evaluator.string(ref.module, node)
    authorize = _authorize_query(text) if text is not None else None
    return authorize is not None and "scope" in authorize[0]


def _authorize_query(text: str) -> tuple[dict[str, str], bool, int] | None:
    """Return the query parameters, completeness and offset of the first authorize URL in ``text``."""
    for match in TWITCH_URL.finditer(text):
        parsed = parse_twitch_url(match.group(0))
        if parsed is None or parsed.path != "/oauth2/authorize":
            continue
        # Scopes may be joined with literal spaces, so the query runs to the end of the string, or to a
        # quote, angle bracket or line break when the URL sits inside HTML or other text.
        rest = re.split(r"[\"'<>`\n]", text[match.start():], maxsplit=1)[0]
        _, query = split_url_query(rest)
        if query is None:
            return {}, True, match.start()
        pairs, complete = parse_query(query)
        return dict(pairs), complete, match.start()
    return None


def _report_authorize(module: JsModule, node: Node, text: str, facts: FileFacts) -> bool:
    authorize = _authorize_query(text)
    if authorize is None or "scope" not in authorize[0]:
        return False
    query, _, offset = authorize
    scopes, complete = split_scopes(query["scope"])
    line, column = _url_position(module, node, text, offset)
    grant = RESPONSE_TYPE_GRANTS.get(query.get("response_type", ""))
    facts.scope_requests.append(ScopeRequest(module.path, line, column, scopes, "authorize URL", grant, complete))
    return True


def _report_mentions(module: JsModule, node: Node, text: str, facts: FileFacts) -> None:
    kind = "webhook-topic" if _is_webhook_topic(module, node) else "mention"
    for match in TWITCH_URL.finditer(text):
        url = match.group(0).rstrip(TRAILING_PUNCTUATION)
        parsed = parse_twitch_url(url)
        if parsed is None or parsed.is_base:
            continue
        line, column = _url_position(module, node, text, match.start())
        facts.sites.append(CallSite(module.path, line, column, url, None, kind, module.end_line(node)))


def _url_position(module: JsModule, node: Node, text: str, offset: int) -> tuple[int, int]:
    """Return where the URL at ``offset`` of a string's value is written: at its host when the literal has it."""
    ordinal = sum(1 for match in TWITCH_HOST.finditer(text) if match.start() < offset)
    raw = module.source[node.start_byte:node.end_byte].decode("utf-8", errors="replace")
    written = list(TWITCH_HOST.finditer(raw))
    if ordinal >= len(written):
        return module.position(node)
    return module.position_at(node.start_byte + len(raw[: written[ordinal].start()].encode("utf-8")))


def _is_webhook_topic(module: JsModule, node: Node) -> bool:
    parent = module.parent(node)
    if parent is None or parent.type != "pair":
        return False
    key = parent.child_by_field_name("key")
    return key is not None and module.property_name(key) == "hub.topic"


def _operator(node: Node) -> str:
    operator = node.child_by_field_name("operator")
    return operator.type if operator is not None else ""


# -------------------------------------------------------- secrets and refresh tokens


def _scan_secrets(module: JsModule, facts: FileFacts) -> None:
    """Report string literals that look like a Twitch client secret or access token where the code names them so."""
    for node in module.nodes("string") + module.nodes("template_string"):
        value = module.cooked(node)
        if value is None or len(value) < 30 or len(value) > 60:
            continue
        name = _assigned_name(module, node)
        if name is None:
            continue
        # The same names and values as the Python scanner's find_secrets.
        secret = None
        if name.lower() == "authorization":
            prefix, _, credential = value.partition(" ")
            if prefix.lower() in ("bearer", "oauth") and _looks_secret(credential):
                secret = credential
        elif SECRET_NAME.search(name) and not NOT_SECRET_NAME.search(name) and _looks_secret(value):
            secret = value
        if secret is not None:
            kind = "client secret" if "secret" in name.lower() else "access token"
            line, column = module.position(node)
            facts.secrets.append(Secret(module.path, line, column, name, kind, mask_secret(secret)))


def _assigned_name(module: JsModule, node: Node) -> str | None:
    """Return the variable, property, field or header name a literal is assigned to, through ``||`` and casts."""
    current = node
    parent = module.parent(current)
    while parent is not None and parent.type in SECRET_WRAPPERS:
        current, parent = parent, module.parent(parent)
    if parent is None:
        return None
    if parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        return module.text(name) if name is not None and name.type == "identifier" else None
    if parent.type == "pair":
        key = parent.child_by_field_name("key")
        return module.property_name(key) if key is not None and parent.child_by_field_name("value") == current else None
    if parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        return module.text(left) if left is not None and parent.child_by_field_name("right") == current else None
    if parent.type in ("field_definition", "public_field_definition"):
        name = parent.child_by_field_name("property") or parent.child_by_field_name("name")
        return module.text(name) if name is not None else None
    if parent.type in ("assignment_pattern", "required_parameter", "optional_parameter"):
        target = parent.child_by_field_name("left") or parent.child_by_field_name("pattern")
        return module.text(target) if target is not None and target.type == "identifier" else None
    if parent.type == "arguments":
        # headers.set('Authorization', '...'), xhr.setRequestHeader('Authorization', '...')
        values = [child for child in parent.named_children if child.type != "comment"]
        if len(values) == 2 and values[1] == current and module.cooked(values[0]) is not None:
            header = module.cooked(values[0]) or ""
            return header if header.lower() == "authorization" else None
    return None


def _reads_refresh_token(module: JsModule, project: JavaScriptProject) -> bool:
    """Tell whether the file reads or passes on a ``refresh_token``, or lets twurple's RefreshingAuthProvider do it."""
    if b"refresh_token" not in module.source and b"RefreshingAuthProvider" not in module.source:
        return False
    for node in walk(module.root):
        kind = node.type
        if kind == "member_expression":
            prop = node.child_by_field_name("property")
            if prop is not None and module.text(prop) == "refresh_token":
                return True
        elif kind == "subscript_expression":
            index = node.child_by_field_name("index")
            if index is not None and module.cooked(index) == "refresh_token":
                return True
        elif kind == "call_expression":
            # params.get('refresh_token'), as the Python scanner counts dict.get.
            callee = node.child_by_field_name("function")
            arguments = call_arguments(node)
            if callee is not None and callee.type == "member_expression" and module.text(callee).endswith(".get") and arguments:
                if module.cooked(arguments[0]) == "refresh_token":
                    return True
        elif kind in ("shorthand_property_identifier_pattern", "shorthand_property_identifier") and module.text(node) == "refresh_token":
            return True
        elif kind in ("pair", "pair_pattern"):
            key = node.child_by_field_name("key")
            if key is not None and module.property_name(key) == "refresh_token":
                return True
        elif kind == "new_expression":
            provider = project.evaluator.value(module, node)
            if isinstance(provider, AuthProviderValue) and provider.class_name == "RefreshingAuthProvider":
                return True
    return any(reported.call.grant == "refresh_token" for reported in project.calls(module))
