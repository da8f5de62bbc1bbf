"""Fingerprints that identify a finding across line moves and unrelated edits, for baselines, SARIF and GitLab.

A fingerprint hashes the finding's path (relative to the working directory),
code, endpoint, message arguments and the stripped text of its source line, but
never its line or column. The argument that quotes evidence (where the token or
the scope list came from) is left out, and ``path:line`` references in the other
arguments lose their line numbers. Findings with the same key in one file are numbered in the
order they appear, and the number is hashed too.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping, Sequence

from twitchpolicy.paths import relative_path
from twitchpolicy.rules import Finding

VERSION = "twitchpolicy/v1"
# A file name with a suffix followed by :LINE, as in "token from client_credentials request at src/auth.py:5".
_LINE_REFERENCE = re.compile(r"(?P<file>[\w./\\-]+\.[A-Za-z][A-Za-z0-9]*):\d+")


def normalize_message(message: str) -> str:
    """Remove the line numbers from the ``path:line`` evidence in a message."""
    return _LINE_REFERENCE.sub(r"\g<file>", message)


def _identity(finding: Finding) -> str:
    return "\x1f".join(normalize_message(arg) for arg in finding.identity_args())


def source_line(sources: Mapping[str, str], finding: Finding) -> str:
    """Return the stripped text of the finding's line, or an empty string for a file that was not read."""
    source = sources.get(finding.path)
    if source is None:
        return ""
    lines = source.splitlines()
    if not 1 <= finding.line <= len(lines):
        return ""
    return " ".join(lines[finding.line - 1].split())


def fingerprints(findings: Sequence[Finding], sources: Mapping[str, str]) -> list[str]:
    """Return one fingerprint per finding, in the order of ``findings`` (sorted by path, line, column and code)."""
    seen: Counter[str] = Counter()
    result = []
    for finding in findings:
        key = "\0".join(
            (relative_path(finding.path), finding.code, finding.endpoint or "", _identity(finding), source_line(sources, finding))
        )
        occurrence = seen[key]
        seen[key] += 1
        digest = hashlib.sha256(f"{key}\0{occurrence}".encode("utf-8", errors="surrogatepass")).hexdigest()
        result.append(digest[:32])
    return result
