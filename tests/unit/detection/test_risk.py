from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from crisiswatch.config import Thresholds
from crisiswatch.detection.baseline import Expected
from crisiswatch.detection.risk import assess
from crisiswatch.detection.windows import ScoredMention, aggregate
from tests.unit.detection.helpers import T0, mentions, score

T = Thresholds()
E = Expected(volume=20.0, negative=5.0, negative_reach=2000.0, observations=20, known=True)


def _risk(ms: list[ScoredMention]) -> float:
    [w] = aggregate(ms, 15, T0, T0 + timedelta(minutes=15))
    return assess(w, E, [], T).risk


def _calm() -> list[ScoredMention]:
    return mentions(5, "negative") + mentions(10, "neutral") + mentions(5, "positive")


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 60), st.integers(1, 40))
def test_risk_never_falls_when_more_people_complain(base: int, extra: int) -> None:
    calm = mentions(10, "neutral") + mentions(5, "positive")
    assert _risk(calm + mentions(base + extra, "negative")) >= _risk(calm + mentions(base, "negative"))


def test_each_factor_grows_with_its_measure() -> None:
    [w_lo] = aggregate(_calm() + mentions(6, "negative", reach=100), 15)
    [w_hi] = aggregate(_calm() + mentions(6, "negative", reach=100_000), 15)
    lo = {f.name: f.contribution for f in assess(w_lo, E, [], T).factors}
    hi = {f.name: f.contribution for f in assess(w_hi, E, [], T).factors}
    assert hi["negative_reach"] > lo["negative_reach"]
    [w_terms] = aggregate(_calm() + mentions(6, "negative", terms=("lawsuit",)), 15)
    assert {f.name: f.contribution for f in assess(w_terms, E, [], T).factors}["crisis_terms"] > lo["crisis_terms"]


def test_calm_window_scores_nothing_and_a_wave_of_complaints_scores_high() -> None:
    assert _risk(_calm()) < T.clear
    crisis = _risk(_calm() + mentions(12, "negative"))  # 17 negatives from 17 people: 3.4x the usual 5
    assert crisis >= T.crisis


def test_one_troll_with_200_angry_posts_is_not_a_crisis() -> None:
    troll = [ScoredMention(50_000 + i, T0 + timedelta(seconds=4 * i), 666, score("negative", reach=5000)) for i in range(200)]
    [w] = aggregate(_calm() + troll, 15)
    a = assess(w, E, [], T)
    assert not a.evidence_met and "one author" in a.evidence_note
    assert a.evidence_facts["code"] == "one_voice" and a.evidence_facts["share"] > 0.5
    assert a.risk < T.crisis
    assert a.uncapped_risk < T.watch  # each author counts at most three times toward the volume factors


def test_a_positive_viral_post_with_20x_volume_adds_no_risk() -> None:
    viral = mentions(300, "positive", reach=50) + mentions(100, "neutral")
    assert _risk(_calm() + viral) <= _risk(_calm())
    # even with the usual small share of negatives among its reactions
    assert _risk(_calm() + viral + mentions(15, "negative")) < T.watch


def test_minimum_evidence_caps_the_risk_below_crisis() -> None:
    few = mentions(6, "negative", reach=10**7, terms=("lawsuit",))  # fewer than min_negative_mentions
    [w] = aggregate(mentions(2, "neutral") + few, 15)
    a = assess(w, Expected(4.0, 1.0, 100.0, 20, True), [], T)
    assert a.uncapped_risk >= T.crisis and not a.evidence_met
    assert a.risk < T.crisis and "only 6 negative mentions" in a.evidence_note
    assert a.evidence_facts == {"code": "too_few", "negative": 6, "min": T.min_negative_mentions}


def test_factors_explain_themselves_with_mentions() -> None:
    wave = mentions(15, "negative", reach=3000)
    [w] = aggregate(_calm() + wave, 15)
    a = assess(w, E, [], T)
    top = a.top(3)
    assert top[0].name == "negative_volume"
    assert "negative mentions" in top[0].explanation and "usual" in top[0].explanation
    assert top[0].facts["negative"] == w.negative and f"{top[0].facts['ratio']:.1f}x the usual" in top[0].explanation
    assert type(top[0]).from_dict(top[0].to_dict()) == top[0]
    assert set(top[0].mention_ids) <= {m.mention_id for m in wave}
    assert sum(f.contribution for f in a.factors) >= a.risk
    assert [f.contribution for f in a.factors] == sorted((f.contribution for f in a.factors), reverse=True)
