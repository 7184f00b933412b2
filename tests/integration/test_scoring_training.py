"""The shipped sentiment model is exactly what training on the corpus gives (anyone can rebuild it)."""

from __future__ import annotations

from pathlib import Path

from crisiswatch.scoring import training


def test_training_reproduces_the_shipped_model(tmp_path: Path) -> None:
    files = training.corpus_files()
    model = training.train_sentiment_model(training.read_corpus(files), training.corpus_digest(files))
    model.save(tmp_path / training.SENTIMENT_MODEL)
    shipped = (training.MODELS_DIR / training.SENTIMENT_MODEL).read_text(encoding="utf-8")
    assert (tmp_path / training.SENTIMENT_MODEL).read_text(encoding="utf-8") == shipped
