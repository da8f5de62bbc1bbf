"""Shorten tokens and secrets so that logs and failure output never show them in full."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl, quote_plus, urlsplit, urlunsplit

# Secrets of at least this length are replaced when they appear inside free text.
_MIN_SCRUB_LENGTH = 8

# Query parameters whose value is a credential, whatever the value is.
SECRET_PARAMETERS = frozenset({"access_token", "client_secret", "code", "device_code", "id_token", "refresh_token", "token"})


def redact(secret: str | None) -> str:
    """Return the first four characters of ``secret`` and its length, for example ``abcd…(30 chars)``."""
    if secret is None:
        return "None"
    if len(secret) <= 4:
        return "…" * len(secret)
    return f"{secret[:4]}…({len(secret)} chars)"


_WORD = re.compile(r"[A-Za-z0-9_\-]{%d,}" % _MIN_SCRUB_LENGTH)


def scrub(text: str, secrets: set[str]) -> str:
    """Replace every secret in ``text``, and every long piece of one, by a redacted form.

    Pieces matter because pytest shortens long strings in assertion messages to
    ``head...tail``, which would otherwise still show most of a token.
    """
    candidates = sorted((secret for secret in secrets if secret and len(secret) >= _MIN_SCRUB_LENGTH), key=len, reverse=True)
    if not candidates:
        return text
    # Case is ignored because test code and libraries print tokens in upper case too.
    pattern = re.compile("|".join(re.escape(secret) for secret in candidates), re.IGNORECASE)
    text = pattern.sub(lambda match: redact(match.group(0)), text)
    folded = [secret.casefold() for secret in candidates]

    def hide_piece(match: re.Match[str]) -> str:
        piece = match.group(0)
        if any(piece.casefold() in secret for secret in folded):
            return f"{piece[:4]}…"
        return piece

    return _WORD.sub(hide_piece, text)


def redact_url(url: str, is_secret: Callable[[str], bool], query: list[tuple[str, str]] | None = None) -> str:
    """Return ``url`` with the query values that are credentials redacted.

    A value is redacted when its parameter is in SECRET_PARAMETERS or ``is_secret``
    returns True for it. Other parameters keep their values, and a URL without such
    a value comes back unchanged. The redacted form stays unencoded
    (``token=abcd…(30 chars)``) because the result is for people to read. ``query``
    saves parsing the query string again when the caller has parsed it.
    """
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = query if query is not None else parse_qsl(parts.query, keep_blank_values=True)
    hidden = [name in SECRET_PARAMETERS or is_secret(value) for name, value in pairs]
    if not any(hidden):
        return url
    fields = [f"{quote_plus(name)}={redact(value) if secret else quote_plus(value)}" for (name, value), secret in zip(pairs, hidden)]
    return urlunsplit(parts._replace(query="&".join(fields)))
