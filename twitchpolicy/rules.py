"""Rules of ``twitchpolicy check``: each finding is a small class holding its code, name, format and arguments.

Codes are grouped by family: TP1xx endpoints, TP2xx token kinds, TP3xx scopes,
TP4xx headers and credentials, TP9xx files and suppressions. A code never
changes meaning once released.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

REFERENCE = "https://dev.twitch.tv/docs/api/reference/"
SCOPES_REFERENCE = "https://dev.twitch.tv/docs/authentication/scopes/"


@dataclass(frozen=True)
class Finding:
    """Base of every finding. Subclasses set the class attributes; instances hold one occurrence.

    ``rationale``, ``bad`` and ``good`` are what ``twitchpolicy explain`` prints.
    ``evidence`` states why the checker believes the token kind or scope list.
    ``evidence_arg`` is the index of the argument that quotes that evidence in the
    message; fingerprints leave it out, so a finding keeps its identity when the
    token request moves or another scope is requested.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str] = "error"
    summary: ClassVar[str]
    fix: ClassVar[str]
    template: ClassVar[str]
    rationale: ClassVar[str] = ""
    bad: ClassVar[str] = ""
    good: ClassVar[str] = ""
    evidence_arg: ClassVar[int | None] = None

    path: str
    line: int
    column: int
    args: tuple[str, ...] = ()
    url: str | None = None
    method: str | None = None
    endpoint: str | None = None
    reference: str | None = None
    end_line: int = 0
    evidence: str | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def message(self) -> str:
        return self.template % self.args

    def identity_args(self) -> tuple[str, ...]:
        """Return the message arguments without the one that quotes evidence."""
        return tuple(arg for index, arg in enumerate(self.args) if index != self.evidence_arg)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)


# ---------------------------------------------------------------- TP1xx endpoints


class UnknownEndpoint(Finding):
    code = "TP101"
    name = "unknown-endpoint"
    summary = "A Helix or OAuth path that the Twitch API does not have."
    fix = "Correct the path; the message names the closest real endpoint."
    template = "%s is not a Twitch API endpoint%s"
    rationale = "Twitch answers 404 for a path it does not know. A typo in a path is found only when the call runs."
    bad = 'requests.get("https://api.twitch.tv/helix/user", params={"login": login}, headers=headers)'
    good = 'requests.get("https://api.twitch.tv/helix/users", params={"login": login}, headers=headers)'


class RemovedEndpoint(Finding):
    code = "TP102"
    name = "removed-endpoint"
    summary = "A Helix endpoint that Twitch removed; calls to it fail."
    fix = "Call the replacement endpoint that the message names."
    template = "%s was removed on %s; %s"
    rationale = "Removed endpoints answer 410 Gone or 404. Get Users Follows, for example, was removed on 2023-09-12."
    bad = 'requests.get(HELIX + "/users/follows", params={"to_id": channel_id}, headers=headers)'
    good = 'requests.get(HELIX + "/channels/followers", params={"broadcaster_id": channel_id}, headers=headers)'


class RemovedPath(RemovedEndpoint):
    """TP102 for a path whose endpoints were all removed, when the call's method is unknown."""

    template = "every endpoint at %s was removed: %s; %s"


class KrakenEndpointCall(Finding):
    code = "TP103"
    name = "kraken-endpoint"
    summary = "A call to the Kraken v5 API, which Twitch shut down on 2022-02-28."
    fix = "Move the call to the Helix endpoint that the message names, with a Bearer token and a Client-Id header."
    template = "%s calls the Kraken v5 API, shut down on %s; %s"
    rationale = "Every Kraken v5 endpoint stopped working on 2022-02-28. Helix replaced most of them, with other paths, ids and scopes."
    bad = 'requests.get("https://api.twitch.tv/kraken/streams/" + channel_id, headers={"Accept": "application/vnd.twitchtv.v5+json"})'
    good = 'requests.get("https://api.twitch.tv/helix/streams", params={"user_id": channel_id}, headers=headers)'


