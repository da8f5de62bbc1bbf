"""The OAuth endpoints on https://id.twitch.tv/oauth2: authorize, token, device, validate and revoke.

Error bodies here have no ``error`` key (``{"status": 400, "message": "..."}``), except
the refresh grant's ``Invalid refresh token``, which Twitch documents with one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from twitchpolicy.mock.calllog import Call
from twitchpolicy.mock.model import APP, Client, DeviceCode, Token
from twitchpolicy.mock.protocol import OAuthError, Request, Response, empty_response, json_response, oauth_error
from twitchpolicy.mock.redaction import redact, redact_url
from twitchpolicy.mock.world import AUTHORIZATION_CODE_LIFETIME, DEVICE_CODE_LIFETIME, DEVICE_POLL_INTERVAL, USER_TOKEN_LIFETIME

if TYPE_CHECKING:
    from twitchpolicy.mock.world import World

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
VERIFICATION_URI = "https://www.twitch.tv/activate"


def handle(world: World, request: Request) -> Response:
    route = {
        ("GET", "/oauth2/authorize"): ("oauth-authorize", authorize),
        ("POST", "/oauth2/token"): ("oauth-token", token),
        ("POST", "/oauth2/device"): ("oauth-device", device),
        ("GET", "/oauth2/validate"): ("oauth-validate", validate),
        ("POST", "/oauth2/revoke"): ("oauth-revoke", revoke),
    }.get((request.method, request.path.rstrip("/") or "/"))
    endpoint_id = None
    principal_user = None
    if route is None:
        # NOTE: Twitch's response for other id.twitch.tv paths (and the OIDC ones, which
        # the mock does not serve) is assumed to be a bare 404.
        response = oauth_error(404, "Not Found")
    else:
        endpoint_id, handler = route
        try:
            response, principal_user = handler(world, request)
        except OAuthError as error:
            response = error.response()
    _log(world, request, endpoint_id, response, principal_user)
    return response


def _log(world: World, request: Request, endpoint_id: str | None, response: Response, token: Token | None) -> None:
    message = ""
    if response.status >= 400 and response.body:
        try:
            message = str(response.json().get("message", ""))
        except (ValueError, AttributeError):
            message = ""
    user = world.users.get(token.user_id) if token is not None and token.user_id else None
    world.calls.record(
        Call(
            method=request.method,
            url=redact_url(request.url, world.is_secret, request.query),
            host=request.host,
            path=request.path,
            endpoint_id=endpoint_id,
            status=response.status,
            message=message,
            token_kind=token.kind if token is not None else None,
            token=redact(token.access_token) if token is not None else None,
            client_id=token.client_id if token is not None else request.form().get("client_id"),
            user_id=token.user_id if token is not None else None,
            user_login=user.login if user is not None else None,
        )
    )


def _client(world: World, client_id: str | None) -> Client:
    client = world.clients.get(client_id or "")
    if client is None:
        raise OAuthError(400, "invalid client")
    return client


def _check_secret(client: Client, secret: str | None) -> None:
    """Confidential clients must send their secret; public clients have none to send."""
    if client.is_public:
        return
    if not secret:
        raise OAuthError(400, "missing client secret")
    if secret != client.client_secret:
        raise OAuthError(403, "invalid client secret")


def _scope_list(world: World, text: str | None) -> tuple[str, ...]:
    names = [name for name in (text or "").replace("+", " ").split(" ") if name]
    for name in names:
        if name not in world.registry.scopes:
            # NOTE: the wording of Twitch's response to an unknown scope is an assumption.
            raise OAuthError(400, f"invalid scope requested: '{name}'")
    return tuple(dict.fromkeys(names))


def _token_body(world: World, issued: Token) -> dict[str, object]:
    body: dict[str, object] = {"access_token": issued.access_token, "expires_in": issued.expires_in(world.clock.now())}
    if issued.refresh_token is not None:
        body["refresh_token"] = issued.refresh_token
    if issued.kind != APP:
        body["scope"] = list(issued.scopes)
    body["token_type"] = "bearer"
    return body


def authorize(world: World, request: Request) -> tuple[Response, Token | None]:
    """Sign in as the consenting user, then approve or deny and redirect, echoing ``state``."""
    params = dict(request.query)
    client = _client(world, params.get("client_id"))
    redirect_uri = params.get("redirect_uri", "")
    if redirect_uri not in client.redirect_uris:
        raise OAuthError(400, "Parameter redirect_uri does not match registered URI")
    response_type = params.get("response_type")
    if response_type not in ("code", "token"):
        # NOTE: the wording for an unsupported response_type is an assumption.
        raise OAuthError(400, "invalid response_type")
    scopes = _scope_list(world, params.get("scope"))
    state = params.get("state")
    if world.consent == "deny" or world.consenting_user is None:
        fields = [("error", "access_denied"), ("error_description", "The user denied you access")]
        if state is not None:
            fields.append(("state", state))
        return _redirect(redirect_uri, fields, in_fragment=response_type == "token"), None
    user = world.consenting_user
    if response_type == "code":
        code = world.new_secret()
        from twitchpolicy.mock.model import AuthorizationCode

        world.authorization_codes[code] = AuthorizationCode(code, client.client_id, user.id, scopes, redirect_uri, world.clock.now() + AUTHORIZATION_CODE_LIFETIME)
        fields = [("code", code), ("scope", " ".join(scopes))]
        if state is not None:
            fields.append(("state", state))
        return _redirect(redirect_uri, fields, in_fragment=False), None
    issued = world.user_token(user, scopes, client, refreshable=False, grant="implicit")
    fields = [("access_token", issued.access_token), ("scope", " ".join(scopes)), ("token_type", "bearer")]
    if state is not None:
        fields.append(("state", state))
    return _redirect(redirect_uri, fields, in_fragment=True), issued


def _redirect(redirect_uri: str, fields: list[tuple[str, str]], in_fragment: bool) -> Response:
    """Return a 302 redirect to ``redirect_uri`` with ``fields`` in its fragment or added to its query string.

    A query string that the registered URI already has stays in front, as OAuth 2.0
    (RFC 6749, section 3.1.2) requires.
    """
    if in_fragment:
        separator = "#"
    elif redirect_uri.endswith(("?", "&")):
        separator = ""
    else:
        separator = "&" if urlsplit(redirect_uri).query else "?"
    return Response(302, [("Location", f"{redirect_uri}{separator}{urlencode(fields)}")], b"")


def token(world: World, request: Request) -> tuple[Response, Token | None]:
    form = request.form()
    grant_type = form.get("grant_type")
    if not grant_type:
        raise OAuthError(400, "missing grant_type")
    client = _client(world, form.get("client_id"))
    if grant_type == "client_credentials":
        if client.is_public:
            raise OAuthError(400, "missing client secret")
        _check_secret(client, form.get("client_secret"))
        issued = world.app_token(client)
    elif grant_type == "authorization_code":
        _check_secret(client, form.get("client_secret"))
        issued = _exchange_code(world, client, form.get("code"), form.get("redirect_uri"))
    elif grant_type == "refresh_token":
        _check_secret(client, form.get("client_secret"))
        issued = _refresh(world, client, form.get("refresh_token"))
    elif grant_type == DEVICE_GRANT:
        issued = _poll_device(world, client, form.get("device_code"))
    else:
        # NOTE: the wording for an unknown grant_type is an assumption.
        raise OAuthError(400, "unsupported grant_type")
    return json_response(200, _token_body(world, issued)), issued


def _exchange_code(world: World, client: Client, code: str | None, redirect_uri: str | None) -> Token:
    record = world.authorization_codes.get(code or "")
    if record is None or record.used or record.client_id != client.client_id or world.clock.now() >= record.expires_at:
        # NOTE: Twitch responds 400 to a bad or reused code, but the wording is an assumption.
        raise OAuthError(400, "Invalid authorization code")
    if redirect_uri != record.redirect_uri:
        raise OAuthError(400, "Parameter redirect_uri does not match registered URI")
    record.used = True
    return world.user_token(record.user_id, record.scopes, client)


def _refresh(world: World, client: Client, refresh_token: str | None) -> Token:
    record = world.refresh_tokens.get(refresh_token or "")
    if record is None or record.client_id != client.client_id:
        raise OAuthError(400, "Invalid refresh token", with_error_key=True)
    try:
        return world.refresh(record.value)
    except KeyError:
        raise OAuthError(400, "Invalid refresh token", with_error_key=True) from None


def _poll_device(world: World, client: Client, device_code: str | None) -> Token:
    record = world.device_codes.get(device_code or "")
    now = world.clock.now()
    if record is None or record.client_id != client.client_id or record.state == "used" or now >= record.expires_at:
        raise OAuthError(400, "invalid device code")
    polled_too_fast = record.last_poll is not None and now - record.last_poll < record.interval
    record.last_poll = now
    if record.state == "denied":
        # NOTE: the wording for a device authorization the user declined is an assumption.
        raise OAuthError(400, "authorization_declined")
    if record.state == "pending":
        raise OAuthError(400, "slow_down" if polled_too_fast else "authorization_pending")
    record.state = "used"
    return world.user_token(record.user_id or "", record.scopes, client, grant="device_code")


def device(world: World, request: Request) -> tuple[Response, Token | None]:
    form = request.form()
    client = _client(world, form.get("client_id"))
    scopes = _scope_list(world, form.get("scopes"))
    device_code = world.new_secret(40)
    user_code = world.new_secret(8).upper()
    world.device_codes[device_code] = DeviceCode(device_code, user_code, client.client_id, scopes, world.clock.now() + DEVICE_CODE_LIFETIME, DEVICE_POLL_INTERVAL)
    body = {
        "device_code": device_code,
        "expires_in": DEVICE_CODE_LIFETIME,
        "interval": DEVICE_POLL_INTERVAL,
        "user_code": user_code,
        "verification_uri": f"{VERIFICATION_URI}?public=true&device-code={user_code}",
    }
    return json_response(200, body), None


def validate(world: World, request: Request) -> tuple[Response, Token | None]:
    """Validate the token in the Authorization header. Twitch documents the ``OAuth`` prefix, and the mock also accepts ``Bearer``."""
    scheme, _, credential = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() not in ("oauth", "bearer") or not credential.strip():
        # NOTE: the wording for a missing Authorization header is an assumption.
        raise OAuthError(401, "missing authorization token")
    record = world.find_token(credential.strip())
    if record is None or not record.is_active(world.clock.now()):
        raise OAuthError(401, "invalid access token")
    body: dict[str, object] = {"client_id": record.client_id}
    if record.kind != APP:
        body["login"] = world.users[record.user_id or ""].login
    body["scopes"] = list(record.scopes)
    if record.kind != APP:
        body["user_id"] = record.user_id
    body["expires_in"] = record.expires_in(world.clock.now())
    return json_response(200, body), record


def revoke(world: World, request: Request) -> tuple[Response, Token | None]:
    form = request.form()
    client = world.clients.get(form.get("client_id", ""))
    if client is None:
        raise OAuthError(404, "client does not exist")
    record = world.find_token(form.get("token", ""))
    if record is None or record.client_id != client.client_id:
        raise OAuthError(400, "Invalid token")
    world.revoke(record)
    return empty_response(200), record


__all__ = ["handle", "USER_TOKEN_LIFETIME"]
