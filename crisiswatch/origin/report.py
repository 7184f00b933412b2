"""The whole of step 2 over plain records: threads, patient zero, types, magnitude, complainants."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from crisiswatch.origin.classify import Hearing, classify_threads
from crisiswatch.origin.complainants import ComplainantCase, complainants
from crisiswatch.origin.magnitude import Magnitude, measure
from crisiswatch.origin.model import OwnPost, Post
from crisiswatch.origin.patient_zero import PatientZero, find_patient_zero, spike_growth
from crisiswatch.origin.threads import Thread, group_threads

MAX_THREADS_LISTED = 20


@dataclass(slots=True)
class OriginReport:
    """What step 2 found for one case."""

    case_id: int
    spike_at: datetime
    origin_type: str
    patient_zero: PatientZero | None
    explanation: str
    threads: list[Thread]  # the case's threads, earliest first
    magnitude: Magnitude
    complainants: list[ComplainantCase]
    hearings: dict[int, Hearing] = field(default_factory=dict)
    window: timedelta = timedelta(hours=3)
    why_facts: list[dict[str, Any]] = field(default_factory=list)  # `explanation` as coded facts, one per sentence

    @property
    def patient_zero_thread(self) -> Thread | None:
        if self.patient_zero is None:
            return None
        return next(t for t in self.threads if t.index == self.patient_zero.thread_index)

    def thread_of(self, x_id: int) -> Thread | None:
        """The thread a mention (or a brand post at a thread's root) belongs to."""
        return next((t for t in self.threads if t.root_id == x_id or any(p.x_id == x_id for p in t.posts)), None)

    def listed_threads(self) -> list[Thread]:
        """The threads worth listing: the biggest, plus the patient zero's and every brand-rooted one."""
        pz = self.patient_zero_thread
        chosen = sorted(self.threads, key=lambda t: (-t.size, t.first_at))[:MAX_THREADS_LISTED]
        extra = [t for t in self.threads if (t is pz or t.root_is_brand) and t not in chosen]
        return sorted(chosen + extra, key=lambda t: (t is not pz, -t.size, t.first_at))

    def thread_summary(self, t: Thread) -> dict[str, object]:
        hear = self.hearings.get(t.index)
        return {
            "index": t.index,
            "root": str(t.root_id),
            "root_is_brand_post": t.root_is_brand,
            "type": t.type,
            "size": t.size,
            "authors": len(t.authors),
            "usernames": t.usernames(),
            "negative_share": round(t.negative_share, 4),
            "reach": t.reach,
            "languages": t.languages,
            "first_at": t.first_at.isoformat(),
            "last_at": t.last_at.isoformat(),
            "growth_at_spike": spike_growth(t, self.spike_at, self.window),
            "joined_by": dict(t.links),
            "key_author_heard": None if hear is None else {"unheard": hear.unheard, "reason": hear.reason},
        }

    def origin_dict(self) -> dict[str, object]:
        """JSON-ready (for Case.origin)."""
        return {
            "type": self.origin_type,
            "patient_zero": self.patient_zero.as_dict() if self.patient_zero else None,
            "explanation": self.explanation,
            "why": self.why_facts,
            "spike_at": self.spike_at.isoformat(),
            "thread_count": len(self.threads),
            "threads": [self.thread_summary(t) for t in self.listed_threads()],
            "complainants": len(self.complainants),
            "flagged_complainants": {c.username: list(c.flags) for c in self.complainants if c.flags},
        }

    def table_rows(self) -> list[dict[str, str]]:
        """Rows (measure, value) for a table artifact: the origin, the magnitude, then the threads."""
        m = self.magnitude
        pz = self.patient_zero
        rows = [
            ("origin type", self.origin_type),
            ("patient zero", f"@{pz.username}: {pz.text}" if pz else "none found"),
            ("patient zero link", pz.url if pz else ""),
            ("patient zero posted", pz.created_at.isoformat() if pz else ""),
            ("why", self.explanation),
            ("mentions", str(m.mentions)),
            ("negative share", f"{m.negative_share:.0%}"),
            ("unique authors", str(m.unique_authors)),
            ("potential reach", f"{m.potential_reach:,}"),
            ("peak velocity (mentions/hour)", f"{m.peak_velocity:g} at {m.peak_at.isoformat() if m.peak_at else '-'}"),
            ("average velocity (mentions/hour)", f"{m.average_velocity:g}"),
            ("languages", ", ".join(f"{k} {v}" for k, v in m.languages.items())),
            ("first mention", m.first_at.isoformat() if m.first_at else ""),
            ("most influential", ", ".join(f"@{a.username} ({a.followers:,})" for a in m.top_authors[:5])),
            ("complainants", str(len(self.complainants))),
        ]
        for t in self.listed_threads():
            rows.append(
                (
                    f"thread {t.index}: {t.type}",
                    f"root {t.root_id}{' (brand post)' if t.root_is_brand else ''}; {t.size} mentions, "
                    f"{len(t.authors)} authors, {t.negative_share:.0%} negative, from {t.first_at:%Y-%m-%d %H:%M}",
                )
            )
        return [{"measure": k, "value": v} for k, v in rows]


def case_posts(threads: Sequence[Thread], since: datetime, origin: Thread | None = None) -> list[Post]:
    """The case's mentions: every one from `since` on, plus the origin thread's earlier history."""
    out = {p.x_id: p for t in threads for p in t.posts if p.created_at >= since}
    if origin is not None:
        out.update((p.x_id, p) for p in origin.posts)
    return sorted(out.values(), key=lambda p: (p.created_at, p.x_id))


def analyse(
    posts: Sequence[Post],
    own_posts: Sequence[OwnPost],
    *,
    case_id: int = 0,
    spike_at: datetime,
    now: datetime,
    brand_handle: str,
    brand_user_id: int | None = None,
    unanswered_after_hours: float = 24,
    languages: Sequence[str] = ("es", "en"),
    ignore_hashtags: Iterable[str] = (),
    window: timedelta = timedelta(hours=3),
) -> OriginReport:
    """Step 2 on a brand's mentions around a spike (with the brand's own posts to see whom it answered)."""
    posts = [p for p in posts if p.author_x_id is None or p.author_x_id != brand_user_id]
    all_threads = group_threads(posts, own_posts, ignore_hashtags=ignore_hashtags)
    threads = [t for t in all_threads if t.last_at >= spike_at - window]
    for i, t in enumerate(threads):
        t.index = i
    hearings = classify_threads(threads, posts, own_posts, spike_at, timedelta(hours=unanswered_after_hours), now)
    own = {o.x_id: o for o in own_posts}
    pz = find_patient_zero(threads, own, spike_at, brand_handle, window)
    origin_type = "other"
    explanation = "no mentions around the first signal"
    why_facts: list[dict[str, Any]] = [{"code": "no_mentions"}]
    thread = None
    if pz is not None:
        thread = next(t for t in threads if t.index == pz.thread_index)
        origin_type = thread.type
        hear = hearings.get(thread.index)
        explanation = pz.why
        why_facts = list(pz.why_facts)
        if hear is not None:
            explanation += f" The author {hear.reason}."
            why_facts.append(hear.facts)
        explanation += f" Origin type: {origin_type}."
        why_facts.append({"code": "type", "type": origin_type})
    members = case_posts(threads, spike_at - window, thread)
    return OriginReport(
        case_id=case_id,
        spike_at=spike_at,
        origin_type=origin_type,
        patient_zero=pz,
        explanation=explanation,
        threads=threads,
        magnitude=measure(members),
        complainants=complainants(members, brand_user_id=brand_user_id, brand_handle=brand_handle, languages=languages),
        hearings=hearings,
        window=window,
        why_facts=why_facts,
    )
