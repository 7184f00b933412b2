"""The authored corpus is valid, and the shipped models were rebuilt from it as it is."""

from __future__ import annotations

from collections import Counter

from crisiswatch.scoring import training
from crisiswatch.scoring.hybrid_scorer import load_model


def test_every_line_is_a_labelled_example() -> None:
    examples = training.read_corpus(training.corpus_files())
    assert len(examples) >= 4000
    langs = Counter(ex.lang for ex in examples)
    assert langs["en"] >= 1500 and langs["es"] >= 1500
    for lang in ("en", "es"):
        labels = Counter(ex.sentiment for ex in examples if ex.lang == lang)
        assert min(labels.values()) >= 0.15 * sum(labels.values()), (lang, labels)


def test_no_text_is_written_twice() -> None:
    texts = [" ".join(ex.text.lower().split()) for ex in training.read_corpus(training.corpus_files())]
    twice = [t for t, n in Counter(texts).items() if n > 1]
    assert not twice, twice[:5]


def test_the_shipped_models_match_the_corpus() -> None:
    digest = training.corpus_digest(training.corpus_files())
    shipped = load_model(training.SENTIMENT_MODEL).header["corpus sha256"]
    assert shipped == digest, "the corpus changed: run `python -m crisiswatch.scoring.training` and commit the model"
