"""What scoring produces for one mention, and the interface a scorer implements."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple, Protocol

Sentiment = Literal["negative", "neutral", "positive"]
Language = Literal["es", "en", "other"]


class TextScore(NamedTuple):
    """What a text scorer reads from the words alone (a named tuple: built for every text, it must be cheap)."""

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


def paired_hints(texts: Sequence[str], lang_hints: Sequence[str | None] | None) -> Sequence[str | None]:
    """A language hint for each text: the ones given, which must pair with the texts, or None for each."""
    if lang_hints is None:
        return [None] * len(texts)
    if len(lang_hints) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(lang_hints)} language hints")
    return lang_hints


def score_each(
    score_text: Callable[[str, str | None], TextScore], texts: Sequence[str], lang_hints: Sequence[str | None] | None
) -> list[TextScore]:
    """score_texts for a scorer that reads one text at a time (hints, when given, pair with the texts)."""
    if lang_hints is None:
        return [score_text(t, None) for t in texts]
    return [score_text(t, h) for t, h in zip(texts, paired_hints(texts, lang_hints), strict=True)]
