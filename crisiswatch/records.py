"""Plain records passed between connectors, scoring and the store (no ORM, no Prefect)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class AuthorRecord:
    x_id: int
    username: str
    name: str = ""
    verified: bool = False
    followers: int = 0
    following: int = 0
    tweet_count: int = 0


@dataclass(frozen=True, slots=True)
class MentionRecord:
    """One post as fetched from X, normalised; `raw` keeps the payload as received."""

    x_id: int
    text: str
    created_at: datetime
    author_x_id: int | None
    lang: str = "und"
    conversation_id: int | None = None
    in_reply_to_user_id: int | None = None
    referenced: list[dict[str, Any]] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    author: AuthorRecord | None = None


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """What one source returned for one tick: the posts, the newest id, what was rejected."""

    source: str
    query: str
    mentions: list[MentionRecord]
    newest_id: int | None
    rejected: list[str] = field(default_factory=list)
    rate_limited_until: float | None = None
