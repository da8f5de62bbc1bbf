"""Find Twitch calls made through Python SDKs (pyTwitchAPI, TwitchIO), using the SDK maps of the registry.

An SDK object's token kind comes from how the code sets it up: the constructor
(``await Twitch(app_id, app_secret)`` fetches an app access token) and auth
methods (``set_user_authentication(token, scopes, refresh_token)``). Objects are
matched by the dotted name they are bound to (``twitch``, ``self.twitch``), in the
same module first. When the code sets up exactly one SDK object, every SDK call is
taken to use it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from twitchpolicy.pyflow import Flow, Token, _assigned_pairs, _dotted
from twitchpolicy.pyscan import PythonModule, Scope, _call_name
from twitchpolicy.registry import Registry, Sdk, SdkArgument, SdkAuth, SdkMethod
from twitchpolicy.sites import APP, USER, CallSite, FileFacts, ScopeRequest, TokenEvidence


@dataclass(frozen=True)
class AuthEvent:
    """One place where the code gives an SDK object a token."""

    target: str
    kind: str
    scopes: tuple[str, ...] | None
    where: str
    label: str
    path: str = ""


def scan_sdk_calls(modules: list[PythonModule], flow: Flow, registry: Registry, facts: dict[str, FileFacts]) -> None:
    """Add the SDK calls, and the scopes the SDK set-up requests, of every module that imports an SDK."""
    for sdk in registry.sdks.values():
        if sdk.language != "python":
            continue
        users = [module for module in modules if _imports(module, sdk)]
        if not users:
            continue
        scope_names = _scope_names(registry)
        events: list[AuthEvent] = []
        for module in users:
            events += _auth_events(module, sdk, scope_names, facts[module.path])
        targets = {event.target.rsplit(".", 1)[-1] for event in events if event.target}
        for module in modules:
            # A module that never imports the SDK may still receive its client object (self.twitch = twitch);
            # there, only receivers named like one of the set-up clients, or naming Twitch, count.
            receivers = None if module in users else targets | {"twitch"}
            facts[module.path].sites += _method_calls(module, sdk, registry, flow, events, receivers)


def _imports(module: PythonModule, sdk: Sdk) -> bool:
    roots = set(sdk.modules)
    imported = {path[0] for path, _level in module.imported_modules.values() if path}
    imported |= {source[0] for source, level, _name in module.imported_names.values() if source and not level}
    return bool(roots & imported)


def _scope_names(registry: Registry) -> dict[str, str]:
    """Map SDK enum member names (``CHANNEL_READ_SUBSCRIPTIONS``, ``channel_read_subscriptions``) to scope names."""
    names = {}
    for scope in registry.scopes:
        key = scope.replace(":", "_").replace(".", "_").upper()
        names[key] = scope
    return names


def _auth_events(module: PythonModule, sdk: Sdk, scope_names: dict[str, str], facts: FileFacts) -> list[AuthEvent]:
    constructors = _unambiguous(auth for auth in sdk.auth if auth.call == "constructor")
    methods = _unambiguous(auth for auth in sdk.auth if auth.call == "method")
    events = []
    for node, scope in module._walk():
        for target, value in _assigned_pairs(node):
            call = value.value if isinstance(value, ast.Await) else value
            if isinstance(call, ast.Call) and _call_name(call.func) in constructors and constructors[_call_name(call.func)].token == APP:
                event = _event(module, sdk, constructors[_call_name(call.func)], call, scope, _dotted(target) or "", scope_names, facts)
                if event is not None:
                    events.append(event)
        if isinstance(node, ast.Call) and _call_name(node.func) in constructors and constructors[_call_name(node.func)].token == USER:
            # An authenticator such as UserAuthenticator(twitch, scopes) obtains a user access token for
            # the client object passed first, which the code then hands to it.
            client = _dotted(node.args[0]) if node.args else None
            event = _event(module, sdk, constructors[_call_name(node.func)], node, scope, client or "", scope_names, facts)
            if event is not None:
                events.append(event)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in methods:
            receiver = _dotted(node.func.value) or ""
            event = _event(module, sdk, methods[node.func.attr], node, scope, receiver, scope_names, facts)
            if event is not None:
                events.append(event)
    return events


def _unambiguous(entries) -> dict[str, SdkAuth]:
    """Index auth entries by name, leaving out names that give different token kinds in different SDK versions.

    TwitchIO's ``Client`` takes a user access token in 2.x and fetches an app access token in 3.x, so a
    ``Client(...)`` call alone does not tell the kind.
    """
    by_name: dict[str, list[SdkAuth]] = {}
    for auth in entries:
        by_name.setdefault(auth.name, []).append(auth)
    return {name: found[0] for name, found in by_name.items() if len({auth.token for auth in found}) == 1}


def _method_index(sdk: Sdk) -> dict[str, SdkMethod]:
    """Index methods by the name a call site shows: ``get_users`` for ``get_users`` and ``TwitchHTTP.get_users``.

    A name that maps to different endpoints on different classes is left out, because the call site
    does not show the class.
    """
    by_name: dict[str, list[SdkMethod]] = {}
    for key, method in sdk.methods.items():
        by_name.setdefault(key.rsplit(".", 1)[-1] if sdk.language == "python" else key, []).append(method)
    index = {}
    for name, found in by_name.items():
        if len({method.endpoint for method in found}) == 1:
            tokens = {method.token for method in found}
            chosen = found[0]
            index[name] = chosen if len(tokens) == 1 else SdkMethod(chosen.name, chosen.endpoint, None, chosen.note)
    return index


def _event(
    module: PythonModule, sdk: Sdk, auth: SdkAuth, call: ast.Call, scope: Scope, target: str, scope_names: dict[str, str], facts: FileFacts
) -> AuthEvent | None:
    if auth.unless is not None:
        value = _argument(call, SdkArgument(auth.unless.position, auth.unless.keyword))
        if isinstance(value, ast.Constant) and value.value == auth.unless.value:
            return None
    scopes = None
    if auth.scopes is not None:
        argument = _argument(call, auth.scopes)
        if argument is not None:
            scopes, complete = _read_scopes(module, argument, scope, scope_names)
            facts.scope_requests.append(
                ScopeRequest(module.path, call.lineno, module.column(call), scopes, f"{sdk.name} {auth.name}", None, complete)
            )
            scopes = scopes if complete else None
    where = f"{module.path}:{call.lineno}"
    return AuthEvent(target, auth.token, scopes, where, f"{sdk.name} {auth.name}", module.path)


def _argument(call: ast.Call, argument: SdkArgument) -> ast.expr | None:
    for keyword in call.keywords:
        if argument.keyword is not None and keyword.arg == argument.keyword:
            return keyword.value
    if argument.position is not None and argument.position < len(call.args):
        value = call.args[argument.position]
        return None if isinstance(value, ast.Starred) else value
    return None


def _read_scopes(module: PythonModule, node: ast.expr, scope: Scope, scope_names: dict[str, str]) -> tuple[tuple[str, ...], bool]:
    """Read a scope list of strings or enum members (``AuthScope.CLIPS_EDIT``); the flag is False if part is unreadable."""
    items = module._sequence(node, scope, 0)
    if items is None:
        text = module.evaluate(node, scope, set())
        return (tuple(text.split()), True) if text is not None and "\x00" not in text else ((), False)
    scopes: list[str] = []
    complete = True
    for item in items:
        if isinstance(item, ast.Attribute):
            name = scope_names.get(item.attr.upper())
            if name is not None:
                scopes.append(name)
                continue
        text = module.evaluate(item, scope, set())
        if text is not None and "\x00" not in text:
            scopes.append(text)
        else:
            complete = False
    return tuple(scopes), complete


def _method_calls(
    module: PythonModule, sdk: Sdk, registry: Registry, flow: Flow, events: list[AuthEvent], receivers: set[str] | None
) -> list[CallSite]:
    client_targets = {event.target for event in events if event.target}
    methods = _method_index(sdk)
    sites = []
    for node, scope in module._walk():
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        entry = methods.get(node.func.attr)
        if entry is None:
            continue
        receiver = _dotted(node.func.value) or ""
        if receivers is not None and not (_receiver_words(receiver) & receivers):
            continue
        if _own_object(module, flow, node.func.value, scope, sdk):
            continue
        endpoint = registry.endpoint(entry.endpoint)
        if endpoint is None:
            continue
        # The same name set up in this module wins over the same name in another module.
        related = [event for event in events if event.target == receiver and event.path == module.path]
        related = related or [event for event in events if event.target == receiver]
        names: tuple[str, ...] = ()
        explicit = next((keyword.value for keyword in node.keywords if keyword.arg == "token"), None)
        if explicit is not None:
            # TwitchIO methods take token=...: that token is sent, whatever the client was set up with.
            value = flow.token(module, explicit, scope)
            token = TokenEvidence(value.kind, value.reason) if isinstance(value, Token) and value.kind and value.reason else None
            names = value.names if isinstance(value, Token) else ()
        elif related or len(client_targets) <= 1:
            token = _token(sdk, entry, related or events)
        else:
            # Several SDK objects are set up and this receiver matches none of them by name, so the kind is unknown.
            token = None
        sites.append(
            CallSite(
                module.path,
                node.lineno,
                module.column(node),
                "",
                endpoint.method,
                "call",
                end_line=node.end_lineno or node.lineno,
                token=token,
                endpoint=endpoint.id,
                sdk=sdk.id,
                token_names=names,
            )
        )
    return sites


def _token(sdk: Sdk, method: SdkMethod, events: list[AuthEvent]) -> TokenEvidence | None:
    """Decide which token the SDK sends for a method, from the object's set-up and what the method forces."""
    forced = method.token
    users = [event for event in events if event.kind == USER and event.target]
    apps = [event for event in events if event.kind == APP]
    if forced == APP:
        return _evidence(APP, apps[0], sdk) if apps else None
    if forced == USER and not events:
        return TokenEvidence(USER, f"{sdk.name} always sends a user access token for {method.name}")
    if users:
        scopes = None
        if all(event.scopes is not None for event in users):
            scopes = tuple(dict.fromkeys(scope for event in users for scope in event.scopes or ()))
        event = users[0]
        return TokenEvidence(USER, f"user access token set by {event.label} at {event.where}", scopes)
    if apps:
        return _evidence(APP, apps[0], sdk)
    return None


