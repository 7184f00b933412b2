from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crisiswatch.config import BrandConfig
from crisiswatch.errors import ConfigError
from crisiswatch.records import AuthorRecord, MentionRecord
from crisiswatch.scoring import get_scorer, mention_risk, score_mentions
from crisiswatch.scoring.lexicon_scorer import LexiconScorer
from crisiswatch.scoring.registry import available
from crisiswatch.scoring.types import TextScore

BRAND = BrandConfig(slug="acme", name="Acme", handle="acme", user_id=42, crisis_terms=["quemaduras"])
NOW = datetime(2025, 1, 1, tzinfo=UTC)


def rec(text: str, **kw: object) -> MentionRecord:
    return MentionRecord(x_id=1, text=text, created_at=NOW, author_x_id=7, **kw)  # type: ignore[arg-type]


def test_direct_reach_and_brand_terms() -> None:
    author = AuthorRecord(x_id=7, username="u", followers=1000, verified=True)
    records = [
        rec("@acme my order is late", author=author, metrics={"retweet_count": 2, "like_count": 5}, lang="en"),
        rec("@acmestore is not you", lang="en"),
        rec("respuesta", in_reply_to_user_id=42, lang="es"),
        rec("Mi hijo sufrió quemaduras con el producto de Acme", lang="es"),
    ]
    out = score_mentions(records, BRAND)
    assert [s.direct for s in out] == [True, False, True, False]
    assert out[0].reach == 3000 + 2 * 50 + 5 * 2
    assert out[1].reach == 0
    assert "quemaduras" in out[3].crisis_terms
    assert out[3].lang == "es"


def test_mention_risk_orders_texts() -> None:
    s = LexiconScorer()
    calm = mention_risk(s.score_text("thanks, all good"))
    bad = mention_risk(s.score_text("worst service ever, flight delayed again"))
    crisis = mention_risk(s.score_text("this is a scam, boycott them, I'm calling my lawyer, fraud!"))
    assert 0 <= calm < bad < crisis <= 100
    assert mention_risk(TextScore("en", "negative", -1.0, "ethics_legal", ("a", "b", "c", "d"))) == 100


class EchoScorer:
    name = "echo"

    def score_texts(self, texts, lang_hints=None):  # noqa: ANN001, ANN201
        return [TextScore("en", "neutral", 0.0, "other") for _ in texts]


def test_registry() -> None:
    assert get_scorer("lexicon").name == "lexicon"
    assert "lexicon" in available()
    plugged = get_scorer("tests.unit.test_scoring_mentions:EchoScorer")
    assert plugged.name == "echo"
    out = score_mentions([rec("@acme boycott")], BRAND, plugged)
    assert out[0].sentiment == "neutral" and out[0].direct


@pytest.mark.parametrize("name", ["nope", "no.such.module:X", "crisiswatch.scoring:Nope", "crisiswatch.config:CATEGORIES"])
def test_registry_errors_name_the_setting(name: str) -> None:
    with pytest.raises(ConfigError) as err:
        get_scorer(name)
    assert "CRISISWATCH_SCORER" in str(err.value)
