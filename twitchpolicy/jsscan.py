"""Find Twitch API calls, and the authorization facts around them, in JavaScript and TypeScript.

:func:`scan_javascript` reports one file. A :class:`JavaScriptProject` contains
every JavaScript and TypeScript file of the scan, so constants, functions and
HTTP clients imported from another scanned file resolve, and a URL constant
used by a call in another file is reported once, at the call.

Per file the scan produces:

- a ``call`` site for each fetch, axios, got, ky or Node ``https`` request to a
  Twitch API URL (see :mod:`twitchpolicy.jshttp`), positioned at the call, with
  its query, body and headers, the token evidence and token names of its
  ``Authorization`` header (see :mod:`twitchpolicy.jstokens`) and the
  credentials it sends in the query string or body;
- a ``call`` site with ``sdk="twurple"`` for each ``apiClient.<group>.<method>``
  call that the twurple method map names;
- a ``mention`` for any other full Twitch URL in a string (``webhook-topic``
  for the value of a ``hub.topic`` key), positioned at the URL;
- scope requests from authorize URLs, device code requests, token requests
  that send scopes, and twurple's StaticAuthProvider;
- token requests to the OAuth token endpoint with their grant;
- hard-coded client secrets and access tokens, masked;
- whether the file reads a ``refresh_token``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from tree_sitter import Node

from twitchpolicy.jseval import Evaluator, call_arguments
from twitchpolicy.jsparse import JsModule, JsProject, unwrap, walk
from twitchpolicy.jstwurple import scan_twurple
from twitchpolicy.jstokens import TokenTrace, TokenTracer
from twitchpolicy.pycalls import CREDENTIAL_NAMES
from twitchpolicy.jsurls import parse_query, split_scopes, split_url_query
from twitchpolicy.jsvalues import AuthProviderValue, HttpCall, Ref, URLValue
from twitchpolicy.sites import CallSite, FileFacts, ScopeRequest, Secret, TokenRequest, mask_secret
from twitchpolicy.urls import UNKNOWN, parse_twitch_url

TWITCH_URL = re.compile(r"""(?:https?:)?//(?:api|id)\.twitch\.tv/[^\s'"`<>()\[\]{}\\,;|]*""", re.IGNORECASE)
TWITCH_HOST = re.compile(r"(?:https?:)?//(?:api|id)\.twitch\.tv/", re.IGNORECASE)
TRAILING_PUNCTUATION = ".:!?"
# Twitch client secrets and access tokens are 30 lower-case letters and digits. IRC tokens add "oauth:".
SECRET_VALUE = re.compile(r"(?:oauth:)?[a-z0-9]{30}")
AUTHORIZATION_VALUE = re.compile(r"(?:Bearer|OAuth)\s+((?:oauth:)?[a-z0-9]{30})", re.IGNORECASE)
RESPONSE_TYPE_GRANTS = {"code": "authorization_code", "token": "implicit"}
STRING_TYPES = frozenset({"string", "template_string", "jsx_text"})
# Wrappers between a secret literal and the name it is assigned to: (x), x || y, a ? x : y, x as T.
SECRET_WRAPPERS = frozenset(
    {"parenthesized_expression", "binary_expression", "ternary_expression", "as_expression", "satisfies_expression", "non_null_expression"}
)


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

    def calls(self, module: JsModule) -> list[HttpCall]:
        """Return the HTTP calls to Twitch URLs in ``module``, finding those of every module on first use."""
        if self._calls is None:
            self._calls = {}
            self._consumed = set()
            for other in self.parsed.modules.values():
                found = []
                for node in other.nodes("call_expression"):
                    call = self.evaluator.http_call(other, node)
                    if call is not None and _twitch_url(call.url) is not None:
                        found.append(call)
                        self._consumed |= call.consumed
                self._calls[other.path] = found
        return self._calls.get(module.path, [])

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
    facts.reads_refresh_token = _reads_refresh_token(module, project)
    facts.sites.sort(key=lambda site: (site.line, site.column))
    facts.scope_requests.sort(key=lambda request: (request.line, request.column))
    return facts


# -------------------------------------------------------- HTTP calls


def _scan_calls(project: JavaScriptProject, module: JsModule, facts: FileFacts) -> None:
    for call in project.calls(module):
        parsed = _twitch_url(call.url)
        if parsed is None:
            continue
        line, column = module.position(call.node)
        trace = project.tracer.trace(call.header_values.get("authorization")) if "authorization" in call.header_values else TokenTrace()
        facts.sites.append(CallSite(
            module.path, line, column, call.url or "", call.method, "call", module.end_line(call.node),
            query=call.query, body=call.body, headers=call.headers, token=trace.evidence,
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
        # Scopes may be joined with literal spaces, so the query runs to the end of the string.
        _, query = split_url_query(text[match.start():])
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
        kind = None
        if name.lower() == "authorization":
            match = AUTHORIZATION_VALUE.fullmatch(value) or SECRET_VALUE.fullmatch(value)
            kind = "access token" if match else None
        elif SECRET_VALUE.fullmatch(value):
            lowered = name.lower()
            if "secret" in lowered:
                kind = "client secret"
            elif "token" in lowered:
                kind = "access token"
        if kind is not None:
            line, column = module.position(node)
            facts.secrets.append(Secret(module.path, line, column, name, kind, mask_secret(value)))


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
    return any(call.grant == "refresh_token" for call in project.calls(module))