class MethodNotAllowed(Finding):
    code = "TP104"
    name = "method-not-allowed"
    summary = "An HTTP method that the endpoint at this path does not accept."
    fix = "Use one of the methods the message lists."
    template = "%s %s is not an endpoint; this path accepts %s"
    rationale = "Helix selects the endpoint by method and path. Another method on the same path is another endpoint, or none."
    bad = 'requests.put(HELIX + "/clips", params={"broadcaster_id": channel_id}, headers=headers)'
    good = 'requests.post(HELIX + "/clips", params={"broadcaster_id": channel_id}, headers=headers)'


class WebhookTopic(Finding):
    code = "TP105"
    name = "legacy-webhook-topic"
    summary = "A URL sent as the topic of a legacy Helix webhook; Twitch removed webhooks on 2021-09-16."
    fix = "Subscribe with Create EventSub Subscription (POST /helix/eventsub/subscriptions) to the matching subscription type."
    template = "%s is a legacy webhook topic; Twitch removed webhooks on %s; use an EventSub subscription type instead"
    rationale = "The Helix webhooks hub and its topics were replaced by EventSub; subscriptions to the hub fail."
    bad = '{"hub.mode": "subscribe", "hub.topic": "https://api.twitch.tv/helix/streams?user_id=1234"}'
    good = '{"type": "stream.online", "version": "1", "condition": {"broadcaster_user_id": "1234"}, "transport": {...}}'


class UnknownEventSubType(Finding):
    code = "TP106"
    name = "eventsub-type"
    summary = "An EventSub subscription type or version that Twitch does not have, or has removed."
    fix = "Use the subscription type and version that the message names."
    template = "EventSub subscription type %s version %s %s"
    rationale = (
        "Create EventSub Subscription answers 400 to a type or version it does not know. Twitch removes old "
        "versions: channel.follow version 1 stopped working in 2023, for example."
    )
    bad = 'json={"type": "channel.follow", "version": "1", "condition": {"broadcaster_user_id": bid}, ...}'
    good = 'json={"type": "channel.follow", "version": "2", "condition": {"broadcaster_user_id": bid, "moderator_user_id": bid}, ...}'


# ---------------------------------------------------------------- TP2xx token kinds


class AppTokenNotAccepted(Finding):
    code = "TP201"
    name = "app-token-not-accepted"
    summary = "An app access token sent to an endpoint that needs a user access token (or an extension JWT)."
    fix = "Send a user access token of the user the endpoint acts for, obtained with the authorization code or device code flow."
    template = "%s does not accept an app access token; it needs %s (%s)"
    evidence_arg = 2
    rationale = (
        "An app access token, from the client credentials grant, carries no user and no scopes. Endpoints that act "
        "for a user or read private data answer 401 to it, so the call fails in production."
    )
    bad = 'token = requests.post(TOKEN_URL, data={"grant_type": "client_credentials", ...}).json()["access_token"]\nrequests.post(HELIX + "/clips", params={"broadcaster_id": bid}, headers={"Authorization": f"Bearer {token}", "Client-Id": CLIENT_ID})'
    good = 'token = user_token_from_authorization_code_flow(scopes=["clips:edit"])\nrequests.post(HELIX + "/clips", params={"broadcaster_id": bid}, headers={"Authorization": f"Bearer {token}", "Client-Id": CLIENT_ID})'


class AppTokenOnlyForExtension(AppTokenNotAccepted):
    """TP201 for an endpoint that takes an app access token only from an extension's own client."""

    template = "%s accepts an app access token only from an extension's own client; a bot or website needs %s (%s)"


