"""Client-side rate budgets per (endpoint, token), read from X's x-rate-limit-* headers."""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Mapping

from crisiswatch.errors import RateLimited

log = logging.getLogger("crisiswatch.x")
RESET_MARGIN_SECONDS = 0.1  # X's reset is whole epoch seconds; wait a hair past it


class RateBudget:
    """What X said is left of one endpoint's window for one token; waits or raises before a request."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.limit: int | None = None
        self.remaining: int | None = None
        self.reset_at: float | None = None
        self._lock = threading.Lock()

    def update(self, headers: Mapping[str, str]) -> None:
        """Take the budget from a response's x-rate-limit-* headers (absent headers change nothing)."""
        try:
            limit = headers.get("x-rate-limit-limit")
            remaining = headers.get("x-rate-limit-remaining")
            reset = headers.get("x-rate-limit-reset")
            with self._lock:
                if limit is not None:
                    self.limit = int(limit)
                if remaining is not None:
                    self.remaining = int(remaining)
                if reset is not None:
                    self.reset_at = float(reset)
        except ValueError:
            log.warning("ignored unreadable x-rate-limit headers on %s", self.endpoint)

    def exhaust(self, reset_at: float | None) -> None:
        """Mark the window spent (after a 429)."""
        with self._lock:
            self.remaining = 0
            if reset_at is not None:
                self.reset_at = reset_at

    def acquire(self, max_wait: float, sleep: Callable[[float], None] = time.sleep) -> None:
        """Reserve one request: if the window is spent, sleep until reset (<= max_wait) or raise RateLimited."""
        with self._lock:
            now = time.time()
            if self.remaining is not None and self.remaining <= 0 and self.reset_at is not None and self.reset_at > now:
                reset_at = self.reset_at
            else:
                if self.reset_at is not None and self.reset_at <= now:
                    self.remaining = None  # a new window began; the next response tells us the new budget
                elif self.remaining is not None:
                    self.remaining -= 1
                return
        wait = reset_at - now + RESET_MARGIN_SECONDS
        if wait > max_wait:
            raise RateLimited(
                f"X rate limit for {self.endpoint} is spent until {time.strftime('%H:%M:%S', time.localtime(reset_at))} "
                f"({wait:.0f}s, more than the {max_wait:.0f}s this source may wait)",
                reset_at=reset_at,
            )
        log.info("X rate limit for %s spent: waiting %.1fs for the window to reset", self.endpoint, wait)
        sleep(wait)
        with self._lock:
            if self.reset_at == reset_at:
                self.remaining = None


_budgets: dict[tuple[str, str], RateBudget] = {}
_budgets_lock = threading.Lock()


def token_id(secret: str) -> str:
    """A short digest naming a token without revealing it."""
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


def budget_for(endpoint: str, token: str) -> RateBudget:
    """The process-wide budget of `endpoint` for a token id (shared by every source using that token)."""
    with _budgets_lock:
        b = _budgets.get((endpoint, token))
        if b is None:
            b = _budgets[(endpoint, token)] = RateBudget(endpoint)
        return b
