"""The records of the mock Twitch world: clients, users, tokens and what users did in channels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from twitchpolicy.mock.clock import format_rfc3339
from twitchpolicy.mock.redaction import redact

APP = "app"
USER = "user"

ROLES = ("broadcaster", "moderator", "editor", "vip", "subscriber", "follower")


@dataclass(eq=False)
class Client:
    """A registered application. A public client (device flow without a secret) has ``client_secret`` None."""

    client_id: str
    client_secret: str | None
    redirect_uris: tuple[str, ...] = ()
    name: str = "mock app"
    extension_secret: bytes | None = None

    @property
    def is_public(self) -> bool:
        return self.client_secret is None

    @property
    def is_extension(self) -> bool:
        return self.extension_secret is not None

    def __repr__(self) -> str:
        return f"Client(client_id={self.client_id!r}, client_secret={redact(self.client_secret)}, name={self.name!r})"


@dataclass(eq=False)
class User:
    id: str
    login: str
    display_name: str
    created_at: str
    broadcaster_type: str = ""
    description: str = ""
    email: str = ""

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, login={self.login!r})"


@dataclass(eq=False)
class Token:
    """An access token. ``family`` links the tokens that one authorization and its refreshes produced."""

    access_token: str
    kind: str
    client_id: str
    user_id: str | None
    scopes: tuple[str, ...]
    issued_at: float
    expires_at: float
    grant: str
    family: int
    refresh_token: str | None = None
    revoked: bool = False

    def is_active(self, now: float) -> bool:
        return not self.revoked and now < self.expires_at

    def expires_in(self, now: float) -> int:
        return max(0, int(self.expires_at - now))

    @property
    def authorization(self) -> str:
        """Return the value of the Authorization header for Helix: ``Bearer <token>``."""
        return f"Bearer {self.access_token}"

    def __str__(self) -> str:
        return self.access_token

    def __repr__(self) -> str:
        return (
            f"Token(kind={self.kind!r}, user_id={self.user_id!r}, client_id={self.client_id!r}, "
            f"scopes={list(self.scopes)!r}, access_token={redact(self.access_token)}, grant={self.grant!r})"
        )


@dataclass(eq=False)
class RefreshToken:
    """A refresh token. A public client's refresh token works once and expires after 30 days."""

    value: str
    client_id: str
    user_id: str
    scopes: tuple[str, ...]
    family: int
    expires_at: float | None
    single_use: bool
    used: bool = False
    revoked: bool = False

    def is_active(self, now: float) -> bool:
        if self.revoked or (self.single_use and self.used):
            return False
        return self.expires_at is None or now < self.expires_at

    def __repr__(self) -> str:
        return f"RefreshToken(user_id={self.user_id!r}, client_id={self.client_id!r}, value={redact(self.value)})"


@dataclass(eq=False)
class AuthorizationCode:
    value: str
    client_id: str
    user_id: str
    scopes: tuple[str, ...]
    redirect_uri: str
    expires_at: float
    used: bool = False

    def __repr__(self) -> str:
        return f"AuthorizationCode(user_id={self.user_id!r}, value={redact(self.value)})"


@dataclass(eq=False)
class DeviceCode:
    """A pending device authorization; ``state`` is pending, approved, denied or used."""

    device_code: str
    user_code: str
    client_id: str
    scopes: tuple[str, ...]
    expires_at: float
    interval: int
    state: str = "pending"
    user_id: str | None = None
    last_poll: float | None = None

    def __repr__(self) -> str:
        return f"DeviceCode(user_code={self.user_code!r}, state={self.state!r}, device_code={redact(self.device_code)})"


@dataclass
class Channel:
    """A user's channel: its settings and whether it is live."""

    broadcaster_id: str
    title: str
    game_id: str
    game_name: str
    language: str = "en"
    delay: int = 0
    tags: list[str] = field(default_factory=list)
    is_branded_content: bool = False
    content_classification_labels: list[str] = field(default_factory=list)
    live: bool = False
    stream_id: str = ""
    viewer_count: int = 0
    started_at: str = ""
    chat_settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class Subscription:
    """A paid subscription of ``user_id`` to ``broadcaster_id``."""

    broadcaster_id: str
    user_id: str
    tier: str = "1000"
    is_gift: bool = False
    gifter_id: str = ""


@dataclass
class Ban:
    """A ban, or a timeout when ``expires_at`` (RFC 3339) is set; an empty ``expires_at`` never ends."""

    broadcaster_id: str
    user_id: str
    moderator_id: str
    created_at: str
    expires_at: str
    reason: str

    def is_active(self, now: float) -> bool:
        # RFC 3339 strings in UTC with the same layout compare in time order.
        return not self.expires_at or self.expires_at > format_rfc3339(now)


@dataclass
class Clip:
    id: str
    broadcaster_id: str
    creator_id: str
    title: str
    created_at: str
    game_id: str
    duration: float = 30.0
    view_count: int = 0
    video_id: str = ""
    vod_offset: int | None = None
    is_featured: bool = False


@dataclass
class EventSubSubscription:
    id: str
    client_id: str
    type: str
    version: str
    condition: dict[str, Any]
    transport: dict[str, Any]
    status: str
    created_at: str
    cost: int
    user_id: str | None = None
