"""Acceptance on the bundled demo timeline: the unheard customer is the origin, the misread campaign a thread of its own.

The timeline is loaded straight into the store (authors, mentions, the brand's own posts as
BrandPost rows). Scores come from the truth file's labels for sentiment (the posts it lists as
complaints, pile-on, misreadings and trolling are negative) and a keyword rule for category:
the real scorer lives on another branch, and origin analysis must not depend on it.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from crisiswatch.config import load_config
from crisiswatch.db.models import Author, Brand, BrandPost, Case, Complainant, Mention, Score
from crisiswatch.db.session import session_scope
from crisiswatch.origin.store import analyse_case

DEMO = Path(__file__).resolve().parents[2] / "crisiswatch" / "demo"
TIMELINE = DEMO / "data" / "demo-timeline.jsonl"
TRUTH = DEMO / "data" / "demo-truth.json"
BRAND_YAML = DEMO / "brand.yaml"

pytestmark = pytest.mark.skipif(
    not (TIMELINE.is_file() and TRUTH.is_file() and BRAND_YAML.is_file()),
    reason="the bundled demo timeline (crisiswatch/demo/data/demo-timeline.jsonl, demo-truth.json, "
    "crisiswatch/demo/brand.yaml) is not in this checkout yet: merge branch demo-timeline",
)

CATEGORY_RULES = [
    ("ethics_legal", r"estafa|ladron|demanda|superintendencia|\bsic\b|clasista|scam|lawsuit|fraud"),
    ("marketing_misunderstanding", r"campa[ñn]a|publicidad|anuncio|\bad\b|comercial"),
    ("billing_payments", r"cobr|cargo|reembolso|devuel|tarjeta|charge|refund"),
    ("delivery_logistics", r"pedido|domicili|lleg|entrega|mercado|order|deliver"),
    ("service_disruption", r"app|ca[ií]da|no funciona|error|down"),
]


def _ts(s: str) -> datetime:
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def _category(text: str) -> str:
    low = text.lower()
    return next((c for c, rx in CATEGORY_RULES if re.search(rx, low)), "customer_service")


def _negative_ids(truth: dict[str, Any]) -> set[str]:
    pz, crisis, mk = truth["patient_zero"], truth["crisis"], truth["marketing"]
    return (
        set(crisis["post_ids"]) | set(mk["misread_ids"]) | set(truth["troll"]["post_ids"])
        | set(truth["calm"]["complaint_ids"]) | set(pz["earlier_post_ids"]) | set(pz["thread_ids"])
    )


def load_demo(db_url: str, truth: dict[str, Any]) -> int:
    """Insert the bundled timeline; returns the brand row id."""
    brand_x = int(truth["brand"]["user_id"])
    negative = _negative_ids(truth)
    authors: dict[int, dict[str, Any]] = {}
    mentions: list[dict[str, Any]] = []
    own: list[dict[str, Any]] = []
    with session_scope(db_url) as s:
        brand = Brand(slug="cosechaya", name=truth["brand"]["name"], handle=truth["brand"]["handle"], x_user_id=brand_x)
        s.add(brand)
        s.flush()
        brand_id = brand.id
    for line in TIMELINE.read_text(encoding="utf-8").splitlines():
        msg = json.loads(line)
        t, users = msg["data"], {u["id"]: u for u in msg["includes"]["users"]}
        u = users[t["author_id"]]
        common = {
            "brand_id": brand_id, "x_id": int(t["id"]), "text": t["text"], "created_at": _ts(t["created_at"]),
            "conversation_id": int(t.get("conversation_id") or t["id"]),
            "in_reply_to_user_id": int(t["in_reply_to_user_id"]) if t.get("in_reply_to_user_id") else None,
            "referenced": t.get("referenced_tweets", []), "metrics": t.get("public_metrics", {}),
        }
        if int(t["author_id"]) == brand_x:
            own.append(common)
            continue
        authors[int(u["id"])] = {"x_id": int(u["id"]), "username": u["username"], "name": u.get("name", ""),
                                 "verified": bool(u.get("verified")), "followers": u["public_metrics"]["followers_count"]}
        mentions.append({**common, "author_x_id": int(t["author_id"]), "lang": t.get("lang", "und"), "raw": t,
                         "source": "mentions", "direct": f"@{truth['brand']['handle'].lower()}" in t["text"].lower()})
    with session_scope(db_url) as s:
        s.execute(insert(Author), list(authors.values()))
        author_ids = dict(s.execute(select(Author.x_id, Author.id)).all())
        s.execute(insert(Mention), [{**m, "author_id": author_ids[m["author_x_id"]]} for m in mentions])
        s.execute(insert(BrandPost), own)
        rows = s.execute(select(Mention.id, Mention.x_id, Mention.text, Mention.lang)).all()
        s.execute(insert(Score), [
            {"mention_id": i, "lang": lang if lang in ("es", "en") else "other",
             "sentiment": "negative" if str(x) in negative else "neutral",
             "sentiment_score": -0.7 if str(x) in negative else 0.1, "category": _category(text), "reach": 0.0}
            for i, x, text, lang in rows
        ])
    return brand_id


def test_demo_origin_is_the_unheard_customer_and_the_campaign_is_a_separate_thread(db_url: str) -> None:
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    brand = load_config(BRAND_YAML).brands[0]
    brand_id = load_demo(db_url, truth)
    crisis = truth["crisis"]
    with session_scope(db_url) as s:
        case = Case(brand_id=brand_id, level="crisis", first_signal_at=_ts(crisis["first_alarm_window"]["start"]),
                    declared_at=_ts(crisis["detect_by"]))
        s.add(case)
        s.flush()
        case_id = case.id

    report = analyse_case(db_url, case_id, brand, until=_ts(crisis["window_end"]))

    pz = truth["patient_zero"]
    assert report.patient_zero is not None
    assert str(report.patient_zero.x_id) == pz["post_id"] and report.patient_zero.username == pz["username"]
    assert report.origin_type == crisis["origin_type"] == "unheard_customer"

    marketing = truth["marketing"]
    campaign = report.thread_of(int(marketing["post_id"]))
    assert campaign is not None and campaign is not report.patient_zero_thread
    assert campaign.root_is_brand and str(campaign.root_id) == marketing["post_id"]
    assert campaign.type == marketing["origin_type"] == "marketing_misunderstanding"
    in_campaign = {str(p.x_id) for p in campaign.posts}
    assert len(in_campaign & set(marketing["misread_ids"])) >= 0.9 * len(marketing["misread_ids"])
    assert not in_campaign & set(pz["thread_ids"])

    with session_scope(db_url) as s:
        origin = s.get(Case, case_id).origin
        complainant_authors = set(s.scalars(select(Author.x_id).join(Complainant, Complainant.author_id == Author.id)))
    assert origin["type"] == "unheard_customer" and origin["patient_zero"]["x_id"] == pz["post_id"]
    assert origin["patient_zero"]["url"] == f"https://x.com/{pz['username']}/status/{pz['post_id']}"
    listed = {t["root"]: t["type"] for t in origin["threads"]}
    assert listed[marketing["post_id"]] == "marketing_misunderstanding" and listed[pz["post_id"]] == "unheard_customer"
    assert int(pz["author_id"]) in complainant_authors
    expected = {int(a) for a in crisis["complainant_author_ids"]}
    assert expected <= complainant_authors  # every person who complained in their own words
