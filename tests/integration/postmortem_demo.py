"""The bundled demo crisis as a case with everything a post-mortem reads, made by the real code where cheap.

Mentions, authors and brand posts are loaded as tests/integration/test_origin_demo.py does; the
detector stores the real windows; the case opens at the truth file's first alarm and detection
time; origin analysis, the department tickets (database queue) and the ad pause (Google Ads
sandbox through the real client) run for real. Reply drafts, built on another branch, are rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from crisiswatch.ads_run import run_ads
from crisiswatch.config import BrandConfig, load_config
from crisiswatch.connectors.google_ads.sandbox import GoogleAdsSandbox
from crisiswatch.db.models import Case, CaseEvent, Complainant, Mention, ReplyDraft, Score
from crisiswatch.db.session import session_scope
from crisiswatch.detection.store import update_windows
from crisiswatch.origin.store import analyse_case
from crisiswatch.scoring.types import MentionScore
from crisiswatch.settings import Settings
from crisiswatch.tickets.opening import open_case_tickets
from tests.integration.test_origin_demo import BRAND_YAML, TRUTH, _ts, load_demo

CUSTOMERS = ("1234567890", "9876543210")  # the demo brand's google_ads.customer_ids


@dataclass
class DemoCase:
    case_id: int
    brand_id: int
    brand: BrandConfig
    truth: dict[str, Any]
    declared_at: datetime
    first_signal_at: datetime


def demo_brand() -> BrandConfig:
    return load_config(BRAND_YAML).brands[0]


def add_demo_campaigns(sb: GoogleAdsSandbox) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    enabled, paused = {}, {}
    for n, cid in enumerate(CUSTOMERS):
        sb.add_customer(cid, time_zone="America/Bogota")
        enabled[cid] = [sb.add_campaign(cid, f"Tinto Arriero {n}-{i}") for i in range(2 + n)]
        paused[cid] = [sb.add_campaign(cid, f"Navidad {n} (paused in advance)", status="PAUSED")]
    return enabled, paused


def store_windows(db_url: str, brand_id: int, brand: BrandConfig, until: datetime) -> None:
    """The detector's windows over the whole timeline (the chart reads them)."""
    with session_scope(db_url) as s:
        rows = s.execute(select(Mention, Score).join(Score, Score.mention_id == Mention.id)).all()
        scored = [(m, MentionScore(sc.lang, sc.sentiment, sc.sentiment_score, sc.category, tuple(sc.crisis_terms), sc.reach, sc.direct))
                  for m, sc in rows]
        s.expunge_all()
    update_windows(db_url, brand_id, scored, until, brand.thresholds)


@dataclass
class DemoStore:
    truth: dict[str, Any]
    brand: BrandConfig
    brand_id: int


def load_demo_store(db_url: str) -> DemoStore:
    """The demo's authors, mentions, scores, brand posts and the detector's windows, no case yet."""
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    brand = demo_brand()
    brand_id = load_demo(db_url, truth)
    store_windows(db_url, brand_id, brand, _ts(truth["crisis"]["window_end"]))
    return DemoStore(truth, brand, brand_id)


def open_demo_case(db_url: str, store: DemoStore | None = None, *, settings: Settings | None = None) -> DemoCase:
    """Open the demo's case, find the origin, open tickets, add reply drafts; pause ads when `settings` reach a sandbox."""
    store = store or load_demo_store(db_url)
    truth, brand, brand_id = store.truth, store.brand, store.brand_id
    crisis = truth["crisis"]
    end = _ts(crisis["window_end"])
    first, declared = _ts(crisis["first_alarm_window"]["start"]), _ts(crisis["detect_by"])
    with session_scope(db_url) as s:
        case = Case(brand_id=brand_id, level="crisis", risk=78.0, category="billing_payments", first_signal_at=first,
                    declared_at=declared, factors={"explanation": "negative mentions 3.8x the usual for this hour"})
        s.add(case)
        s.flush()
        case_id = case.id
        s.add(CaseEvent(case_id=case_id, at=declared, kind="declared", message="normal -> crisis at risk 78/100"))
    analyse_case(db_url, case_id, brand, until=end)
    open_case_tickets(db_url, case_id, brand, settings or Settings(), now=declared + timedelta(minutes=3))
    if settings is not None:
        run_ads("pause", db_url, case_id, brand.slug, brand.google_ads, settings, dry_run=False, run_id="test")
    add_reply_drafts(db_url, case_id, declared)
    return DemoCase(case_id, brand_id, brand, truth, declared, first)


def add_reply_drafts(db_url: str, case_id: int, declared: datetime) -> None:
    """Five drafts: two sent, one approved, one pending, one flagged."""
    plan = [("sent", 20, 25), ("sent", 22, 31), ("approved", 40, None), ("pending", None, None), ("flagged", None, None)]
    with session_scope(db_url) as s:
        complainants = list(s.scalars(select(Complainant).where(Complainant.case_id == case_id).order_by(Complainant.id)))
        for (status, approved, sent), c in zip(plan, complainants):
            s.add(ReplyDraft(
                case_id=case_id, complainant_id=c.id, mention_id=c.mention_ids[0], lang=c.lang, channel="dm",
                text="Hola, lamentamos lo ocurrido…", status=status, idempotency_key=f"draft-{case_id}-{c.id}",
                approver="lider.atencion@cosechaya.example" if approved else "",
                approved_at=declared + timedelta(minutes=approved) if approved else None,
                sent_at=declared + timedelta(minutes=sent) if sent else None,
                external_id=f"dm-{c.id}" if sent else "", flag_reason="mentions a lawsuit" if status == "flagged" else "",
            ))
