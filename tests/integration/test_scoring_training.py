"""The shipped sentiment model is exactly what training on the corpus gives (anyone can rebuild it)."""

from __future__ import annotations

from pathlib import Path

from crisiswatch.scoring import training
from crisiswatch.scoring.encoder import BundledE5
from crisiswatch.scoring.encoder_head import EncoderHead, log_probabilities
from crisiswatch.scoring.encoder_scorer import ENCODER_MODEL
from crisiswatch.scoring.hybrid_scorer import load_model


def test_training_reproduces_the_shipped_model(tmp_path: Path) -> None:
    files = training.corpus_files()
    model = training.train_sentiment_model(training.read_corpus(files), training.corpus_digest(files))
    model.save(tmp_path / training.SENTIMENT_MODEL)
    shipped = (training.MODELS_DIR / training.SENTIMENT_MODEL).read_text(encoding="utf-8")
    assert (tmp_path / training.SENTIMENT_MODEL).read_text(encoding="utf-8") == shipped


def test_the_shipped_encoder_head_was_fitted_on_this_corpus_and_encoder() -> None:
    """Refitting takes minutes of encoding (`python -m crisiswatch.scoring.training --encoder`), so the suite checks its record."""
    files = training.corpus_files()
    head = load_model(ENCODER_MODEL)
    assert head.header["corpus sha256"] == training.corpus_digest(files), "the corpus changed: retrain the encoder head"
    assert head.header["encoder"] == BundledE5.name
    assert head.header["trained on"] == "crisiswatch/scoring/corpus (9250 examples: 3400 en, 5850 es)"
    assert head.labels == load_model(training.SENTIMENT_MODEL).labels


def test_the_shipped_encoder_head_reads_this_encoders_vectors(encoder) -> None:  # noqa: ANN001
    """Every 60th corpus post through the real encoder, the hybrid's reading withheld: the vector alone tells most
    labels of the posts the head was fitted on (a head fitted on other vectors reads them at chance, about 0.4)."""
    sample = training.read_corpus(training.corpus_files())[::60]
    head = EncoderHead(load_model(ENCODER_MODEL), 384)
    probs = head.probabilities(encoder.encode([ex.text for ex in sample]), log_probabilities([[1 / 3] * 3] * len(sample)))
    right = sum(head.labels[row.argmax()] == ex.sentiment for row, ex in zip(probs, sample, strict=True))
    assert right / len(sample) > 0.75


def test_training_the_encoder_head_end_to_end(encoder) -> None:  # noqa: ANN001
    """The training path on a slice of the corpus: the real encoder, a head the scorer can load."""
    files = training.corpus_files()
    sample = training.read_corpus(files)[::150]
    head = training.train_encoder_head(sample, "digest", encoder)
    assert head.header["encoder"] == encoder.name and head.header["dimensions"] == "384"
    assert head.header["trained on"].startswith(f"crisiswatch/scoring/corpus ({len(sample)} examples: ")
    assert EncoderHead(head, 384).labels == ("negative", "neutral", "positive")
