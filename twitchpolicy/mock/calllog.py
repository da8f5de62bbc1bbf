"""The log of every request the mock responded to, queried in Twitch terms."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger("twitchpolicy.mock")


@dataclass(frozen=True)
class Call:
    """One request and the response status. ``token`` is redacted, and so are credentials in ``url``'s query string.

    A query value is redacted when its name is a credential parameter (access_token,
    client_secret, code and the like) or when it is a token or secret of the world.

    ``endpoint_id`` is the registry id (``get-users``) or an OAuth endpoint id
    (``oauth-token``), None for a path Twitch does not serve. ``token_kind`` is app,
    user, jwt or none, and None when the request had no usable token.
    ``auth_rejected`` is set when the call failed an authorization check.
    """

    method: str
    url: str
    host: str
    path: str
    endpoint_id: str | None
    status: int
    message: str = ""
    token_kind: str | None = None
    token: str | None = None
    client_id: str | None = None
    user_id: str | None = None
    user_login: str | None = None
    auth_rejected: bool = False

    def describe(self) -> str:
        who = self.token_kind or "no token"
        if self.user_login:
            who += f" of {self.user_login}"
        text = f"{self.method} {self.url} [{self.endpoint_id or 'unknown endpoint'}] with {who} -> {self.status}"
        if self.message:
            text += f" {self.message!r}"
        return text


@dataclass(frozen=True)
class ExpectedRejection:
    endpoint_id: str | None
    status: int | None

    def matches(self, call: Call) -> bool:
        return (self.endpoint_id is None or call.endpoint_id == self.endpoint_id) and (self.status is None or call.status == self.status)


class CallLog:
    """Calls in the order the mock responded to them; filter them with :meth:`filter` or the ``by_*`` helpers."""

    def __init__(self) -> None:
        self._calls: list[Call] = []
        self._expected: list[ExpectedRejection] = []

    def record(self, call: Call) -> None:
        self._calls.append(call)
        # describe() shows no token, so the log line is safe to print in CI output.
        logger.debug("%s", call.describe())

    def __iter__(self) -> Iterator[Call]:
        return iter(self._calls)

    def __len__(self) -> int:
        return len(self._calls)

    def __getitem__(self, index: int) -> Call:
        return self._calls[index]

    def clear(self) -> None:
        self._calls.clear()

    def filter(self, endpoint: str | None = None, token_kind: str | None = None, user: Any = None, status: int | None = None, host: str | None = None) -> list[Call]:
        """Return the calls that match every given criterion; ``user`` is an id, a login or a User."""
        user_key = getattr(user, "id", user)
        matched = []
        for call in self._calls:
            if endpoint is not None and call.endpoint_id != endpoint:
                continue
            if token_kind is not None and call.token_kind != token_kind:
                continue
            if user_key is not None and user_key not in (call.user_id, call.user_login):
                continue
            if status is not None and call.status != status:
                continue
            if host is not None and call.host != host:
                continue
            matched.append(call)
        return matched

    def by_endpoint(self, endpoint_id: str) -> list[Call]:
        return self.filter(endpoint=endpoint_id)

    def by_token_kind(self, kind: str) -> list[Call]:
        return self.filter(token_kind=kind)

    def by_user(self, user: Any) -> list[Call]:
        return self.filter(user=user)

    def by_status(self, status: int) -> list[Call]:
        return self.filter(status=status)

    def rejections(self) -> list[Call]:
        """Return the calls that failed an authorization check."""
        return [call for call in self._calls if call.auth_rejected]

    def expect_rejection(self, endpoint: str | None = None, status: int | None = None) -> None:
        """Tell :meth:`assert_authorized` that rejections of ``endpoint`` (and ``status``) are expected."""
        self._expected.append(ExpectedRejection(endpoint, status))

    def unexpected_rejections(self) -> list[Call]:
        return [call for call in self.rejections() if not any(expected.matches(call) for expected in self._expected)]

    def assert_authorized(self) -> None:
        """Raise AssertionError listing each authorization rejection that no expect_rejection() covers."""
        unexpected = self.unexpected_rejections()
        if unexpected:
            lines = "\n".join(f"  {call.describe()}" for call in unexpected)
            raise AssertionError(f"{len(unexpected)} call(s) were rejected by Twitch authorization checks:\n{lines}")

    def describe(self) -> str:
        return "\n".join(call.describe() for call in self._calls) or "(no calls)"
