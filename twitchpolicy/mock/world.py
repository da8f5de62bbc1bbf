"""One in-memory Twitch: clients, users, roles per channel, grants, tokens and channel state.

:meth:`World.handle` responds to an HTTP request synchronously, so the respx side effect for a
sync httpx client can call it without an event loop, and :mod:`twitchpolicy.mock.app`
wraps the same method as an ASGI application.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import itertools
import json
import random
import secrets
import string
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from twitchpolicy.mock.calllog import CallLog
from twitchpolicy.mock.clock import Clock
from twitchpolicy.mock.model import (
    APP,
    USER,
    AuthorizationCode,
    Ban,
    Channel,
    Client,
    Clip,
    DeviceCode,
    EventSubSubscription,
    RefreshToken,
    Subscription,
    Token,
    User,
)
from twitchpolicy.mock.protocol import HeaderItems, Request, Response
from twitchpolicy.mock.ratelimit import RateLimiter
from twitchpolicy.registry import Registry, load_registry

# Lifetimes in seconds, from the examples in Twitch's authentication guide.
APP_TOKEN_LIFETIME = 5_011_271
USER_TOKEN_LIFETIME = 14_124
PUBLIC_REFRESH_TOKEN_LIFETIME = 30 * 24 * 3600
DEVICE_CODE_LIFETIME = 1800
DEVICE_POLL_INTERVAL = 5
# NOTE: Twitch does not document how long an authorization code lives; ten minutes is the
# maximum that RFC 6749 section 4.1.2 recommends.
AUTHORIZATION_CODE_LIFETIME = 600

_TOKEN_ALPHABET = string.ascii_lowercase + string.digits


_Method = TypeVar("_Method", bound=Callable[..., Any])


def _locked(method: _Method) -> _Method:
    """Run a World method while holding the world's lock."""

    @functools.wraps(method)
    def run_locked(self: World, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return method(self, *args, **kwargs)

    return cast(_Method, run_locked)


@dataclass
class PlannedFailure:
    """A server error that the next matching Helix call gets instead of its response."""

    status: int
    endpoint_id: str | None
    remaining: int


class World:
    """The mock Twitch: state, token lifecycle and scenario helpers.

    ``seed`` fixes the seeded data and every generated id and number, so two worlds
    built with the same seed return the same users, clips and counts. Credentials
    (access and refresh tokens, authorization codes, device codes) come from the
    operating system's random source instead, so every world issues different ones
    and a token cached by an earlier test gets 401 ``Invalid OAuth token``.

    The seeded actors (see :mod:`twitchpolicy.mock.seed`) are attributes: ``client``,
    ``public_client`` (no secret), ``extension``, and the users ``broadcaster``
    (live, with followers, subscribers, chatters, clips and bans), ``bot`` and
    ``moderator`` (its moderators), ``editor``, ``vip``, ``subscriber``, ``follower``
    and ``other_broadcaster`` (a channel where the bot has no role).
    """

    public_client: Client
    extension: Client
    broadcaster: User
    bot: User
    moderator: User
    editor: User
    vip: User
    subscriber: User
    follower: User
    other_broadcaster: User
    _default_client: Client

    def __init__(self, seed: int = 0, clock: Clock | None = None, registry: Registry | None = None, rate_limit: int = 800) -> None:
        # Requests and the helpers below hold this lock, so bot threads and the test
        # thread may change the world at the same time. Hold it too while iterating
        # the state dicts and lists from one thread as other threads send requests.
        self.lock = threading.RLock()
        self.clock = clock or Clock()
        self.registry = registry or load_registry()
        self.random = random.Random(seed)
        self.calls = CallLog()
        self.rate_limiter = RateLimiter(self.clock, limit=rate_limit)
        self.games: dict[str, str] = {}
        self.clients: dict[str, Client] = {}
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.roles: dict[tuple[str, str], set[str]] = {}
        self.follows: dict[tuple[str, str], str] = {}
        self.subscriptions: dict[tuple[str, str], Subscription] = {}
        self.bans: dict[tuple[str, str], Ban] = {}
        self.clips: list[Clip] = []
        self.announcements: list[dict[str, Any]] = []
        self.chat_messages: list[dict[str, Any]] = []
        self.chatters: dict[str, list[str]] = {}
        self.eventsub: list[EventSubSubscription] = []
        # (client_id, user_id) -> the scopes the user has granted the client.
        self.authorizations: dict[tuple[str, str], set[str]] = {}
        self.tokens: dict[str, Token] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.authorization_codes: dict[str, AuthorizationCode] = {}
        self.device_codes: dict[str, DeviceCode] = {}
        # Extension JWTs that extension_jwt() signed or a request carried, so output can hide them.
        self.extension_jwts: set[str] = set()
        self.planned_failures: list[PlannedFailure] = []
        self._consenting_user: User | None = None
        self.consent = "approve"
        self._families = itertools.count(1)
        self._ids = itertools.count(1)

        from twitchpolicy.mock.seed import populate

        populate(self)

    # ------------------------------------------------------------------ lookups

    def new_secret(self, length: int = 30) -> str:
        """Return a new credential from the operating system's random source; ``seed`` does not fix it."""
        return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(length))

    def new_slug(self, length: int = 12) -> str:
        """Return random text from the seeded generator, for ids that are data (clip slugs), not credentials."""
        return "".join(self.random.choice(_TOKEN_ALPHABET) for _ in range(length))

    def new_id(self, prefix: str = "") -> str:
        return f"{prefix}{next(self._ids):08d}"

    @property
    def client(self) -> Client:
        """The default client: confidential, with the redirect URI ``http://localhost:3000/callback``."""
        return self._default_client

    @property
    def consenting_user(self) -> User | None:
        """The user who signs in at the authorize step and approves unless ``consent`` is "deny".

        Set it to a login, a user id or a :class:`User`; None makes the authorize step decline.
        """
        return self._consenting_user

    @consenting_user.setter
    def consenting_user(self, user: str | User | None) -> None:
        self._consenting_user = None if user is None else self.user(user)

    @_locked
    def user(self, key: str | User) -> User:
        """Return the user with this id or login; raise KeyError naming the known logins otherwise."""
        if isinstance(key, User):
            return key
        if not isinstance(key, str):
            raise TypeError(f"expected a login, a user id or a User, not {type(key).__name__} {key!r}")
        if key in self.users:
            return self.users[key]
        for user in self.users.values():
            if user.login == key.lower():
                return user
        known = ", ".join(sorted(user.login for user in self.users.values() if not user.login.startswith("viewer_")))
        raise KeyError(f"no mock user {key!r}; known users include {known}")

    def find_user(self, key: str | None) -> User | None:
        if key is None:
            return None
        try:
            return self.user(key)
        except KeyError:
            return None

    def get_client(self, key: str | Client | None) -> Client:
        if key is None:
            return self.client
        if isinstance(key, Client):
            return key
        return self.clients[key]

    @_locked
    def add_client(self, client_id: str, client_secret: str | None, redirect_uris: Iterable[str] = (), name: str = "mock app", extension_secret: bytes | None = None) -> Client:
        client = Client(client_id, client_secret, tuple(redirect_uris), name, extension_secret)
        self.clients[client_id] = client
        return client

    @_locked
    def add_user(self, user_id: str, login: str, display_name: str | None = None, broadcaster_type: str = "", description: str = "") -> User:
        user = User(
            id=user_id,
            login=login,
            display_name=display_name or login,
            created_at=self.clock.rfc3339(-400 * 86400),
            broadcaster_type=broadcaster_type,
            description=description,
            email=f"{login}@example.invalid",
        )
        self.users[user_id] = user
        self.channels[user_id] = Channel(broadcaster_id=user_id, title=f"{user.display_name}'s stream", game_id="509658", game_name="Just Chatting")
        return user

    # ------------------------------------------------------------------ roles

    @_locked
    def add_role(self, channel: str | User, user: str | User, role: str, **details: Any) -> None:
        """Give ``user`` a role in ``channel``: moderator, editor, vip, subscriber or follower.

        ``subscriber`` takes ``tier`` ("1000", "2000", "3000"), ``is_gift`` and ``gifter``;
        ``follower`` takes ``followed_at`` (RFC 3339).
        """
        channel_id = self.user(channel).id
        user_id = self.user(user).id
        if role == "follower":
            self.follows[(channel_id, user_id)] = details.get("followed_at") or self.clock.rfc3339()
        elif role == "subscriber":
            gifter = details.get("gifter")
            self.subscriptions[(channel_id, user_id)] = Subscription(
                channel_id, user_id, details.get("tier", "1000"), bool(details.get("is_gift", False)), self.user(gifter).id if gifter else ""
            )
        elif role in ("moderator", "editor", "vip"):
            self.roles.setdefault((channel_id, user_id), set()).add(role)
        else:
            raise ValueError(f"unknown role {role!r}; expected moderator, editor, vip, subscriber or follower")

    @_locked
    def remove_role(self, channel: str | User, user: str | User, role: str) -> None:
        channel_id = self.user(channel).id
        user_id = self.user(user).id
        if role == "follower":
            self.follows.pop((channel_id, user_id), None)
        elif role == "subscriber":
            self.subscriptions.pop((channel_id, user_id), None)
        else:
            self.roles.get((channel_id, user_id), set()).discard(role)

    @_locked
    def has_role(self, channel_id: str, user_id: str, role: str) -> bool:
        """Tell whether the user has the role; a broadcaster counts as moderator and editor of their own channel."""
        if channel_id == user_id and role in ("broadcaster", "moderator", "editor"):
            return True
        if role == "follower":
            return (channel_id, user_id) in self.follows
        if role == "subscriber":
            return (channel_id, user_id) in self.subscriptions
        return role in self.roles.get((channel_id, user_id), set())

    @_locked
    def is_banned(self, channel_id: str, user_id: str) -> bool:
        """Tell whether the user is banned from the channel now; a timeout stops counting once it ends."""
        ban = self.bans.get((channel_id, user_id))
        return ban is not None and ban.is_active(self.clock.now())

    @_locked
    def moderators_of(self, channel_id: str) -> list[str]:
        return sorted(user for (channel, user), roles in self.roles.items() if channel == channel_id and "moderator" in roles)

    @_locked
    def vips_of(self, channel_id: str) -> list[str]:
        return sorted(user for (channel, user), roles in self.roles.items() if channel == channel_id and "vip" in roles)

    # ------------------------------------------------------------------ tokens

    def _store(self, token: Token) -> Token:
        self.tokens[token.access_token] = token
        return token

    @_locked
    def app_token(self, client: str | Client | None = None, expires_in: int = APP_TOKEN_LIFETIME) -> Token:
        """Issue an app access token for ``client`` (default: the world's client)."""
        owner = self.get_client(client)
        now = self.clock.now()
        token = Token(self.new_secret(), APP, owner.client_id, None, (), now, now + expires_in, "client_credentials", next(self._families))
        return self._store(token)

    @_locked
    def user_token(
        self,
        user: str | User,
        scopes: Iterable[str] | str = (),
        client: str | Client | None = None,
        expires_in: int = USER_TOKEN_LIFETIME,
        refreshable: bool = True,
        grant: str = "authorization_code",
    ) -> Token:
        """Issue a user access token with its refresh token, and record the user's grant to the client.

        ``scopes`` is a list of scope names or one space-separated string.
        ``refreshable`` False models the implicit flow, which issues no refresh token.
        Unknown scope names raise ValueError, because Twitch rejects them at the authorize step.
        """
        owner = self.get_client(client)
        person = self.user(user)
        granted = self.check_scopes(scopes)
        self.authorizations.setdefault((owner.client_id, person.id), set()).update(granted)
        return self._issue_user_token(owner, person.id, granted, next(self._families), expires_in, refreshable, grant)

    @_locked
    def grant_scopes(self, user: str | User, scopes: Iterable[str] | str, client: str | Client | None = None) -> None:
        """Record that ``user`` authorized ``client`` with ``scopes``, as the authorize step does, without issuing a token.

        App tokens rely on such grants, for example Send Chat Message on the sender's
        ``user:write:chat`` and ``user:bot``, and EventSub webhooks on the broadcaster's scopes.
        """
        owner = self.get_client(client)
        person = self.user(user)
        granted = self.check_scopes(scopes)
        self.authorizations.setdefault((owner.client_id, person.id), set()).update(granted)

    def _issue_user_token(self, client: Client, user_id: str, scopes: tuple[str, ...], family: int, expires_in: int, refreshable: bool, grant: str) -> Token:
        now = self.clock.now()
        token = Token(self.new_secret(), USER, client.client_id, user_id, scopes, now, now + expires_in, grant, family)
        if refreshable:
            refresh = RefreshToken(
                value=self.new_secret(50),
                client_id=client.client_id,
                user_id=user_id,
                scopes=scopes,
                family=family,
                expires_at=now + PUBLIC_REFRESH_TOKEN_LIFETIME if client.is_public else None,
                single_use=client.is_public,
            )
            self.refresh_tokens[refresh.value] = refresh
            token.refresh_token = refresh.value
        return self._store(token)

    @_locked
    def refresh(self, refresh_token: str) -> Token:
        """Exchange a refresh token for a new access and refresh token pair.

        The previous access token stays valid until it expires. A confidential client's
        old refresh token stays usable; a public client's works only once.
        Raise KeyError when the refresh token is unknown, used, expired or revoked.
        """
        record = self.refresh_tokens.get(refresh_token)
        if record is None or not record.is_active(self.clock.now()):
            raise KeyError("Invalid refresh token")
        record.used = True
        client = self.clients[record.client_id]
        scopes = tuple(scope for scope in record.scopes if scope in self.authorizations.get((record.client_id, record.user_id), set()))
        return self._issue_user_token(client, record.user_id, scopes, record.family, USER_TOKEN_LIFETIME, True, "refresh_token")

    def check_scopes(self, scopes: Iterable[str] | str) -> tuple[str, ...]:
        """Return the scopes in order without duplicates; raise ValueError on a name the registry lacks.

        A string is read as space-separated scope names, the form of the authorize URL's
        ``scope`` parameter. Other values that are not an iterable of strings raise TypeError.
        """
        if isinstance(scopes, str):
            scopes = scopes.split()
        elif not isinstance(scopes, Iterable):
            raise TypeError(f"scopes must be a list of scope names or one space-separated string, not {type(scopes).__name__}")
        names = tuple(dict.fromkeys(scopes))
        wrong = [name for name in names if not isinstance(name, str)]
        if wrong:
            raise TypeError(f"scopes must contain scope names (str), not {type(wrong[0]).__name__} {wrong[0]!r}")
        unknown = [name for name in names if name not in self.registry.scopes]
        if unknown:
            raise ValueError(f"unknown scope {unknown[0]!r}; see 'twitchpolicy endpoints --scope NAME' for scope names")
        return names

    def find_token(self, access_token: str) -> Token | None:
        return self.tokens.get(access_token)

    def _as_token(self, token: Token | str) -> Token:
        if isinstance(token, Token):
            return token
        found = self.tokens.get(token)
        if found is None:
            raise KeyError("no such access token in this mock world")
        return found

    @_locked
    def extension_jwt(self, client: str | Client | None = None, role: str = "external", user_id: str | None = None, expires_in: int = 3600, **claims: Any) -> str:
        """Sign an extension JWT (HS256) with the extension client's secret, as an extension backend does."""
        owner = self.get_client(client) if client is not None else self.extension
        if owner.extension_secret is None:
            raise ValueError(f"client {owner.client_id!r} is not an extension and has no extension secret")
        payload = {"exp": int(self.clock.now() + expires_in), "role": role, **claims}
        if user_id is not None:
            payload["user_id"] = user_id
        jwt = sign_jwt(payload, owner.extension_secret)
        self.extension_jwts.add(jwt)
        return jwt

    # ------------------------------------------------------------------ scenario helpers

    @_locked
    def revoke(self, token: Token | str) -> None:
        """Revoke an access token and the refresh tokens of its authorization, as POST /oauth2/revoke does."""
        record = self._as_token(token)
        record.revoked = True
        if record.kind == USER:
            for refresh in self.refresh_tokens.values():
                if refresh.family == record.family:
                    refresh.revoked = True

    @_locked
    def expire(self, token: Token | str) -> None:
        """Make the access token expire now; its refresh token still works."""
        record = self._as_token(token)
        record.expires_at = min(record.expires_at, self.clock.now())

    @_locked
    def advance(self, seconds: float) -> float:
        return self.clock.advance(seconds)

    @_locked
    def disconnect(self, user: str | User, client: str | Client | None = None) -> None:
        """The user disconnects the app: every token of that user for that client dies and refresh fails.

        EventSub subscriptions of the client whose condition names the user get the
        status ``authorization_revoked``, as Twitch marks them.
        """
        person = self.user(user)
        owner = self.get_client(client)
        self._kill_user_tokens(person.id, owner.client_id)
        self.authorizations.pop((owner.client_id, person.id), None)
        for subscription in self.eventsub:
            if subscription.client_id == owner.client_id and person.id in subscription.condition.values():
                subscription.status = "authorization_revoked"

    @_locked
    def change_password(self, user: str | User) -> None:
        """The user changes their password: every token of that user, for every client, dies."""
        person = self.user(user)
        self._kill_user_tokens(person.id, None)

    def _kill_user_tokens(self, user_id: str, client_id: str | None) -> None:
        for token in self.tokens.values():
            if token.user_id == user_id and (client_id is None or token.client_id == client_id):
                token.revoked = True
        for refresh in self.refresh_tokens.values():
            if refresh.user_id == user_id and (client_id is None or refresh.client_id == client_id):
                refresh.revoked = True

    @_locked
    def take_scope(self, token: Token | str, scope: str) -> None:
        """Remove ``scope`` from the token, from tokens refreshed later, and from the user's grant to the client."""
        record = self._as_token(token)
        record.scopes = tuple(name for name in record.scopes if name != scope)
        if record.user_id is not None:
            self.authorizations.get((record.client_id, record.user_id), set()).discard(scope)

    @_locked
    def fail_next(self, status: int = 500, endpoint_id: str | None = None, count: int = 1) -> None:
        """Make the next ``count`` Helix calls (to ``endpoint_id`` only, if given) fail with ``status``."""
        if status not in (500, 502, 503, 504):
            raise ValueError(f"fail_next takes a server error status (500, 502, 503, 504), not {status}")
        if endpoint_id is not None and self.registry.endpoint(endpoint_id) is None:
            raise ValueError(f"unknown endpoint id {endpoint_id!r}")
        self.planned_failures.append(PlannedFailure(status, endpoint_id, count))

    @_locked
    def set_rate_limit(self, limit: int) -> None:
        """Give every bucket ``limit`` points a minute; buckets start full again."""
        self.rate_limiter = RateLimiter(self.clock, limit=limit)

    @_locked
    def exhaust_rate_limit(self, token: Token | str) -> None:
        """Empty the rate-limit bucket that the token draws from; it refills as the clock advances."""
        record = self._as_token(token)
        self.rate_limiter.exhaust(rate_limit_key(record))

    @_locked
    def approve_device(self, user_code: str, user: str | User | None = None) -> None:
        """The user enters ``user_code`` on the activation page and approves the device."""
        code = self._device_by_user_code(user_code)
        code.state = "approved"
        code.user_id = self.user(user or self.consenting_user or self.bot).id

    @_locked
    def deny_device(self, user_code: str) -> None:
        self._device_by_user_code(user_code).state = "denied"

    def _device_by_user_code(self, user_code: str) -> DeviceCode:
        for code in self.device_codes.values():
            if code.user_code == user_code.upper():
                return code
        raise KeyError(f"no device code with user code {user_code!r}")

    # ------------------------------------------------------------------ requests

    def handle(self, method: str, url: str, headers: Mapping[str, str] | HeaderItems = (), body: bytes | str = b"") -> tuple[int, list[tuple[str, str]], bytes]:
        """Respond to one HTTP request to api.twitch.tv or id.twitch.tv and record it in the call log."""
        response = self.handle_request(Request.build(method, url, headers, body))
        return response.status, response.headers, response.body

    @_locked
    def handle_request(self, request: Request) -> Response:
        from twitchpolicy.mock import helix, oauth

        # Over a loopback socket the Host header names 127.0.0.1, so the path decides
        # unless the host is one of Twitch's own.
        if request.path.startswith("/oauth2") and request.host != "api.twitch.tv":
            return oauth.handle(self, request)
        if request.path.startswith("/helix") and request.host != "id.twitch.tv":
            return helix.handle(self, request)
        return helix.not_found(self, request)

    @_locked
    def secrets(self) -> set[str]:
        """Return every token and secret of this world, for scrubbing them from output."""
        values: set[str] = set(self.tokens) | set(self.refresh_tokens) | set(self.authorization_codes) | set(self.device_codes)
        values |= self.extension_jwts
        for client in self.clients.values():
            if client.client_secret:
                values.add(client.client_secret)
            if client.extension_secret:
                values.add(base64.b64encode(client.extension_secret).decode())
        return values


    @_locked
    def is_secret(self, value: str) -> bool:
        """Tell whether ``value`` is a token, code, client secret or extension JWT of this world."""
        if value in self.tokens or value in self.refresh_tokens or value in self.authorization_codes or value in self.device_codes:
            return True
        if value in self.extension_jwts:
            return True
        return any(value == client.client_secret for client in self.clients.values())


def rate_limit_key(token: Token) -> tuple[str, str | None]:
    """One bucket per client for app tokens and one per client and user for user tokens."""
    return (token.client_id, token.user_id if token.kind == USER else None)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign_jwt(payload: Mapping[str, Any], secret: bytes) -> str:
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = _b64url(json.dumps(dict(payload), separators=(",", ":")).encode())
    signature = hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{_b64url(signature)}"


def verify_jwt(token: str, secret: bytes, now: float) -> dict[str, Any] | None:
    """Return the payload of an HS256 JWT signed with ``secret`` that has not expired, else None."""
    # A JWT is ASCII, and hmac.compare_digest raises TypeError on other strings.
    if not token.isascii():
        return None
    parts = token.split(".")
    if len(parts) != 3:
        return None
    expected = _b64url(hmac.new(secret, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(expected, parts[2]):
        return None
    try:
        padded = parts[1] + "=" * (-len(parts[1]) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded))
    except ValueError:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("exp"), (int, float)) or payload["exp"] <= now:
        return None
    return payload
