from __future__ import annotations

import pytest

from crisiswatch.scoring.evaluation import (
    DATASETS,
    Goal,
    accuracy,
    category_accuracy,
    evaluate_dataset,
    f1,
    macro_f1,
    vader_label,
)

GOLD = ["negative", "negative", "neutral", "positive", "positive", "negative"]
PRED = ["negative", "neutral", "neutral", "positive", "negative", "negative"]


def test_accuracy_and_f1() -> None:
    assert accuracy(GOLD, PRED) == pytest.approx(4 / 6)
    # negative: tp 2, fp 1, fn 1 -> 4/6
    assert f1(GOLD, PRED, "negative") == pytest.approx(2 * 2 / (2 * 2 + 1 + 1))
    # neutral: tp 1, fp 1, fn 0 -> 2/3; positive: tp 1, fp 0, fn 1 -> 2/3
    assert macro_f1(GOLD, PRED) == pytest.approx((2 / 3 + 2 / 3 + 2 / 3) / 3)
    assert f1(["neutral"], ["neutral"], "negative") == 0.0
    with pytest.raises(ValueError):
        accuracy(["a"], [])


def test_category_accuracy_skips_ambiguous_and_non_negative() -> None:
    reasons = ["Late Flight", "Can't Tell", "Lost Luggage", "Bad Flight", ""]
    sentiment = ["negative", "negative", "negative", "negative", "positive"]
    cats = ["service_disruption", "other", "customer_service", "product_quality", "other"]
    assert category_accuracy(reasons, sentiment, cats) == pytest.approx(2 / 3)
    assert category_accuracy(["Can't Tell"], ["negative"], ["other"]) is None


def test_vader_thresholds_and_goals() -> None:
    assert [vader_label(x) for x in (0.05, 0.049, -0.05)] == ["positive", "neutral", "negative"]
    assert Goal("accuracy", 0.7).met(0.7) and not Goal("accuracy", 0.7).met(0.69) and not Goal("x", 0).met(None)


def test_evaluate_dataset_with_tiny_systems() -> None:
    rows = [{"text": "a", "sentiment": "negative", "negative_reason": "Late Flight"},
            {"text": "b", "sentiment": "positive", "negative_reason": ""}]
    always_neg = lambda texts, lang: (["negative"] * len(texts), ["service_disruption"] * len(texts))  # noqa: E731
    result = evaluate_dataset(DATASETS[0], rows, {"neg": always_neg})
    m = result.metrics["neg"]
    assert m["accuracy"] == 0.5 and m["category_accuracy"] == 1.0 and m["negative_f1"] == pytest.approx(2 / 3)
