"""Brand, case and mention rows for the ticket tests, created directly."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from crisiswatch.config import BrandConfig, parse_config
from crisiswatch.db.models import Author, Brand, Case, Mention, Score
from crisiswatch.db.session import session_scope

NOW = datetime(2025, 3, 4, 12, 0, tzinfo=timezone.utc)

BRAND = {
    "slug": "acme",
    "name": "Acme Telecom",
    "handle": "acme",
    "languages": ["es", "en"],
    "departments": [
        {"name": "support", "backend": "database", "sla_hours": 2},
        {"name": "comms", "backend": "slack", "sla_hours": 1},
        {"name": "ops", "backend": "jira", "jira_project": "OPS", "sla_hours": 4},
        {"name": "engineering", "backend": "github", "github_repo": "acme/crisis", "sla_hours": 8},
        {"name": "legal", "backend": "jira", "jira_project": "LEGAL", "sla_hours": 24},
    ],
    "routing": [
        {"departments": ["support", "comms"]},
        {"categories": ["service_disruption"], "departments": ["ops", "engineering", "support"]},
        {"categories": ["ethics_legal"], "origin_types": ["ethics_legal"], "departments": ["legal"]},
    ],
}

TWEETS = [
    # x_id, username, followers, text, category, sentiment
    (1897000000000000001, "maria_g", 15200, "@acme llevo 3 días sin internet y nadie responde {{ 7*7 }} [gratis](http://evil.example) #caída", "service_disruption", "negative"),
    (1897000000000000002, "jdoe", 480, "@acme your outage broke my business *again*", "service_disruption", "negative"),
    (1897000000000000003, "pepe", 90, "@acme me cobraron dos veces la factura", "billing_payments", "negative"),
    (1897000000000000004, "fan", 10, "love @acme", "other", "positive"),
]


def brand_config(**overrides: object) -> BrandConfig:
    return parse_config({**BRAND, **overrides}).brand("acme")


def seed_case(db_url: str, *, category: str = "service_disruption", origin: dict | None = None, magnitude: dict | None = None) -> int:
    """A crisis case of brand acme with four scored mentions in its window; returns the case id."""
    with session_scope(db_url) as s:
        brand = Brand(slug="acme", name="Acme Telecom")
        s.add(brand)
        s.flush()
        for i, (x_id, username, followers, text, cat, sentiment) in enumerate(TWEETS):
            author = Author(x_id=1000 + i, username=username, followers=followers)
            s.add(author)
            s.flush()
            m = Mention(brand_id=brand.id, x_id=x_id, author_id=author.id, author_x_id=author.x_id, text=text,
                        lang="es", created_at=NOW - timedelta(minutes=30 - i), source="mentions")
            s.add(m)
            s.flush()
            s.add(Score(mention_id=m.id, lang="es", sentiment=sentiment, sentiment_score=-0.8 if sentiment == "negative" else 0.6,
                        category=cat, reach=float(followers)))
        case = Case(
            brand_id=brand.id, level="crisis", risk=78.0, category=category,
            first_signal_at=NOW - timedelta(minutes=40), declared_at=NOW - timedelta(minutes=5),
            origin=origin if origin is not None else {
                "type": "unheard_customer",
                "patient_zero": {"x_id": str(TWEETS[0][0]), "author": "@maria_g", "text": TWEETS[0][3],
                                 "url": f"https://x.com/maria_g/status/{TWEETS[0][0]}"},
            },
            magnitude=magnitude if magnitude is not None else {
                "mentions": 1234, "unique_authors": 456, "potential_reach": 1.2e6, "velocity_per_hour": 300,
                "negative_share": 0.8, "languages": {"es": 900, "en": 334},
            },
        )
        s.add(case)
        s.flush()
        return case.id
