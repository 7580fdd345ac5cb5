"""Per-client rate limits (a token bucket per key): sign-ins per client address, writes per person."""

from __future__ import annotations

import threading
import time

from .errors import ApiError


class RateLimiter:
    """At most `per_minute` events per key, refilled continuously; refusals carry Retry-After."""

    def __init__(self, per_minute: int, what: str) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(max(1, per_minute))
        self.what = what
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, *, consume: bool = True) -> None:
        """Count one event for `key` (or with consume=False only check that one would be allowed)."""
        now = time.monotonic()
        with self._lock:
            tokens, at = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - at) * self.rate)
            if tokens < 1:
                wait = max(1, int((1 - tokens) / self.rate) + 1)
                raise ApiError(429, "rate_limited", f"too many {self.what}; try again in {wait} s",
                               headers={"Retry-After": str(wait)})
            self._buckets[key] = (tokens - 1 if consume else tokens, now)
            if len(self._buckets) > 100_000:  # forget idle clients rather than grow without bound
                self._buckets.clear()


class Limits:
    def __init__(self, sign_ins_per_minute: int, writes_per_minute: int) -> None:
        self.sign_ins = RateLimiter(sign_ins_per_minute, "sign-in attempts")
        self.writes = RateLimiter(writes_per_minute, "writes")

    def check_sign_in(self, client: str) -> None:
        """Refuse a client that used up its sign-in attempts (a token guesser)."""
        self.sign_ins.hit(client, consume=False)

    def failed_sign_in(self, client: str) -> None:
        try:
            self.sign_ins.hit(client)
        except Exception:  # already refused: the next attempt says so
            pass

    def check_write(self, who: str) -> None:
        self.writes.hit(who)
