"""The lexicon's reading of a text fed, with its words, to a small linear sentiment model.

The model (`models/sentiment.tsv`) was trained on the corpus written for
crisiswatch (`corpus/`), never on the labelled evaluation data; `python -m crisiswatch.scoring.training`
rebuilds it. The category comes from the same rules as the lexicon scorer's. Prediction is a few dictionary look-ups per word: no download, no GPU.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from crisiswatch.scoring.categories import categorise
from crisiswatch.scoring.crisis import find_crisis_terms
from crisiswatch.scoring.features import sentiment_features
from crisiswatch.scoring.lexicon_scorer import LexiconScorer
from crisiswatch.scoring.linear_model import LinearModel
from crisiswatch.scoring.types import TextScore, score_each

MODELS_DIR = Path(__file__).resolve().parent / "models"


@lru_cache(maxsize=4)
def load_model(name: str) -> LinearModel:
    return LinearModel.load(MODELS_DIR / name)


class HybridScorer:
    """Lexicon and rules for the reading and the category, learnt weights for the sentiment."""

    name = "hybrid"

    def __init__(self, crisis_terms: Iterable[str] = ()) -> None:
        self.crisis_terms = tuple(crisis_terms)
        self._reader = LexiconScorer()
        self._sentiment = load_model("sentiment.tsv")
        self._negative = self._sentiment.labels.index("negative")
        self._positive = self._sentiment.labels.index("positive")

    def score_text(self, text: str, lang_hint: str | None = None) -> TextScore:
        r = self._reader.read(text, lang_hint)
        feats = sentiment_features(r)
        probs = self._sentiment.probabilities(feats)
        sentiment = self._sentiment.labels[probs.index(max(probs))]
        category = categorise(r.tokens, r.low, sentiment == "negative" or (r.evidence.ask and sentiment == "neutral"), r.category_hits)
        return TextScore(
            lang=r.lang,
            sentiment=sentiment,  # type: ignore[arg-type]
            sentiment_score=round(probs[self._positive] - probs[self._negative], 4),
            category=category,
            crisis_terms=find_crisis_terms(r.tokens, r.low, self.crisis_terms, r.crisis_hits),
        )

    def score_texts(self, texts: Sequence[str], lang_hints: Sequence[str | None] | None = None) -> list[TextScore]:
        return score_each(self.score_text, texts, lang_hints)
