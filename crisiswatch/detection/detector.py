"""The crisis detector of one brand: judges closed windows in order and keeps its state between ticks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crisiswatch.config import Thresholds
from crisiswatch.detection.baseline import Baseline, Expected
from crisiswatch.detection.levels import Level, LevelChange, LevelTracker
from crisiswatch.detection.risk import VELOCITY_WINDOWS, Assessment, assess
from crisiswatch.detection.windows import WindowStats

WARMUP_WINDOWS = 8  # windows learnt before levels move when the baseline was not seeded
WATCH_CLIP = 1.0  # a window at watch risk teaches the baseline at most what it expected
_FORMAT = 1


@dataclass(frozen=True, slots=True)
class DetectionStep:
    """What judging one window gave: its risk and level, and the level change if there was one."""

    window: WindowStats
    risk: float
    level: Level
    change: LevelChange | None
    assessment: Assessment
    first_signal_at: datetime | None  # start of the first window of this episode that left normal
    warming_up: bool = False

    @property
    def expected(self) -> Expected:
        return self.assessment.expected

    def factors_dict(self) -> dict[str, Any]:
        """The window's factors as stored in Window.factors."""
        a = self.assessment
        return {
            "factors": [f.to_dict() for f in a.factors],
            "evidence_met": a.evidence_met,
            "evidence": a.evidence_note,
            "uncapped_risk": a.uncapped_risk,
            "expected": {"volume": a.expected.volume, "negative": a.expected.negative, "negative_reach": a.expected.negative_reach},
            "warming_up": self.warming_up,
            "change": self.change.to_dict() if self.change else None,
        }


def baseline_for(thresholds: Thresholds, timezone: str = "UTC") -> Baseline:
    """An empty baseline whose floor fits the thresholds (the minimum evidence is twice the negative floor), on
    the clock of the brand's time zone."""
    return Baseline(
        thresholds.window_minutes,
        floor_negative=thresholds.min_negative_mentions / 2,
        floor_volume=thresholds.min_negative_mentions / 2,
        clip=thresholds.volume_multiplier,
        timezone=timezone,
    )


class Detector:
    """Feed it every closed window of a brand, oldest first (empty windows too); persist `to_dict()`."""

    def __init__(self, thresholds: Thresholds, baseline: Baseline | None = None, *, warmup_windows: int = WARMUP_WINDOWS,
                 timezone: str = "UTC"):
        if baseline is not None and baseline.window_minutes != thresholds.window_minutes:
            raise ValueError(
                f"baseline learnt on {baseline.window_minutes}-minute windows, thresholds.window_minutes is "
                f"{thresholds.window_minutes}; re-seed the baseline"
            )
        self.thresholds = thresholds
        self.baseline = baseline or baseline_for(thresholds, timezone)
        self.tracker = LevelTracker(thresholds)
        self.history: list[WindowStats] = []
        self.next_start: datetime | None = None
        self.first_signal_at: datetime | None = None
        self.warmup_windows = warmup_windows

    @property
    def level(self) -> Level:
        return self.tracker.level

    def observe(self, w: WindowStats) -> DetectionStep:
        """Judge one closed window (the next one after the last judged; gaps must be filled with empty windows)."""
        if self.next_start is not None and w.start < self.next_start:
            raise ValueError(f"window {w.start.isoformat()} was already judged (next is {self.next_start.isoformat()})")
        expected = self.baseline.expected(w.start)
        a = assess(w, expected, self.history, self.thresholds)
        warming = self.baseline.observations < self.warmup_windows
        before = self.tracker.level
        change = None if warming else self.tracker.update(w.start, a)
        if before == "normal" and self.tracker.level != "normal":
            self.first_signal_at = w.start
        elif self.tracker.level == "normal":
            self.first_signal_at = None
        # crisis traffic is not the brand's normal; a window at watch risk may lower the baseline, never raise it
        if self.tracker.level == "crisis":
            pass
        elif a.risk >= self.thresholds.watch:
            self.baseline.learn_window(w, clip=WATCH_CLIP)
        else:
            self.baseline.learn_window(w)
        self.history = (self.history + [w])[-VELOCITY_WINDOWS:]
        self.next_start = w.end
        return DetectionStep(w, a.risk, self.tracker.level, change, a, self.first_signal_at, warming)

    def revise(self, w: WindowStats) -> None:
        """Late mentions changed an already judged window: refresh it in the velocity history (no re-judgement)."""
        self.history = [w if h.start == w.start else h for h in self.history]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": _FORMAT,
            "baseline": self.baseline.to_dict(),
            "tracker": self.tracker.to_dict(),
            "history": [h.to_dict() for h in self.history],
            "next_start": self.next_start.isoformat() if self.next_start else None,
            "first_signal_at": self.first_signal_at.isoformat() if self.first_signal_at else None,
            "warmup_windows": self.warmup_windows,
        }

    @classmethod
    def from_dict(cls, thresholds: Thresholds, d: dict[str, Any]) -> Detector:
        if d.get("format") != _FORMAT:
            raise ValueError(f"not a crisiswatch detector state (format {d.get('format')!r})")
        det = cls(thresholds, Baseline.from_dict(d["baseline"]), warmup_windows=int(d.get("warmup_windows", WARMUP_WINDOWS)))
        det.tracker = LevelTracker.from_dict(thresholds, d["tracker"])
        det.history = [WindowStats.from_dict(h) for h in d.get("history", [])]
        det.next_start = datetime.fromisoformat(d["next_start"]) if d.get("next_start") else None
        det.first_signal_at = datetime.fromisoformat(d["first_signal_at"]) if d.get("first_signal_at") else None
        return det
