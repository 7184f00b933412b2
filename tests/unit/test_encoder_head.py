"""The encoder head: fitted with numpy, stored as a TSV, read back as one matrix."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisiswatch.errors import ConfigError
from crisiswatch.scoring.encoder_head import PRECISION, EncoderHead, fit_head, log_probabilities
from crisiswatch.scoring.linear_model import LinearModel

np = pytest.importorskip("numpy")  # comes with the extra crisiswatch[encoder], which `make install` includes
LABELS = ("negative", "neutral", "positive")
SETTINGS = {"l2": 0.01, "steps": 300, "rate": 0.05}


def make_rows(n: int, seed: int = 3) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Vectors whose first two numbers carry the label, offset and squeezed like a real encoder's, and an uninformed hybrid."""
    rng = np.random.default_rng(seed)
    gold = rng.integers(0, 3, n)
    centres = np.array([[-1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    vectors = rng.normal(0, 0.3, (n, 8))
    vectors[:, :2] += centres[gold]
    vectors = 0.05 * vectors + 0.4  # small spread around a large mean: the standardisation matters
    hybrid = log_probabilities([[1 / 3, 1 / 3, 1 / 3]] * n)
    return vectors, hybrid, [LABELS[g] for g in gold]


def test_the_head_learns_and_reads_back_the_same_from_its_file(tmp_path: Path) -> None:
    vectors, hybrid, gold = make_rows(600)
    model = fit_head(vectors, hybrid, gold, LABELS, **SETTINGS)
    model.save(tmp_path / "head.tsv", PRECISION)
    fitted, loaded = EncoderHead(model, 8), EncoderHead(LinearModel.load(tmp_path / "head.tsv"), 8)

    test_vectors, test_hybrid, test_gold = make_rows(300, seed=4)
    probs = fitted.probabilities(test_vectors, test_hybrid)
    predicted = [LABELS[i] for i in probs.argmax(axis=1)]
    assert np.mean([p == g for p, g in zip(predicted, test_gold, strict=True)]) > 0.9
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert np.abs(loaded.probabilities(test_vectors, test_hybrid) - probs).max() < 1e-3
    assert model.header == {"fit": '{"l2": 0.01, "rate": 0.05, "steps": 300}'}


def test_the_head_reads_the_hybrid_log_probabilities() -> None:
    """With vectors that say nothing, the hybrid model's confident reading decides."""
    rng = np.random.default_rng(5)
    n = 600
    gold = rng.integers(0, 3, n)
    hybrid = log_probabilities(np.eye(3)[gold] * 0.9 + 0.1 / 3)
    model = fit_head(rng.normal(0.4, 0.05, (n, 8)), hybrid, [LABELS[g] for g in gold], LABELS, **SETTINGS)
    probs = EncoderHead(model, 8).probabilities(rng.normal(0.4, 0.05, (3, 8)), log_probabilities(np.eye(3) * 0.9 + 0.1 / 3))
    assert list(probs.argmax(axis=1)) == [0, 1, 2]


def test_fitting_is_deterministic() -> None:
    vectors, hybrid, gold = make_rows(200)
    assert fit_head(vectors, hybrid, gold, LABELS, **SETTINGS).weights == fit_head(vectors, hybrid, gold, LABELS, **SETTINGS).weights


def test_rows_that_do_not_pair_are_refused() -> None:
    vectors, hybrid, gold = make_rows(10)
    with pytest.raises(ValueError, match="10 vectors, 10 hybrid rows and 9 labels"):
        fit_head(vectors, hybrid, gold[:9], LABELS, **SETTINGS)


def test_a_head_for_longer_vectors_is_refused() -> None:
    vectors, hybrid, gold = make_rows(50)
    model = fit_head(vectors, hybrid, gold, LABELS, **SETTINGS)
    with pytest.raises(ConfigError, match="was it fitted for 4 numbers"):
        EncoderHead(model, 4)
