"""Scanner results: Twitch API call sites, and files that could not be read or parsed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CallSite:
    """A Twitch API URL found in source, with the HTTP method when the code shows it.

    ``kind`` is ``call`` for a recognised HTTP call, ``mention`` for a URL found
    elsewhere (a constant passed to a wrapper, a JavaScript string), and
    ``webhook-topic`` for a URL sent as the topic of a legacy webhook subscription.
    ``line`` and ``column`` are 1-based. ``url`` contains ``urls.UNKNOWN`` where a
    value could not be resolved.
    """

    path: str
    line: int
    column: int
    url: str
    method: str | None
    kind: str


@dataclass(frozen=True)
class FileProblem:
    """A file that could not be read (``kind`` read) or parsed as Python (``kind`` parse)."""

    path: str
    line: int
    column: int
    message: str
    kind: str
