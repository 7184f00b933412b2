"""Group a case's mentions into threads: one story spreading, whatever way it spreads.

A union-find joins two mentions when they share a conversation, reference (reply to, quote,
retweet) the same post or each other, share a link (a specific page, not a home page; a
link to an X post counts as a reference to it), share a rare hashtag, or say nearly the same
words. Each thread is rooted at the post most of its members trace back to, which may be a
brand post or a post outside the case.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit

from crisiswatch.origin.model import OwnPost, Post
from crisiswatch.origin.neardup import near_duplicate_pairs

_STATUS_URL = re.compile(r"^(?:mobile\.)?(?:x|twitter)\.com/\w+/status(?:es)?/(\d+)")
_SHORTENERS = {"t.co", "bit.ly", "ow.ly", "buff.ly"}
_MAX_DEPTH = 50

Key = tuple[str, object]


@dataclass(slots=True)
class Thread:
    """A group of mentions telling one story, in time order."""

    index: int
    root_id: int
    root_is_brand: bool
    root_in_case: bool
    posts: list[Post]
    links: Counter[str] = field(default_factory=Counter)  # how members were joined: conversation, reference, ...
    type: str = "other"  # an ORIGIN_TYPE, set by classify

    @property
    def size(self) -> int:
        return len(self.posts)

    @property
    def first_at(self) -> datetime:
        return self.posts[0].created_at

    @property
    def last_at(self) -> datetime:
        return self.posts[-1].created_at

    @property
    def authors(self) -> set[int]:
        return {p.author_x_id for p in self.posts if p.author_x_id is not None}

    @property
    def negatives(self) -> list[Post]:
        return [p for p in self.posts if p.negative]

    @property
    def negative_share(self) -> float:
        return len(self.negatives) / len(self.posts) if self.posts else 0.0

    @property
    def reach(self) -> int:
        """Potential audience: the followers of its unique authors."""
        seen: dict[int, int] = {}
        for p in self.posts:
            if p.author_x_id is not None:
                seen[p.author_x_id] = max(seen.get(p.author_x_id, 0), p.followers)
        return sum(seen.values())

    @property
    def languages(self) -> dict[str, int]:
        return dict(Counter(p.lang for p in self.posts).most_common())

    @property
    def dominant_category(self) -> str:
        """The most frequent category of its negative mentions (of all mentions when none is negative)."""
        pool = self.negatives or self.posts
        counts = Counter(p.category for p in pool)
        return max(counts, key=lambda c: (counts[c], -next(i for i, p in enumerate(pool) if p.category == c)))

    def usernames(self, limit: int = 10) -> list[str]:
        return list(dict.fromkeys(p.username for p in self.posts if p.username))[:limit]


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[Key, Key] = {}

    def find(self, k: Key) -> Key:
        parent = self.parent.setdefault(k, k)
        if parent == k:
            return k
        root = k
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[k] != root:
            self.parent[k], k = root, self.parent[k]
        return root

    def union(self, a: Key, b: Key) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.parent[rb] = ra
        return True


def normalise_url(url: str) -> Key | None:
    """The key a link joins on: ("p", id) for an X post, ("u", host/path?query) for a page, None for home pages."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host or host in _SHORTENERS:
        return None
    path = parts.path.rstrip("/")
    m = _STATUS_URL.match(f"{host}{path}")
    if m:
        return ("p", int(m.group(1)))
    if not path:
        return None
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query) if not k.lower().startswith(("utm_", "fbclid", "gclid"))))
    return ("u", f"{host}{path}{'?' + query if query else ''}")


def rare_hashtags(posts: Sequence[Post], ignore: Iterable[str] = (), max_share: float = 0.25) -> set[str]:
    """Hashtags used by at least two posts but at most `max_share` of them, minus the brand's own."""
    ignored = {t.lower().lstrip("#") for t in ignore}
    counts = Counter(t for p in posts for t in set(p.hashtags))
    limit = max(2, int(max_share * len(posts)))
    return {t for t, n in counts.items() if 2 <= n <= limit and t not in ignored}


