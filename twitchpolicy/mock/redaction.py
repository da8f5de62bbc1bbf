"""Shorten tokens and secrets so that logs and failure output never show them in full."""

from __future__ import annotations

import re

# Secrets of at least this length are replaced when they appear inside free text.
_MIN_SCRUB_LENGTH = 8


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
    pattern = re.compile("|".join(re.escape(secret) for secret in candidates))
    text = pattern.sub(lambda match: redact(match.group(0)), text)

    def hide_piece(match: re.Match[str]) -> str:
        piece = match.group(0)
        if any(piece in secret for secret in candidates):
            return f"{piece[:4]}…"
        return piece

    return _WORD.sub(hide_piece, text)
