"""A small crisis whose every usual timeline event is written by its real producer, for the post-mortem tests.

The detector declares and updates the case (its windows built as in tests/unit/detection), origin analysis runs on
an unheard customer's thread (the store rows of tests/integration/test_origin_store.py), the department tickets open
in the database queue, the ad pause goes to the Google Ads sandbox through the real client, replies are drafted,
approved and sent (an in-process sender stands in for X), and the case is resolved with its tickets closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from crisiswatch import clock
from crisiswatch.ads_run import run_ads
from crisiswatch.config import BrandConfig, parse_config
from crisiswatch.connectors.google_ads.sandbox import GoogleAdsSandbox
from crisiswatch.db.models import CaseEvent
from crisiswatch.db.session import session_scope
from crisiswatch.detection.detector import DetectionStep, Detector, baseline_for
from crisiswatch.detection.store import open_or_update_case
from crisiswatch.detection.windows import aggregate
from crisiswatch.origin.store import analyse_case
from crisiswatch.postmortem.closing import close_case, settle_tickets
from crisiswatch.replies.approval import ApprovalDecision, apply_decision
from crisiswatch.replies.drafting import draft_replies
from crisiswatch.replies.sending import send_approved
from crisiswatch.tickets.opening import open_case_tickets
from tests.integration.google_ads_fixtures import CUSTOMER, sandbox_settings
from tests.integration.test_origin_store import T0, Timeline, at
from tests.replies_support import TEMPLATES, FakeSender
from tests.unit.detection.helpers import mentions

RESOLUTION = {  # the first line goes to the timeline
    "es": "Reembolso a user7 y disculpa pública.\nSegunda línea que no sale en la cronología.",
    "en": "Refunded user7 and apologised in public.\nA second line the timeline leaves out.",
}


def brand_config(lang: str) -> BrandConfig:
    """The brand of test_origin_store, with two departments, an ad account and `lang` as its first language."""
    return parse_config({
        "slug": "acme", "name": "Acme", "handle": "acme", "user_id": 42, "languages": [lang], "queries": ["acme"],
        "replies": {"unanswered_after_hours": 12, "signature": "— Equipo Acme"},
        "departments": [{"name": "atencion_cliente", "backend": "database", "sla_hours": 1},
                        {"name": "logistica", "backend": "database", "sla_hours": 4}],
        "routing": [{"origin_types": ["unheard_customer"], "departments": ["atencion_cliente"]},
                    {"categories": ["service_disruption"], "departments": ["logistica"]}],
        "google_ads": {"customer_ids": [CUSTOMER], "pause": "all"},
    }).brands[0]


def crisis_steps(brand: BrandConfig) -> list[DetectionStep]:
    """The detector over a calm day seeded as its baseline, then a wave of complaints from T0: normal, watch, crisis."""
    base = baseline_for(brand.thresholds)
    day_before = [T0 - timedelta(days=1) + timedelta(minutes=15 * q) for q in range(96)]
    calm = [m for t in day_before for m in mentions(3, "negative", at=t) + mentions(6, "neutral", at=t)]
    base.seed_from_windows(aggregate(calm, brand.thresholds.window_minutes))
    wave = [m for q in range(8) for m in mentions(4 + 6 * q, "negative", at=T0 + timedelta(minutes=15 * q), terms=("estafa",))
            + mentions(6, "neutral", at=T0 + timedelta(minutes=15 * q))]
    detector = Detector(brand.thresholds, base)
    return [detector.observe(w) for w in aggregate(wave, brand.thresholds.window_minutes)]


def origin_rows(tl: Timeline) -> None:
    """user7 complained the day before and nobody answered; twelve people quote them once the crisis starts."""
    tl.mention(1, 7, -20, "@acme mi pedido no llega desde hace una semana y nadie responde", category="delivery_logistics")
    for i in range(12):
        tl.mention(100 + i, 200 + i, 0.05 * i, f"@acme increíble, ignoran a sus clientes {i}", refs=[("quoted", 1)],
                   followers=1000 + i, lang="es" if i % 3 else "en")


@dataclass
class LivedCase:
    case_id: int
    brand: BrandConfig
    resolved_at: datetime


def lived_case(db_url: str, sandbox: GoogleAdsSandbox, lang: str) -> LivedCase:
    """Every producer of timeline events, run once on one case, in playbook order (`sandbox` holds CUSTOMER)."""
    brand = brand_config(lang)
    tl = Timeline(db_url)
    origin_rows(tl)
    crisis = [s for s in crisis_steps(brand) if s.level == "crisis"]
    assert len(crisis) >= 2, "the wave must declare the crisis and update it at least once"
    case_id = 0
    for step in crisis:
        case_id = open_or_update_case(db_url, tl.brand_id, step).case_id or case_id
    with clock.simulated():
        clock.follow(at(1))  # what the producers stamp with crisiswatch's clock happens an hour into the crisis
        analyse_case(db_url, case_id, brand, until=at(6))
        open_case_tickets(db_url, case_id, brand, sandbox_settings(sandbox), now=at(1))
        sandbox.add_campaign(CUSTOMER, "Cena sorpresa")
        run_ads("pause", db_url, case_id, brand.slug, brand.google_ads, sandbox_settings(sandbox), dry_run=False, run_id="test")
        draft_replies(db_url, case_id, brand, TEMPLATES)
        apply_decision(db_url, case_id, ApprovalDecision(approve_all=True, comment="revisadas una a una"), "lider@acme.example",
                       brand=brand)
        send_approved(db_url, case_id, FakeSender(), brand)
    resolved_at = at(8)
    close_case(db_url, case_id, resolution=RESOLUTION[lang], lessons="Responder en menos de una hora", now=resolved_at)
    settle_tickets(db_url, case_id, now=resolved_at)
    return LivedCase(case_id, brand, resolved_at)


def event_messages(db_url: str, case_id: int) -> dict[str, list[str]]:
    """The English messages the producers stored, by event kind."""
    with session_scope(db_url) as s:
        out: dict[str, list[str]] = {}
        for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)):
            out.setdefault(e.kind, []).append(e.message)
        return out
