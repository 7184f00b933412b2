"""What scoring produces for one mention, and the interface a scorer implements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

Sentiment = Literal["negative", "neutral", "positive"]
Language = Literal["es", "en", "other"]


@dataclass(frozen=True, slots=True)
class TextScore:
    """What a text scorer reads from the words alone."""

    lang: Language
    sentiment: Sentiment
    sentiment_score: float  # -1 (most negative) .. +1 (most positive)
    category: str  # one of crisiswatch.config.CATEGORIES
    crisis_terms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MentionScore:
    """A mention's full score: the text's reading plus who said it and how directly."""

    lang: Language
    sentiment: Sentiment
    sentiment_score: float
    category: str
    crisis_terms: tuple[str, ...]
    reach: float  # potential audience: followers, boosted by verification and engagement
    direct: bool  # the brand was addressed (@handle or a reply to it), not only talked about


class TextScorer(Protocol):
    """Anything that scores a batch of texts; plug in a transformer by implementing this."""

    name: str

    def score_texts(self, texts: Sequence[str], lang_hints: Sequence[str | None] | None = None) -> list[TextScore]: ...
