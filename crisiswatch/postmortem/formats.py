"""How a post-mortem writes times, durations and shares (the same in Spanish and English)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta, timezone, tzinfo

from crisiswatch.clock import time_zone

_READER_ZONE: ContextVar[tzinfo] = ContextVar("reader_zone", default=timezone.utc)


@contextmanager
def reader_zone(name: str) -> Iterator[None]:
    """Inside the block, times are written on the clock of the IANA zone `name` (the brand's `timezone`)."""
    token = _READER_ZONE.set(time_zone(name))
    try:
        yield
    finally:
        _READER_ZONE.reset(token)


def local(value: datetime) -> datetime:
    """`value` on the reader's clock (a naive value is UTC, as the store keeps times)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(_READER_ZONE.get())


def _offset_label(at: datetime) -> str:
    """'UTC', 'UTC-5' or 'UTC+5:30': the offset of an aware datetime."""
    minutes = int((at.utcoffset() or timedelta(0)).total_seconds() // 60)
    if not minutes:
        return "UTC"
    sign, minutes = ("-" if minutes < 0 else "+"), abs(minutes)
    return f"UTC{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")


def zone_label(value: datetime) -> str:
    """'UTC', 'UTC-5' or 'UTC+5:30': the reader's clock at `value`."""
    return _offset_label(local(value))


def when(value: datetime | str | None) -> str:
    """'2026-03-06 15:45 UTC', or on the reader's clock '2026-03-06 10:45 UTC-5' (empty for none)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    at = local(value)
    return f"{at:%Y-%m-%d %H:%M} {_offset_label(at)}"


def duration(delta: timedelta | None) -> str:
    """'2 d 3 h', '1 h 05 min', '12 min' (the same in Spanish and English)."""
    if delta is None:
        return ""
    minutes = int(round(delta.total_seconds() / 60))
    sign, minutes = ("-" if minutes < 0 else ""), abs(minutes)
    d, rem = divmod(minutes, 1440)
    h, m = divmod(rem, 60)
    if d:
        return f"{sign}{d} d {h} h"
    return f"{sign}{h} h {m:02d} min" if h else f"{sign}{m} min"


def percent(share: float | int | None) -> str:
    """A share from 0 to 1 as '92 %'."""
    return f"{100 * float(share or 0):.0f} %"
