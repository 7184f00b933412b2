"""Small builders for the detector's unit tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from crisiswatch.detection.windows import ScoredMention
from crisiswatch.scoring.types import MentionScore

T0 = datetime(2026, 3, 4, 14, 0, tzinfo=timezone.utc)  # a Wednesday, 14:00 UTC
_ids = iter(range(1, 10**9))


def score(sentiment: str = "negative", category: str = "service_disruption", reach: float = 100.0, terms: tuple[str, ...] = ()) -> MentionScore:
    value = {"negative": -0.8, "neutral": 0.0, "positive": 0.8}[sentiment]
    return MentionScore("en", sentiment, value, category, terms, reach, True)  # type: ignore[arg-type]


def mentions(n: int, sentiment: str, at: datetime = T0, authors: int | None = None, minutes: int = 15, **kw: object) -> list[ScoredMention]:
    """n mentions spread over `minutes` from `at`, from `authors` distinct people (default: one each)."""
    out = []
    for i in range(n):
        mid = next(_ids)
        author = (i % authors) if authors else 1_000_000 + mid
        out.append(ScoredMention(mid, at + timedelta(seconds=i * minutes * 60 / max(n, 1)), author, score(sentiment, **kw)))  # type: ignore[arg-type]
    return out