def _evidence(kind: str, event: AuthEvent, sdk: Sdk) -> TokenEvidence:
    if kind == APP:
        return TokenEvidence(APP, f"app access token from {event.label} at {event.where}, and no user authentication is set up")
    return TokenEvidence(kind, f"{event.label} at {event.where}")


def _receiver_words(receiver: str) -> set[str]:
    """Return the last name of a receiver and its lower-case words: ``self.twitch_api`` gives twitch_api, twitch, api."""
    last = receiver.rsplit(".", 1)[-1]
    return {last} | {word for word in last.lower().split("_") if word}


def _own_object(module: PythonModule, flow: Flow, receiver: ast.expr, scope: Scope, sdk: Sdk) -> bool:
    """Tell whether a receiver is an instance of the project's own class that does not extend the SDK.

    ``FollowStore().fetch_follow()`` is the project's method, not TwitchIO's, although the names match.
    """
    if isinstance(receiver, ast.Name) and receiver.id == "self" and scope.class_name is not None:
        return not _extends_sdk(module, scope.class_name, sdk)
    values = [receiver] if isinstance(receiver, ast.Call) else [value for value, _scope in flow._definitions(module, receiver, scope)]
    for value in values:
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
            located = flow._class_named(module, value.func.id)
            if located is not None and not _extends_sdk(located[0], located[1], sdk):
                return True
    return False


def _extends_sdk(module: PythonModule, class_name: str, sdk: Sdk) -> bool:
    """Tell whether a scanned class has a base class imported from the SDK (class Bot(commands.Bot))."""
    roots = set(sdk.modules)
    for base in module.class_base_paths.get(class_name, []):
        head = base.split(".")[0]
        imported = module.imported_names.get(head)
        if imported is not None and imported[0][:1] and imported[0][0] in roots:
            return True
        origin = module.imported_modules.get(head)
        if origin is not None and origin[0][:1] and origin[0][0] in roots:
            return True
        if head in module.class_nodes and head != class_name and _extends_sdk(module, head, sdk):
            return True
    return False