class UserTokenNotAccepted(Finding):
    code = "TP202"
    name = "user-token-not-accepted"
    summary = "A user access token sent to an endpoint that needs an app access token (or an extension JWT)."
    fix = "Request an app access token with the client credentials grant and send it to this endpoint."
    template = "%s does not accept a user access token; it needs %s (%s)"
    evidence_arg = 2
    rationale = (
        "Some endpoints act for the client itself: Get Authorization By User, extension Bits products, Drops "
        "entitlements, conduits. They answer 401 to a user access token."
    )
    bad = 'requests.get(HELIX + "/authorization/users", params={"user_id": uid}, headers=user_headers)'
    good = 'requests.get(HELIX + "/authorization/users", params={"user_id": uid}, headers=app_headers)'


class EventSubTransportToken(Finding):
    code = "TP203"
    name = "eventsub-transport-token"
    summary = "An EventSub subscription whose transport does not match the token kind."
    fix = "Use an app access token for webhook and conduit transports, and a user access token for the websocket transport."
    template = "%s with the %s transport needs %s, but the call sends %s (%s)"
    evidence_arg = 4
    rationale = (
        "Twitch answers 400 to a websocket subscription created with an app access token and to a webhook "
        "subscription created with a user access token."
    )
    bad = 'requests.post(HELIX + "/eventsub/subscriptions", json={..., "transport": {"method": "websocket", "session_id": sid}}, headers=app_headers)'
    good = 'requests.post(HELIX + "/eventsub/subscriptions", json={..., "transport": {"method": "websocket", "session_id": sid}}, headers=user_headers)'


class AppTokenLimited(Finding):
    code = "TP204"
    name = "app-token-limited"
    severity = "warning"
    summary = "An app access token sent to an endpoint that then returns only part of its data."
    fix = "Send a user access token with the scope the message names if the code needs the full response."
    template = "%s with an app access token %s (%s)"
    evidence_arg = 2
    rationale = "Get Channel Followers, for example, answers an app access token with the total only and an empty list."
    bad = 'requests.get(HELIX + "/channels/followers", params={"broadcaster_id": bid}, headers=app_headers)'
    good = 'requests.get(HELIX + "/channels/followers", params={"broadcaster_id": bid}, headers=moderator_headers)'


# ---------------------------------------------------------------- TP3xx scopes


class MissingScope(Finding):
    code = "TP301"
    name = "missing-scope"
    summary = "A call whose endpoint needs a scope that the code never requests."
    fix = "Add the scope to the authorization request (authorize URL, device code request or SDK authenticator)."
    template = "%s needs scope %s, which the code never requests (requested: %s)"
    evidence_arg = 2
    rationale = (
        "A user access token carries only the scopes the user granted when the code asked for them. An endpoint "
        "whose scope is missing answers 401 `Missing scope`."
    )
    bad = 'AUTH_URL = "https://id.twitch.tv/oauth2/authorize?response_type=code&scope=chat:read"\nrequests.post(HELIX + "/clips", ...)'
    good = 'AUTH_URL = "https://id.twitch.tv/oauth2/authorize?response_type=code&scope=chat:read+clips:edit"\nrequests.post(HELIX + "/clips", ...)'


class UnusedScope(Finding):
    code = "TP302"
    name = "unused-scope"
    severity = "warning"
    summary = "A requested scope that no call in the code needs."
    fix = "Remove the scope from the request; ask users for the least access the code needs."
    template = "scope %s is requested but no call in the scanned code needs it"
    rationale = (
        "Users see every requested scope on the consent screen, and a leaked token can do everything its scopes "
        "allow. Scopes used only by EventSub, chat or extensions are not reported, because the checker cannot see those uses."
    )
    bad = 'scope = "user:read:email channel:manage:broadcast"  # the code only reads the user'
    good = 'scope = "user:read:email"'


class LegacyScope(Finding):
    code = "TP303"
    name = "legacy-scope"
    summary = "A Kraken v5 or retired scope name; Twitch no longer grants it."
    fix = "Request the replacement scope that the message names."
    template = "scope %s is a retired %s; %s"
    rationale = "Kraken v5 scope names such as channel_subscriptions stopped working with Kraken on 2022-02-28."
    bad = 'scope = "channel_subscriptions user_read"'
    good = 'scope = "channel:read:subscriptions user:read:email"'


