"""The default scorer: lexicon and rules, Spanish and English, offline, tens of thousands of texts a second."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from crisiswatch.scoring import lexicon
from crisiswatch.scoring.categories import categorise
from crisiswatch.scoring.crisis import find_crisis_terms
from crisiswatch.scoring.sentiment import caps_words, valence
from crisiswatch.scoring.text import TOKEN, detect_language, normalise, squeeze, strip_accents
from crisiswatch.scoring.types import Sentiment, TextScore

NEGATIVE_AT = -0.05
POSITIVE_AT = 0.05


def label(score: float, negative_at: float = NEGATIVE_AT, positive_at: float = POSITIVE_AT) -> Sentiment:
    """negative / neutral / positive from a score in [-1, 1]."""
    if score <= negative_at:
        return "negative"
    if score >= positive_at:
        return "positive"
    return "neutral"


class LexiconScorer:
    """Lexicon-and-rules scorer tuned for what people write to and about brands."""

    name = "lexicon"

    def __init__(self, crisis_terms: Iterable[str] = ()) -> None:
        self.crisis_terms = tuple(crisis_terms)
        self._en, self._es, self._both = lexicon.english(), lexicon.spanish(), lexicon.both()

    def score_text(self, text: str, lang_hint: str | None = None) -> TextScore:
        clean, elongated = squeeze(normalise(text))
        low = strip_accents(clean.lower())
        tokens = TOKEN.findall(low)
        lang = detect_language(clean, lang_hint, tokens)
        lex = self._es if lang == "es" else self._en if lang == "en" else self._both
        score = valence(tokens, low, lex, caps_words(clean), elongated)
        sentiment = label(score)
        return TextScore(
            lang=lang,
            sentiment=sentiment,
            sentiment_score=round(score, 4),
            category=categorise(tokens, low, sentiment == "negative"),
            crisis_terms=find_crisis_terms(tokens, low, self.crisis_terms),
        )

    def score_texts(self, texts: Sequence[str], lang_hints: Sequence[str | None] | None = None) -> list[TextScore]:
        if lang_hints is None:
            return [self.score_text(t) for t in texts]
        if len(lang_hints) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(lang_hints)} language hints")
        return [self.score_text(t, h) for t, h in zip(texts, lang_hints, strict=True)]
