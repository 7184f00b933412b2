"""Detection over a replay file in simulated time: the monitor's scoring and detector, no X, no store."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crisiswatch.config import BrandConfig
from crisiswatch.connectors.x.parsing import parse_page
from crisiswatch.detection.detector import DetectionStep, Detector, baseline_for
from crisiswatch.detection.windows import ScoredMention, aggregate
from crisiswatch.records import MentionRecord
from crisiswatch.replay import read_replay
from crisiswatch.scoring.types import MentionScore


def replay_mentions(path: Path | str, brand: BrandConfig) -> Iterator[MentionRecord]:
    """The replay's posts as the monitor would store them: parsed like an X page, the brand's own left out."""
    for post in read_replay(path):
        page = parse_page({"data": [post.tweet], "includes": {"users": post.users}}, where=f"{path}:{post.lineno}")
        for m in page.mentions:
            if brand.user_id is None or m.author_x_id != brand.user_id:
                yield m


@dataclass
class ReplayReport:
    """The `crisiswatch replay` report: every judged window and every case the detector opened."""

    windows: list[dict[str, Any]] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"windows": self.windows, "cases": self.cases}


def _window_row(step: DetectionStep) -> dict[str, Any]:
    w = step.window
    return {
        "start": w.start.isoformat(),
        "volume": w.volume,
        "baseline": round(step.expected.volume, 2),
        "negative_share": round(w.negative_share, 4),
        "risk": round(step.risk, 1),
        "level": step.level,
    }


def detect_over_replay(
    scored: Sequence[tuple[MentionRecord, MentionScore]], brand: BrandConfig, detector: Detector | None = None
) -> ReplayReport:
    """Judge every window of the replay in order; a case opens at crisis and closes when the level is normal again."""
    t = brand.thresholds
    detector = detector or Detector(t, baseline_for(t, brand.timezone))
    stats = aggregate(
        (ScoredMention(m.x_id, m.created_at, m.author_x_id, s) for m, s in scored), t.window_minutes
    )
    report = ReplayReport()
    open_case: dict[str, Any] | None = None
    for w in stats:
        step = detector.observe(w)
        report.windows.append(_window_row(step))
        if step.level == "crisis" and open_case is None:
            top = step.change.factors if step.change else step.assessment.top(3)
            open_case = {
                "declared_at": w.end.isoformat(),
                "level": step.level,
                "risk": round(step.risk, 1),
                "category": w.dominant_category,
                "first_signal_at": (step.first_signal_at or w.start).isoformat(),
                "factors": [f.to_dict() for f in top],
                "explanation": step.change.explanation if step.change else "",
            }
            report.cases.append(open_case)
        elif open_case is not None and step.level == "crisis":
            open_case["risk"] = max(open_case["risk"], round(step.risk, 1))
        elif open_case is not None and step.level == "normal":
            open_case["cleared_at"] = w.start.isoformat()
            open_case = None
    return report
