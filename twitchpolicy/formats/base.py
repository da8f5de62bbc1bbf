"""The input every output format renders: the findings of one run and what the run scanned."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from twitchpolicy.checker import UnverifiedCall
from twitchpolicy.rules import Finding

# C0 control characters other than tab, DEL and C1 control characters. A scanned file sets
# the URLs and names that messages quote, and an ESC among them starts a terminal escape sequence.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_LINE_BREAKS = "\r\n"


@dataclass(frozen=True)
class Report:
    """Findings sorted by path, line, column and code, each with its fingerprint at the same index.

    ``files`` lists the paths that were read or failed to read. ``baseline`` is the
    baseline file given with ``--baseline``, and ``hidden`` counts the findings it hid.
    """

    findings: Sequence[Finding]
    fingerprints: Sequence[str]
    files: Sequence[str]
    files_scanned: int
    unverified: Sequence[UnverifiedCall] = ()
    verbose: bool = False
    color: bool = False
    baseline: str | None = None
    hidden: int = 0


def escape_controls(text: str, keep_line_breaks: bool = False) -> str:
    """Replace control characters in ``text`` with ``\\xNN`` escapes, keeping CR and LF when ``keep_line_breaks``."""

    def escape(match: re.Match[str]) -> str:
        character = match.group()
        if keep_line_breaks and character in _LINE_BREAKS:
            return character
        return f"\\x{ord(character):02x}"

    return _CONTROL_CHARACTERS.sub(escape, text)
