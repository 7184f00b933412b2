"""The sandboxes answering badly for a while: X 429 storms, 500s, timeouts and cut connections
through the monitor flow; Google Ads quota and UNAVAILABLE storms through pause_ad_spend.
Each run converges: nothing lost, nothing stored or paused twice."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from prefect import flow
from sqlalchemy import select

import crisiswatch.connectors.x.rate_limit as rate_limit
from crisiswatch.config import GoogleAdsConfig
from crisiswatch.connectors.google_ads.sandbox import GoogleAdsSandbox
from crisiswatch.connectors.x.sandbox import XSandbox
from crisiswatch.db.models import AdAction, CaseEvent, Cursor, Mention
from crisiswatch.db.session import session_scope, upgrade_database
from crisiswatch.demo.timeline import BRAND_CONFIG, BUNDLED_TIMELINE
from crisiswatch.settings import get_settings
from flows.monitor import monitor
from tasks.ads import pause_ad_spend
from tests.integration.google_ads_fixtures import make_case, sandbox_settings

pytestmark = pytest.mark.slow
TOKEN = "storm-token"


@pytest.fixture
def x_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CRISISWATCH_X_BEARER_TOKEN", TOKEN)
    monkeypatch.setenv("CRISISWATCH_X_TIMEOUT_SECONDS", "0.5")
    yield
    get_settings.cache_clear()


def _tick(sb: XSandbox, db_url: str, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setenv("CRISISWATCH_X_API_BASE_URL", sb.base_url)
    get_settings.cache_clear()
    return monitor(brand="cosechaya", config_path=str(BRAND_CONFIG), database_url=db_url, now=sb.clock.now(), respond=False)


def _stored(db_url: str) -> tuple[list[int], dict[str, int | None]]:
    with session_scope(db_url) as s:
        ids = list(s.scalars(select(Mention.x_id)))
        cursors = {f"{c.source}:{c.query}": c.newest_id for c in s.scalars(select(Cursor))}
    return ids, cursors


def _db(tmp_path: Path, name: str) -> str:
    url = f"sqlite:///{tmp_path / name}"
    upgrade_database(url)
    return url


def test_x_storms_through_the_monitor_lose_and_duplicate_nothing(harness: None, x_env: None, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    with XSandbox(BUNDLED_TIMELINE, bearer_token=TOKEN) as ref_sb, XSandbox(BUNDLED_TIMELINE, bearer_token=TOKEN) as sb:
        start = sb.clock.now()
        t1, t2, t3 = start + timedelta(days=3), start + timedelta(days=4, hours=6), start + timedelta(days=4, hours=9)
        ref, db = _db(tmp_path, "reference.db"), _db(tmp_path, "storm.db")
        for clock in (t1, t3):  # the reference: the same ticks without a single fault
            ref_sb.clock.set(clock)
            _tick(ref_sb, ref, monkeypatch)

        sb.clock.set(t1)
        _tick(sb, db, monkeypatch)

        # storm 1: errors the connector rides out inside the tick (retries, waits for a short reset)
        sb.set_rate_limit("search", 450, window_seconds=2)
        sb.inject_fault("mentions", status=500, count=2)
        sb.inject_fault("mentions", cut=True)
        sb.inject_fault("search", delay=1.0, count=2)  # longer than CRISISWATCH_X_TIMEOUT_SECONDS
        sb.inject_fault("search", status=503)
        sb.inject_fault("search", status=429, count=4)  # resets within 2 s: waited for
        sb.clock.set(t2)
        stormy = _tick(sb, db, monkeypatch)
        assert stormy["sources_skipped"] == 0, stormy

        # storm 2: a 429 whose reset is 15 minutes away: the source is skipped at once, its cursor kept
        before = _stored(db)[1]
        sb.inject_fault("mentions", status=429, count=10)
        sb.clock.set(t3)
        started = time.monotonic()
        limited = _tick(sb, db, monkeypatch)
        took = time.monotonic() - started
        after = _stored(db)[1]
        assert limited["sources_skipped"] == 1 and after["mentions:"] == before["mentions:"], (limited, before, after)
        assert took < 30, f"a 15-minute rate limit held the tick for {took:.0f}s instead of skipping the source"

        # a later tick in a fresh worker (no spent budget remembered): the rest comes, once
        monkeypatch.setattr(rate_limit, "_budgets", {})
        sb.faults.clear()
        _tick(sb, db, monkeypatch)

    got, got_cursors = _stored(db)
    want, want_cursors = _stored(ref)
    assert len(got) == len(set(got)), "a mention was stored twice"
    assert sorted(got) == sorted(want) and got_cursors == want_cursors


@pytest.mark.parametrize("storm", [
    [("quota", 3, "SearchStream"), ("unavailable", 2, "MutateCampaigns")],
    [("unavailable", 2, None), ("apply_then_unavailable", 1, None), ("quota", 1, "MutateCampaigns"), ("internal", 1, None)],
    [("deadline", 2, "SearchStream"), ("apply_then_unavailable", 2, None)],
])
def test_google_ads_storms_converge_and_pause_each_campaign_once(harness: None, sqlite_url: str, storm: list) -> None:
    customers = ["1234567890", "9876543210"]
    with GoogleAdsSandbox() as sb:
        ids = {c: (sb.add_customer(c), sb.add_campaigns(c, 4))[1] for c in customers}
        kept = sb.add_campaign(customers[0], "already paused by a person", status="PAUSED")
        settings = sandbox_settings(sb)
        case_id = make_case(sqlite_url)
        for kind, n, method in storm:
            sb.fail_next(kind, n, method=method, retry_seconds=0)

        @flow(name="ads-storm")
        def crisis() -> dict:
            task = pause_ad_spend.with_options(retries=12, retry_delay_seconds=0.05, retry_jitter_factor=None)
            return task(sqlite_url, case_id, "acme", google_ads=GoogleAdsConfig(customer_ids=customers), settings=settings)

        out = crisis()
        assert not [f for f in sb.state.faults if f.remaining > 0], "the storm did not blow through"
        mutations = sb.api_mutations()
        statuses = {c: sb.statuses(c) for c in customers}

    paused = Counter((m.customer_id, m.campaign_id) for m in mutations if m.new_status == "PAUSED")
    want = {(c, i) for c in customers for i in ids[c]}
    assert set(paused) == want and set(paused.values()) == {1}, paused
    assert all(statuses[c][i] == "PAUSED" for c, i in want) and (customers[0], kept) not in paused
    assert sorted(out["applied"] + out["reconciled"] + out["already"]) == sorted(f"{c}/{i}" for c, i in want)
    with session_scope(sqlite_url) as s:
        rows = s.scalars(select(AdAction).where(AdAction.case_id == case_id)).all()
        kinds = [e.kind for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))]
    assert len(rows) == len(want) and {r.state for r in rows} == {"applied"}
    assert kinds[-1] == "ads_paused" and set(kinds[:-1]) <= {"ads_pause_failed"}
