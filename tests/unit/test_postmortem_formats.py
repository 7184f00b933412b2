"""Times in a post-mortem: UTC by default, the brand's clock with its offset inside reader_zone."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from crisiswatch.postmortem.formats import reader_zone, when, zone_label

AT = datetime(2026, 3, 6, 15, 45, tzinfo=timezone.utc)


def test_utc_by_default_and_naive_times_are_utc() -> None:
    assert when(AT) == "2026-03-06 15:45 UTC"
    assert when(datetime(2026, 3, 6, 15, 45)) == when("2026-03-06T15:45:00Z") == "2026-03-06 15:45 UTC"
    assert when(None) == when("") == ""


@pytest.mark.parametrize("zone, expected", [
    ("America/Bogota", "2026-03-06 10:45 UTC-5"),
    ("Europe/Madrid", "2026-03-06 16:45 UTC+1"),
    ("Asia/Kolkata", "2026-03-06 21:15 UTC+5:30"),
    ("UTC", "2026-03-06 15:45 UTC"),
])
def test_on_the_readers_clock_with_its_offset(zone: str, expected: str) -> None:
    with reader_zone(zone):
        assert when(AT) == expected
    assert when(AT) == "2026-03-06 15:45 UTC"  # only inside the block


def test_the_offset_follows_summer_time() -> None:
    with reader_zone("Europe/Madrid"):
        assert zone_label(datetime(2026, 7, 1, 12, tzinfo=timezone.utc)) == "UTC+2"
        assert when(datetime(2026, 7, 1, 12, tzinfo=timezone.utc)) == "2026-07-01 14:00 UTC+2"
