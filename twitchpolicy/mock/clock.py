"""An injectable clock, so tests move time forward instead of sleeping."""

from __future__ import annotations

import datetime
import time

# 2026-01-01T00:00:00Z: a fixed start makes timestamps in seeded data repeatable.
DEFAULT_START = 1_767_225_600.0
# 9999-12-31T23:59:59Z, the last second that datetime can format.
MAX_TIME = 253_402_300_799.0


class Clock:
    """Unix time in seconds that changes only when :meth:`advance` or :meth:`set` is called."""

    def __init__(self, start: float = DEFAULT_START) -> None:
        self._now = float(start)

    @classmethod
    def from_wall_time(cls) -> Clock:
        """Return a clock that starts at the current wall-clock time, so Ratelimit-Reset and expiry times are near time.time()."""
        return cls(time.time())

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` and return the new time.

        Raise ValueError for a negative step, or for one past MAX_TIME, because datetime cannot format later times.
        """
        if seconds < 0:
            raise ValueError(f"cannot move the clock backwards by {seconds} s; use set() to jump to a time")
        if seconds > MAX_TIME - self._now:
            raise ValueError(f"cannot move the mock clock {seconds} s forward, past 9999-12-31T23:59:59Z")
        self._now += seconds
        return self._now

    def set(self, timestamp: float) -> None:
        self._now = float(timestamp)

    def rfc3339(self, offset: float = 0.0) -> str:
        """Format now plus ``offset`` seconds the way Helix formats times: ``2026-01-01T00:00:00Z``."""
        return format_rfc3339(self._now + offset)


def format_rfc3339(timestamp: float) -> str:
    moment = datetime.datetime.fromtimestamp(timestamp, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
