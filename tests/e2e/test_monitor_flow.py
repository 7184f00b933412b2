"""The monitor flow under Prefect, through the real tweepy client, against the X sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crisiswatch.connectors.x.parsing import parse_time
from crisiswatch.connectors.x.sandbox import XSandbox
from crisiswatch.db.models import BrandPost, Cursor, Mention
from crisiswatch.db.session import session_scope
from crisiswatch.demo.timeline import BRAND_CONFIG, BUNDLED_TIMELINE
from crisiswatch.replay import read_replay
from crisiswatch.settings import get_settings
from flows.monitor import monitor


@pytest.fixture
def x_sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[XSandbox]:
    with XSandbox(BUNDLED_TIMELINE, bearer_token="test-token") as sb:
        monkeypatch.setenv("CRISISWATCH_X_API_BASE_URL", sb.base_url)
        monkeypatch.setenv("CRISISWATCH_X_BEARER_TOKEN", "test-token")
        get_settings.cache_clear()
        yield sb
    get_settings.cache_clear()


def _counts(db_url: str) -> tuple[int, int, int]:
    with session_scope(db_url) as s:
        mentions = s.scalar(select(func.count()).select_from(Mention)) or 0
        distinct = s.scalar(select(func.count(func.distinct(Mention.x_id)))) or 0
        own = s.scalar(select(func.count()).select_from(BrandPost)) or 0
    return mentions, distinct, own


def test_ticks_store_every_visible_mention_once(harness: None, x_sandbox: XSandbox, db_url: str) -> None:
    posts = list(read_replay(BUNDLED_TIMELINE))
    brand_id = 1367493218856742913
    start = x_sandbox.clock.now()
    x_sandbox.clock.set(start + timedelta(hours=30))

    first = monitor(brand="cosechaya", config_path=str(BRAND_CONFIG), database_url=db_url)
    visible = [p for p in posts if parse_time(p.tweet["created_at"]) <= start + timedelta(hours=30)]
    expected_own = sum(1 for p in visible if p.author_id == brand_id and not any(r.get('type') == 'retweeted' for r in p.tweet.get('referenced_tweets') or []))
    mentions, distinct, own = _counts(db_url)
    assert first["new_mentions"] == mentions > 0
    assert mentions == distinct  # once per X id
    assert own == expected_own  # the brand's own posts are kept apart, not counted as mentions
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(Mention).where(Mention.author_x_id == brand_id)) == 0

    again = monitor(brand="cosechaya", config_path=str(BRAND_CONFIG), database_url=db_url)
    assert again["new_mentions"] == 0  # cursors moved: nothing fetched twice

    x_sandbox.clock.set(start + timedelta(hours=40))
    later = monitor(brand="cosechaya", config_path=str(BRAND_CONFIG), database_url=db_url)
    assert later["new_mentions"] > 0 and later["duplicates"] < later["new_mentions"]
    with session_scope(db_url) as s:
        cursors = s.scalars(select(Cursor)).all()
    assert {c.source for c in cursors} == {"mentions", "search", "own"}
