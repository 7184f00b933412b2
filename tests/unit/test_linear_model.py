"""The linear model behind the hybrid scorer: it learns, it round-trips through its file, bad files fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisiswatch.errors import ConfigError
from crisiswatch.scoring.linear_model import Features, LinearModel, train

LABELS = ("negative", "neutral", "positive")


def _examples() -> list[tuple[Features, str]]:
    rows = [
        ("still waiting for my refund", "negative"),
        ("on hold for an hour again", "negative"),
        ("my order never arrived", "negative"),
        ("does the fare include a bag", "neutral"),
        ("new route to lima from june", "neutral"),
        ("what time does the store open", "neutral"),
        ("thanks ana you sorted it", "positive"),
        ("best crew ever thank you", "positive"),
        ("finally got my bag back thanks", "positive"),
    ]
    return [(Features(text.split(), ["f=bias"], [("valence", 0.0)]), label) for text, label in rows]


def test_it_learns_a_separable_set() -> None:
    examples = _examples()
    model = train(examples, LABELS, epochs=30, rate=0.5)
    assert all(model.predict(feats) == label for feats, label in examples)
    probs = model.probabilities(Features("still waiting on hold".split(), ["f=bias"], []))
    assert abs(sum(probs) - 1.0) < 1e-9 and probs[0] == max(probs)


def test_word_pairs_and_flags_count() -> None:
    model = LinearModel(LABELS, {"b=not happy": [1.0, 0.0, 0.0], "w=happy": [0.0, 0.0, 0.5], "f=ask": [0.0, 2.0, 0.0]})
    assert model.predict(Features(["not", "happy"], [], [])) == "negative"
    assert model.predict(Features(["happy"], [], [])) == "positive"
    assert model.predict(Features(["happy"], ["f=ask"], [])) == "neutral"
    assert model.scores(Features(["unknown"], [], [("valence", 3.0)])) == [0.0, 0.0, 0.0]


def test_training_is_deterministic() -> None:
    a = train(_examples(), LABELS, epochs=5)
    b = train(_examples(), LABELS, epochs=5)
    assert a.weights == b.weights


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    model = train(_examples(), LABELS, epochs=10)
    model.header = {"trained on": "nine lines"}
    model.save(tmp_path / "m.tsv")
    loaded = LinearModel.load(tmp_path / "m.tsv")
    assert loaded.labels == LABELS and loaded.header == {"trained on": "nine lines"}
    for feats, _ in _examples():
        assert loaded.predict(feats) == model.predict(feats)


def test_a_missing_or_damaged_file_names_itself(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="missing"):
        LinearModel.load(tmp_path / "nope.tsv")
    bad = tmp_path / "bad.tsv"
    bad.write_text("# labels: negative neutral positive\nw=late\t-1\t0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="damaged"):
        LinearModel.load(bad)
