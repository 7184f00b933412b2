"""DESIGN.md's data model as SQLAlchemy 2 typed ORM classes (SQLite or PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from crisiswatch import clock


def utcnow() -> datetime:
    """Now, on crisiswatch's clock (a replay's simulated time while one runs)."""
    return clock.now()


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both SQLite (naive storage) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: crisiswatch stores UTC-aware datetimes only")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class Brand(Base):
    __tablename__ = "brand"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    handle: Mapped[str] = mapped_column(String(32), default="")
    x_user_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Author(Base):
    __tablename__ = "author"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    x_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    username: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    followers: Mapped[int] = mapped_column(BigInteger, default=0)
    following: Mapped[int] = mapped_column(BigInteger, default=0)
    tweet_count: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Mention(Base):
    """One post about a brand; the same post about two brands is stored once per brand."""

    __tablename__ = "mention"
    __table_args__ = (UniqueConstraint("brand_id", "x_id", name="uq_mention_brand_x_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id"), index=True)
    x_id: Mapped[int] = mapped_column(BigInteger)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("author.id"), index=True)
    author_x_id: Mapped[int | None] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(16), default="und")
    created_at: Mapped[datetime] = mapped_column(index=True)
    conversation_id: Mapped[int | None] = mapped_column(BigInteger)
    in_reply_to_user_id: Mapped[int | None] = mapped_column(BigInteger)
    referenced: Mapped[list[Any]] = mapped_column(default=list)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    raw: Mapped[dict[str, Any]] = mapped_column(default=dict)
    source: Mapped[str] = mapped_column(String(16))
    query: Mapped[str] = mapped_column(String(512), default="")
    direct: Mapped[bool] = mapped_column(Boolean, default=False)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)


class BrandPost(Base):
    """A post by the brand's own account: kept apart from mentions, read to see whom it answered."""

    __tablename__ = "brand_post"
    __table_args__ = (UniqueConstraint("brand_id", "x_id", name="uq_brand_post"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id"), index=True)
    x_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(index=True)
    conversation_id: Mapped[int | None] = mapped_column(BigInteger)
    in_reply_to_user_id: Mapped[int | None] = mapped_column(BigInteger)
    referenced: Mapped[list[Any]] = mapped_column(default=list)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Cursor(Base):
    """The newest X id stored for one source and query of a brand."""

    __tablename__ = "cursor"
    __table_args__ = (UniqueConstraint("brand_id", "source", "query", name="uq_cursor_source"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id"))
    source: Mapped[str] = mapped_column(String(16))
    query: Mapped[str] = mapped_column(String(512), default="")
    newest_id: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Score(Base):
    __tablename__ = "score"
    mention_id: Mapped[int] = mapped_column(ForeignKey("mention.id"), primary_key=True)
    lang: Mapped[str] = mapped_column(String(8))
    sentiment: Mapped[str] = mapped_column(String(16))
    sentiment_score: Mapped[float] = mapped_column(Float)
    category: Mapped[str] = mapped_column(String(40))
    crisis_terms: Mapped[list[Any]] = mapped_column(default=list)
    reach: Mapped[float] = mapped_column(Float, default=0.0)
    direct: Mapped[bool] = mapped_column(Boolean, default=False)


class Window(Base):
    __tablename__ = "window"
    __table_args__ = (UniqueConstraint("brand_id", "start", name="uq_window_brand_start"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id"), index=True)
    start: Mapped[datetime] = mapped_column()
    end: Mapped[datetime] = mapped_column()
    volume: Mapped[int] = mapped_column(Integer, default=0)
    negative: Mapped[int] = mapped_column(Integer, default=0)
    baseline: Mapped[float] = mapped_column(Float, default=0.0)
    negative_share: Mapped[float] = mapped_column(Float, default=0.0)
    velocity: Mapped[float] = mapped_column(Float, default=0.0)
    unique_authors: Mapped[int] = mapped_column(Integer, default=0)
    negative_reach: Mapped[float] = mapped_column(Float, default=0.0)
    crisis_terms: Mapped[int] = mapped_column(Integer, default=0)
    risk: Mapped[float] = mapped_column(Float, default=0.0)
    level: Mapped[str] = mapped_column(String(16), default="normal")
    factors: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # the window's mentions in compact form (crisiswatch.detection.windows.WindowTally): late mentions
    # recompute the window exactly, and feeding the same mention twice changes nothing
    tally: Mapped[dict[str, Any]] = mapped_column(default=dict)


class DetectorState(Base):
    """The crisis detector of one brand between ticks: baseline, level, recent windows (JSON)."""

    __tablename__ = "detector_state"
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id"), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Case(Base):
    """A crisis of one brand, from declaration to resolution."""

    __tablename__ = "crisis_case"
    # at most one open case per brand, even under concurrent ticks
    __table_args__ = (
        Index(
            "uq_crisis_case_open_brand",
            "brand_id",
            unique=True,
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    risk: Mapped[float] = mapped_column(Float, default=0.0)
    category: Mapped[str] = mapped_column(String(40), default="other")
    first_signal_at: Mapped[datetime | None] = mapped_column()
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column()
    origin: Mapped[dict[str, Any]] = mapped_column(default=dict)
    magnitude: Mapped[dict[str, Any]] = mapped_column(default=dict)
    factors: Mapped[dict[str, Any]] = mapped_column(default=dict)
    resolution: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")


class CaseEvent(Base):
    """Append-only timeline of a case."""

    __tablename__ = "case_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("crisis_case.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AdAction(Base):
    """One campaign status change crisiswatch planned or made, recorded before and after the call."""

    __tablename__ = "ad_action"
    __table_args__ = (
        UniqueConstraint("case_id", "customer_id", "campaign_id", "action", name="uq_ad_action"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("crisis_case.id"), index=True)
    customer_id: Mapped[str] = mapped_column(String(20))
    campaign_id: Mapped[str] = mapped_column(String(20))
    campaign_name: Mapped[str] = mapped_column(String(255), default="")
    action: Mapped[str] = mapped_column(String(16))  # pause | resume
    previous_status: Mapped[str] = mapped_column(String(16))
    new_status: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="planned")  # planned|applied|failed|skipped|dry_run
    error: Mapped[str] = mapped_column(Text, default="")
    flow_run_id: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column()


class Complainant(Base):
    """One affected person within a case, answered on their own."""

    __tablename__ = "complainant"
    __table_args__ = (UniqueConstraint("case_id", "author_id", name="uq_complainant"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("crisis_case.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"))
    mention_ids: Mapped[list[Any]] = mapped_column(default=list)
    category: Mapped[str] = mapped_column(String(40), default="other")
    lang: Mapped[str] = mapped_column(String(8), default="en")


class Ticket(Base):
    __tablename__ = "ticket"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("crisis_case.id"), index=True)
    department: Mapped[str] = mapped_column(String(64))
    backend: Mapped[str] = mapped_column(String(16))
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    external_key: Mapped[str] = mapped_column(String(128), default="")
    url: Mapped[str] = mapped_column(String(512), default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|open|failed|closed
    severity: Mapped[str] = mapped_column(String(16), default="high")
    title: Mapped[str] = mapped_column(String(255), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    sla_due_at: Mapped[datetime | None] = mapped_column()
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()


class ReplyDraft(Base):
    __tablename__ = "reply_draft"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("crisis_case.id"), index=True)
    complainant_id: Mapped[int] = mapped_column(ForeignKey("complainant.id"), index=True)
    mention_id: Mapped[int] = mapped_column(ForeignKey("mention.id"))
    lang: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(8))  # dm | public
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    flag_reason: Mapped[str] = mapped_column(Text, default="")
    approver: Mapped[str] = mapped_column(String(128), default="")
    approved_at: Mapped[datetime | None] = mapped_column()
    edits: Mapped[list[Any]] = mapped_column(default=list)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    external_id: Mapped[str] = mapped_column(String(64), default="")
    sent_at: Mapped[datetime | None] = mapped_column()
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PostMortem(Base):
    __tablename__ = "post_mortem"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("crisis_case.id"), unique=True)
    markdown: Mapped[str] = mapped_column(Text)
    path: Mapped[str] = mapped_column(String(512), default="")
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
