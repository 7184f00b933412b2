"""A brand's normal volume by hour of the week, learnt as windows close (exponentially weighted)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

from crisiswatch.clock import time_zone
from crisiswatch.connectors.x.port import CountBucket
from crisiswatch.detection.windows import WindowStats

HOURS_OF_WEEK = 168
_FORMAT = 1


def hour_of_week(at: datetime, zone: tzinfo = timezone.utc) -> int:
    """0 = Monday 00:00-01:00 ... 167 = Sunday 23:00-24:00, on the clock of `zone`."""
    local = at.astimezone(zone)
    return local.weekday() * 24 + local.hour


@dataclass(frozen=True, slots=True)
class Expected:
    """What a window at this hour of the week usually holds (floored), and how sure we are."""

    volume: float
    negative: float
    negative_reach: float
    observations: int  # windows learnt for this hour of the week (0: borrowed from other hours or floor)
    known: bool  # False when nothing at all has been learnt yet

    @property
    def negative_share(self) -> float:
        return self.negative / self.volume if self.volume else 0.0


class Baseline:
    """168 buckets of (volume, negative, negative reach) per window, with a floor against near-zero baselines.

    The hours of the week are those of the brand's `timezone`: people keep their daily rhythm when the clocks
    change, so a summer-time change moves no bucket."""

    def __init__(
        self,
        window_minutes: int,
        *,
        alpha: float = 0.1,
        floor_volume: float = 4.0,
        floor_negative: float = 4.0,
        clip: float = 3.0,
        prior_negative_share: float = 0.3,
        timezone: str = "UTC",
    ) -> None:
        self.window_minutes = window_minutes
        self.timezone = timezone
        self._zone = time_zone(timezone)
        self.alpha = alpha
        self.floor_volume = floor_volume
        self.floor_negative = floor_negative
        self.clip = clip
        self.prior_negative_share = prior_negative_share
        self.buckets: list[list[float]] = [[0.0, 0.0, 0.0, 0] for _ in range(HOURS_OF_WEEK)]

    @property
    def observations(self) -> int:
        return int(sum(b[3] for b in self.buckets))

    def _raw(self, how: int) -> tuple[float, float, float, int] | None:
        b = self.buckets[how]
        if b[3] > 0:
            # smoothed with the neighbouring hours (half weight) to steady a bucket learnt from few windows
            parts = [(b, 2.0)] + [(x, 1.0) for x in (self.buckets[(how - 1) % 168], self.buckets[(how + 1) % 168]) if x[3] > 0]
            total = sum(wt for _, wt in parts)
            v, n, r = (sum(x[i] * wt for x, wt in parts) / total for i in range(3))
            return v, n, r, int(b[3])
        seen = [x for x in self.buckets if x[3] > 0]
        if not seen:
            return None
        n = len(seen)
        return sum(x[0] for x in seen) / n, sum(x[1] for x in seen) / n, sum(x[2] for x in seen) / n, 0

    def expected(self, start: datetime) -> Expected:
        """The floored expectation for the window starting at `start`."""
        raw = self._raw(hour_of_week(start, self._zone))
        if raw is None:
            return Expected(self.floor_volume, self.floor_negative, 0.0, 0, False)
        v, n, r, obs = raw
        floored = max(n, self.floor_negative)
        reach = r * floored / n if n > 0 else r  # the reach of the floored number of negatives
        return Expected(max(v, self.floor_volume), floored, reach, obs, True)

    def learn(
        self, start: datetime, volume: float, negative: float, negative_reach: float = 0.0, clip: float | None = None
    ) -> None:
        """Fold one closed window in; once a bucket is known, spikes are clipped to `clip` x expected."""
        b = self.buckets[hour_of_week(start, self._zone)]
        c = self.clip if clip is None else clip
        if b[3] > 0:
            volume = min(volume, c * max(b[0], self.floor_volume))
            negative = min(negative, c * max(b[1], self.floor_negative))
            negative_reach = min(negative_reach, c * max(b[2], 1.0))
        a = max(self.alpha, 1.0 / (b[3] + 1))
        b[0] += a * (volume - b[0])
        b[1] += a * (negative - b[1])
        b[2] += a * (negative_reach - b[2])
        b[3] += 1

    def learn_window(self, w: WindowStats, clip: float | None = None) -> None:
        self.learn(w.start, w.capped_volume, w.capped_negative, w.negative_reach, clip)

    def seed_from_windows(self, windows: Iterable[WindowStats]) -> int:
        """Cold start from a backfill of past windows (oldest first); returns how many were learnt."""
        n = 0
        for w in windows:
            self.learn_window(w)
            n += 1
        return n

    def seed_from_counts(self, buckets: Sequence[CountBucket], negative_share: float | None = None) -> int:
        """Cold start from post counts (the recent counts endpoint): volume only, negatives at a prior share."""
        share = self.prior_negative_share if negative_share is None else negative_share
        n = 0
        for cb in sorted(buckets, key=lambda c: c.start):
            minutes = (cb.end - cb.start).total_seconds() / 60
            if minutes <= 0:
                continue
            per_window = cb.count * self.window_minutes / minutes
            hour = cb.start.replace(minute=0, second=0, microsecond=0)
            while hour < cb.end:
                for _ in range(max(1, round(min(60.0, minutes) / self.window_minutes))):
                    self.learn(hour, per_window, per_window * share)
                    n += 1
                hour += timedelta(hours=1)
        return n

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": _FORMAT,
            "window_minutes": self.window_minutes,
            "alpha": self.alpha,
            "floor_volume": self.floor_volume,
            "floor_negative": self.floor_negative,
            "clip": self.clip,
            "prior_negative_share": self.prior_negative_share,
            "timezone": self.timezone,
            "buckets": [[round(x, 6) for x in b[:3]] + [int(b[3])] for b in self.buckets],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Baseline:
        if d.get("format") != _FORMAT or len(d.get("buckets", [])) != HOURS_OF_WEEK:
            raise ValueError(f"not a crisiswatch baseline (format {d.get('format')!r}); re-seed it")
        b = cls(
            int(d["window_minutes"]),
            alpha=d["alpha"],
            floor_volume=d["floor_volume"],
            floor_negative=d["floor_negative"],
            clip=d["clip"],
            prior_negative_share=d["prior_negative_share"],
            timezone=d.get("timezone", "UTC"),  # baselines stored before time zones were on UTC
        )
        b.buckets = [[float(x[0]), float(x[1]), float(x[2]), int(x[3])] for x in d["buckets"]]
        return b

    def in_timezone(self, timezone: str, at: datetime) -> Baseline:
        """The same learnt rhythm on another clock: each bucket moves to the hour it is there in the week of `at`."""
        moved = Baseline.from_dict({**self.to_dict(), "timezone": timezone})
        monday = at.astimezone(moved._zone).replace(hour=0, minute=0, second=0, microsecond=0)
        monday -= timedelta(days=monday.weekday())
        for how in range(HOURS_OF_WEEK):
            instant = monday + timedelta(hours=how)  # wall-clock hours: a DST day keeps 24 buckets
            moved.buckets[how] = list(self.buckets[hour_of_week(instant, self._zone)])
        return moved
