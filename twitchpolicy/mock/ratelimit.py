"""Token-bucket rate limits, refilled by the mock clock.

Twitch gives each bucket 800 points a minute by default, with one bucket per client for
app access tokens and one per client and user for user access tokens. Every call costs
one point here.
NOTE: Twitch charges some endpoints more than one point and limits a few (commercials,
raids, EventSub subscription counts) separately. The mock does not model those limits.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass

from twitchpolicy.mock.clock import Clock


@dataclass
class Bucket:
    points: float
    updated: float


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset: int

    def headers(self) -> list[tuple[str, str]]:
        return [("Ratelimit-Limit", str(self.limit)), ("Ratelimit-Remaining", str(self.remaining)), ("Ratelimit-Reset", str(self.reset))]


class RateLimiter:
    """Buckets of ``limit`` points that refill continuously, ``limit`` points per ``window`` seconds."""

    def __init__(self, clock: Clock, limit: int = 800, window: float = 60.0) -> None:
        if limit < 1:
            raise ValueError(f"rate limit must be at least 1 point, not {limit}")
        self.clock = clock
        self.limit = limit
        self.window = window
        self._buckets: dict[Hashable, Bucket] = {}

    def _bucket(self, key: Hashable) -> Bucket:
        now = self.clock.now()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = Bucket(float(self.limit), now)
        elapsed = now - bucket.updated
        if elapsed > 0:
            bucket.points = min(float(self.limit), bucket.points + elapsed * self.limit / self.window)
            bucket.updated = now
        return bucket

    def charge(self, key: Hashable, cost: int = 1) -> RateDecision:
        """Take ``cost`` points from the bucket if it has them; the decision carries the header values."""
        bucket = self._bucket(key)
        allowed = bucket.points >= cost
        if allowed:
            bucket.points -= cost
        return self._decision(bucket, allowed)

    def exhaust(self, key: Hashable) -> None:
        self._bucket(key).points = 0.0

    def remaining(self, key: Hashable) -> int:
        return math.floor(self._bucket(key).points)

    def _decision(self, bucket: Bucket, allowed: bool) -> RateDecision:
        # Ratelimit-Reset is the Unix time at which the bucket is full again.
        seconds_to_full = (self.limit - bucket.points) * self.window / self.limit
        reset = math.ceil(self.clock.now() + seconds_to_full)
        return RateDecision(allowed, self.limit, math.floor(bucket.points), reset)
