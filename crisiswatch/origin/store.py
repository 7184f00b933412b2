"""Step 2 against the store: load a case's mentions and the brand's posts, analyse, write the findings."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from crisiswatch import clock
from crisiswatch.config import BrandConfig
from crisiswatch.db.models import Author, Brand, BrandPost, Case, CaseEvent, Complainant, Mention, Score
from crisiswatch.db.session import session_scope
from crisiswatch.errors import RejectedInput
from crisiswatch.origin.model import OwnPost, Post, entity_hashtags, entity_urls, parse_referenced
from crisiswatch.origin.report import OriginReport, analyse

_CHUNK = 1000
_TAG = re.compile(r"#(\w+)")


def brand_hashtags(brand: BrandConfig) -> set[str]:
    """Hashtags that say only 'this is about the brand': they join nothing."""
    tags = {brand.handle.lower(), re.sub(r"\W", "", brand.name.lower())}
    for q in brand.queries:
        tags.update(t.lower() for t in _TAG.findall(q))
    return tags


def _post(m: Mention, score: Score | None, author: Author | None) -> Post:
    lang = score.lang if score is not None and score.lang in ("es", "en") else (m.lang or "und")
    return Post(
        x_id=m.x_id,
        created_at=m.created_at,
        text=m.text,
        author_x_id=m.author_x_id,
        username=author.username if author else "",
        followers=author.followers if author else 0,
        verified=author.verified if author else False,
        lang=lang,
        conversation_id=m.conversation_id,
        in_reply_to_user_id=m.in_reply_to_user_id,
        referenced=parse_referenced(m.referenced),
        urls=entity_urls(m.raw),
        hashtags=entity_hashtags(m.raw, m.text),
        metrics=dict(m.metrics or {}),
        sentiment=score.sentiment if score else "neutral",
        category=score.category if score else "other",
        reach=score.reach if score else 0.0,
        direct=m.direct,
        mention_id=m.id,
        author_id=m.author_id,
    )


def _own(b: BrandPost) -> OwnPost:
    return OwnPost(b.x_id, b.created_at, b.text, b.conversation_id, b.in_reply_to_user_id, parse_referenced(b.referenced))


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    items = sorted(set(ids))
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def load_posts(
    s: Session, brand_id: int, since: datetime, until: datetime, brand_user_id: int | None
) -> tuple[list[Post], list[OwnPost]]:
    """The brand's mentions in [since, until] with score and author; its own posts then and those referenced."""
    rows = s.execute(
        select(Mention, Score, Author)
        .outerjoin(Score, Score.mention_id == Mention.id)
        .outerjoin(Author, Author.id == Mention.author_id)
        .where(Mention.brand_id == brand_id, Mention.created_at >= since, Mention.created_at <= until)
        .order_by(Mention.created_at, Mention.x_id)
    ).all()
    posts: list[Post] = []
    own: dict[int, OwnPost] = {}
    for m, score, author in rows:
        post = _post(m, score, author)
        if brand_user_id is not None and m.author_x_id == brand_user_id:
            own[m.x_id] = OwnPost(post.x_id, post.created_at, post.text, post.conversation_id, post.in_reply_to_user_id, post.referenced)
        else:
            posts.append(post)
    window = select(BrandPost).where(BrandPost.brand_id == brand_id, BrandPost.created_at >= since, BrandPost.created_at <= until)
    own.update((b.x_id, _own(b)) for b in s.scalars(window))
    wanted = {i for p in posts for i in (p.conversation_id, *p.refs()) if i is not None} - own.keys()
    for chunk in _chunks(wanted):
        own.update((b.x_id, _own(b)) for b in s.scalars(select(BrandPost).where(BrandPost.brand_id == brand_id, BrandPost.x_id.in_(chunk))))
    return posts, sorted(own.values(), key=lambda o: o.created_at)


def _save(s: Session, case: Case, report: OriginReport) -> None:
    previous = (case.origin or {}).get("type"), ((case.origin or {}).get("patient_zero") or {}).get("x_id")
    case.origin = report.origin_dict()
    case.magnitude = report.magnitude.as_dict()
    existing = {c.author_id: c for c in s.scalars(select(Complainant).where(Complainant.case_id == case.id))}
    for c in report.complainants:
        if c.author_id is None:
            continue
        row = existing.get(c.author_id)
        if row is None:
            row = Complainant(case_id=case.id, author_id=c.author_id)
            s.add(row)
            existing[c.author_id] = row
        row.mention_ids, row.category, row.lang = c.mention_ids, c.category, c.lang
    pz = report.patient_zero
    now = (report.origin_type, str(pz.x_id) if pz else None)
    if now != previous:
        s.add(
            CaseEvent(
                case_id=case.id,
                kind="origin_found",
                message=report.explanation,
                data={
                    "type": report.origin_type,
                    "patient_zero": case.origin["patient_zero"],
                    "mentions": report.magnitude.mentions,
                    "complainants": len(report.complainants),
                    "previous_type": previous[0],
                },
            )
        )


def analyse_case(
    db_url: str, case_id: int, brand: BrandConfig, *, lookback_hours: float = 72, until: datetime | None = None
) -> OriginReport:
    """Find the origin and magnitude of a case and record them: Case.origin/magnitude, complainants, an event.

    Re-running updates the same rows (complainants are keyed by case and author) and adds an
    `origin_found` event only when the origin type or patient zero changed.
    """
    until = until or clock.now()
    with session_scope(db_url) as s:
        case = s.get(Case, case_id)
        if case is None:
            raise RejectedInput(
                f"no case {case_id} in the database; check the case id against the crisis_case table "
                "(setting: CRISISWATCH_DATABASE_URL)"
            )
        brand_row = s.get(Brand, case.brand_id)
        if brand_row is None or brand_row.slug != brand.slug:
            raise RejectedInput(f"case {case_id} belongs to brand {brand_row.slug if brand_row else '?'!r}, not {brand.slug!r}")
        brand_user_id = brand.user_id if brand.user_id is not None else brand_row.x_user_id
        spike_at = case.first_signal_at or case.declared_at
        posts, own = load_posts(s, case.brand_id, spike_at - timedelta(hours=lookback_hours), until, brand_user_id)
        report = analyse(
            posts,
            own,
            case_id=case_id,
            spike_at=spike_at,
            now=until,
            brand_handle=brand.handle,
            brand_user_id=brand_user_id,
            unanswered_after_hours=brand.replies.unanswered_after_hours,
            languages=brand.languages,
            ignore_hashtags=brand_hashtags(brand),
        )
        _save(s, case, report)
    return report
