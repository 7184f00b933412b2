"""Simulated time for the X sandbox: a start instant, a speed factor, settable and advanceable."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone


class SimClock:
    """Simulated UTC time: `now = start + (real elapsed) * speed`; speed 0 freezes it."""

    def __init__(self, start: datetime | None = None, speed: float = 0.0) -> None:
        if speed < 0:
            raise ValueError("speed must be >= 0 (simulated seconds per real second)")
        self._lock = threading.Lock()
        self._sim = (start or datetime.now(timezone.utc)).astimezone(timezone.utc)
        self._real = time.monotonic()
        self._speed = float(speed)

    @property
    def speed(self) -> float:
        return self._speed

    def now(self) -> datetime:
        with self._lock:
            return self._sim + timedelta(seconds=(time.monotonic() - self._real) * self._speed)

    def timestamp(self) -> float:
        """Simulated now as epoch seconds."""
        return self.now().timestamp()

    def set(self, when: datetime, speed: float | None = None) -> datetime:
        """Jump to `when` (and optionally change the speed)."""
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        with self._lock:
            self._sim, self._real = when.astimezone(timezone.utc), time.monotonic()
            if speed is not None:
                if speed < 0:
                    raise ValueError("speed must be >= 0")
                self._speed = float(speed)
        return self.now()

    def advance(self, seconds: float) -> datetime:
        """Move simulated time forward (or back, if negative) by `seconds`."""
        return self.set(self.now() + timedelta(seconds=seconds))
