"""Scores for fetched mentions: the text's reading plus reach and directness; a per-text risk."""

from __future__ import annotations

from collections.abc import Sequence

from crisiswatch.config import BrandConfig
from crisiswatch.records import MentionRecord
from crisiswatch.scoring.categories import SEVERITY
from crisiswatch.scoring.crisis import find_crisis_terms
from crisiswatch.scoring.text import TOKEN, strip_accents
from crisiswatch.scoring.types import MentionScore, TextScore, TextScorer

VERIFIED_BOOST = 3.0
RETWEET_REACH = 50.0  # each repost or quote carries the post to a new audience
REPLY_REACH = 10.0
LIKE_REACH = 2.0


def reach(record: MentionRecord) -> float:
    """Potential audience: followers (x3 when verified) plus the audience engagement brings."""
    author = record.author
    followers = float(author.followers) if author else 0.0
    if author and author.verified:
        followers *= VERIFIED_BOOST
    m = record.metrics or {}
    shares = (m.get("retweet_count") or 0) + (m.get("quote_count") or 0)
    return followers + RETWEET_REACH * shares + REPLY_REACH * (m.get("reply_count") or 0) + LIKE_REACH * (m.get("like_count") or 0)


def is_direct(record: MentionRecord, brand: BrandConfig) -> bool:
    """The brand was addressed: its @handle is in the text, or the post replies to the brand's account."""
    if brand.user_id is not None and record.in_reply_to_user_id == brand.user_id:
        return True
    handle = "@" + brand.handle.lower()
    low = record.text.lower()
    at = low.find(handle)
    while at >= 0:
        end = at + len(handle)
        if end == len(low) or not (low[end].isalnum() or low[end] == "_"):
            return True
        at = low.find(handle, end)
    return False


def score_mentions(records: Sequence[MentionRecord], brand: BrandConfig, scorer: TextScorer | None = None) -> list[MentionScore]:
    """Score a batch of mentions for one brand (the brand's own crisis terms included)."""
    if scorer is None:
        from crisiswatch.scoring.lexicon_scorer import LexiconScorer

        scorer = LexiconScorer()
    texts = [r.text for r in records]
    scores = scorer.score_texts(texts, [r.lang for r in records])
    extra = tuple(brand.crisis_terms)
    out = []
    for record, s in zip(records, scores, strict=True):
        terms = s.crisis_terms
        if extra:
            low = strip_accents(record.text.lower())
            own = find_crisis_terms(TOKEN.findall(low), low, extra)
            terms = terms + tuple(t for t in own if t not in terms)
        out.append(MentionScore(s.lang, s.sentiment, s.sentiment_score, s.category, terms, reach(record), is_direct(record, brand)))
    return out


def mention_risk(score: TextScore | MentionScore) -> float:
    """Risk of one text, 0..100: how negative it is, its crisis terms, how severe its category is."""
    negativity = max(0.0, -score.sentiment_score)
    if score.sentiment == "negative":
        negativity = max(negativity, 0.2)
    terms = len(score.crisis_terms)
    risk = 50.0 * negativity + (20.0 + 10.0 * min(terms - 1, 2) if terms else 0.0)
    risk += 20.0 * SEVERITY.get(score.category, 0.3) * (0.4 + 0.6 * negativity)
    return round(min(100.0, risk), 1)
