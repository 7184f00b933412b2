"""Rate limits per endpoint and token, and queued faults: the sandbox's knobs."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field

ENDPOINTS = ("mentions", "search", "counts", "users", "create_tweet", "dm")
MALFORMATIONS = ("missing_includes", "garbage_fields", "long_text", "invalid_surrogates", "rtl", "emoji", "unknown_fields")

# X's published v2 limits per 15-minute window (app-level where the endpoint has one).
DEFAULT_LIMITS: dict[str, tuple[int, float]] = {
    "mentions": (450, 900.0),
    "search": (450, 900.0),
    "counts": (300, 900.0),
    "users": (300, 900.0),
    "create_tweet": (200, 900.0),
    "dm": (200, 900.0),
}


@dataclass(frozen=True, slots=True)
class Budget:
    allowed: bool
    limit: int
    remaining: int
    reset: int  # epoch seconds, real time


class RateLimiter:
    """Fixed windows per (endpoint, token) in real time, like X's 15-minute windows."""

    def __init__(self, limits: dict[str, tuple[int, float]] | None = None) -> None:
        self._lock = threading.Lock()
        self.limits = dict(DEFAULT_LIMITS)
        self.limits.update(limits or {})
        self._state: dict[tuple[str, str], tuple[float, int]] = {}

    def set(self, endpoint: str, limit: int, window_seconds: float | None = None) -> None:
        """Change an endpoint's limit (and window); resets its current windows."""
        if endpoint not in self.limits:
            raise ValueError(f"unknown endpoint {endpoint!r}; one of {', '.join(ENDPOINTS)}")
        with self._lock:
            self.limits[endpoint] = (int(limit), float(window_seconds or self.limits[endpoint][1]))
            self._state = {k: v for k, v in self._state.items() if k[0] != endpoint}

    def _window(self, endpoint: str, token: str) -> tuple[float, int, int, float]:
        limit, window = self.limits[endpoint]
        now = time.time()
        start, used = self._state.get((endpoint, token), (now, 0))
        if now >= start + window:
            start, used = now, 0
        return start, used, limit, window

    def take(self, endpoint: str, token: str) -> Budget:
        """Spend one request if the budget allows it."""
        with self._lock:
            start, used, limit, window = self._window(endpoint, token)
            allowed = used < limit
            if allowed:
                used += 1
            self._state[(endpoint, token)] = (start, used)
            return Budget(allowed, limit, max(0, limit - used), int(start + window + 0.999))

    def peek(self, endpoint: str, token: str) -> Budget:
        with self._lock:
            start, used, limit, window = self._window(endpoint, token)
            return Budget(used < limit, limit, max(0, limit - used), int(start + window + 0.999))


@dataclass(slots=True)
class Fault:
    """What to do to one request: an error status, a delay, a cut connection, a malformed page."""

    status: int | None = None
    delay: float = 0.0
    cut: bool = False
    malformed: tuple[str, ...] = ()
    truncated: bool = False


@dataclass
class FaultQueue:
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _queues: dict[str, deque[Fault]] = field(default_factory=dict)

    def push(self, endpoint: str, fault: Fault, count: int = 1) -> None:
        if endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {endpoint!r}; one of {', '.join(ENDPOINTS)}")
        bad = set(fault.malformed) - set(MALFORMATIONS)
        if bad:
            raise ValueError(f"unknown malformations {sorted(bad)}; known: {', '.join(MALFORMATIONS)}")
        with self._lock:
            self._queues.setdefault(endpoint, deque()).extend(fault for _ in range(count))

    def pop(self, endpoint: str) -> Fault | None:
        with self._lock:
            q = self._queues.get(endpoint)
            return q.popleft() if q else None

    def clear(self) -> None:
        with self._lock:
            self._queues.clear()
