"""PostgreSQL restarted (and stopped) under a running monitor: the next tick recovers, and in the
end the store holds exactly what a run without a single restart holds."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crisiswatch.connectors.x.sandbox import XSandbox
from crisiswatch.db.models import Cursor, Mention, Score
from crisiswatch.db.session import get_engine, session_scope, upgrade_database
from crisiswatch.demo.timeline import BRAND_CONFIG, BUNDLED_TIMELINE
from crisiswatch.settings import get_settings
from flows.monitor import monitor
from tests.conftest import IN_CI
from tests.e2e.private_postgres import PrivatePostgres

pytestmark = pytest.mark.slow
TOKEN = "pg-restart-token"


@pytest.fixture
def private_pg() -> Iterator[PrivatePostgres]:
    try:
        pg = PrivatePostgres()
        pg.start()
    except (RuntimeError, subprocess.CalledProcessError, FileNotFoundError) as exc:
        if IN_CI:
            raise
        pytest.skip(f"cannot run a private PostgreSQL here: {exc}")
    try:
        yield pg
    finally:
        get_engine(pg.url).dispose()
        pg.destroy()


def _state(db_url: str) -> tuple[list[int], dict[str, int | None], int]:
    with session_scope(db_url) as s:
        ids = sorted(s.scalars(select(Mention.x_id)))
        cursors = {f"{c.source}:{c.query}": c.newest_id for c in s.scalars(select(Cursor))}
        scores = s.scalar(select(func.count()).select_from(Score)) or 0
    return ids, cursors, scores


def _when_fetching(sb: XSandbox, action, started: threading.Event) -> threading.Thread:  # type: ignore[no-untyped-def]
    """Run `action` as soon as the tick's first mentions request reaches X (the tick is mid-way)."""
    before = sb.requests("mentions")

    def watch() -> None:
        while sb.requests("mentions") == before:
            time.sleep(0.02)
        started.set()
        action()

    t = threading.Thread(target=watch, daemon=True)
    t.start()
    return t


def test_monitor_recovers_from_postgres_restarts(harness: None, private_pg: PrivatePostgres, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    pg = private_pg
    upgrade_database(pg.url)
    reference = f"sqlite:///{tmp_path / 'reference.db'}"
    upgrade_database(reference)
    monkeypatch.setenv("CRISISWATCH_X_BEARER_TOKEN", TOKEN)
    with XSandbox(BUNDLED_TIMELINE, bearer_token=TOKEN) as sb:
        monkeypatch.setenv("CRISISWATCH_X_API_BASE_URL", sb.base_url)
        get_settings.cache_clear()
        start = sb.clock.now()
        ticks = [start + timedelta(days=3), start + timedelta(days=4, hours=6), start + timedelta(days=4, hours=9),
                 start + timedelta(days=4, hours=12)]

        def tick(db_url: str, i: int) -> dict:
            sb.clock.set(ticks[i])
            return monitor(brand="cosechaya", config_path=str(BRAND_CONFIG), database_url=db_url, now=ticks[i], respond=False)

        for i in range(len(ticks)):
            tick(reference, i)

        tick(pg.url, 0)
        pg.restart()  # between ticks: every pooled connection is dead now
        assert tick(pg.url, 1)["new_mentions"] > 0

        # during a tick: restarted while the tick waits on X, before it stores
        sb.inject_fault("mentions", delay=2.0)
        hit = threading.Event()
        watcher = _when_fetching(sb, pg.restart, hit)
        tick(pg.url, 2)
        watcher.join(timeout=60)
        assert hit.is_set()

        # stopped during a tick: that tick fails, nothing half-stored; started again, the next tick catches up
        sb.inject_fault("mentions", delay=2.0)
        hit.clear()
        watcher = _when_fetching(sb, pg.stop, hit)
        with pytest.raises(Exception) as failed:  # noqa: PT011 - whatever the driver raises for a refused connection
            tick(pg.url, 3)
        watcher.join(timeout=60)
        assert hit.is_set() and "connection" in str(failed.value).lower(), failed.value
        pg.start()
        pg.wait_ready()
        tick(pg.url, 3)
    get_settings.cache_clear()

    got, want = _state(pg.url), _state(reference)
    assert len(got[0]) == len(set(got[0])), "a mention was stored twice"
    assert got == want
