from __future__ import annotations

import pytest

from crisiswatch.scoring.lexicon_scorer import LexiconScorer

S = LexiconScorer()


def score(text: str, hint: str | None = None):
    return S.score_text(text, hint)


@pytest.mark.parametrize(
    "text",
    [
        "@brand thanks for nothing",
        "@brand my flight is delayed 3 hours and still no answer",
        "worst customer service ever, on hold for an hour",
        "you lost my bag and nobody answers the phone",
        "Qué mal servicio, no sirve para nada",
        "pésimo servicio, una vergüenza, ni responden",
        "pesimo servicio, una verguenza",
        "llevo 3 horas esperando y nadie me atiende",
        "me cancelaron el vuelo y sin respuesta",
    ],
)
def test_complaints_are_negative(text: str) -> None:
    assert score(text).sentiment == "negative"


@pytest.mark.parametrize(
    "text",
    ["@brand great crew, thanks!", "love flying with you", "Muchas gracias, excelente atención", "me encanta, qué bien"],
)
def test_praise_is_positive(text: str) -> None:
    assert score(text).sentiment == "positive"


def test_negation_flips() -> None:
    assert score("the service was good").sentiment_score > 0
    assert score("the service was not good").sentiment_score < 0
    assert score("el servicio es bueno").sentiment_score > 0
    assert score("el servicio no es bueno").sentiment_score < 0


def test_boosters_caps_and_punctuation_intensify() -> None:
    base = score("the service was bad").sentiment_score
    assert score("the service was very bad").sentiment_score < base
    assert score("the service was BAD").sentiment_score < base
    assert score("the service was bad!!!").sentiment_score < base
    assert score("el servicio es muy malo").sentiment_score < score("el servicio es malo").sentiment_score
    assert score("un servicio PÉSIMO, de verdad").sentiment_score < score("un servicio pésimo, de verdad").sentiment_score
    assert score("es una VERGÜENZA, de verdad").sentiment_score < score("es una vergüenza, de verdad").sentiment_score


def test_capitals_weigh_only_as_whole_words_and_not_when_the_whole_text_shouts() -> None:
    base = score("the service was bad").sentiment_score
    assert score("the service was bad at BADEN airport").sentiment_score == score("the service was bad at Baden airport").sentiment_score
    assert score("THE SERVICE WAS BAD").sentiment_score == base


def test_elongation_and_emoji() -> None:
    assert score("sooo bad").sentiment_score < score("so bad").sentiment_score
    assert score("my flight 😡").sentiment == "negative"
    assert score("my flight 😍").sentiment == "positive"


def test_but_shifts_weight_to_the_second_clause() -> None:
    assert score("the crew was nice but the delay was awful").sentiment == "negative"


def test_neutral_information_request() -> None:
    assert score("@brand what time does the store open tomorrow?").sentiment == "neutral"


def test_score_range_and_batch() -> None:
    texts = ["awful awful awful terrible horrible", "great great amazing awesome love", ""]
    out = S.score_texts(texts)
    assert [s.sentiment for s in out] == ["negative", "positive", "neutral"]
    assert all(-1.0 <= s.sentiment_score <= 1.0 for s in out)
    with pytest.raises(ValueError):
        S.score_texts(["a", "b"], ["en"])
