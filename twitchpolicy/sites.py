"""Scanner results: Twitch API call sites, the scopes and tokens the code requests, and files that failed.

The scanners (Python through the AST, JavaScript and other languages through
their own readers) produce these records. The rules read only the records,
never the source code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

APP = "app"
USER = "user"


@dataclass(frozen=True)
class Fields:
    """Names and values read from a dict literal, keyword arguments, a JSON body or a query string.

    A value is a string (``urls.UNKNOWN`` marks parts that could not be read), a
    nested ``Fields`` for a nested object, or None when the value is unknown.
    ``complete`` is False when entries may be missing, for example after a ``**``
    spread of a dict the scanner could not read.
    """

    values: Mapping[str, object] = field(default_factory=dict)
    complete: bool = True

    def get(self, name: str) -> object:
        return self.values.get(name)

    def has(self, name: str) -> bool | None:
        """Return True if ``name`` is present, False if it is absent, None when that cannot be known."""
        if name in self.values:
            return True
        return False if self.complete else None


@dataclass(frozen=True)
class TokenEvidence:
    """The token kind a call uses, and what in the code shows it.

    ``reason`` reads as a clause, for example ``token from client_credentials
    request at bot/auth.py:14``. ``scopes`` are the scopes the token carries when
    the code shows them (an SDK authenticator, a scope annotation), else None.
    """

    kind: str
    reason: str
    scopes: tuple[str, ...] | None = None


@dataclass(frozen=True)
class CallSite:
    """A Twitch API call or URL found in source.

    ``kind`` is ``call`` for a recognised HTTP or SDK call, ``mention`` for a URL
    found elsewhere (a constant passed to a wrapper, a string in another
    language), and ``webhook-topic`` for a URL sent as the topic of a legacy
    webhook subscription. ``line`` and ``column`` are 1-based and ``end_line`` is
    the last line of the call, where a suppression comment may also sit. ``url``
    contains ``urls.UNKNOWN`` where a value could not be resolved; SDK calls have
    an empty ``url`` and name their endpoint id in ``endpoint``.

    ``query``, ``body`` and ``headers`` are None when the scanner could not read
    them at all; header names are lower-case. ``credentials`` names token or
    secret parameters found in the query string or body. ``token_names`` are the
    names the token value passed through on its way into the call (variables,
    attributes, ``env:NAME`` for an environment variable), nearest first, so the
    configuration's token name mapping can be applied when there is no evidence.
    """

    path: str
    line: int
    column: int
    url: str
    method: str | None
    kind: str
    end_line: int = 0
    query: Fields | None = field(default=None, compare=False)
    body: Fields | None = field(default=None, compare=False)
    headers: Fields | None = field(default=None, compare=False)
    token: TokenEvidence | None = field(default=None, compare=False)
    endpoint: str | None = None
    sdk: str | None = None
    credentials: tuple[str, ...] = field(default=(), compare=False)
    token_names: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class ScopeRequest:
    """Scopes the code requests from Twitch: an authorize URL, a device code request, an SDK authenticator.

    ``source`` names the mechanism in the words of the field (``authorize URL``,
    ``device code request``, ``client_credentials request``,
    ``pyTwitchAPI UserAuthenticator``). ``complete`` is False when part of the
    list could not be read, so the code may ask for more scopes than listed.
    """

    path: str
    line: int
    column: int
    scopes: tuple[str, ...]
    source: str
    grant: str | None = None
    complete: bool = True
    end_line: int = 0


@dataclass(frozen=True)
class TokenRequest:
    """A request to the OAuth token endpoint, with the grant it uses.

    ``grant`` is the ``grant_type`` value (``client_credentials``,
    ``authorization_code``, ``refresh_token``,
    ``urn:ietf:params:oauth:grant-type:device_code``), or None when unknown.
    """

    path: str
    line: int
    column: int
    grant: str | None


@dataclass(frozen=True)
class Secret:
    """A client secret or access token written as a literal in source.

    ``name`` is the variable, key or argument it was assigned to. ``masked`` is
    the only form of the value that may reach any output.
    """

    path: str
    line: int
    column: int
    name: str
    kind: str
    masked: str


@dataclass(frozen=True)
class FileProblem:
    """A file that could not be read (``kind`` read) or parsed as Python (``kind`` parse)."""

    path: str
    line: int
    column: int
    message: str
    kind: str


@dataclass
class FileFacts:
    """Everything one scanner found in one file.

    ``reads_refresh_token`` is True when the file reads ``refresh_token`` from a
    token response or passes it on (to storage, to a refresh request).
    """

    sites: list[CallSite] = field(default_factory=list)
    scope_requests: list[ScopeRequest] = field(default_factory=list)
    token_requests: list[TokenRequest] = field(default_factory=list)
    secrets: list[Secret] = field(default_factory=list)
    reads_refresh_token: bool = False


def mask_secret(value: str) -> str:
    """Return a form of a secret that shows its length and nothing of its content."""
    return f"<{len(value)} characters, masked>"
