"""Posts of the demo timeline and their X API v2 replay lines (filtered-stream messages)."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from crisiswatch.demo.people import BRAND_HANDLE, User

TWITTER_EPOCH_MS = 1288834974657
_MENTION = re.compile(r"(?<!\w)@(\w{1,15})")
_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")
_NAME = re.compile(r"cosecha ya|(?<![@#\w])cosechaya")
_TCO = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

# The filtered-stream rules the demo brand would run: (id, value, tag).
RULES: tuple[tuple[str, str, str], ...] = (
    ("1765432109876543201", f"@{BRAND_HANDLE}", "mention"),
    ("1765432109876543202", '"Cosecha Ya" OR CosechaYa', "brand_name"),
    ("1765432109876543203", '"Tinto Arriero" OR CosechaPlus', "product"),
    ("1765432109876543204", 'cosechalla OR "cosecha lla"', "misspelling"),
    ("1765432109876543205", f"#{BRAND_HANDLE}", "hashtag"),
    ("1765432109876543206", f"from:{BRAND_HANDLE}", "brand_posts"),
)
_RULE = {tag: {"id": rid, "tag": tag} for rid, _, tag in RULES}


@dataclass(slots=True, eq=False)
class Post:
    """One post before ids are assigned; references point at other Post objects."""

    seq: int
    t: int  # milliseconds since the Unix epoch
    author: User
    text: str
    lang: str
    phase: str
    kind: str
    reply_to: Post | None = None
    quote_of: Post | None = None
    retweet_of: Post | None = None
    root: Post | None = None
    likes: int = 0
    replies: int = 0
    retweets: int = 0
    quotes: int = 0
    answered_at: int | None = None  # when the brand replied to it, if it did
    id: int = 0


class Feed:
    """Collects posts; builds replies, quotes and retweets the way X shapes them."""

    def __init__(self, rng: random.Random, brand: User) -> None:
        self.rng = rng
        self.brand = brand
        self.posts: list[Post] = []

    def post(self, t: int, author: User, text: str, lang: str, phase: str, kind: str, likes: int = 0) -> Post:
        p = Post(len(self.posts), t, author, text, lang, phase, kind, likes=likes)
        p.root = p
        self.posts.append(p)
        return p

    def reply(self, parent: Post, t: int, author: User, body: str, lang: str, phase: str, kind: str,
              likes: int = 0) -> Post:
        """A reply: X prefixes the handles of the people in the conversation."""
        handles = [parent.author.username]
        if parent.author is not self.brand and f"@{BRAND_HANDLE.lower()}" in parent.text.lower():
            handles.append(BRAND_HANDLE)
        prefix = " ".join(f"@{h}" for h in handles if h != author.username)
        p = self.post(max(t, parent.t + 1000), author, f"{prefix} {body}".strip(), lang, phase, kind, likes)
        p.reply_to, p.root = parent, parent.root
        parent.replies += 1
        if author is self.brand and parent.answered_at is None:
            parent.answered_at = p.t
        return p

    def quote(self, orig: Post, t: int, author: User, body: str, lang: str, phase: str, kind: str,
              likes: int = 0) -> Post:
        link = "".join(self.rng.choices(_TCO, k=10))
        p = self.post(max(t, orig.t + 1000), author, f"{body} https://t.co/{link}", lang, phase, kind, likes)
        p.quote_of = orig
        orig.quotes += 1
        return p

    def retweet(self, orig: Post, t: int, author: User, phase: str, kind: str = "retweet") -> Post:
        text = f"RT @{orig.author.username}: {orig.text}"
        if len(text) > 280:
            text = text[:279] + "…"
        p = self.post(max(t, orig.t + 1000), author, text, orig.lang, phase, kind)
        p.retweet_of = orig
        orig.retweets += 1
        return p

    def assign_ids(self) -> list[Post]:
        """Sort by time and give each post a snowflake id that grows with time."""
        ordered = sorted(self.posts, key=lambda p: (p.t, p.seq))
        prev = 0
        rng = self.rng
        for p in ordered:
            sid = ((p.t - TWITTER_EPOCH_MS) << 22) | (rng.randrange(1024) << 12)
            p.id = sid if sid > prev else prev + 1
            prev = p.id
        return ordered


def iso_ms(t: int) -> str:
    """X's created_at: ISO 8601 UTC with milliseconds and a Z."""
    return datetime.fromtimestamp(t // 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{t % 1000:03d}Z"


def matching_rules(p: Post, brand: User) -> list[dict[str, str]]:
    """Which of RULES the post matches (what the filtered stream would report)."""
    if p.author is brand:
        return [dict(_RULE["brand_posts"])]
    low = p.text.lower()
    out = []
    if "@cosechaya" in low:
        out.append(dict(_RULE["mention"]))
    if _NAME.search(low):
        out.append(dict(_RULE["brand_name"]))
    if "tinto arriero" in low or "cosechaplus" in low:
        out.append(dict(_RULE["product"]))
    if "cosechalla" in low or "cosecha lla" in low:
        out.append(dict(_RULE["misspelling"]))
    if re.search(r"#cosechaya\b", low):
        out.append(dict(_RULE["hashtag"]))
    return out


def _entity_spans(text: str, users: dict[str, User], cache: dict[str, tuple[Any, Any]]) -> tuple[Any, Any]:
    spans = cache.get(text)
    if spans is None:
        mentions = []
        for m in _MENTION.finditer(text):
            u = users.get(m.group(1).lower())
            mentions.append((m.start(), m.end(), m.group(1), str(u.id) if u is not None else None))
        tags = [(m.start(), m.end(), m.group(1)) for m in _HASHTAG.finditer(text)] if "#" in text else []
        spans = cache[text] = (mentions, tags)
    return spans


def _entities(text: str, users: dict[str, User], cache: dict[str, tuple[Any, Any]]) -> dict[str, Any] | None:
    """X's entities.mentions and entities.hashtags (fresh dicts; the parsing is cached per text)."""
    mentions, tags = _entity_spans(text, users, cache)
    ent: dict[str, Any] = {}
    if mentions:
        ent["mentions"] = [{"start": s, "end": e, "username": n, "id": i} if i else {"start": s, "end": e, "username": n}
                           for s, e, n, i in mentions]
    if tags:
        ent["hashtags"] = [{"start": s, "end": e, "tag": t} for s, e, t in tags]
    return ent or None


def to_line(p: Post, brand: User, users: dict[str, User], cache: dict[str, tuple[Any, Any]]) -> dict[str, Any]:
    """The replay line of one post: {"data", "includes", "matching_rules"} (+ "sandbox")."""
    a = p.author
    tweet: dict[str, Any] = {
        "id": str(p.id),
        "text": p.text,
        "created_at": iso_ms(p.t),
        "author_id": str(a.id),
        "lang": p.lang,
        "conversation_id": str(p.root.id if p.root is not None else p.id),
    }
    if p.reply_to is not None:
        tweet["in_reply_to_user_id"] = str(p.reply_to.author.id)
        tweet["referenced_tweets"] = [{"type": "replied_to", "id": str(p.reply_to.id)}]
    elif p.quote_of is not None:
        tweet["referenced_tweets"] = [{"type": "quoted", "id": str(p.quote_of.id)}]
    elif p.retweet_of is not None:
        tweet["referenced_tweets"] = [{"type": "retweeted", "id": str(p.retweet_of.id)}]
    if p.retweet_of is not None:
        metrics = {"retweet_count": 0, "reply_count": 0, "like_count": 0, "quote_count": 0,
                   "impression_count": a.followers // 4}
    else:
        likes = p.likes + 4 * p.retweets + p.replies + 2 * p.quotes
        metrics = {
            "retweet_count": p.retweets,
            "reply_count": p.replies,
            "like_count": likes,
            "quote_count": p.quotes,
            "impression_count": a.followers // 3 + 30 * likes + 120 * (p.retweets + p.quotes) + 7,
        }
    tweet["public_metrics"] = metrics
    ent = _entities(p.text, users, cache)
    if ent:
        tweet["entities"] = ent
    user = a.as_payload()
    user = {**user, "public_metrics": dict(user["public_metrics"])}
    line: dict[str, Any] = {"data": tweet, "includes": {"users": [user]},
                            "matching_rules": matching_rules(p, brand)}
    if a.dm_closed:
        line["sandbox"] = {"dm_closed": True}
    return line
