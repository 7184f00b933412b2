"""Database glue of the detector: windows upserted per brand, detector state kept between ticks, cases opened.

Tick semantics (what the monitor flow must follow):
- after each tick, call `update_windows(db_url, brand_id, scored, now, thresholds)` with the mentions scored in
  that tick (re-sending a mention is harmless: windows are keyed by mention id);
- every window a mention falls in is stored (Window row, `tally` keeps its mentions), late mentions recompute
  their window's counts; a window already judged keeps its risk and level (the detector never rewinds);
- only complete windows (end <= now) are judged, oldest first, empty ones included; the current partial window
  is stored with its counts and `factors = {"partial": true}` and judged at the first tick after it ends. With a
  tick every window length, a window is judged at most one tick after it closes, and a crisis (two windows in a
  row at watch risk or more, the second at crisis risk) is declared within two ticks of the window where the
  negative volume crosses `volume_multiplier` x the baseline;
- then, for the returned steps, call `open_or_update_case(db_url, brand_id, step)` for the last step whose
  level is crisis (or for every one: it is idempotent per open case).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from crisiswatch.config import Thresholds
from crisiswatch.db.models import Case, CaseEvent, DetectorState, Window, utcnow
from crisiswatch.db.session import session_scope
from crisiswatch.detection.detector import DetectionStep, Detector
from crisiswatch.detection.windows import ScoredMention, WindowStats, WindowTally, tally_mentions, window_start
from crisiswatch.errors import ConfigError, TransientError
from crisiswatch.scoring.types import MentionScore

log = logging.getLogger(__name__)

MAX_CATCH_UP = timedelta(days=7)  # after a long outage, judge at most this much of the past
_ATTEMPTS = 4
T = TypeVar("T")


class MentionLike(Protocol):
    """A stored Mention row or a MentionRecord: `id` (database id) is used when present, else `x_id`."""

    x_id: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CaseDecision:
    case_id: int | None
    opened: bool


def _scored(m: Any, s: MentionScore) -> ScoredMention:
    mid = getattr(m, "id", None)
    author = getattr(m, "author_x_id", None)
    if author is None:
        author = getattr(m, "author_id", None)
    return ScoredMention(int(mid if mid is not None else m.x_id), m.created_at, author, s)


def _retrying(fn: Callable[[], T]) -> T:
    """Run a transaction, again on a lost insert race or a busy database."""
    for attempt in range(_ATTEMPTS):
        try:
            return fn()
        except (IntegrityError, OperationalError) as exc:
            if attempt == _ATTEMPTS - 1:
                if isinstance(exc, OperationalError):
                    raise TransientError(f"database busy while updating the detector: {exc.orig}") from exc
                raise
    raise AssertionError("unreachable")


def _load_state(session: Session, brand_id: int, thresholds: Thresholds, timezone: str, now: datetime) -> tuple[DetectorState, Detector]:
    row = session.execute(
        select(DetectorState).where(DetectorState.brand_id == brand_id).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        row = DetectorState(brand_id=brand_id, state={})
        session.add(row)
        session.flush()  # a concurrent first tick loses here (IntegrityError) and retries
        return row, Detector(thresholds, timezone=timezone)
    if not row.state:
        return row, Detector(thresholds, timezone=timezone)
    try:
        det = Detector.from_dict(thresholds, row.state)
    except ValueError as exc:
        raise ConfigError(
            f"the stored detector state of brand {brand_id} does not fit the thresholds ({exc}); "
            "reset it with crisiswatch.detection.store.seed_detector",
            setting="thresholds.window_minutes",
        ) from exc
    if det.baseline.timezone != timezone:  # the brand's time zone was changed: what was learnt moves with the clock
        log.warning("brand %s: baseline moved from %s to %s hours", brand_id, det.baseline.timezone, timezone)
        det.baseline = det.baseline.in_timezone(timezone, now)
    return row, det


def _set_counts(row: Window, w: WindowStats) -> None:
    row.volume, row.negative = w.volume, w.negative
    row.negative_share = w.negative_share
    row.unique_authors = w.unique_authors
    row.negative_reach = w.negative_reach
    row.crisis_terms = w.crisis_term_mentions


def _window_rows(session: Session, brand_id: int, starts: Sequence[datetime]) -> dict[datetime, Window]:
    if not starts:
        return {}
    rows = session.execute(
        select(Window).where(Window.brand_id == brand_id, Window.start >= min(starts), Window.start <= max(starts))
    ).scalars()
    return {r.start: r for r in rows}


def _update(db_url: str, brand_id: int, tallies: dict[datetime, WindowTally], now: datetime, t: Thresholds,
            timezone: str) -> list[DetectionStep]:
    step_len = timedelta(minutes=t.window_minutes)
    with session_scope(db_url) as session:
        state, det = _load_state(session, brand_id, t, timezone, now)
        if det.next_start is None and tallies:
            det.next_start = min(tallies)  # a new detector starts judging at the first window it is given
        rows = _window_rows(session, brand_id, list(tallies))
        for start, tally in sorted(tallies.items()):
            row = rows.get(start)
            if row is None:
                row = Window(brand_id=brand_id, start=start, end=tally.end, level=det.level, factors={"partial": True})
                session.add(row)
                rows[start] = row
                merged, new = tally, len(tally.mentions)
            else:
                merged = WindowTally.from_dict(row.tally) if row.tally else WindowTally(start, t.window_minutes)
                new = merged.merge(tally)
            row.tally = merged.to_dict()  # a new object: JSON columns are replaced, never mutated in place
            stats = merged.stats()
            _set_counts(row, stats)
            if det.next_start is not None and start < det.next_start and new:
                det.revise(stats)
                row.factors = {**(row.factors or {}), "late_mentions": int((row.factors or {}).get("late_mentions", 0)) + new}
        # judge every complete window not judged yet, oldest first
        first = det.next_start
        steps: list[DetectionStep] = []
        if first is not None:
            last_complete = window_start(now, t.window_minutes)  # windows starting before this one are complete
            first = max(first, window_start(now - MAX_CATCH_UP, t.window_minutes))
            judged = _window_rows(session, brand_id, [first, last_complete])
            s = first
            while s < last_complete:
                row = judged.get(s) or rows.get(s)
                stats = WindowTally.from_dict(row.tally).stats() if row is not None and row.tally else WindowTally(s, t.window_minutes).stats()
                step = det.observe(stats)
                if row is None:
                    row = Window(brand_id=brand_id, start=s, end=s + step_len)
                    session.add(row)
                _set_counts(row, stats)
                row.baseline = step.expected.volume
                row.velocity = step.assessment.velocity
                row.risk, row.level = step.risk, step.level
                row.factors = step.factors_dict()
                steps.append(step)
                s += step_len
        for start, row in rows.items():  # the partial window: counts only, judged after it ends
            if start >= window_start(now, t.window_minutes):
                row.level, row.factors = det.level, {"partial": True}
        state.state = det.to_dict()
        state.updated_at = utcnow()
        return steps


def update_windows(
    db_url: str,
    brand_id: int,
    scored: Sequence[tuple[MentionLike, MentionScore]],
    now: datetime,
    thresholds: Thresholds,
    timezone: str = "UTC",
) -> list[DetectionStep]:
    """Store this tick's scored mentions in their windows and judge every window complete at `now`; the brand's
    normal volume is kept by the hours of `timezone` (its config's `timezone`)."""
    if now.tzinfo is None:
        raise ValueError("now must be UTC-aware")
    tallies = tally_mentions((_scored(m, s) for m, s in scored), thresholds.window_minutes)
    return _retrying(lambda: _update(db_url, brand_id, tallies, now, thresholds, timezone))


def seed_detector(db_url: str, brand_id: int, detector: Detector) -> None:
    """Store a detector (e.g. with a baseline seeded from counts or a backfill) as the brand's state."""

    def run() -> None:
        with session_scope(db_url) as session:
            row = session.get(DetectorState, brand_id, with_for_update=True)
            if row is None:
                session.add(DetectorState(brand_id=brand_id, state=detector.to_dict()))
            else:
                row.state, row.updated_at = detector.to_dict(), utcnow()

    _retrying(run)


def load_detector(db_url: str, brand_id: int, thresholds: Thresholds) -> Detector | None:
    """The brand's stored detector, or None before its first tick."""
    with session_scope(db_url) as session:
        row = session.get(DetectorState, brand_id)
        return Detector.from_dict(thresholds, row.state) if row is not None and row.state else None


def _case_factors(step: DetectionStep) -> dict[str, Any]:
    top = step.change.factors if step.change and step.change.factors else step.assessment.top(3)
    ids: list[int] = []
    for f in top:
        ids.extend(i for i in f.mention_ids if i not in ids)
    return {
        "window_start": step.window.start.isoformat(),
        "risk": step.risk,
        "top": [f.to_dict() for f in top],
        "mention_ids": ids,
        "evidence": step.assessment.evidence_note,
        "evidence_facts": step.assessment.evidence_facts,
        "explanation": step.change.explanation if step.change else "; ".join(f.explanation for f in top),
        "negative_categories": step.window.negative_categories,
        "level": step.level,
        "change": {"from_level": step.change.from_level, "to_level": step.change.to_level} if step.change else None,
    }


def _open_or_update(db_url: str, brand_id: int, step: DetectionStep, at: datetime) -> CaseDecision:
    with session_scope(db_url) as session:
        case = session.execute(
            select(Case).where(Case.brand_id == brand_id, Case.status == "open").with_for_update()
        ).scalar_one_or_none()
        factors = _case_factors(step)
        if case is None:
            if step.level != "crisis":
                return CaseDecision(None, False)
            case = Case(
                brand_id=brand_id,
                level=step.level,
                status="open",
                risk=step.risk,
                category=step.window.dominant_category,
                first_signal_at=step.first_signal_at or step.window.start,
                declared_at=at,
                factors=factors,
            )
            session.add(case)
            session.flush()  # a concurrent tick that opened one first makes this fail: retried as an update
            session.add(CaseEvent(case_id=case.id, at=at, kind="declared", message=factors["explanation"], data=factors))
            return CaseDecision(case.id, True)
        case.risk, case.level = step.risk, step.level
        message = step.change.explanation if step.change else f"risk {step.risk:.0f}/100 at level {step.level}"
        session.add(CaseEvent(case_id=case.id, at=at, kind="updated", message=message, data=factors))
        return CaseDecision(case.id, False)


def open_or_update_case(db_url: str, brand_id: int, step: DetectionStep, at: datetime | None = None) -> CaseDecision:
    """At crisis level, open the brand's case (once) with a 'declared' event; an open case is updated instead.
    Below crisis with no open case, nothing happens (case_id None)."""
    when = at or step.window.end
    return _retrying(lambda: _open_or_update(db_url, brand_id, step, when))
