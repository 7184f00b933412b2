"""Fixed, epoch-aligned windows of scored mentions: what a window holds and what it adds up to."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from crisiswatch.scoring.types import MentionScore

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
PER_AUTHOR_CAP = 3  # in one window, an author's posts count at most this many times toward volume factors
_TOP = 5
_SENT = {"negative": -1, "neutral": 0, "positive": 1}


@dataclass(frozen=True, slots=True)
class ScoredMention:
    """One scored mention as the detector needs it; mention_id is whatever id the caller stores."""

    mention_id: int
    created_at: datetime
    author_id: int | str | None
    score: MentionScore


def window_start(at: datetime, minutes: int) -> datetime:
    """The start of the epoch-aligned window of `minutes` that contains `at` (UTC)."""
    if at.tzinfo is None:
        raise ValueError(f"naive datetime {at!r}: the detector needs UTC-aware datetimes")
    step = minutes * 60
    seconds = int((at - EPOCH).total_seconds() // step) * step
    return EPOCH + timedelta(seconds=seconds)


def window_starts(first: datetime, end: datetime, minutes: int) -> Iterator[datetime]:
    """Starts of every window from the one holding `first` up to (excluding) the one starting at/after `end`."""
    s, step = window_start(first, minutes), timedelta(minutes=minutes)
    while s < end:
        yield s
        s += step


@dataclass(slots=True)
class WindowTally:
    """The mentions of one window in compact form: merging is idempotent (keyed by mention id)."""

    start: datetime
    minutes: int
    # mention id -> [author key, sentiment (-1/0/1), reach, category, crisis terms]
    mentions: dict[int, list[Any]] = field(default_factory=dict)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)

    def add(self, m: ScoredMention) -> None:
        author = str(m.author_id) if m.author_id is not None else f"m{m.mention_id}"
        s = m.score
        self.mentions[int(m.mention_id)] = [author, _SENT[s.sentiment], float(s.reach), s.category, list(s.crisis_terms)]

    def merge(self, other: WindowTally) -> int:
        """Add another tally's mentions; returns how many were new."""
        new = sum(1 for k in other.mentions if k not in self.mentions)
        self.mentions.update(other.mentions)
        return new

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "minutes": self.minutes, "mentions": {str(k): v for k, v in self.mentions.items()}}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> WindowTally:
        return cls(datetime.fromisoformat(d["start"]), int(d["minutes"]), {int(k): v for k, v in d.get("mentions", {}).items()})

    def stats(self) -> WindowStats:
        return compute_stats(self)


@dataclass(frozen=True, slots=True)
class WindowStats:
    """What one window adds up to; `evidence` names the mentions behind each factor."""

    start: datetime
    end: datetime
    volume: int = 0
    negative: int = 0
    capped_volume: float = 0.0  # each author counted at most PER_AUTHOR_CAP times
    capped_negative: float = 0.0
    unique_authors: int = 0
    unique_negative_authors: int = 0
    negative_reach: float = 0.0  # sum over negative authors of their largest reach (not per post)
    crisis_term_mentions: int = 0
    top_author: str | None = None  # the author with most negative posts
    top_author_negative_share: float = 0.0
    negative_categories: dict[str, int] = field(default_factory=dict)
    crisis_terms: dict[str, int] = field(default_factory=dict)
    evidence: dict[str, list[int]] = field(default_factory=dict)

    @property
    def negative_share(self) -> float:
        return self.negative / self.volume if self.volume else 0.0

    @property
    def dominant_category(self) -> str:
        if not self.negative_categories:
            return "other"
        return max(sorted(self.negative_categories), key=lambda c: self.negative_categories[c])

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["start"], d["end"] = self.start.isoformat(), self.end.isoformat()
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> WindowStats:
        kw = dict(d)
        kw["start"], kw["end"] = datetime.fromisoformat(d["start"]), datetime.fromisoformat(d["end"])
        return cls(**kw)


def _top(rows: Iterable[tuple[float, int, str]], per_author: bool = True) -> list[int]:
    out, seen = [], set()
    for _reach, mid, author in sorted(rows, key=lambda r: (-r[0], r[1])):
        if per_author and author in seen:
            continue
        seen.add(author)
        out.append(mid)
        if len(out) == _TOP:
            break
    return out


def compute_stats(tally: WindowTally) -> WindowStats:
    """Add up one window's mentions."""
    authors: dict[str, list[float]] = {}  # author -> [posts, negative posts, max negative reach]
    cats: dict[str, int] = {}
    terms: dict[str, int] = {}
    negative_rows, all_rows, term_rows = [], [], []
    negative = term_mentions = 0
    for mid, (author, sent, reach, category, crisis_terms) in tally.mentions.items():
        a = authors.setdefault(author, [0, 0, 0.0])
        a[0] += 1
        all_rows.append((reach, mid, author))
        if sent < 0:
            negative += 1
            a[1] += 1
            a[2] = max(a[2], reach)
            cats[category] = cats.get(category, 0) + 1
            negative_rows.append((reach, mid, author))
        if crisis_terms:
            term_mentions += 1
            term_rows.append((reach, mid, author))
            for t in crisis_terms:
                terms[t] = terms.get(t, 0) + 1
    neg_authors = {k: v for k, v in authors.items() if v[1] > 0}
    top_author = max(sorted(neg_authors), key=lambda k: neg_authors[k][1]) if neg_authors else None
    evidence = {
        "negative": _top(negative_rows),
        "volume": _top(all_rows),
        "crisis_terms": _top(term_rows),
    }
    if top_author is not None:
        evidence["top_author"] = _top([r for r in negative_rows if r[2] == top_author], per_author=False)
    return WindowStats(
        start=tally.start,
        end=tally.end,
        volume=len(tally.mentions),
        negative=negative,
        capped_volume=float(sum(min(v[0], PER_AUTHOR_CAP) for v in authors.values())),
        capped_negative=float(sum(min(v[1], PER_AUTHOR_CAP) for v in authors.values())),
        unique_authors=len(authors),
        unique_negative_authors=len(neg_authors),
        negative_reach=float(sum(v[2] for v in neg_authors.values())),
        crisis_term_mentions=term_mentions,
        top_author=top_author,
        top_author_negative_share=neg_authors[top_author][1] / negative if top_author else 0.0,
        negative_categories=cats,
        crisis_terms=terms,
        evidence=evidence,
    )


def tally_mentions(mentions: Iterable[ScoredMention], minutes: int) -> dict[datetime, WindowTally]:
    """Group scored mentions into epoch-aligned windows of `minutes`."""
    out: dict[datetime, WindowTally] = {}
    for m in mentions:
        s = window_start(m.created_at, minutes)
        out.setdefault(s, WindowTally(s, minutes)).add(m)
    return out


def aggregate(
    mentions: Iterable[ScoredMention], minutes: int, start: datetime | None = None, end: datetime | None = None
) -> list[WindowStats]:
    """Stats of every window from `start` to `end` (empty windows included); default: the span of the mentions."""
    tallies = tally_mentions(mentions, minutes)
    if not tallies and (start is None or end is None):
        return []
    first = start or min(tallies)
    last = end or (max(tallies) + timedelta(minutes=minutes))
    return [(tallies.get(s) or WindowTally(s, minutes)).stats() for s in window_starts(first, last, minutes)]
