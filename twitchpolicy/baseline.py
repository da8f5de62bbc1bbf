"""Baseline files: record the current findings so that a later run reports only new ones.

A baseline is a JSON object with ``version`` 1 and a ``findings`` list. Each
entry has the finding's fingerprint (see :mod:`twitchpolicy.fingerprint`), and
its path, code and message for people reading the file. Entries are sorted by
path, code, message and fingerprint, and hold no line numbers, so the file
changes only when findings come or go.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from twitchpolicy.fingerprint import normalize_message
from twitchpolicy.output import escape_surrogates, write_text
from twitchpolicy.paths import relative_path
from twitchpolicy.rules import Finding

VERSION = 1


class BaselineError(Exception):
    """Raised for a baseline file that is missing, unreadable or invalid; the message names the file."""


@dataclass(frozen=True)
class Filtered:
    """The findings a baseline does not hide, with their fingerprints, and how many it hid."""

    findings: list[Finding]
    fingerprints: list[str]
    hidden: int


def write_baseline(path: str, findings: Sequence[Finding], fingerprints: Sequence[str]) -> None:
    """Write ``findings`` to the baseline file ``path``; raise BaselineError when it cannot be written."""
    entries = [
        {"fingerprint": fingerprint, "path": relative_path(finding.path), "code": finding.code, "message": normalize_message(finding.message)}
        for finding, fingerprint in zip(findings, fingerprints)
    ]
    entries.sort(key=lambda entry: (entry["path"], entry["code"], entry["message"], entry["fingerprint"]))
    text = escape_surrogates(json.dumps({"version": VERSION, "findings": entries}, indent=2, ensure_ascii=False) + "\n")
    try:
        write_text(path, text)
    except OSError as error:
        raise BaselineError(f"cannot write baseline {path}: {error.strerror or error}") from None


def read_baseline(path: str) -> frozenset[str]:
    """Return the fingerprints recorded in the baseline file ``path``; raise BaselineError naming the problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"baseline file not found: {path}; create it with --write-baseline {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise BaselineError(f"cannot read baseline {path}: {reason}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(f"{path}:{error.lineno}: invalid baseline: {error.msg}") from None
    if not isinstance(document, dict):
        raise BaselineError(f"{path}: invalid baseline: expected a JSON object with version and findings, got {type(document).__name__}")
    version = document.get("version")
    if version != VERSION:
        raise BaselineError(f"{path}: invalid baseline: unsupported version {version!r}; this twitchpolicy reads version {VERSION}")
    entries = document.get("findings")
    if not isinstance(entries, list):
        raise BaselineError(f"{path}: invalid baseline: 'findings' must be a list, got {entries!r:.40}")
    recorded = set()
    for index, entry in enumerate(entries):
        fingerprint = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(fingerprint, str) or not fingerprint:
            raise BaselineError(f"{path}: invalid baseline: findings[{index}] has no fingerprint string: {entry!r:.60}")
        recorded.add(fingerprint)
    return frozenset(recorded)


def apply_baseline(findings: Sequence[Finding], fingerprints: Sequence[str], recorded: frozenset[str]) -> Filtered:
    """Drop the findings whose fingerprint the baseline records, keeping the order of the rest."""
    kept = [(finding, fingerprint) for finding, fingerprint in zip(findings, fingerprints) if fingerprint not in recorded]
    return Filtered([finding for finding, _ in kept], [fingerprint for _, fingerprint in kept], len(findings) - len(kept))
