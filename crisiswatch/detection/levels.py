"""Levels with hysteresis: up at the watch/crisis thresholds, down only after a calm streak under `clear`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from crisiswatch.config import Thresholds
from crisiswatch.detection.risk import Assessment, Factor

Level = Literal["normal", "watch", "crisis"]
LEVELS: tuple[Level, ...] = ("normal", "watch", "crisis")
CLEAR_WINDOWS = 4  # consecutive windows under `clear` before a level steps down


@dataclass(frozen=True, slots=True)
class LevelChange:
    """A level change and its explanation: the top factors and the mentions behind them."""

    at: datetime  # start of the window that caused it
    from_level: Level
    to_level: Level
    risk: float
    factors: tuple[Factor, ...]
    mention_ids: tuple[int, ...]
    evidence: str
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "from_level": self.from_level,
            "to_level": self.to_level,
            "risk": self.risk,
            "factors": [f.to_dict() for f in self.factors],
            "mention_ids": list(self.mention_ids),
            "evidence": self.evidence,
            "explanation": self.explanation,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LevelChange:
        return cls(
            datetime.fromisoformat(d["at"]), d["from_level"], d["to_level"], d["risk"],
            tuple(Factor.from_dict(f) for f in d["factors"]), tuple(d["mention_ids"]), d["evidence"], d["explanation"],
        )


def explain(from_level: Level, to_level: Level, a: Assessment, calm_windows: int = 0) -> str:
    """The change in plain words."""
    up = LEVELS.index(to_level) > LEVELS.index(from_level)
    if up:
        reasons = "; ".join(f.explanation for f in a.top(3)) or "no single factor stands out"
        return f"{from_level} -> {to_level} at risk {a.risk:.0f}/100: {reasons}. Evidence: {a.evidence_note}."
    return (
        f"{from_level} -> {to_level}: risk stayed under the clear threshold for {calm_windows} windows "
        f"(now {a.risk:.0f}/100)."
    )


class LevelTracker:
    """normal -> watch at risk >= watch; -> crisis at risk >= crisis with the evidence met, confirmed by the
    window before at risk >= clear (two raised windows in a row: one noisy window is never a crisis); down to
    normal only after `clear_windows` consecutive windows with risk < clear."""

    def __init__(
        self,
        thresholds: Thresholds,
        level: Level = "normal",
        calm: int = 0,
        clear_windows: int = CLEAR_WINDOWS,
        previous_risk: float = 0.0,
    ) -> None:
        self.t = thresholds
        self.level: Level = level
        self.calm = calm
        self.clear_windows = clear_windows
        self.previous_risk = previous_risk

    def update(self, at: datetime, a: Assessment) -> LevelChange | None:
        """Feed one judged window; returns the change, if any."""
        t, old = self.t, self.level
        new: Level = old
        # a crisis takes two raised windows in a row: this one at crisis risk with the evidence met, the one
        # before at least at the clear threshold
        at_crisis = a.risk >= t.crisis and a.evidence_met
        confirmed = at_crisis and self.previous_risk >= t.clear
        self.previous_risk = a.risk
        if confirmed or (at_crisis and old == "crisis"):
            new = "crisis"
        elif a.risk >= t.watch and old == "normal":  # also a first window at crisis risk: watch, then confirm
            new = "watch"
        if a.risk < t.clear:
            self.calm += 1
            if old != "normal" and self.calm >= self.clear_windows:
                new = "normal"
        else:
            self.calm = 0
        if new == old:
            return None
        self.level = new
        calm = self.calm
        if new == "normal":
            self.calm = 0
        top = a.top(3) if LEVELS.index(new) > LEVELS.index(old) else ()
        ids: list[int] = []
        for f in top:
            ids.extend(i for i in f.mention_ids if i not in ids)
        return LevelChange(at, old, new, a.risk, top, tuple(ids), a.evidence_note, explain(old, new, a, calm))

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "calm": self.calm,
            "clear_windows": self.clear_windows,
            "previous_risk": self.previous_risk,
        }

    @classmethod
    def from_dict(cls, thresholds: Thresholds, d: dict[str, Any]) -> LevelTracker:
        return cls(
            thresholds,
            d.get("level", "normal"),
            int(d.get("calm", 0)),
            int(d.get("clear_windows", CLEAR_WINDOWS)),
            float(d.get("previous_risk", 0.0)),
        )