class UnknownScope(Finding):
    code = "TP304"
    name = "unknown-scope"
    summary = "A requested scope name that Twitch does not define."
    fix = "Correct the scope name; the message names the closest real scope."
    template = "scope %s is not a Twitch scope%s"
    rationale = "Twitch rejects an authorization request with an invalid scope, so no user can log in."
    bad = 'scope = "channel:read:subscription"'
    good = 'scope = "channel:read:subscriptions"'


class ScopesWithClientCredentials(Finding):
    code = "TP305"
    name = "scopes-with-client-credentials"
    summary = "Scopes sent with a client_credentials token request; an app access token never carries them."
    fix = "Remove the scopes; request them from the user with the authorization code or device code flow."
    template = "the client_credentials request sends scopes %s, but an app access token never carries scopes"
    rationale = "Twitch ignores scopes on a client credentials request. Code that sends them usually expects the app token to act for a user, which it cannot."
    bad = 'requests.post(TOKEN_URL, data={"grant_type": "client_credentials", "scope": "clips:edit", ...})'
    good = 'requests.post(TOKEN_URL, data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET})'


# ---------------------------------------------------------------- TP4xx headers and credentials


class MissingClientId(Finding):
    code = "TP401"
    name = "missing-client-id"
    summary = "A Helix call without a Client-Id header."
    fix = "Send the Client-Id header with the client ID the token was issued to."
    template = "%s is called without a Client-Id header"
    rationale = "Helix answers 401 `Client ID is missing` to a call without the Client-Id header, even with a valid token."
    bad = 'requests.get(HELIX + "/users", headers={"Authorization": f"Bearer {token}"})'
    good = 'requests.get(HELIX + "/users", headers={"Authorization": f"Bearer {token}", "Client-Id": CLIENT_ID})'


class MissingAuthorization(Finding):
    code = "TP402"
    name = "missing-authorization"
    summary = "A Helix call that sends no Authorization header; Helix has required a token on every call since 2020-04-30."
    fix = "Send `Authorization: Bearer <token>` with an app or user access token."
    template = "%s is called without an Authorization header; Helix requires a token on every call"
    rationale = "Since 2020-04-30 Helix rejects calls that send only a Client-Id, with 401 `OAuth token is missing`."
    bad = 'requests.get(HELIX + "/streams", params={"user_login": login}, headers={"Client-Id": CLIENT_ID})'
    good = 'requests.get(HELIX + "/streams", params={"user_login": login}, headers={"Client-Id": CLIENT_ID, "Authorization": f"Bearer {token}"})'


class OAuthPrefix(Finding):
    code = "TP403"
    name = "oauth-prefix"
    summary = "The Kraken-era `OAuth` prefix in a Helix Authorization header; Helix wants `Bearer`."
    fix = "Write `Authorization: Bearer <token>`. Only the OAuth validate endpoint takes the `OAuth` prefix."
    template = "%s is called with `Authorization: OAuth ...`; Helix expects `Bearer`"
    rationale = "Helix answers 401 `OAuth token is missing` to the `OAuth` prefix, because it reads only Bearer tokens."
    bad = 'headers = {"Authorization": f"OAuth {token}", "Client-Id": CLIENT_ID}'
    good = 'headers = {"Authorization": f"Bearer {token}", "Client-Id": CLIENT_ID}'


class CredentialsInRequest(Finding):
    code = "TP404"
    name = "credentials-in-url"
    summary = "A token or client secret sent in a Helix URL query string or body instead of the Authorization header."
    fix = "Send the token in the Authorization header; never put credentials in a URL."
    template = "%s sends %s in the %s; Helix reads tokens only from the Authorization header"
    rationale = (
        "Helix ignores an access_token or oauth_token parameter, so the call fails with 401. URLs also end up in "
        "logs and proxies, which leaks the credential."
    )
    bad = 'requests.get(HELIX + "/users", params={"access_token": token}, headers={"Client-Id": CLIENT_ID})'
    good = 'requests.get(HELIX + "/users", headers={"Authorization": f"Bearer {token}", "Client-Id": CLIENT_ID})'


