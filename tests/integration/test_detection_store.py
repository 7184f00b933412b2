"""The detector against the database: ticks, late mentions, one case per crisis (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, select

from crisiswatch.config import Thresholds
from crisiswatch.db.models import Brand, Case, CaseEvent, Window
from crisiswatch.db.session import session_scope
from crisiswatch.detection.detector import Detector, baseline_for
from crisiswatch.detection.store import load_detector, open_or_update_case, seed_detector, update_windows
from crisiswatch.detection.windows import window_start
from tests.detection_timelines import Post, crisis_day

T = Thresholds()
W = timedelta(minutes=T.window_minutes)
PHASE = timedelta(minutes=7)  # ticks run 7 minutes into each window


@dataclass(frozen=True)
class Rec:
    """A MentionRecord-like object, as the monitor hands over: X id, time, author."""

    x_id: int
    created_at: datetime
    author_x_id: int


def _brand(db_url: str) -> int:
    with session_scope(db_url) as s:
        b = Brand(slug="acme", name="Acme")
        s.add(b)
        s.flush()
        return b.id


def _batch(posts: list[Post]) -> list:
    return [(Rec(p.mention_id, p.created_at, p.author_id), p.score) for p in posts]


def test_ticks_declare_the_crisis_within_two_ticks_and_open_one_case(db_url: str, shared_data: Path) -> None:
    brand = _brand(db_url)
    sc = crisis_day(shared_data, "en", seed=1, window_minutes=T.window_minutes, days=1)
    base = baseline_for(T)
    base.seed_from_counts(sc.timeline.counts(sc.history_end - timedelta(days=7), sc.history_end), sc.timeline.negative_share())
    seed_detector(db_url, brand, Detector(T, base))
    posts = [p for p in sc.timeline.sorted_posts() if p.created_at >= sc.history_end]
    tick, prev, i = sc.history_end + PHASE, sc.history_end, 0
    declared_tick = None
    decisions = []
    crossing_end = None
    while tick < sc.end:
        batch = []
        while i < len(posts) and posts[i].created_at <= tick:
            batch.append(posts[i])
            i += 1
        steps = update_windows(db_url, brand, _batch(batch), tick, T)
        assert [s.window.end <= tick for s in steps] == [True] * len(steps)
        for s in steps:
            if crossing_end is None and s.window.start >= sc.crisis_start and s.window.capped_negative >= T.volume_multiplier * s.expected.negative:
                crossing_end = s.window.end
            if s.level == "crisis":
                decisions.append(open_or_update_case(db_url, brand, s))
                if declared_tick is None:
                    declared_tick = tick
        prev, tick = tick, tick + W
    assert crossing_end is not None and declared_tick is not None
    # the first tick after the crossing window closed is at crossing_end + PHASE: declared then or one tick later
    assert declared_tick <= crossing_end + PHASE + W, (crossing_end, declared_tick)
    assert decisions[0].opened and not any(d.opened for d in decisions[1:])
    assert len({d.case_id for d in decisions}) == 1
    with session_scope(db_url) as s:
        case = s.execute(select(Case)).scalar_one()
        assert case.status == "open" and case.level == "crisis" and case.category == "service_disruption"
        assert case.first_signal_at is not None and case.first_signal_at <= crossing_end
        assert case.factors["mention_ids"] and "negative mentions" in case.factors["explanation"]
        kinds = [e.kind for e in s.execute(select(CaseEvent).order_by(CaseEvent.id)).scalars()]
        assert kinds[0] == "declared" and set(kinds[1:]) <= {"updated"} and len(kinds) == len(decisions)
        rows = s.execute(select(Window).where(Window.brand_id == brand).order_by(Window.start)).scalars().all()
        starts = [r.start for r in rows]
        assert starts == sorted(set(starts)) and starts[0] == sc.history_end
        current = prev - PHASE  # the window in progress at the last tick: stored if it has mentions, judged later
        assert all(r.factors.get("partial") is True for r in rows if r.start >= current)
        assert [(r.start, r.factors) for r in rows if r.start < current and "factors" not in r.factors] == []
        assert len([r for r in rows if r.start < current]) == (current - sc.history_end) // W
        assert sum(r.volume for r in rows) == i


def test_late_and_repeated_mentions_recompute_the_window_without_rejudging(db_url: str, shared_data: Path) -> None:
    brand = _brand(db_url)
    sc = crisis_day(shared_data, "es", seed=2, window_minutes=T.window_minutes, days=1)
    base = baseline_for(T)
    base.seed_from_counts(sc.timeline.counts(sc.history_end - timedelta(days=7), sc.history_end), sc.timeline.negative_share())
    seed_detector(db_url, brand, Detector(T, base))
    morning = [p for p in sc.timeline.sorted_posts() if sc.history_end <= p.created_at < sc.history_end + timedelta(hours=10)]
    late, on_time = morning[-1], morning[:-1]
    now = sc.history_end + timedelta(hours=10, minutes=7)
    steps = update_windows(db_url, brand, _batch(on_time), now, T)
    first = window_start(on_time[0].created_at, T.window_minutes)  # a new detector starts at its first window
    assert len(steps) == (sc.history_end + timedelta(hours=10) - first) // W
    again = update_windows(db_url, brand, _batch(on_time), now, T)  # a retried tick changes nothing
    assert again == []
    late_start = steps[-1].window.start if late.created_at >= steps[-1].window.start else None
    assert late_start is not None
    with session_scope(db_url) as s:
        before = s.execute(select(Window).where(Window.start == late_start)).scalar_one()
        volume, risk = before.volume, before.risk
    update_windows(db_url, brand, _batch([late]), now + W, T)
    update_windows(db_url, brand, _batch([late]), now + W, T)
    with session_scope(db_url) as s:
        after = s.execute(select(Window).where(Window.start == late_start)).scalar_one()
        assert after.volume == volume + 1 and after.risk == risk
        assert after.factors["late_mentions"] == 1
    det = load_detector(db_url, brand, T)
    assert det is not None and det.next_start == late_start + 2 * W


def _crisis_step(db_url: str, brand: int):
    """A real crisis step from the detector, fed windows directly."""
    from crisiswatch.detection.windows import aggregate
    from tests.unit.detection.helpers import T0, mentions

    base = baseline_for(T)
    for q in range(96):
        base.learn(T0 - timedelta(days=1) + timedelta(minutes=15 * q), 12, 4)
    det = Detector(T, base)
    steps = []
    for q in range(3):
        at = T0 + timedelta(minutes=15 * q)
        [w] = aggregate(mentions(6 + 10 * q, "negative", at=at) + mentions(8, "neutral", at=at), 15, at, at + W)
        steps.append(det.observe(w))
    assert steps[-1].level == "crisis"
    return steps[-1]


def test_open_or_update_case_is_idempotent(db_url: str) -> None:
    brand = _brand(db_url)
    step = _crisis_step(db_url, brand)
    first = open_or_update_case(db_url, brand, step)
    second = open_or_update_case(db_url, brand, step)
    assert first.opened and not second.opened and first.case_id == second.case_id
    with session_scope(db_url) as s:
        assert s.execute(select(func.count()).select_from(Case)).scalar_one() == 1
        kinds = [e.kind for e in s.execute(select(CaseEvent).order_by(CaseEvent.id)).scalars()]
        assert kinds == ["declared", "updated"]


def test_concurrent_ticks_never_open_two_cases(db_url: str) -> None:
    brand = _brand(db_url)
    step = _crisis_step(db_url, brand)
    results, errors = [], []
    barrier = threading.Barrier(6)

    def worker() -> None:
        try:
            barrier.wait()
            results.append(open_or_update_case(db_url, brand, step))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(r.opened for r in results) == 1 and len({r.case_id for r in results}) == 1
    with session_scope(db_url) as s:
        assert s.execute(select(func.count()).select_from(Case)).scalar_one() == 1
        assert s.execute(select(func.count()).select_from(CaseEvent).where(CaseEvent.kind == "declared")).scalar_one() == 1


def test_below_crisis_without_an_open_case_nothing_is_opened(db_url: str) -> None:
    brand = _brand(db_url)
    step = _crisis_step(db_url, brand)
    from dataclasses import replace

    calm = replace(step, level="normal", change=None)
    assert open_or_update_case(db_url, brand, calm).case_id is None


def test_the_brands_time_zone_is_kept_and_a_changed_one_moves_what_was_learnt(db_url: str) -> None:
    monday = datetime(2026, 3, 2, tzinfo=timezone.utc)
    fresh = _brand(db_url)
    update_windows(db_url, fresh, [], monday + PHASE, T, "Europe/Madrid")
    assert load_detector(db_url, fresh, T).baseline.timezone == "Europe/Madrid"

    with session_scope(db_url) as s:
        s.add(Brand(slug="moved", name="Moved"))
    with session_scope(db_url) as s:
        moved = s.scalars(select(Brand.id).where(Brand.slug == "moved")).one()
    base = baseline_for(T)  # learnt on UTC hours, as before brands had a time zone
    for how in range(168):
        base.learn(monday + timedelta(hours=how), float(10 + how), 2.0)
    seed_detector(db_url, moved, Detector(T, base))
    now = monday + timedelta(days=7) + PHASE
    update_windows(db_url, moved, [], now, T, "America/Bogota")
    stored = load_detector(db_url, moved, T).baseline
    assert stored.timezone == "America/Bogota"
    for how in range(0, 168, 5):
        at = monday + timedelta(days=8, hours=how)
        assert stored.expected(at).volume == base.expected(at).volume
