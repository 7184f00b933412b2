"""The sandbox's simulated clock."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from crisiswatch.connectors.x.sandbox.clock import SimClock

T0 = datetime(2025, 3, 1, tzinfo=timezone.utc)


def test_frozen_clock_moves_only_when_told():
    c = SimClock(T0)
    time.sleep(0.01)
    assert c.now() == T0
    assert c.advance(90) == T0 + timedelta(seconds=90)
    assert c.set(T0 - timedelta(days=1)) == T0 - timedelta(days=1)


def test_speed_scales_real_time():
    c = SimClock(T0, speed=1000)
    time.sleep(0.05)
    elapsed = (c.now() - T0).total_seconds()
    assert 40 <= elapsed <= 5000
    c.set(T0, speed=0)
    assert c.now() == T0 and c.speed == 0
    with pytest.raises(ValueError):
        SimClock(T0, speed=-1)
