"""The normal volume by hour of the week on the brand's own clock: summer time moves no bucket."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from crisiswatch.clock import time_zone
from crisiswatch.config import Thresholds
from crisiswatch.detection.baseline import Baseline, hour_of_week
from crisiswatch.detection.detector import Detector, baseline_for
from crisiswatch.detection.windows import aggregate
from tests.unit.detection.helpers import mentions

MADRID = "Europe/Madrid"  # summer time from Sunday 2026-03-29
W = timedelta(minutes=15)


def test_hours_of_the_week_follow_the_brands_clock_through_a_summer_time_change() -> None:
    friday_before = datetime(2026, 3, 27, 8, tzinfo=timezone.utc)  # 09:00 in Madrid (CET)
    friday_after = datetime(2026, 4, 3, 7, tzinfo=timezone.utc)  # 09:00 in Madrid (CEST)
    madrid = time_zone(MADRID)
    assert hour_of_week(friday_before, madrid) == hour_of_week(friday_after, madrid) == 4 * 24 + 9
    assert hour_of_week(friday_before) != hour_of_week(friday_after)


def _local_day(start: datetime, end: datetime, zone: str, busy: int = 40, quiet: int = 4) -> list:
    """A daily rhythm on the local clock: `busy` mentions a window from 09:00 to 21:00, `quiet` otherwise (three in ten negative)."""
    tz, out, t = time_zone(zone), [], start
    while t < end:
        n = busy if 9 <= t.astimezone(tz).hour < 21 else quiet
        out += mentions(n - n * 3 // 10, "neutral", at=t) + mentions(n * 3 // 10, "negative", at=t)
        t += W
    return out


def _judge(zone: str) -> list:
    """Two weeks learnt before the clocks change, then the week after it judged window by window."""
    t = Thresholds()
    det = Detector(t, baseline_for(t, zone), warmup_windows=0)
    start, change = datetime(2026, 3, 16, tzinfo=timezone.utc), datetime(2026, 3, 30, tzinfo=timezone.utc)
    steps = [det.observe(w) for w in aggregate(_local_day(start, change + timedelta(days=7), MADRID), t.window_minutes)]
    return [s for s in steps if s.window.start >= change]


def test_an_ordinary_morning_after_the_clocks_change_is_no_crisis_on_the_local_clock() -> None:
    """On a UTC clock the brand's 09:00 rise comes an hour 'early' all week after the change, and is judged a
    crisis every morning (crisis windows teach the baseline nothing, so it never catches up)."""
    local, utc = _judge(MADRID), _judge("UTC")
    mornings = [i for i, s in enumerate(local) if (s.window.start.hour, s.window.start.minute) == (7, 0)]
    assert len(mornings) == 7  # 09:00 in Madrid under summer time, each day
    for i in mornings:
        assert local[i].expected.volume > 2 * utc[i].expected.volume  # UTC learnt 08:00 Madrid time there
    assert {s.level for s in local} == {"normal"}
    assert "crisis" in {s.level for s in utc}


def test_a_baseline_moved_to_another_clock_expects_the_same_at_the_same_instant() -> None:
    utc = Baseline(15)
    monday = datetime(2026, 3, 2, tzinfo=timezone.utc)
    for how in range(168):
        utc.learn(monday + timedelta(hours=how), float(how + 1), 0.0)
    bogota = utc.in_timezone("America/Bogota", monday)  # UTC-5 all year
    assert bogota.timezone == "America/Bogota"
    for how in range(168):
        at = monday + timedelta(days=7, hours=how)
        assert bogota.expected(at) == utc.expected(at)


def test_the_time_zone_is_stored_with_the_baseline_and_older_baselines_are_utc() -> None:
    b = Baseline(15, timezone=MADRID)
    assert Baseline.from_dict(b.to_dict()).timezone == MADRID
    old = b.to_dict()
    del old["timezone"]
    assert Baseline.from_dict(old).timezone == "UTC"
    with pytest.raises(ValueError, match="unknown time zone 'Europe/Madird'"):
        Baseline(15, timezone="Europe/Madird")
