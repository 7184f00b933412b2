"""Metrics and the labelled-data evaluation behind `crisiswatch evaluate` (pure functions)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from crisiswatch.errors import ConfigError
from crisiswatch.scoring.types import TextScorer

LABELS = ("negative", "neutral", "positive")
# the airline corpus's negative reasons -> crisiswatch categories (data README); others are not scored
REASON_CATEGORY = {
    "Customer Service Issue": "customer_service",
    "Flight Attendant Complaints": "customer_service",
    "Late Flight": "service_disruption",
    "Cancelled Flight": "service_disruption",
    "longlines": "service_disruption",
    "Lost Luggage": "delivery_logistics",
    "Damaged Luggage": "delivery_logistics",
    "Bad Flight": "product_quality",
}


def accuracy(gold: Sequence[str], pred: Sequence[str]) -> float:
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    return sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold) if gold else 0.0


def f1(gold: Sequence[str], pred: Sequence[str], label: str) -> float:
    """F1 of one class (0.0 when the class is never predicted nor present)."""
    tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
    fp = sum(g != label and p == label for g, p in zip(gold, pred, strict=True))
    fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS) -> float:
    return sum(f1(gold, pred, lab) for lab in labels) / len(labels)


def vader_label(compound: float) -> str:
    """VADER's own convention: >= 0.05 positive, <= -0.05 negative."""
    return "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"


@dataclass(frozen=True)
class Goal:
    metric: str
    minimum: float

    def met(self, value: float | None) -> bool:
        return value is not None and value >= self.minimum


@dataclass(frozen=True)
class Dataset:
    file: str
    title: str
    goals: tuple[Goal, ...] = ()
    lang: str | None = None
    categories: bool = False


DATASETS = (
    Dataset("airline-dev.csv", "English brand tweets (airlines)",
            (Goal("negative_f1", 0.85), Goal("accuracy", 0.75), Goal("category_accuracy", 0.70)), "en", True),
    Dataset("airline-es-dev.csv", "Spanish brand tweets (airlines)", (Goal("negative_f1", 0.80), Goal("accuracy", 0.70)), "es"),
    Dataset("tass-es-dev.csv", "General Spanish tweets (InterTASS)", (Goal("macro_f1", 0.60),), "es"),
)
METRICS = ("accuracy", "macro_f1", "negative_f1", "category_accuracy")


@dataclass
class Result:
    dataset: Dataset
    rows: int
    metrics: dict[str, dict[str, float | None]] = field(default_factory=dict)  # system -> metric -> value


def sentiment_metrics(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float | None]:
    return {"accuracy": accuracy(gold, pred), "macro_f1": macro_f1(gold, pred), "negative_f1": f1(gold, pred, "negative")}


def category_accuracy(reasons: Sequence[str], gold_sentiment: Sequence[str], pred_categories: Sequence[str]) -> float | None:
    """Category accuracy over gold negatives whose reason maps unambiguously to a category."""
    pairs = [
        (REASON_CATEGORY[r], c)
        for r, s, c in zip(reasons, gold_sentiment, pred_categories, strict=True)
        if s == "negative" and r in REASON_CATEGORY
    ]
    return sum(g == c for g, c in pairs) / len(pairs) if pairs else None


def goal_summary(results: Sequence[Result]) -> list[tuple[str, str, float | None, float, bool]]:
    """(data set, metric, the first system's value, goal, met) for every goal of every evaluated data set."""
    out = []
    for r in results:
        ours = next(iter(r.metrics.values()), {})
        for g in r.dataset.goals:
            value = ours.get(g.metric)
            out.append((r.dataset.title, g.metric, value, g.minimum, g.met(value)))
    return out


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def evaluate_dataset(
    dataset: Dataset,
    rows: Sequence[dict[str, str]],
    systems: dict[str, Callable[[list[str], str | None], tuple[list[str], list[str] | None]]],
) -> Result:
    """Run each system (texts, lang -> sentiments, categories or None) on the rows and measure it."""
    texts = [r["text"] for r in rows]
    gold = [r["sentiment"] for r in rows]
    result = Result(dataset, len(rows))
    for name, run in systems.items():
        sentiments, categories = run(texts, dataset.lang)
        m = sentiment_metrics(gold, sentiments)
        m["category_accuracy"] = (
            category_accuracy([r.get("negative_reason", "") for r in rows], gold, categories)
            if dataset.categories and categories is not None
            else None
        )
        result.metrics[name] = m
    return result


VADER_MISSING = "VADER is not installed: pip install vaderSentiment (or pip install -e '.[dev]') to compare with it"


def scorer_system(scorer: TextScorer) -> Callable[[list[str], str | None], tuple[list[str], list[str] | None]]:
    """Adapt a TextScorer to evaluate_dataset (languages detected, no hint: harder than X's labelled stream)."""

    def run(texts: list[str], lang: str | None) -> tuple[list[str], list[str] | None]:
        scores = scorer.score_texts(texts)
        return [s.sentiment for s in scores], [s.category for s in scores]

    return run


def vader_system() -> Callable[[list[str], str | None], tuple[list[str], list[str] | None]] | None:
    """VADER (vaderSentiment) with its usual thresholds, or None when it is not installed."""
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    analyzer = SentimentIntensityAnalyzer()

    def run(texts: list[str], lang: str | None) -> tuple[list[str], list[str] | None]:
        return [vader_label(analyzer.polarity_scores(t)["compound"]) for t in texts], None

    return run


def run_evaluation(data_dir: Path, scorer: TextScorer, with_vader: bool = True, every: int = 1) -> list[Result]:
    """Evaluate the scorer (and VADER when installed) on every labelled file found in data_dir, or on every
    `every`-th row of each (a quicker, rougher figure for a slow scorer)."""
    if every < 1:
        raise ConfigError(f"every must be a whole number of 1 or more, not {every}")
    if not data_dir.is_dir():
        raise ConfigError(f"no labelled data at {data_dir}", setting="CRISISWATCH_DATA_DIR")
    systems = {scorer.name: scorer_system(scorer)}
    vader = vader_system() if with_vader else None
    if vader is not None:
        systems["vader"] = vader
    results = []
    for ds in DATASETS:
        path = data_dir / ds.file
        if path.is_file():
            results.append(evaluate_dataset(ds, read_rows(path)[::every], systems))
    if not results:
        raise ConfigError(f"none of {', '.join(d.file for d in DATASETS)} in {data_dir}", setting="CRISISWATCH_DATA_DIR")
    return results
