"""Step 1, detect: which sources a brand is watched through, and storing what they returned.

A tick fetches every source, then stores all pages in ONE transaction: authors upserted,
mentions inserted once per (brand, X id), cursors advanced. A cursor only moves in the
transaction that commits its mentions, so a crash before the commit loses nothing (the next
tick fetches the same posts again) and duplicates nothing (the unique key drops repeats).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crisiswatch import clock
from crisiswatch.config import BrandConfig
from crisiswatch.connectors.x.port import MentionSource
from crisiswatch.db.models import Author, Brand, BrandPost, Cursor, Mention
from crisiswatch.db.session import dialect_insert, session_scope
from crisiswatch.records import AuthorRecord, FetchedPage, MentionRecord

log = logging.getLogger("crisiswatch.ingest")

MENTIONS = "mentions"
SEARCH = "search"
OWN = "own"  # the brand's own posts (recent search from:handle): stored apart, read to see whom it answered
_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class Source:
    """One place a brand's posts come from: its mentions timeline, or one search query."""

    kind: str  # "mentions" | "search" | "own"
    query: str = ""

    @property
    def label(self) -> str:
        return self.kind if self.kind == MENTIONS else f"search:{self.query}"


@dataclass(slots=True)
class StoreResult:
    new_mention_ids: list[int] = field(default_factory=list)
    duplicates: int = 0
    rejected: int = 0
    cursors: dict[str, int | None] = field(default_factory=dict)

    @property
    def stored(self) -> int:
        return len(self.new_mention_ids)


def brand_sources(brand: BrandConfig) -> list[Source]:
    """The brand's mentions timeline, one recent search per configured query, and its own posts."""
    searches = [Source(SEARCH, q) for q in dict.fromkeys(brand.queries)]
    return [Source(MENTIONS), *searches, Source(OWN, f"from:{brand.handle} -is:retweet")]


def fetch_new_posts(reader: MentionSource, src: Source, brand_user_id: int, since_id: int | None) -> FetchedPage:
    """Every post of one source newer than its cursor (all pages), labelled with the source."""
    if src.kind == MENTIONS:
        page = reader.fetch_mentions(brand_user_id, since_id, exclude_author_id=brand_user_id)
    elif src.kind == OWN:
        page = reader.search_recent(src.query, since_id)
    else:
        page = reader.search_recent(src.query, since_id, exclude_author_id=brand_user_id)
    return replace(page, source=src.kind, query=src.query)


def ensure_brand(db_url: str, brand: BrandConfig, x_user_id: int | None = None) -> int:
    """The Brand row's id, created on first use; keeps handle and X user id current."""
    with session_scope(db_url) as s:
        row = s.scalar(select(Brand).where(Brand.slug == brand.slug))
        if row is None:
            row = Brand(slug=brand.slug, name=brand.name, handle=brand.handle)
            s.add(row)
        row.name, row.handle = brand.name, brand.handle
        if x_user_id is not None or brand.user_id is not None:
            row.x_user_id = x_user_id if x_user_id is not None else brand.user_id
        s.flush()
        return row.id


def load_cursors(db_url: str, brand_id: int) -> dict[Source, int | None]:
    with session_scope(db_url) as s:
        rows = s.execute(select(Cursor.source, Cursor.query, Cursor.newest_id).where(Cursor.brand_id == brand_id))
        return {Source(src, q): newest for src, q, newest in rows}


def _upsert_authors(session: Session, authors: Iterable[AuthorRecord]) -> dict[int, int]:
    """Insert or refresh authors; returns X id → row id."""
    unique = {a.x_id: a for a in authors}
    if not unique:
        return {}
    insert = dialect_insert(session)
    now = clock.now()
    values = [
        {
            "x_id": a.x_id,
            "username": a.username[:64],
            "name": a.name[:200],
            "verified": a.verified,
            "followers": a.followers,
            "following": a.following,
            "tweet_count": a.tweet_count,
            "updated_at": now,
        }
        for a in unique.values()
    ]
    table = Author.__table__
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.x_id],
        set_={k: stmt.excluded[k] for k in ("username", "name", "verified", "followers", "following", "tweet_count", "updated_at")},
    )
    session.connection().execute(stmt, values)  # executemany: compiled once, sent in batches
    ids: dict[int, int] = {}
    keys = list(unique)
    for i in range(0, len(keys), _CHUNK):
        ids.update((x, i_) for x, i_ in session.execute(select(Author.x_id, Author.id).where(Author.x_id.in_(keys[i : i + _CHUNK]))))
    return ids


def _is_direct(m: MentionRecord, source: str, brand: BrandConfig, brand_user_id: int | None) -> bool:
    if source == MENTIONS:
        return True
    if brand_user_id is not None and m.in_reply_to_user_id == brand_user_id:
        return True
    return f"@{brand.handle.lower()}" in m.text.lower()


