"""The lexicon's reading of a text fed, with its words, to a small linear sentiment model.

The model (`models/sentiment.tsv`) was trained on the corpus written for crisiswatch (`corpus/`),
never on the labelled evaluation data; `python -m crisiswatch.scoring.training` rebuilds it. The
category and crisis terms come from the same rules as the lexicon scorer's. Prediction is a few
dictionary look-ups per word: no download, no GPU.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from crisiswatch.scoring.features import sentiment_features
from crisiswatch.scoring.lexicon_scorer import LexiconScorer, Reading
from crisiswatch.scoring.linear_model import LinearModel
from crisiswatch.scoring.types import TextScore, score_each

MODELS_DIR = Path(__file__).resolve().parent / "models"
SENTIMENT_MODEL = "sentiment.tsv"


@lru_cache(maxsize=4)
def load_model(name: str) -> LinearModel:
    return LinearModel.load(MODELS_DIR / name)


class HybridScorer:
    """Lexicon and rules for the reading and the category, learnt weights for the sentiment."""

    name = "hybrid"

    def __init__(self, crisis_terms: Iterable[str] = ()) -> None:
        self._reader = LexiconScorer(crisis_terms)
        self._sentiment = load_model(SENTIMENT_MODEL)
        self._negative = self._sentiment.labels.index("negative")
        self._positive = self._sentiment.labels.index("positive")

    def read(self, text: str, lang_hint: str | None = None) -> Reading:
        """What the lexicon and rules see in the text."""
        return self._reader.read(text, lang_hint)

    def probabilities(self, r: Reading) -> list[float]:
        """The model's probability of each of `labels` for a read text."""
        return self._sentiment.probabilities(sentiment_features(r))

    @property
    def labels(self) -> tuple[str, ...]:
        return self._sentiment.labels

    def score_reading(self, r: Reading, probs: list[float] | None = None) -> TextScore:
        """The score of a read text, its sentiment the likeliest of `probs` over `labels` (this model's own by default)."""
        probs = self.probabilities(r) if probs is None else probs
        sentiment = self._sentiment.labels[probs.index(max(probs))]
        return self._reader.text_score(r, sentiment, probs[self._positive] - probs[self._negative])  # type: ignore[arg-type]

    def score_text(self, text: str, lang_hint: str | None = None) -> TextScore:
        return self.score_reading(self._reader.read(text, lang_hint))

    def score_texts(self, texts: Sequence[str], lang_hints: Sequence[str | None] | None = None) -> list[TextScore]:
        return score_each(self.score_text, texts, lang_hints)
