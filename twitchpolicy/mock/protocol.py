"""Requests and responses inside the mock, and the error bodies Twitch sends.

Helix error bodies are ``{"error": <reason phrase>, "status": N, "message": ...}`` in that
key order, because some clients compare the raw text. OAuth error bodies on id.twitch.tv
are ``{"status": N, "message": ...}`` with no ``error`` key, except the refresh grant's
``Invalid refresh token`` response, which has one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlsplit

HeaderItems = Iterable[tuple[str, str]]


class BadRequestBody(ValueError):
    """The request body is not the JSON object the endpoint expects."""


@dataclass
class Request:
    """One HTTP request: ``headers`` keys are lower case, ``query`` keeps repeated parameters."""

    method: str
    url: str
    host: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes = b""
    _json: Any = field(default=None, repr=False)
    _json_parsed: bool = field(default=False, repr=False)

    @classmethod
    def build(cls, method: str, url: str, headers: Mapping[str, str] | HeaderItems = (), body: bytes | str = b"") -> Request:
        parts = urlsplit(url)
        items = headers.items() if isinstance(headers, Mapping) else headers
        lowered: dict[str, str] = {}
        for name, value in items:
            lowered[name.lower()] = value
        if isinstance(body, str):
            body = body.encode()
        return cls(
            method=method.upper(),
            url=url,
            host=(parts.hostname or "").lower(),
            path=parts.path or "/",
            query=parse_qsl(parts.query, keep_blank_values=True),
            headers=lowered,
            body=body,
        )

    def param(self, name: str) -> str | None:
        """Return the first query value of ``name``, or None."""
        for key, value in self.query:
            if key == name:
                return value
        return None

    def params(self, name: str) -> list[str]:
        return [value for key, value in self.query if key == name]

    def json(self) -> Any:
        """Return the parsed JSON body, None for an empty body; raise BadRequestBody when it is not JSON."""
        if not self._json_parsed:
            self._json_parsed = True
            if self.body.strip():
                try:
                    self._json = json.loads(self.body)
                except ValueError as error:
                    raise BadRequestBody(f"the body is not valid JSON: {error}") from None
        return self._json

    def json_object(self) -> dict[str, Any]:
        """Return the JSON body as an object; an empty body counts as ``{}``."""
        data = self.json()
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise BadRequestBody("the body must be a JSON object")
        return data

    def form(self) -> dict[str, str]:
        """Return form fields from the body and the query string; body fields win.

        Twitch documents form bodies for the OAuth endpoints, and many clients send the
        same fields in the query string of a POST, which Twitch also accepts.
        """
        fields = dict(self.query)
        content_type = self.headers.get("content-type", "")
        if self.body and "json" not in content_type:
            fields.update(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))
        elif self.body:
            try:
                data = json.loads(self.body)
            except ValueError:
                data = None
            if isinstance(data, dict):
                fields.update({key: str(value) for key, value in data.items()})
        return fields


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def json(self) -> Any:
        return json.loads(self.body)


def json_response(status: int, payload: Any, headers: HeaderItems = ()) -> Response:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return Response(status, [("Content-Type", "application/json"), *headers], body)


def empty_response(status: int = 204) -> Response:
    return Response(status, [], b"")


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def helix_error(status: int, message: str) -> Response:
    """Build a Helix error: ``{"error": <reason phrase>, "status": N, "message": ...}``."""
    return json_response(status, {"error": reason_phrase(status), "status": status, "message": message})


def oauth_error(status: int, message: str) -> Response:
    """Build an id.twitch.tv error, which has no ``error`` key: ``{"status": N, "message": ...}``."""
    return json_response(status, {"status": status, "message": message})


class HelixError(Exception):
    """Raised inside the Helix handlers to respond with a Helix error body."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message

    def response(self) -> Response:
        return helix_error(self.status, self.message)


class OAuthError(Exception):
    """Raised inside the OAuth handlers; ``with_error_key`` adds the reason phrase as ``error``."""

    def __init__(self, status: int, message: str, with_error_key: bool = False) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.with_error_key = with_error_key

    def response(self) -> Response:
        if self.with_error_key:
            return helix_error(self.status, self.message)
        return oauth_error(self.status, self.message)
