"""Regression guard: the lexicon scorer's quality on the shared labelled data (dev files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisiswatch.scoring.evaluation import run_evaluation
from crisiswatch.scoring.lexicon_scorer import LexiconScorer

# floors at (a little under) the figures reached; the product goals are in evaluation.DATASETS
FLOORS = {
    "airline-dev.csv": {"accuracy": 0.705, "negative_f1": 0.80, "category_accuracy": 0.63},
    "airline-es-dev.csv": {"accuracy": 0.515, "negative_f1": 0.60},
    "tass-es-dev.csv": {"macro_f1": 0.565},
}


@pytest.fixture(scope="module")
def results(shared_data: Path) -> dict[str, dict[str, float | None]]:
    return {r.dataset.file: r.metrics for r in run_evaluation(shared_data, LexiconScorer())}


@pytest.mark.parametrize("file", sorted(FLOORS))
def test_quality_floor(results: dict, file: str) -> None:
    ours = results[file]["lexicon"]
    for metric, floor in FLOORS[file].items():
        assert ours[metric] is not None and ours[metric] >= floor, f"{file} {metric} {ours[metric]:.3f} < {floor}"


@pytest.mark.parametrize("file", sorted(FLOORS))
def test_beats_vader(results: dict, file: str) -> None:
    if "vader" not in results[file]:
        pytest.skip("vaderSentiment not installed")
    ours, vader = results[file]["lexicon"], results[file]["vader"]
    assert ours["accuracy"] > vader["accuracy"] and ours["macro_f1"] > vader["macro_f1"]
