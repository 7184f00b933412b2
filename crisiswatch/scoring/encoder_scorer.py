"""The hybrid scorer's reading, its sentiment refined by a multilingual sentence encoder, for Spanish and English.

An optional scorer (`CRISISWATCH_SCORER=encoder`, extra `crisiswatch[encoder]`). Its head
(`models/sentiment-encoder.tsv`, see `encoder_head.py`) reads the encoder's 384 numbers and the hybrid
model's log-probabilities; it was trained on the corpus written for crisiswatch, never on the labelled
evaluation data (`python -m crisiswatch.scoring.training --encoder` rebuilds it). Texts in other languages
keep the hybrid scorer's sentiment, and so do texts its model is already sure of (HYBRID_SURE): on the
labelled dev files the head overturned almost none of those (every metric the same to three decimals), and
leaving them out spares a quarter to a half of the encoding. Category and crisis terms come from the rules
for every text. Texts are encoded in batches: a few dozen a second on each CPU core.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from crisiswatch.errors import ConfigError
from crisiswatch.scoring.encoder import SETTING, SentenceEncoder, bundled_encoder
from crisiswatch.scoring.encoder_head import EncoderHead, log_probabilities
from crisiswatch.scoring.hybrid_scorer import HybridScorer, load_model
from crisiswatch.scoring.linear_model import LinearModel
from crisiswatch.scoring.types import TextScore, paired_hints

ENCODER_MODEL = "sentiment-encoder.tsv"
ENCODED_LANGUAGES = frozenset({"es", "en"})
HYBRID_SURE = 0.8  # a text the hybrid model gives one label this probability or more keeps the hybrid's reading
RETRAIN = "rebuild it with `python -m crisiswatch.scoring.training --encoder`"


def check_trained_for(model: LinearModel, encoder: SentenceEncoder, labels: Sequence[str]) -> None:
    """A head only fits the encoder it was trained on, and the hybrid model's labels in their order."""
    trained = model.header.get("encoder")
    if trained != encoder.name:
        raise ConfigError(f"{ENCODER_MODEL} was trained for encoder {trained!r}, not {encoder.name!r}; {RETRAIN}", setting=SETTING)
    if tuple(model.labels) != tuple(labels):
        raise ConfigError(f"{ENCODER_MODEL} has labels {model.labels}, the hybrid model {tuple(labels)}; {RETRAIN}", setting=SETTING)


class EncoderScorer:
    """Hybrid reading and rules; sentiment from the hybrid model and a sentence vector for Spanish and English."""

    name = "encoder"

    def __init__(self, crisis_terms: Iterable[str] = (), encoder: SentenceEncoder | None = None) -> None:
        self._hybrid = HybridScorer(crisis_terms)
        self._encoder = encoder or bundled_encoder()
        model = load_model(ENCODER_MODEL)
        check_trained_for(model, self._encoder, self._hybrid.labels)
        self._head = EncoderHead(model, int(model.header.get("dimensions", "384")))

    def score_texts(self, texts: Sequence[str], lang_hints: Sequence[str | None] | None = None) -> list[TextScore]:
        readings = [self._hybrid.read(t, h) for t, h in zip(texts, paired_hints(texts, lang_hints), strict=True)]
        hybrid = [self._hybrid.probabilities(r) for r in readings]
        chosen = [i for i, r in enumerate(readings) if r.lang in ENCODED_LANGUAGES and max(hybrid[i]) < HYBRID_SURE]
        if chosen:
            vectors = self._encoder.encode([texts[i] for i in chosen])
            refined = self._head.probabilities(vectors, log_probabilities([hybrid[i] for i in chosen]))
            for i, row in zip(chosen, refined.tolist(), strict=True):
                hybrid[i] = row
        return [self._hybrid.score_reading(r, p) for r, p in zip(readings, hybrid, strict=True)]

    def score_text(self, text: str, lang_hint: str | None = None) -> TextScore:
        return self.score_texts([text], [lang_hint])[0]
