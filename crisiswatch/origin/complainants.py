"""One complainant per affected person: everyone with a negative mention in the case in their own words.

A retweet alone does not make a complainant (it amplifies someone else's complaint; the person
to answer is its author), but once someone complains themselves their retweets are listed with
the rest of their mentions. The brand's own account is never a complainant. Likely trolls are kept (a person is answered
or not by a human approving the reply draft, not by a heuristic) but flagged, so the reply
step can show why someone may not deserve the same treatment: `high_volume` (more negative
posts in the case than `troll_posts`) and `no_audience` (no followers, no verification).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from crisiswatch.origin.model import Post


@dataclass(frozen=True, slots=True)
class ComplainantCase:
    author_x_id: int
    username: str
    author_id: int | None  # the database row id, when known
    posts: list[Post]  # all their mentions in the case, in time order
    category: str
    lang: str
    flags: tuple[str, ...] = field(default=())

    @property
    def mention_ids(self) -> list[int]:
        """Database ids of their mentions, in time order (the rows a reply drafts against)."""
        return [p.mention_id for p in self.posts if p.mention_id is not None]

    @property
    def x_ids(self) -> list[int]:
        return [p.x_id for p in self.posts]


def _dominant(values: Sequence[str]) -> str:
    counts = Counter(values)
    return max(counts, key=lambda v: (counts[v], -values.index(v)))


def complainants(
    posts: Sequence[Post],
    *,
    brand_user_id: int | None = None,
    brand_handle: str = "",
    languages: Sequence[str] = ("es", "en"),
    troll_posts: int = 10,
) -> list[ComplainantCase]:
    """Every author with a negative mention of their own (not a retweet), with all their mentions, earliest first."""
    by_author: dict[int, list[Post]] = {}
    for p in sorted(posts, key=lambda p: (p.created_at, p.x_id)):
        if p.author_x_id is None or p.author_x_id == brand_user_id:
            continue
        if brand_handle and p.username.lower() == brand_handle.lower():
            continue
        by_author.setdefault(p.author_x_id, []).append(p)
    out = []
    for author, theirs in by_author.items():
        negative = [p for p in theirs if p.negative and not p.refs("retweeted")]
        if not negative:
            continue
        langs = [p.lang for p in theirs if p.lang in languages]
        flags = []
        if len(negative) > troll_posts:
            flags.append("high_volume")
        if max(p.followers for p in theirs) == 0 and not any(p.verified for p in theirs):
            flags.append("no_audience")
        out.append(
            ComplainantCase(
                author_x_id=author,
                username=theirs[0].username,
                author_id=theirs[0].author_id,
                posts=theirs,
                category=_dominant([p.category for p in negative]),
                lang=_dominant(langs) if langs else languages[0],
                flags=tuple(flags),
            )
        )
    out.sort(key=lambda c: next(p.created_at for p in c.posts if p.negative and not p.refs("retweeted")))
    return out
