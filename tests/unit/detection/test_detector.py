from __future__ import annotations

import json
from datetime import timedelta

import pytest

from crisiswatch.config import Thresholds
from crisiswatch.detection.detector import Detector, baseline_for
from crisiswatch.detection.windows import aggregate
from tests.unit.detection.helpers import T0, mentions

T = Thresholds()


def _day() -> list:
    ms = []
    for q in range(96):
        at = T0 - timedelta(days=1) + timedelta(minutes=15 * q)
        ms += mentions(3, "negative", at=at) + mentions(6, "neutral", at=at)
    return ms


def test_state_round_trip_gives_the_same_next_steps() -> None:
    base = baseline_for(T)
    base.seed_from_windows(aggregate(_day(), 15))
    wave = []
    for q in range(6):
        at = T0 + timedelta(minutes=15 * q)
        wave += mentions(4 + 6 * q, "negative", at=at) + mentions(6, "neutral", at=at)
    windows = aggregate(wave, 15)
    a = Detector(T, base)
    a.observe(windows[0])
    b = Detector.from_dict(T, json.loads(json.dumps(a.to_dict())))
    for w in windows[1:]:
        sa, sb = a.observe(w), b.observe(w)
        assert (sa.risk, sa.level, sa.change) == (sb.risk, sb.level, sb.change)
    assert a.level == "crisis" and a.first_signal_at is not None and a.first_signal_at >= T0


def test_windows_are_judged_once_and_in_order() -> None:
    d = Detector(T)
    [w] = aggregate(mentions(3, "neutral"), 15)
    d.observe(w)
    with pytest.raises(ValueError, match="already judged"):
        d.observe(w)


def test_an_unseeded_detector_warms_up_before_moving_levels() -> None:
    d = Detector(T)
    [w] = aggregate(mentions(40, "negative"), 15)
    step = d.observe(w)
    assert step.warming_up and step.level == "normal" and step.change is None


def test_baseline_must_match_the_window_length() -> None:
    with pytest.raises(ValueError, match="re-seed"):
        Detector(T, baseline_for(Thresholds(window_minutes=5)))
