"""A case's categories and evidence: its complainants' mentions when attached, else its window's negative mentions."""

from __future__ import annotations

from sqlalchemy import select

from crisiswatch.db.models import Author, Case, Complainant, Mention
from crisiswatch.db.session import session_scope
from crisiswatch.tickets import routing
from crisiswatch.tickets.content import evidence_from_db
from tests.integration.tickets_seed import NOW, TWEETS, seed_case


def test_window_negative_mentions_when_nothing_attached(db_url: str) -> None:
    case_id = seed_case(db_url, category="customer_service")
    with session_scope(db_url) as s:
        case = s.get(Case, case_id)
        assert routing.case_mention_ids(s, case) is None
        # main category first, then by frequency; the positive mention's "other" is left out
        assert routing.case_categories(s, case, 15, NOW) == ["customer_service", "service_disruption", "billing_payments"]
        start, end = routing.case_window(case, 15, NOW)
        ev = evidence_from_db(s, case, None, start, end)
    assert [e["author"] for e in ev] == ["maria_g", "jdoe", "pepe"]  # by reach
    assert ev[0]["url"] == f"https://x.com/maria_g/status/{TWEETS[0][0]}"


def test_complainants_mentions_and_patient_zero_when_attached(db_url: str) -> None:
    case_id = seed_case(db_url, category="billing_payments")
    with session_scope(db_url) as s:
        pepe = s.scalar(select(Author).where(Author.username == "pepe"))
        billing = s.scalar(select(Mention).where(Mention.author_id == pepe.id))
        s.add(Complainant(case_id=case_id, author_id=pepe.id, mention_ids=[billing.id], category="billing_payments", lang="es"))
    with session_scope(db_url) as s:
        case = s.get(Case, case_id)
        ids = routing.case_mention_ids(s, case)
        assert ids is not None and ids[0] == billing.id and len(ids) == 2  # + patient zero from the origin
        assert routing.case_categories(s, case, 15, NOW) == ["billing_payments", "service_disruption"]
        ev = evidence_from_db(s, case, ids, NOW, NOW)
    assert sorted(e["author"] for e in ev) == ["maria_g", "pepe"]
