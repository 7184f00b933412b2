"""Risk 0-100 of one window from explainable factors, with the minimum-evidence rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from crisiswatch.config import Thresholds
from crisiswatch.detection.baseline import Expected
from crisiswatch.detection.windows import WindowStats

MAX_AUTHOR_SHARE = 0.5  # above this share of a window's negatives from one author, the window is one voice
VELOCITY_WINDOWS = 3
NOISE_RATIO = 1.5  # ratios to the baseline up to this are ordinary ups and downs: no points
# points each factor gives at full strength; the sum is capped at 100
WEIGHTS = {
    "negative_volume": 40.0,
    "negative_authors": 15.0,
    "negative_share": 15.0,
    "velocity": 10.0,
    "volume": 5.0,
    "negative_reach": 10.0,
    "crisis_terms": 10.0,
}
_DAMPED = {"negative_volume", "negative_authors", "velocity", "volume", "negative_reach"}


@dataclass(frozen=True, slots=True)
class Factor:
    """One reason for the risk: its measured value, the points it adds, in plain words (`facts`: their figures), with its mentions."""

    name: str
    value: float
    contribution: float
    explanation: str
    mention_ids: tuple[int, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict, hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": round(self.value, 4),
            "contribution": round(self.contribution, 2),
            "explanation": self.explanation,
            "mention_ids": list(self.mention_ids),
            "facts": dict(self.facts),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Factor:
        return cls(d["name"], d["value"], d["contribution"], d["explanation"], tuple(d.get("mention_ids", ())),
                   dict(d.get("facts") or {}))


@dataclass(frozen=True, slots=True)
class Assessment:
    """The risk of one window and why."""

    risk: float
    factors: tuple[Factor, ...]  # every factor, largest contribution first
    evidence_met: bool
    evidence_note: str  # why the minimum evidence is (not) met, in plain words
    uncapped_risk: float
    velocity: float
    expected: Expected
    extra: dict[str, Any] = field(default_factory=dict)
    evidence_facts: dict[str, Any] = field(default_factory=dict)  # the evidence note's code and figures

    def top(self, n: int = 3) -> tuple[Factor, ...]:
        return tuple(f for f in self.factors if f.contribution > 0)[:n]


def _ramp(x: float, lo: float, hi: float) -> float:
    """0 at lo, 1 at hi, linear between."""
    if hi <= lo:
        return 1.0 if x >= hi else 0.0
    return min(1.0, max(0.0, (x - lo) / (hi - lo)))


def velocity(w: WindowStats, previous: Sequence[WindowStats], expected: Expected) -> float:
    """Negative volume now against the mean of the previous windows (never below the expected)."""
    prev = list(previous)[-VELOCITY_WINDOWS:]
    mean = sum(p.capped_negative for p in prev) / len(prev) if prev else 0.0
    return w.capped_negative / max(mean, expected.negative)


def evidence(w: WindowStats, t: Thresholds) -> tuple[bool, str, dict[str, Any]]:
    """The minimum-evidence rule: enough negatives, from enough people, not one voice (met, note, the note's facts)."""
    if w.negative < t.min_negative_mentions:
        facts = {"code": "too_few", "negative": w.negative, "min": t.min_negative_mentions}
        return False, f"only {w.negative} negative mentions (a crisis needs at least {t.min_negative_mentions})", facts
    if w.top_author_negative_share > MAX_AUTHOR_SHARE:
        facts = {"code": "one_voice", "share": round(w.top_author_negative_share, 4)}
        return False, f"one author wrote {w.top_author_negative_share:.0%} of the negatives: one voice, not a crisis", facts
    if w.unique_negative_authors < t.min_unique_authors:
        facts = {"code": "few_authors", "authors": w.unique_negative_authors, "min": t.min_unique_authors}
        return False, (
            f"the negatives come from only {w.unique_negative_authors} people (a crisis needs at least {t.min_unique_authors})"
        ), facts
    facts = {"code": "met", "negative": w.negative, "authors": w.unique_negative_authors}
    return True, f"{w.negative} negative mentions from {w.unique_negative_authors} people", facts


def assess(w: WindowStats, expected: Expected, previous: Sequence[WindowStats], t: Thresholds) -> Assessment:
    """Score one closed window against its baseline and the windows before it."""
    m = t.volume_multiplier
    ev = w.evidence
    neg_ratio = w.capped_negative / expected.negative
    vol_ratio = w.capped_volume / expected.volume
    vel = velocity(w, previous, expected)
    base_share = expected.negative_share
    # each author counted at most PER_AUTHOR_CAP times, so one prolific author does not make the share
    share = w.capped_negative / w.capped_volume if w.capped_volume else 0.0
    share_excess = (share - base_share) / max(1.0 - base_share, 0.1)
    # a share from a handful of posts says little: weigh it by how many negatives there are
    share_weight = _ramp(w.negative, 0, t.min_negative_mentions)
    authors_ratio = w.unique_negative_authors / expected.negative
    reach_ratio = w.negative_reach / max(expected.negative_reach, 1.0) if expected.negative_reach else 0.0
    terms_strength = _ramp(w.crisis_term_mentions, 0, t.min_negative_mentions / 2)
    # volume only counts as far as the negatives grew with it: positive virality adds nothing
    neg_vol_ratio = min(vol_ratio, neg_ratio)
    # more negatives at a much lower negative share are the tail of a wave of other mentions (a viral post):
    # the negative-volume factors fade out as the share falls under half the usual
    share_damp = _ramp(share / base_share, 0.4, 0.8) if base_share > 0 else 1.0

    def f(name: str, value: float, strength: float, words: str, ids_key: str, **facts: Any) -> Factor:
        if name in _DAMPED:
            strength *= share_damp
        facts = {k: round(v, 4) if isinstance(v, float) else v for k, v in facts.items()}
        return Factor(name, value, WEIGHTS[name] * strength, words, tuple(ev.get(ids_key, ())), facts)

    terms = sorted(w.crisis_terms)[:5]
    factors = [
        f("negative_volume", neg_ratio, _ramp(neg_ratio, NOISE_RATIO, m),
          f"{w.negative} negative mentions, {neg_ratio:.1f}x the usual {expected.negative:.1f} for this hour", "negative",
          negative=w.negative, ratio=neg_ratio, usual=expected.negative),
        f("negative_authors", authors_ratio, _ramp(authors_ratio, NOISE_RATIO, m),
          f"{w.unique_negative_authors} different people complaining, {authors_ratio:.1f}x the usual", "negative",
          authors=w.unique_negative_authors, ratio=authors_ratio),
        f("negative_share", share, _ramp(share_excess, 0.1, 0.5) * share_weight,
          f"{share:.0%} of mentions are negative (usually {base_share:.0%})", "negative", share=share, usual=base_share),
        f("velocity", vel, _ramp(vel, NOISE_RATIO, m),
          f"negative mentions grew {vel:.1f}x over the previous {VELOCITY_WINDOWS} windows", "negative",
          ratio=vel, windows=VELOCITY_WINDOWS),
        f("volume", neg_vol_ratio, _ramp(neg_vol_ratio, NOISE_RATIO, m),
          f"{w.volume} mentions, {vol_ratio:.1f}x the usual {expected.volume:.1f}, negatives growing with them", "volume",
          volume=w.volume, ratio=vol_ratio, usual=expected.volume),
        f("negative_reach", reach_ratio, _ramp(reach_ratio, NOISE_RATIO, 2 * m) * _ramp(neg_ratio, NOISE_RATIO, m),
          f"the complaining authors reach {w.negative_reach:,.0f} people, {reach_ratio:.1f}x the usual", "negative",
          reach=w.negative_reach, ratio=reach_ratio),
        f("crisis_terms", float(w.crisis_term_mentions), terms_strength,
          f"{w.crisis_term_mentions} mentions use crisis terms ({', '.join(terms) or 'none'})", "crisis_terms",
          mentions=w.crisis_term_mentions, terms=terms),
    ]
    factors.sort(key=lambda x: (-x.contribution, x.name))
    uncapped = min(100.0, sum(x.contribution for x in factors))
    met, note, evidence_facts = evidence(w, t)
    risk = uncapped if met else min(uncapped, max(0.0, t.crisis - 1.0))
    return Assessment(round(risk, 2), tuple(factors), met, note, round(uncapped, 2), vel, expected, evidence_facts=evidence_facts)
