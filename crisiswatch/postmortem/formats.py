"""How a post-mortem writes times, durations and shares (the same in Spanish and English)."""

from __future__ import annotations

from datetime import datetime, timedelta


def when(value: datetime | str | None) -> str:
    """'2026-03-06 15:45 UTC' (empty for none)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return f"{value:%Y-%m-%d %H:%M} UTC"


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
