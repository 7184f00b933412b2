from __future__ import annotations

import pytest

from crisiswatch.config import CATEGORIES
from crisiswatch.scoring.lexicon_scorer import LexiconScorer
from crisiswatch.scoring.text import detect_language

S = LexiconScorer()


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("my flight was cancelled and I'm stranded", "service_disruption"),
        ("me cancelaron el vuelo, llevo horas en el aeropuerto", "service_disruption"),
        ("you lost my luggage", "delivery_logistics"),
        ("mi pedido no ha llegado y el envío no tiene rastreo", "delivery_logistics"),
        ("you charged me twice, I want a refund", "billing_payments"),
        ("me cobraron dos veces, quiero el reembolso", "billing_payments"),
        ("the agent was rude and hung up on me", "customer_service"),
        ("la atención al cliente es pésima, nadie contesta", "customer_service"),
        ("the seat was broken and the wifi did not work", "product_quality"),
        ("this racist employee should be fired, I'm calling my lawyer", "ethics_legal"),
        ("vaya anuncio más ofensivo, la publicidad de la campaña es engañosa", "marketing_misunderstanding"),
        ("hello there", "other"),
    ],
)
def test_categories(text: str, category: str) -> None:
    got = S.score_text(text).category
    assert got in CATEGORIES
    assert got == category


def test_complaint_without_topic_is_customer_service() -> None:
    assert S.score_text("this is unacceptable and ridiculous").category == "customer_service"


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Boycott this company, it's a scam", {"boycott", "scam"}),
        ("¡Boicot! Esto es una estafa y un fraude", {"boycott", "scam", "fraud"}),
        ("we will file a lawsuit, our lawyer is ready", {"lawsuit", "lawyer"}),
        ("voy a poner una denuncia, ya hablé con mi abogado", {"legal_complaint", "lawyer"}),
        ("racist staff", {"racism"}),
        ("intoxicación alimentaria en su restaurante", {"poisoning"}),
        ("filtración de datos, nos hackearon la cuenta", {"data_leak", "hack"}),
        ("they discriminate against disabled people", {"discrimination"}),
    ],
)
def test_crisis_terms(text: str, terms: set[str]) -> None:
    assert terms <= set(S.score_text(text).crisis_terms)


def test_no_crisis_terms_in_plain_complaint() -> None:
    assert S.score_text("my flight is delayed again").crisis_terms == ()


def test_extra_crisis_terms_per_scorer() -> None:
    scorer = LexiconScorer(crisis_terms=["Stickergate 2", "quemaduras"])
    assert scorer.score_text("the stickergate 2 is a mess").crisis_terms == ("Stickergate 2",)
    assert "quemaduras" in scorer.score_text("Mi hijo sufrió quemaduras").crisis_terms


@pytest.mark.parametrize(
    ("text", "hint", "lang"),
    [
        ("my flight was delayed again and nobody told us", None, "en"),
        ("el vuelo se retrasó otra vez y nadie nos dijo nada", None, "es"),
        ("¿Alguien sabe qué pasó?", None, "es"),
        ("mañana", None, "es"),
        ("whatever text", "es", "es"),
        ("el vuelo", "en", "en"),
        ("Bonjour à tous", "fr", "other"),
        ("the flight was late", "und", "en"),
        ("12345 !!!", None, "other"),
        # languages that share words with Spanish or English are not read as either
        ("Não consigo falar com o atendimento, o voo foi cancelado", None, "other"),
        ("Vocês são uma vergonha, minha mala sumiu", None, "other"),
        ("Mon vol est annulé et personne ne répond, c'est une honte", None, "other"),
        ("Il volo è in ritardo di tre ore e nessuno ci dice niente", None, "other"),
        ("Der Flug ist seit zwei Stunden verspätet und niemand hilft uns", None, "other"),
        # ... while Spanish and English words that look like theirs stay where they belong
        ("che, hace dos meses que vos no me devolvés la plata, un mes más y voy a la OCU", None, "es"),
        ("vuelo a Sao Paulo cancelado, tres horas en la cola y nadie da explicaciones", None, "es"),
        ("non-stop flight to Paris and the crew made us wait, get em fired", None, "en"),
    ],
)
def test_language(text: str, hint: str | None, lang: str) -> None:
    assert detect_language(text, hint) == lang
    assert S.score_text(text, hint).lang == lang


@pytest.mark.parametrize(
    ("text", "sentiment"),
    [
        ("@brand how do I change my seat on tomorrow's flight?", "neutral"),
        ("@brand can you tell me if there is wifi on board", "neutral"),
        ("@marca ¿alguien sabe si hay vuelos a Lima en marzo?", "neutral"),
        ("@brand thanks for the 3 hour delay", "negative"),
        ("@brand great, another delay. love it", "negative"),
        ("@brand on hold for 45 minutes, why is nobody answering?", "negative"),
        ("@brand still waiting for my refund #brandfail", "negative"),
        ("@marca siete horas en el aeropuerto gracias a vosotros", "negative"),
        ("@marca genial, otra vez retraso", "negative"),
        ("@brand thank you so much, the crew was amazing!", "positive"),
        ("Nueva ruta a Copenhague desde Sevilla con billetes a 20 euros", "positive"),
    ],
)
def test_neutral_first_and_complaints(text: str, sentiment: str) -> None:
    assert S.score_text(text).sentiment == sentiment


def test_disruption_with_waiting_beats_customer_service() -> None:
    assert S.score_text("@brand flight delayed, we've been sitting at the gate for 3 hours").category == "service_disruption"
    assert S.score_text("@brand the gate agent was rude to my mother").category == "customer_service"


def test_question_to_brand_routes_to_customer_service() -> None:
    assert S.score_text("@brand how do I add my loyalty number?").category == "customer_service"
