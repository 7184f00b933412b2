from __future__ import annotations

from datetime import timedelta

import pytest

from crisiswatch.config import Thresholds
from crisiswatch.connectors.x.port import CountBucket
from crisiswatch.detection.baseline import Baseline, hour_of_week
from crisiswatch.detection.detector import baseline_for
from tests.unit.detection.helpers import T0


def test_learns_each_hour_of_the_week_separately() -> None:
    b = Baseline(15, floor_volume=1, floor_negative=1)
    night = T0.replace(hour=3)
    for week in range(6):
        for q in range(4):
            b.learn(T0 + timedelta(weeks=week, minutes=15 * q), 40, 10)
            b.learn(night + timedelta(weeks=week, minutes=15 * q), 4, 1)
    assert b.expected(T0).volume == pytest.approx(40, rel=0.05)
    assert b.expected(T0).negative == pytest.approx(10, rel=0.05)
    assert b.expected(night).volume == pytest.approx(4, rel=0.05)
    assert b.expected(T0).observations == 24 and b.expected(T0).known
    assert hour_of_week(T0) == 2 * 24 + 14


def test_exponential_update_follows_a_change_and_clips_spikes() -> None:
    b = Baseline(15, alpha=0.2, floor_volume=1, floor_negative=1, clip=3)
    for _ in range(10):
        b.learn(T0, 10, 2)
    b.learn(T0, 1000, 900)  # one spike moves the baseline by at most alpha x (clip x expected - expected)
    assert b.expected(T0).volume <= 10 + 0.2 * 20 + 1e-9
    for _ in range(40):
        b.learn(T0, 20, 4)
    assert b.expected(T0).volume == pytest.approx(20, rel=0.02)


def test_floor_keeps_a_near_zero_baseline_from_making_three_mentions_a_crisis() -> None:
    b = baseline_for(Thresholds())
    for q in range(8):
        b.learn(T0 + timedelta(minutes=15 * q), 0.2, 0.05)
    e = b.expected(T0)
    assert e.negative == Thresholds().min_negative_mentions / 2
    assert 3 / e.negative < 1


def test_cold_start_from_hourly_counts() -> None:
    b = Baseline(15, floor_volume=0.1, floor_negative=0.1)
    start = T0 - timedelta(days=7)
    buckets = [CountBucket(start + timedelta(hours=h), start + timedelta(hours=h + 1), 80 if (start + timedelta(hours=h)).hour == 14 else 8) for h in range(168)]
    n = b.seed_from_counts(buckets, negative_share=0.25)
    assert n == 168 * 4
    # 80 an hour is 20 a window, smoothed with the neighbouring hours (2 a window) at half weight
    assert b.expected(T0).volume == pytest.approx((2 * 20 + 2 + 2) / 4)
    assert b.expected(T0.replace(hour=3)).volume == pytest.approx(2.0)
    assert b.expected(T0.replace(hour=3)).negative == pytest.approx(0.5)


def test_unknown_hours_borrow_from_learnt_ones_and_empty_baseline_is_unknown() -> None:
    b = Baseline(15, floor_volume=1, floor_negative=1)
    assert not b.expected(T0).known
    b.learn(T0, 12, 6)
    e = b.expected(T0 + timedelta(hours=5))
    assert e.known and e.observations == 0 and e.volume == pytest.approx(12)


def test_round_trips_through_json_shaped_dict() -> None:
    import json

    b = Baseline(15)
    b.learn(T0, 12, 6, 3000)
    c = Baseline.from_dict(json.loads(json.dumps(b.to_dict())))
    assert c.expected(T0) == b.expected(T0)
    with pytest.raises(ValueError, match="re-seed"):
        Baseline.from_dict({"format": 99})
