"""The time crisiswatch records things at: the real clock, or a replay's simulated one.

A demo or replay runs old timelines in simulated time; `follow(simulated_now)` shifts this clock so
that what the playbook does during the replay (events, tickets, replies, post-mortem times) is
stamped in the same simulated time as the mentions that caused it. In production it is never moved.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

_lock = threading.Lock()
_offset = timedelta(0)


def now() -> datetime:
    """The current UTC time (shifted while a replay runs in simulated time)."""
    return datetime.now(timezone.utc) + _offset


def follow(simulated_now: datetime) -> None:
    """From now on, time runs from `simulated_now` at real speed."""
    global _offset
    with _lock:
        _offset = simulated_now - datetime.now(timezone.utc)


def reset() -> None:
    global _offset
    with _lock:
        _offset = timedelta(0)


@contextmanager
def simulated() -> Iterator[None]:
    """A block in which follow() may move the clock; it is real again afterwards."""
    try:
        yield
    finally:
        reset()


def time_zone(name: str) -> tzinfo:
    """The IANA time zone `name` (Europe/Madrid, America/Bogota, UTC); ValueError naming it when unknown."""
    if name == "UTC":
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError; a malformed name a ValueError
        raise ValueError(
            f"unknown time zone {name!r}: use an IANA name such as Europe/Madrid, America/Bogota or UTC"
        ) from None
