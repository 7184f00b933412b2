"""The origin type of each thread and of the case (crisiswatch.config.ORIGIN_TYPES).

In order of precedence:
- marketing_misunderstanding: the thread is rooted at the brand's own post (people reply to it
  and quote it) and at least `MARKETING_MIN_NEGATIVE_SHARE` of it is negative (happy replies to
  a promotion are no misunderstanding), or its negative mentions are mostly about a misread campaign;
- unheard_customer: the author the thread spreads from mentioned the brand before the spike
  and no brand post answered them within `unanswered_after_hours` of that first mention
  (a reply to one of their posts, in their conversation, or addressed to them). While that
  time has not yet run out at the analysis time and no answer came, they are not (yet) unheard;
- service_failure / product_problem / ethics_legal: the dominant category of the thread's
  negative mentions (service_disruption, product_quality, ethics_legal);
- other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from crisiswatch.origin.model import OwnPost, Post
from crisiswatch.origin.patient_zero import key_author
from crisiswatch.origin.threads import Thread

MARKETING_MIN_NEGATIVE_SHARE = 0.2
CATEGORY_ORIGIN = {
    "service_disruption": "service_failure",
    "product_quality": "product_problem",
    "ethics_legal": "ethics_legal",
    "marketing_misunderstanding": "marketing_misunderstanding",
}


@dataclass(frozen=True, slots=True)
class Hearing:
    """Whether the brand answered an author, and the evidence."""

    unheard: bool
    reason: str
    first_mention_at: datetime | None = None
    answered_at: datetime | None = None
    facts: dict[str, Any] = field(default_factory=dict, hash=False)  # `reason` as a code and its figures


def _answers(own: OwnPost, author_x_id: int, post_ids: set[int]) -> bool:
    """A brand post addressed to the author, replying to one of their posts, or in a conversation they started."""
    if own.in_reply_to_user_id is not None and own.in_reply_to_user_id == author_x_id:
        return True
    if own.conversation_id is not None and own.conversation_id in post_ids:
        return True
    return any(ref in post_ids for ref in own.refs())


def hearing(
    author_x_id: int,
    posts: Sequence[Post],
    own_posts: Sequence[OwnPost],
    spike_at: datetime,
    unanswered_after: timedelta,
    now: datetime,
) -> Hearing:
    """Did the author mention the brand before the spike and go unanswered for the configured time?"""
    theirs = sorted((p for p in posts if p.author_x_id == author_x_id and p.created_at < spike_at), key=lambda p: p.created_at)
    if not theirs:
        return Hearing(False, "did not mention the brand before the spike", facts={"code": "no_earlier_mention"})
    first = theirs[0].created_at
    deadline = first + unanswered_after
    window = [p for p in theirs if p.created_at <= deadline]
    ids = {p.x_id for p in window}
    answers = sorted(
        (o for o in own_posts if first <= o.created_at <= deadline and _answers(o, author_x_id, ids)),
        key=lambda o: o.created_at,
    )
    hours = unanswered_after.total_seconds() / 3600
    if answers:
        took = (answers[0].created_at - first).total_seconds() / 3600
        return Hearing(False, f"the brand answered {took:.1f} h after their first mention", first, answers[0].created_at,
                       facts={"code": "answered", "took_hours": round(took, 1)})
    if now < deadline:
        left = (deadline - now).total_seconds() / 3600
        return Hearing(False, f"not answered yet, {left:.1f} h left of the configured {hours:g} h", first,
                       facts={"code": "waiting", "left_hours": round(left, 1), "hours": hours})
    return Hearing(
        True,
        f"mentioned the brand {len(theirs)} time(s) before the spike, first at {first:%Y-%m-%d %H:%M} UTC, "
        f"and got no reply from the brand within {hours:g} h",
        first,
        facts={"code": "unheard", "mentions": len(theirs), "first_at": first.isoformat(), "hours": hours},
    )


def category_origin(category: str) -> str:
    return CATEGORY_ORIGIN.get(category, "other")


def classify_thread(thread: Thread, hear: Hearing | None) -> str:
    if thread.root_is_brand and thread.negative_share >= MARKETING_MIN_NEGATIVE_SHARE:
        return "marketing_misunderstanding"
    if hear is not None and hear.unheard:
        return "unheard_customer"
    return category_origin(thread.dominant_category)


def classify_threads(
    threads: Sequence[Thread],
    posts: Sequence[Post],
    own_posts: Sequence[OwnPost],
    spike_at: datetime,
    unanswered_after: timedelta,
    now: datetime,
) -> dict[int, Hearing]:
    """Set every thread's `type`; returns the hearing of each thread's key author, by thread index."""
    by_author: dict[int, list[Post]] = {}
    for p in posts:
        if p.author_x_id is not None:
            by_author.setdefault(p.author_x_id, []).append(p)
    hearings: dict[int, Hearing] = {}
    for t in threads:
        hear = None
        if not t.root_is_brand:
            author = key_author(t)[0]
            if author is not None:
                hear = hearing(author, by_author.get(author, []), own_posts, spike_at, unanswered_after, now)
                hearings[t.index] = hear
        t.type = classify_thread(t, hear)
    return hearings
