"""Scoring stored mentions in batches and keeping their Score rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from crisiswatch.config import BrandConfig
from crisiswatch.db.models import Author, Mention, Score
from crisiswatch.db.session import dialect_insert, session_scope
from crisiswatch.records import AuthorRecord, MentionRecord
from crisiswatch.scoring.mentions import score_mentions
from crisiswatch.scoring.types import MentionScore, TextScorer

_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class StoredMention:
    """What the detector needs of a stored mention."""

    id: int
    x_id: int
    created_at: datetime
    author_x_id: int | None


def _record(m: Mention, a: Author | None) -> MentionRecord:
    author = (
        AuthorRecord(a.x_id, a.username, a.name, a.verified, a.followers, a.following, a.tweet_count) if a is not None else None
    )
    return MentionRecord(
        x_id=m.x_id, text=m.text, created_at=m.created_at, author_x_id=m.author_x_id, lang=m.lang,
        conversation_id=m.conversation_id, in_reply_to_user_id=m.in_reply_to_user_id, referenced=m.referenced,
        metrics=m.metrics, author=author,
    )


def score_stored_mentions(
    db_url: str, brand: BrandConfig, mention_ids: Sequence[int], scorer: TextScorer | None = None
) -> list[tuple[StoredMention, MentionScore]]:
    """Score these stored mentions in one batch and keep a Score row for each (once)."""
    out: list[tuple[StoredMention, MentionScore]] = []
    for i in range(0, len(mention_ids), _CHUNK):
        chunk = list(mention_ids[i : i + _CHUNK])
        with session_scope(db_url) as s:
            rows = s.execute(
                select(Mention, Author).outerjoin(Author, Author.id == Mention.author_id).where(Mention.id.in_(chunk))
            ).all()
            scores = score_mentions([_record(m, a) for m, a in rows], brand, scorer)
            values = [
                {
                    "mention_id": m.id, "lang": sc.lang, "sentiment": sc.sentiment, "sentiment_score": sc.sentiment_score,
                    "category": sc.category, "crisis_terms": list(sc.crisis_terms), "reach": sc.reach, "direct": sc.direct,
                }
                for (m, _), sc in zip(rows, scores, strict=True)
            ]
            if values:
                s.execute(dialect_insert(s)(Score).values(values).on_conflict_do_nothing(index_elements=[Score.mention_id]))
            out.extend(
                (StoredMention(m.id, m.x_id, m.created_at, m.author_x_id), sc) for (m, _), sc in zip(rows, scores, strict=True)
            )
    return out
