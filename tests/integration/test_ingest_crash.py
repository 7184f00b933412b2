"""A crash between fetching and committing loses nothing and duplicates nothing on the next tick."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from crisiswatch.config import parse_config
from crisiswatch.connectors.x.client import mention_source_from_settings
from crisiswatch.connectors.x.sandbox import XSandbox
from crisiswatch.db.models import Cursor, Mention
from crisiswatch.db.session import session_scope
from crisiswatch.ingest import StoreResult, brand_sources, ensure_brand, fetch_new_posts, load_cursors, store_pages
from crisiswatch.replay import make_post
from crisiswatch.settings import Settings
from tests.conftest import REPO

BRAND_USER_ID = 42
TOKEN = "crash-test-token"
BRAND = parse_config({"slug": "acme", "name": "Acme", "handle": "AcmeAir", "user_id": BRAND_USER_ID, "queries": ["acme"]}).brands[0]
T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)


def tick(db_url: str, base_url: str) -> StoreResult:
    """What one monitor tick does, without Prefect: every source fetched, one store transaction."""
    source = mention_source_from_settings(Settings(x_api_base_url=base_url, x_bearer_token=TOKEN))
    brand_id = ensure_brand(db_url, BRAND)
    cursors = load_cursors(db_url, brand_id)
    pages = [fetch_new_posts(source, src, BRAND_USER_ID, cursors.get(src)) for src in brand_sources(BRAND)]
    return store_pages(db_url, brand_id, BRAND, pages, brand_user_id=BRAND_USER_ID)


def _timeline(n: int) -> list[dict]:
    posts = [make_post(1, "We are Acme", author_id=BRAND_USER_ID, username="AcmeAir", created_at=T0)]
    for i in range(n):
        text = f"@AcmeAir flight {i} cancelled" if i % 2 else f"acme lost my bag {i}"
        posts.append(make_post(100 + i, text, author_id=1000 + i % 37, username=f"u{i % 37}", created_at=T0 + timedelta(minutes=i)))
    return posts


def _stored(db_url: str) -> tuple[int, int]:
    with session_scope(db_url) as s:
        return (s.scalar(select(func.count()).select_from(Mention)) or 0, s.scalar(select(func.count(func.distinct(Mention.x_id)))) or 0)


def test_killed_tick_loses_and_duplicates_nothing(db_url: str) -> None:
    with XSandbox(_timeline(300), bearer_token=TOKEN, start=T0 + timedelta(minutes=149)) as sb:
        tick(db_url, sb.base_url)  # a first, clean tick: 150 posts stored, cursors set
        first, _ = _stored(db_url)
        assert first == 150

        sb.clock.set(T0 + timedelta(minutes=400))
        child = subprocess.run(
            [sys.executable, "-m", "tests.integration.ingest_crash_child", db_url, sb.base_url],
            cwd=REPO, capture_output=True, text=True, timeout=120,
        )
        assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
        assert _stored(db_url) == (first, first)  # the dead tick's transaction left nothing behind
        with session_scope(db_url) as s:
            assert max(c.newest_id or 0 for c in s.scalars(select(Cursor))) == 100 + 149  # no cursor moved

        after = tick(db_url, sb.base_url)
        assert after.stored == 150 and after.duplicates == 0
        assert _stored(db_url) == (300, 300)
        assert tick(db_url, sb.base_url).stored == 0
