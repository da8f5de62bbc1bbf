"""The input every output format renders: the findings of one run and what the run scanned."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from twitchpolicy.checker import UnverifiedCall
from twitchpolicy.rules import Finding


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
