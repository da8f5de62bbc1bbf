"""Find twurple API calls: ``apiClient.<group>.<method>(...)`` mapped to endpoints by the registry's SDK data.

The token kind of each call comes from the ``ApiClient``'s auth provider and
the method map's ``token``. As policy/sdk/twurple.yaml records from twurple's
BaseApiClient, twurple sends a user access token when a method needs one, the
app access token when a method forces it, and otherwise any token the provider
has for the user in context, falling back to the app access token. So:

- ``AppTokenAuthProvider`` has only an app access token, whatever the method.
- ``StaticAuthProvider`` has only the user access token it was given, with its scopes.
- ``RefreshingAuthProvider`` fetches an app access token, and has user access
  tokens once the code calls ``addUser``, ``addUserForToken`` or
  ``addUserForCode`` on it. Then the method's ``token`` decides, or
  ``asUser``/``asIntent`` gives a user context. Otherwise the kind is unknown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tree_sitter import Node

from twitchpolicy.jseval import Evaluator
from twitchpolicy.jsparse import JsModule, unwrap
from twitchpolicy.jsvalues import AuthProviderValue, TwurpleClientValue
from twitchpolicy.sites import CallSite, FileFacts, ScopeRequest, TokenEvidence

if TYPE_CHECKING:
    from twitchpolicy.jsscan import JavaScriptProject

USER_CONTEXT_METHODS = ("asUser", "asIntent")


def scan_twurple(project: JavaScriptProject, module: JsModule, facts: FileFacts) -> None:
    """Report ``apiClient.<group>.<method>(...)`` calls and the scopes given to an auth provider."""
    sdk = project.twurple
    if sdk is None or b"ApiClient" not in module.source and b"AuthProvider" not in module.source:
        return
    evaluator = project.evaluator
    for node in module.nodes("new_expression"):
        provider = evaluator.value(module, node)
        if isinstance(provider, AuthProviderValue) and provider.scopes is not None:
            line, column = module.position(node)
            facts.scope_requests.append(ScopeRequest(module.path, line, column, provider.scopes, f"twurple {provider.class_name}", None, True))
    user_providers = _providers_with_users(project)
    for node in module.nodes("call_expression"):
        callee = unwrap(node.child_by_field_name("function"))
        if callee is None or callee.type != "member_expression":
            continue
        group_node = callee.child_by_field_name("object")
        if group_node is None or group_node.type != "member_expression":
            continue
        client = _client(evaluator, module, group_node.child_by_field_name("object"))
        if client is None:
            continue
        entry = sdk.methods.get(f"{evaluator.member_name(module, group_node)}.{evaluator.member_name(module, callee)}")
        if entry is None:
            continue
        line, column = module.position(node)
        facts.sites.append(CallSite(
            module.path, line, column, "", None, "call", module.end_line(node),
            token=_evidence(client, entry.token, user_providers), endpoint=entry.endpoint, sdk="twurple",
        ))


def _client(evaluator: Evaluator, module: JsModule, node: Node | None) -> TwurpleClientValue | None:
    """Return the ApiClient that ``node`` refers to, also as the callback parameter of ``asUser``/``asIntent``."""
    if node is None:
        return None
    value = evaluator.value(module, node)
    if isinstance(value, TwurpleClientValue):
        return value
    node = unwrap(node)
    binding = module.resolve(node) if node is not None and node.type == "identifier" else None
    if binding is None or binding.kind != "param" or binding.path != ("0",):
        return None
    arguments = module.parent(binding.scope)
    call = module.parent(arguments) if arguments is not None else None
    callee = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
    if callee is None or callee.type != "member_expression" or evaluator.member_name(module, callee) not in USER_CONTEXT_METHODS:
        return None
    owner = evaluator.value(module, callee.child_by_field_name("object"))
    if not isinstance(owner, TwurpleClientValue):
        return None
    return TwurpleClientValue(owner.provider, owner.origin, user_context=True)


def _providers_with_users(project: JavaScriptProject) -> set[tuple[str, int]]:
    """Return the (path, node id) of each provider that the code adds a user access token to."""
    methods = {auth.name for auth in project.twurple.auth if auth.call == "method" and auth.token == "user"}
    found: set[tuple[str, int]] = set()
    evaluator = project.evaluator
    for module in project.parsed.modules.values():
        for node in module.nodes("call_expression"):
            callee = node.child_by_field_name("function")
            if callee is None or callee.type != "member_expression" or evaluator.member_name(module, callee) not in methods:
                continue
            provider = evaluator.value(module, callee.child_by_field_name("object"))
            if isinstance(provider, AuthProviderValue):
                found.add((provider.origin.module.path, provider.origin.node.id))
    return found


def _evidence(client: TwurpleClientValue, method_token: str | None, user_providers: set[tuple[str, int]]) -> TokenEvidence | None:
    provider = client.provider
    if provider is None:
        return None
    origin = provider.origin
    where = f"{origin.module.path}:{origin.module.position(origin.node)[0]}"
    if provider.kind == "user":
        return TokenEvidence("user", f"user access token from twurple {provider.class_name} at {where}", provider.scopes)
    if (origin.module.path, origin.node.id) not in user_providers:
        return TokenEvidence(provider.kind, f"{provider.kind} access token from twurple {provider.class_name} at {where}")
    if method_token in ("app", "user"):
        return TokenEvidence(method_token, f"{method_token} access token that twurple sends for this method with the {provider.class_name} at {where}")
    if client.user_context:
        return TokenEvidence("user", f"user access token from twurple {provider.class_name} at {where}, in asUser context")
    return None