def _parent(post: Post | OwnPost) -> int | None:
    """The post this one spreads: what it retweets or quotes, else the top of its reply tree."""
    for kind in ("retweeted", "quoted"):
        refs = post.refs(kind)
        if refs:
            return refs[0]
    if post.conversation_id and post.conversation_id != post.x_id:
        return post.conversation_id
    refs = post.refs("replied_to")
    return refs[0] if refs else None


def trace_root(x_id: int, known: dict[int, Post | OwnPost]) -> int:
    """Follow retweets, quotes and replies up while the parent is a post we hold."""
    current, seen = x_id, {x_id}
    for _ in range(_MAX_DEPTH):
        post = known.get(current)
        parent = _parent(post) if post is not None else None
        if parent is None or parent in seen:
            return current
        seen.add(parent)
        current = parent
    return current


def group_threads(
    posts: Sequence[Post],
    own_posts: Sequence[OwnPost] = (),
    *,
    ignore_hashtags: Iterable[str] = (),
    hashtag_max_share: float = 0.25,
    near_duplicate_threshold: float = 0.6,
) -> list[Thread]:
    """Threads of `posts` (the brand's own posts only help tracing), earliest first."""
    posts = sorted(posts, key=lambda p: (p.created_at, p.x_id))
    uf = _UnionFind()
    links: dict[Key, Counter[str]] = {}

    def join(a: Key, b: Key, why: str) -> None:
        if uf.union(a, b):
            links.setdefault(a, Counter())[why] += 1  # counted again per component below

    rare = rare_hashtags(posts, ignore_hashtags, hashtag_max_share)
    for own in own_posts:
        if own.conversation_id and own.conversation_id != own.x_id:
            join(("p", own.x_id), ("p", own.conversation_id), "conversation")
    for p in posts:
        node: Key = ("p", p.x_id)
        uf.find(node)
        if p.conversation_id and p.conversation_id != p.x_id:
            join(node, ("p", p.conversation_id), "conversation")
        for _kind, ref in p.referenced:
            join(node, ("p", ref), "reference")
        for url in p.urls:
            key = normalise_url(url)
            if key is not None:
                join(node, key, "reference" if key[0] == "p" else "link")
        for tag in p.hashtags:
            if tag in rare:
                join(node, ("h", tag), "hashtag")
    # a retweet repeats its original (joined already); a reply speaks to its own conversation, so
    # the same short answer under two different posts ("until when is the promo?") joins nothing
    written = [p for p in posts if not p.refs("retweeted", "replied_to") and p.conversation_id in (None, p.x_id)]
    for i, j in near_duplicate_pairs([p.text for p in written], near_duplicate_threshold):
        join(("p", written[i].x_id), ("p", written[j].x_id), "near_duplicate")

    groups: dict[Key, list[Post]] = {}
    for p in posts:
        groups.setdefault(uf.find(("p", p.x_id)), []).append(p)
    why_by_group: dict[Key, Counter[str]] = {}
    for k, c in links.items():
        why_by_group.setdefault(uf.find(k), Counter()).update(c)

    known: dict[int, Post | OwnPost] = {o.x_id: o for o in own_posts}
    known.update((p.x_id, p) for p in posts)
    own_ids = {o.x_id for o in own_posts}
    by_id = {p.x_id: p for p in posts}
    threads: list[Thread] = []
    for key, members in sorted(groups.items(), key=lambda kv: (kv[1][0].created_at, kv[1][0].x_id)):
        roots = Counter(trace_root(p.x_id, known) for p in members)
        root = max(roots, key=lambda r: (roots[r], -(known[r].created_at.timestamp() if r in known else float("inf")), -r))
        threads.append(
            Thread(
                index=len(threads),
                root_id=root,
                root_is_brand=root in own_ids,
                root_in_case=root in by_id,
                posts=members,
                links=why_by_group.get(key, Counter()),
            )
        )
    return threads
