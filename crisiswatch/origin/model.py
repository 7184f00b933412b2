"""The plain records origin analysis works on: a mention with its score and author, a brand post."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

REF_TYPES = ("replied_to", "quoted", "retweeted")
_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")


@dataclass(frozen=True, slots=True)
class Post:
    """One mention of the brand, as origin analysis sees it (score and author folded in)."""

    x_id: int
    created_at: datetime
    text: str
    author_x_id: int | None
    username: str = ""
    followers: int = 0
    verified: bool = False
    lang: str = "und"
    conversation_id: int | None = None
    in_reply_to_user_id: int | None = None
    referenced: tuple[tuple[str, int], ...] = ()  # (type, x id) as X sends them
    urls: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    metrics: dict[str, Any] = field(default_factory=dict)
    sentiment: str = "neutral"
    category: str = "other"
    reach: float = 0.0
    direct: bool = False
    mention_id: int | None = None  # the database row id, when the post came from the store
    author_id: int | None = None  # the database row id of the author

    @property
    def negative(self) -> bool:
        return self.sentiment == "negative"

    @property
    def engagement(self) -> int:
        m = self.metrics or {}
        return sum(int(m.get(k) or 0) for k in ("like_count", "retweet_count", "reply_count", "quote_count"))

    def refs(self, *types: str) -> list[int]:
        """Referenced post ids, of the given types (all types when none given)."""
        return [i for t, i in self.referenced if not types or t in types]


@dataclass(frozen=True, slots=True)
class OwnPost:
    """A post by the brand's own account."""

    x_id: int
    created_at: datetime
    text: str = ""
    conversation_id: int | None = None
    in_reply_to_user_id: int | None = None
    referenced: tuple[tuple[str, int], ...] = ()

    def refs(self, *types: str) -> list[int]:
        return [i for t, i in self.referenced if not types or t in types]


def parse_referenced(items: Any) -> tuple[tuple[str, int], ...]:
    """X's `referenced_tweets` list ({"type", "id"} with string ids) as (type, int id) pairs."""
    out: list[tuple[str, int]] = []
    for item in items or ():
        if not isinstance(item, dict):
            continue
        kind, ident = item.get("type"), item.get("id")
        if kind in REF_TYPES and ident is not None and str(ident).isdigit():
            out.append((str(kind), int(ident)))
    return tuple(out)


def entity_urls(raw: dict[str, Any] | None) -> tuple[str, ...]:
    """The expanded URLs of a post's entities (the t.co short links are not useful)."""
    urls = ((raw or {}).get("entities") or {}).get("urls") or []
    out = []
    for u in urls:
        if isinstance(u, dict):
            v = u.get("unwound_url") or u.get("expanded_url") or u.get("url")
            if isinstance(v, str) and v:
                out.append(v)
    return tuple(out)


def entity_hashtags(raw: dict[str, Any] | None, text: str) -> tuple[str, ...]:
    """Lower-cased hashtags from the entities, or from the text when X sent none."""
    tags = ((raw or {}).get("entities") or {}).get("hashtags")
    if tags:
        found = [t.get("tag", "") for t in tags if isinstance(t, dict)]
    else:
        found = _HASHTAG.findall(text or "")
    return tuple(dict.fromkeys(t.lower() for t in found if t))
