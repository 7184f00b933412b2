"""Small synthetic mention sets for the origin tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from crisiswatch.origin.model import OwnPost, Post

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)  # the first signal of the synthetic spikes
BRAND_ID = 42


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def post(
    x_id: int,
    author: int,
    hours: float,
    text: str = "",
    *,
    negative: bool = True,
    category: str = "customer_service",
    reply_to: int | None = None,
    conversation: int | None = None,
    quote: int | None = None,
    retweet: int | None = None,
    urls: tuple[str, ...] = (),
    hashtags: tuple[str, ...] = (),
    followers: int = 100,
    lang: str = "en",
    metrics: dict[str, Any] | None = None,
    reply_to_user: int | None = None,
) -> Post:
    refs = []
    if reply_to is not None:
        refs.append(("replied_to", reply_to))
    if quote is not None:
        refs.append(("quoted", quote))
    if retweet is not None:
        refs.append(("retweeted", retweet))
    return Post(
        x_id=x_id,
        created_at=at(hours),
        text=text or f"post {x_id} by {author} with its own distinct words number {x_id * 7919}",
        author_x_id=author,
        username=f"user{author}",
        followers=followers,
        lang=lang,
        conversation_id=conversation if conversation is not None else (reply_to if reply_to is not None else x_id),
        in_reply_to_user_id=reply_to_user,
        referenced=tuple(refs),
        urls=urls,
        hashtags=hashtags,
        metrics=metrics or {},
        sentiment="negative" if negative else "neutral",
        category=category,
        mention_id=x_id + 100000,
        author_id=author + 5000,
    )


def own(x_id: int, hours: float, text: str = "brand post", *, reply_to: int | None = None, conversation: int | None = None, to_user: int | None = None) -> OwnPost:
    return OwnPost(
        x_id=x_id,
        created_at=at(hours),
        text=text,
        conversation_id=conversation if conversation is not None else (reply_to if reply_to is not None else x_id),
        in_reply_to_user_id=to_user,
        referenced=(("replied_to", reply_to),) if reply_to is not None else (),
    )