class HardcodedSecret(Finding):
    code = "TP405"
    name = "hardcoded-secret"
    summary = "A client secret or access token written as a literal in source."
    fix = "Read the value from the environment or a secret store, and revoke the exposed one."
    template = "%s is %s written in source: %s"
    rationale = "Secrets in source leak through version control, forks and logs. A leaked client secret lets anyone mint app access tokens for the client."
    bad = 'CLIENT_SECRET = "<30 letters and digits>"'
    good = 'CLIENT_SECRET = os.environ["TWITCH_CLIENT_SECRET"]'


class RefreshTokenDiscarded(Finding):
    code = "TP406"
    name = "refresh-token-discarded"
    summary = "A user access token obtained without keeping its refresh token, so the user must log in again every few hours."
    fix = "Store the response's refresh_token and use it with the refresh_token grant when a call answers 401."
    template = "the %s token request's refresh_token is never read; the user access token expires in about four hours"
    rationale = "User access tokens from the authorization code and device code flows expire after about four hours. Without the refresh token the user must authorize again."
    bad = 'token = requests.post(TOKEN_URL, data={"grant_type": "authorization_code", ...}).json()["access_token"]'
    good = 'body = requests.post(TOKEN_URL, data={"grant_type": "authorization_code", ...}).json()\nstore(body["access_token"], body["refresh_token"])'


# ---------------------------------------------------------------- TP9xx files and suppressions


class ParseError(Finding):
    code = "TP901"
    name = "parse-error"
    summary = "A Python file that could not be parsed; it was searched as text only."
    fix = "Fix the syntax error, or skip the file with --exclude."
    template = "%s"
    rationale = "The checker reads Python through its syntax tree. A file that does not parse is searched for Twitch URLs as text, which finds less."
    bad = "def handler(:"
    good = "def handler():"


class ReadError(Finding):
    code = "TP902"
    name = "read-error"
    summary = "A source file that could not be read, so it was not checked."
    fix = "Make the file readable, or skip it with --exclude."
    template = "%s"
    rationale = "A file the checker cannot read may hide calls it would report."
    bad = "chmod 000 bot/api.py"
    good = "chmod 644 bot/api.py"


class UnusedSuppression(Finding):
    code = "TP903"
    name = "unused-suppression"
    severity = "warning"
    summary = "A `twitchpolicy: ignore` comment that suppresses no finding."
    fix = "Remove the comment, or correct its code."
    template = "suppression %s matches no finding"
    rationale = "A stale suppression hides the next real finding on that line."
    bad = 'requests.get(HELIX + "/users", headers=headers)  # twitchpolicy: ignore[TP201]'
    good = 'requests.get(HELIX + "/users", headers=headers)'


RULES: tuple[type[Finding], ...] = (
    UnknownEndpoint,
    RemovedEndpoint,
    KrakenEndpointCall,
    MethodNotAllowed,
    WebhookTopic,
    UnknownEventSubType,
    AppTokenNotAccepted,
    UserTokenNotAccepted,
    EventSubTransportToken,
    AppTokenLimited,
    MissingScope,
    UnusedScope,
    LegacyScope,
    UnknownScope,
    ScopesWithClientCredentials,
    MissingClientId,
    MissingAuthorization,
    OAuthPrefix,
    CredentialsInRequest,
    HardcodedSecret,
    RefreshTokenDiscarded,
    ParseError,
    ReadError,
    UnusedSuppression,
)


def rule_for(code_or_name: str) -> type[Finding] | None:
    """Find a rule by its code (case-insensitive) or its name."""
    requested = code_or_name.strip()
    for rule in RULES:
        if rule.code.lower() == requested.lower() or rule.name == requested.lower():
            return rule
    return None
