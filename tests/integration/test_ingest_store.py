"""Storing a tick's pages: once per (brand, X id), cursors advancing with their mentions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from crisiswatch.config import parse_config
from crisiswatch.db.models import Author, Cursor, Mention
from crisiswatch.db.session import session_scope
from crisiswatch.ingest import MENTIONS, SEARCH, Source, ensure_brand, load_cursors, store_pages
from crisiswatch.records import AuthorRecord, FetchedPage, MentionRecord

BRAND = parse_config({"slug": "acme", "name": "Acme", "handle": "acme", "user_id": 42, "queries": ["acme", "#acmefail"]}).brands[0]
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


def post(x_id: int, author: int = 7, text: str = "hola @acme", followers: int = 10) -> MentionRecord:
    return MentionRecord(
        x_id=x_id,
        text=text,
        created_at=T0 + timedelta(seconds=x_id),
        author_x_id=author,
        lang="es",
        author=AuthorRecord(x_id=author, username=f"user{author}", followers=followers),
        raw={"id": str(x_id), "text": text},
    )


def test_pages_store_once_and_move_cursors(db_url: str) -> None:
    brand_id = ensure_brand(db_url, BRAND)
    pages = [
        FetchedPage(MENTIONS, "", [post(1), post(2), post(3, author=8)], newest_id=3),
        FetchedPage(SEARCH, "acme", [post(3, author=8), post(4, author=9, text="acme otra vez")], newest_id=4),
    ]
    first = store_pages(db_url, brand_id, BRAND, pages, brand_user_id=42)
    assert first.stored == 4 and first.duplicates == 0
    assert load_cursors(db_url, brand_id) == {Source(MENTIONS): 3, Source(SEARCH, "acme"): 4}

    again = store_pages(db_url, brand_id, BRAND, [FetchedPage(MENTIONS, "", [post(3, 8, followers=99), post(5)], newest_id=5)])
    assert again.stored == 1 and again.duplicates == 1
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(Mention)) == 5
        assert s.scalar(select(Author.followers).where(Author.x_id == 8)) == 99  # author refreshed
        direct = {x: d for x, d in s.execute(select(Mention.x_id, Mention.direct))}
    assert direct[4] is False and direct[1] is True


def test_cursor_never_moves_backwards(db_url: str) -> None:
    brand_id = ensure_brand(db_url, BRAND)
    store_pages(db_url, brand_id, BRAND, [FetchedPage(MENTIONS, "", [post(10)], newest_id=10)])
    store_pages(db_url, brand_id, BRAND, [FetchedPage(MENTIONS, "", [], newest_id=None)])
    store_pages(db_url, brand_id, BRAND, [FetchedPage(MENTIONS, "", [post(9)], newest_id=9)])
    with session_scope(db_url) as s:
        assert s.scalar(select(Cursor.newest_id)) == 10


def test_failed_transaction_moves_no_cursor(db_url: str) -> None:
    brand_id = ensure_brand(db_url, BRAND)
    bad = MentionRecord(x_id=11, text="x", created_at=datetime(2026, 1, 1), author_x_id=None)  # naive datetime: refused
    try:
        store_pages(db_url, brand_id, BRAND, [FetchedPage(MENTIONS, "", [post(12), bad], newest_id=12)])
    except Exception:  # noqa: BLE001
        pass
    assert load_cursors(db_url, brand_id) == {}
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(Mention)) == 0