def store_pages(
    db_url: str, brand_id: int, brand: BrandConfig, pages: Sequence[FetchedPage], brand_user_id: int | None = None
) -> StoreResult:
    """Store every page of one tick in one transaction; cursors move with their mentions."""
    result = StoreResult(rejected=sum(len(p.rejected) for p in pages))
    with session_scope(db_url) as s:
        author_ids = _upsert_authors(s, (m.author for p in pages for m in p.mentions if m.author is not None))
        # one entry per X id: a post seen through two sources this tick is direct if either says so
        seen: dict[int, tuple[MentionRecord, FetchedPage, bool]] = {}
        for page in pages:
            if page.source == OWN:
                continue
            for m in page.mentions:
                direct = _is_direct(m, page.source, brand, brand_user_id)
                if m.x_id in seen:
                    first, first_page, was_direct = seen[m.x_id]
                    seen[m.x_id] = (first, first_page, was_direct or direct)
                else:
                    seen[m.x_id] = (m, page, direct)
        _store_own_posts(s, brand_id, [p for p in pages if p.source == OWN])
        table = Mention.__table__
        stmt = dialect_insert(s)(table).on_conflict_do_nothing(index_elements=[table.c.brand_id, table.c.x_id]).returning(table.c.id)
        now = clock.now()
        entries = list(seen.values())
        for i in range(0, len(entries), _CHUNK):  # row dicts built a chunk at a time: memory stays flat
            values = [_mention_row(brand_id, m, page, direct, author_ids, now) for m, page, direct in entries[i : i + _CHUNK]]
            result.new_mention_ids.extend(s.connection().execute(stmt, values).scalars().all())
        result.duplicates = len(entries) - len(result.new_mention_ids)
        for page in pages:
            result.cursors[Source(page.source, page.query).label] = _advance_cursor(s, brand_id, page)
    log.info(
        "stored %d new mentions (%d already stored, %d rejected) for brand %d",
        result.stored, result.duplicates, result.rejected, brand_id,
    )
    return result


def _mention_row(
    brand_id: int, m: MentionRecord, page: FetchedPage, direct: bool, author_ids: dict[int, int], now: datetime
) -> dict[str, Any]:
    return {
        "brand_id": brand_id,
        "x_id": m.x_id,
        "author_id": author_ids.get(m.author_x_id) if m.author_x_id is not None else None,
        "author_x_id": m.author_x_id,
        "text": m.text,
        "lang": (m.lang or "und")[:16],
        "created_at": m.created_at,
        "conversation_id": m.conversation_id,
        "in_reply_to_user_id": m.in_reply_to_user_id,
        "referenced": m.referenced,
        "metrics": m.metrics,
        "raw": m.raw,
        "source": page.source,
        "query": page.query[:512],
        "direct": direct,
        "fetched_at": now,
    }


def _store_own_posts(session: Session, brand_id: int, pages: Sequence[FetchedPage]) -> None:
    values = {
        m.x_id: {
            "brand_id": brand_id,
            "x_id": m.x_id,
            "text": m.text,
            "created_at": m.created_at,
            "conversation_id": m.conversation_id,
            "in_reply_to_user_id": m.in_reply_to_user_id,
            "referenced": m.referenced,
            "metrics": m.metrics,
        }
        for page in pages
        for m in page.mentions
    }
    rows = list(values.values())
    if rows:
        table = BrandPost.__table__
        stmt = dialect_insert(session)(table).on_conflict_do_nothing(index_elements=[table.c.brand_id, table.c.x_id])
        session.connection().execute(stmt, rows)


def _advance_cursor(session: Session, brand_id: int, page: FetchedPage) -> int | None:
    row = session.scalar(
        select(Cursor).where(Cursor.brand_id == brand_id, Cursor.source == page.source, Cursor.query == page.query)
    )
    if row is None:
        row = Cursor(brand_id=brand_id, source=page.source, query=page.query, newest_id=None)
        session.add(row)
    if page.newest_id is not None and (row.newest_id is None or page.newest_id > row.newest_id):
        row.newest_id = page.newest_id
        row.updated_at = clock.now()
    return row.newest_id


def stored_mention_count(db_url: str, brand_id: int) -> int:
    from sqlalchemy import func

    with session_scope(db_url) as s:
        return s.scalar(select(func.count()).select_from(Mention).where(Mention.brand_id == brand_id)) or 0


__all__ = [
    "MENTIONS",
    "OWN",
    "SEARCH",
    "Source",
    "StoreResult",
    "brand_sources",
    "ensure_brand",
    "fetch_new_posts",
    "load_cursors",
    "store_pages",
    "stored_mention_count",
]
