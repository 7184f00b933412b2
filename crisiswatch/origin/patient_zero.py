"""Patient zero: the earliest post whose spread drives the spike.

First the thread that adds most negative mentions around the first signal (negatives in the
hours after it minus those in as many hours before), then, within that thread, the post it
spreads from: the brand's own post when the thread is rooted at one, the root post when it is
a mention in the case, else the earliest post of the author everyone else retweets, quotes or
replies to most.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from crisiswatch.origin.model import OwnPost, Post
from crisiswatch.origin.threads import Thread, _parent


@dataclass(frozen=True, slots=True)
class PatientZero:
    x_id: int
    username: str
    text: str
    created_at: datetime
    thread_index: int
    author_x_id: int | None = None
    is_brand_post: bool = False
    mention_id: int | None = None
    why: str = ""
    why_facts: tuple[dict[str, Any], ...] = field(default=(), hash=False)  # `why` as coded facts, one per sentence

    @property
    def url(self) -> str:
        return f"https://x.com/{self.username or 'i'}/status/{self.x_id}"

    def as_dict(self) -> dict[str, object]:
        return {
            "x_id": str(self.x_id),
            "author": self.username,
            "author_x_id": str(self.author_x_id) if self.author_x_id is not None else None,
            "text": self.text,
            "created_at": self.created_at.isoformat(),
            "url": self.url,
            "brand_post": self.is_brand_post,
            "thread": self.thread_index,
        }


def spike_growth(thread: Thread, spike_at: datetime, window: timedelta) -> int:
    """Negative mentions of the thread in `window` after the spike minus those in `window` before."""
    after = sum(1 for p in thread.negatives if spike_at <= p.created_at < spike_at + window)
    before = sum(1 for p in thread.negatives if spike_at - window <= p.created_at < spike_at)
    return after - before


def driving_thread(threads: list[Thread], spike_at: datetime, window: timedelta = timedelta(hours=3)) -> Thread | None:
    """The thread that contributes most to the negative growth around `spike_at`."""
    if not threads:
        return None
    return max(threads, key=lambda t: (spike_growth(t, spike_at, window), len(t.negatives), t.size, -t.first_at.timestamp()))


KEY_AUTHOR_HOW = {
    "root": "wrote the post the thread is rooted at",
    "most_spread": "is retweeted, quoted or replied to most in the thread ({times} times)",
    "earliest": "wrote its earliest post",
}


def key_author(thread: Thread) -> tuple[int | None, str, int]:
    """The author the thread spreads from, how we know (a KEY_AUTHOR_HOW code) and how often they were spread."""
    by_id = {p.x_id: p for p in thread.posts}
    if thread.root_in_case:
        root = by_id[thread.root_id]
        return root.author_x_id, "root", 0
    spread: Counter[int] = Counter()
    for p in thread.posts:
        parent = _parent(p)
        if parent is not None and parent in by_id and by_id[parent].author_x_id != p.author_x_id:
            author = by_id[parent].author_x_id
            if author is not None:
                spread[author] += 1
    if spread:
        author, n = max(spread.items(), key=lambda kv: (kv[1], -min(p.created_at.timestamp() for p in thread.posts if p.author_x_id == kv[0])))
        return author, "most_spread", n
    return thread.posts[0].author_x_id, "earliest", 0


def spread_counts(thread: Thread) -> dict[str, int]:
    """How many of the thread's posts are 'retweets', 'quotes', 'replies' or 'other' posts, most common first."""
    kinds: Counter[str] = Counter()
    for p in thread.posts:
        kind = next((k for k in ("retweeted", "quoted", "replied_to") if p.refs(k)), None)
        kinds[{"retweeted": "retweets", "quoted": "quotes", "replied_to": "replies"}.get(kind or "", "other")] += 1
    return {k: n for k, n in kinds.most_common() if n}


def _spread_summary(spread: dict[str, int]) -> str:
    return ", ".join(f"{n} {'other posts' if k == 'other' else k}" for k, n in spread.items())


def _stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M UTC")


def thread_origin(thread: Thread, own_posts: dict[int, OwnPost], brand_handle: str) -> PatientZero:
    """The post a thread spreads from (see the module docstring)."""
    if thread.root_is_brand and thread.root_id in own_posts:
        own = own_posts[thread.root_id]
        return PatientZero(
            x_id=own.x_id, username=brand_handle, text=own.text, created_at=own.created_at,
            thread_index=thread.index, is_brand_post=True,
            why=f"the brand's own post of {_stamp(own.created_at)}, which the thread replies to and quotes",
            why_facts=({"code": "brand_post", "posted_at": own.created_at.isoformat()},),
        )
    if thread.root_in_case:
        post: Post = next(p for p in thread.posts if p.x_id == thread.root_id)
        return PatientZero(
            x_id=post.x_id, username=post.username, text=post.text, created_at=post.created_at,
            thread_index=thread.index, author_x_id=post.author_x_id, mention_id=post.mention_id,
            why=f"@{post.username or post.author_x_id}'s post of {_stamp(post.created_at)} is the root the thread's "
            "retweets, quotes and replies trace back to",
            why_facts=({"code": "root_post", "author": post.username or str(post.author_x_id),
                        "posted_at": post.created_at.isoformat()},),
        )
    author, how, times = key_author(thread)
    post = next((p for p in thread.posts if p.author_x_id == author), thread.posts[0])
    return PatientZero(
        x_id=post.x_id, username=post.username, text=post.text, created_at=post.created_at,
        thread_index=thread.index, author_x_id=post.author_x_id, mention_id=post.mention_id,
        why=f"@{post.username or post.author_x_id} {KEY_AUTHOR_HOW[how].format(times=times)}; "
        f"this is their earliest post in it ({_stamp(post.created_at)})",
        why_facts=({"code": how, "author": post.username or str(post.author_x_id), "times": times,
                    "posted_at": post.created_at.isoformat()},),
    )


def find_patient_zero(
    threads: list[Thread],
    own_posts: dict[int, OwnPost],
    spike_at: datetime,
    brand_handle: str,
    window: timedelta = timedelta(hours=3),
) -> PatientZero | None:
    """Patient zero of the case, with a plain-words explanation of why."""
    thread = driving_thread(threads, spike_at, window)
    if thread is None:
        return None
    pz = thread_origin(thread, own_posts, brand_handle)
    growth = spike_growth(thread, spike_at, window)
    hours = window.total_seconds() / 3600
    spread = spread_counts(thread)
    why = (
        f"{pz.why}. Its thread grew most around the first signal at {_stamp(spike_at)} "
        f"({growth:+d} negative mentions in the {hours:g} h after it against the {hours:g} h before); "
        f"{thread.size} mentions by {len(thread.authors)} people belong to it ({_spread_summary(spread)})."
    )
    grew = {"code": "grew", "spike_at": spike_at.isoformat(), "growth": growth, "hours": hours, "size": thread.size,
            "authors": len(thread.authors), "spread": spread}
    return replace(pz, why=why, why_facts=(*pz.why_facts, grew))
