"""How big a case is: mentions, people, potential reach, velocity, negative share, languages, who matters."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from crisiswatch.origin.model import Post

_HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class InfluentialAuthor:
    username: str
    author_x_id: int | None
    followers: int
    verified: bool
    mentions: int
    negative: bool
    engagement: int
    influence: float  # followers x (1 + engagement of their posts in the case)


@dataclass(frozen=True, slots=True)
class Magnitude:
    mentions: int = 0
    negative: int = 0
    unique_authors: int = 0
    potential_reach: int = 0  # the followers of the unique authors
    negative_share: float = 0.0
    peak_velocity: float = 0.0  # mentions in the busiest clock hour
    average_velocity: float = 0.0  # mentions per hour from the first to the last
    languages: dict[str, int] = field(default_factory=dict)
    first_at: datetime | None = None
    peak_at: datetime | None = None  # start of the busiest hour
    last_at: datetime | None = None
    top_authors: list[InfluentialAuthor] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready (for Case.magnitude)."""
        d = asdict(self)
        for k in ("first_at", "peak_at", "last_at"):
            d[k] = d[k].isoformat() if d[k] else None
        for a in d["top_authors"]:
            a["author_x_id"] = str(a["author_x_id"]) if a["author_x_id"] is not None else None
        return d


def influential_authors(posts: Sequence[Post], limit: int = 10) -> list[InfluentialAuthor]:
    """Authors by influence, those with a negative mention first."""
    by_author: dict[object, list[Post]] = {}
    for p in posts:
        by_author.setdefault(p.author_x_id if p.author_x_id is not None else f"@{p.username}", []).append(p)
    out = []
    for theirs in by_author.values():
        followers = max(p.followers for p in theirs)
        engagement = sum(p.engagement for p in theirs)
        out.append(
            InfluentialAuthor(
                username=theirs[0].username,
                author_x_id=theirs[0].author_x_id,
                followers=followers,
                verified=any(p.verified for p in theirs),
                mentions=len(theirs),
                negative=any(p.negative for p in theirs),
                engagement=engagement,
                influence=float(followers * (1 + engagement)),
            )
        )
    out.sort(key=lambda a: (not a.negative, -a.influence, a.username))
    return out[:limit]


def measure(posts: Sequence[Post], top: int = 10) -> Magnitude:
    """The magnitude of a set of mentions."""
    if not posts:
        return Magnitude()
    posts = sorted(posts, key=lambda p: p.created_at)
    followers: dict[object, int] = {}
    for p in posts:
        key = p.author_x_id if p.author_x_id is not None else f"@{p.username}"
        followers[key] = max(followers.get(key, 0), p.followers)
    hours = Counter(p.created_at.replace(minute=0, second=0, microsecond=0) for p in posts)
    peak_at, peak = max(hours.items(), key=lambda kv: (kv[1], -kv[0].timestamp()))
    first, last = posts[0].created_at, posts[-1].created_at
    span_hours = max((last - first) / _HOUR, 1.0)
    negative = sum(1 for p in posts if p.negative)
    return Magnitude(
        mentions=len(posts),
        negative=negative,
        unique_authors=len(followers),
        potential_reach=sum(followers.values()),
        negative_share=round(negative / len(posts), 4),
        peak_velocity=float(peak),
        average_velocity=round(len(posts) / span_hours, 2),
        languages=dict(Counter(p.lang for p in posts).most_common()),
        first_at=first,
        peak_at=peak_at,
        last_at=last,
        top_authors=influential_authors(posts, top),
    )
