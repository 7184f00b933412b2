"""The hybrid scorer: the lexicon's reading, the learnt sentiment, the rules' category and crisis terms."""

from __future__ import annotations

from crisiswatch.config import CATEGORIES
from crisiswatch.scoring.hybrid_scorer import HybridScorer
from crisiswatch.scoring.registry import get_scorer

S = HybridScorer(crisis_terms=["Stickergate"])


def test_it_is_registered() -> None:
    assert get_scorer("hybrid").name == "hybrid"


def test_clear_cases_both_languages() -> None:
    cases = {
        "@acme I have been on hold for 2 hours and nobody answers. Worst service ever": "negative",
        "@acme thank you so much, Ana sorted my refund in five minutes!": "positive",
        "@acme does the basic fare include a cabin bag?": "neutral",
        "@acme llevo dos semanas esperando el reembolso y nadie me responde, una vergüenza": "negative",
        "@acme mil gracias a Marta por resolverlo tan rápido, sois geniales": "positive",
        "@acme hola, ¿a qué hora abre la tienda del centro el sábado?": "neutral",
    }
    got = {text: S.score_text(text).sentiment for text in cases}
    assert got == cases


def test_score_sign_follows_the_label_and_fields_are_valid() -> None:
    texts = ["@acme great crew, lovely flight", "@acme my bag is lost and nobody cares", "@acme boycott Stickergate now"]
    scores = S.score_texts(texts, ["en", None, "en"])
    assert scores[0].sentiment_score > 0 > scores[1].sentiment_score
    assert all(-1 <= s.sentiment_score <= 1 and s.category in CATEGORIES for s in scores)
    assert scores[1].category == "delivery_logistics"
    assert "boycott" in scores[2].crisis_terms and "Stickergate" in scores[2].crisis_terms


def test_mismatched_hints_fail() -> None:
    try:
        S.score_texts(["a", "b"], ["en"])
    except ValueError as exc:
        assert "2 texts but 1 language hints" in str(exc)
    else:
        raise AssertionError("expected ValueError")
