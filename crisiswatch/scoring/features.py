"""The features the learnt model reads from one text: its words and word pairs, and what the rules saw."""

from __future__ import annotations

from crisiswatch.scoring.decision import decide
from crisiswatch.scoring.lexicon_scorer import Reading
from crisiswatch.scoring.linear_model import Features
from crisiswatch.scoring.sentiment import NEGATORS, is_negator
from crisiswatch.scoring.text import HANDLE

_SKIP = frozenset("! ?".split())
_SCORE_BINS = (-0.75, -0.5, -0.25, -0.05, 0.05, 0.3, 0.6, 0.85)
_RULES = {label: f"f=rules={label}" for label in ("negative", "neutral", "positive")}  # the lexicon scorer's own call
_VALENCE_BANDS = [f"f=valence_band={i}" for i in range(len(_SCORE_BINS) + 1)]


def _bin(value: float, edges: tuple[float, ...]) -> int:
    for i, edge in enumerate(edges):
        if value < edge:
            return i
    return len(edges)


def words(reading: Reading) -> list[str]:
    """The text's words, @handles left out, a negator marking the two words after it ("not_happy")."""
    tokens = reading.tokens
    if "@" in reading.low:
        handles = {m[1:] for m in HANDLE.findall(reading.low)}
        tokens = [t for t in tokens if t not in handles]
    if NEGATORS.isdisjoint(tokens) and not any(t.endswith("n't") for t in tokens):
        return tokens
    out: list[str] = []
    flip = 0
    for tok in tokens:
        if tok in _SKIP:
            out.append(tok)
            flip = 0
        elif is_negator(tok):
            out.append(tok)
            flip = 2
        else:
            out.append(f"not_{tok}" if flip else tok)
            flip = max(0, flip - 1)
    return out


def sentiment_features(reading: Reading) -> Features:
    """The words; flags for the language, the valence band and the rules' cues; the valence sums."""
    ev = reading.evidence
    flags = ["f=bias", f"f=lang={reading.lang}", _VALENCE_BANDS[_bin(reading.score, _SCORE_BINS)], _RULES[decide(reading.score, ev)]]
    if ev.ask:
        flags.append("f=ask")
    if ev.headline:
        flags.append("f=headline")
    if reading.crisis_hits:
        flags.append("f=crisis_term")
    dense = [("valence", reading.score), ("pos_sum", min(ev.pos, 6.0) / 3.0), ("neg_sum", max(ev.neg, -6.0) / 3.0)]
    return Features(words(reading), flags, dense)
