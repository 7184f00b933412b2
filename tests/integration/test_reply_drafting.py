"""Drafting on a real database (SQLite and PostgreSQL): idempotent, per person, varied, flagged when needed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from crisiswatch.db.models import CaseEvent, ReplyDraft
from crisiswatch.db.session import session_scope
from crisiswatch.errors import RejectedInput
from crisiswatch.replies.drafting import draft_replies
from crisiswatch.replies.limits import PUBLIC_LIMIT, weighted_length
from tests.replies_support import TEMPLATES, Person, brand_config, make_case


def _drafts(db_url: str, case_id: int) -> list[ReplyDraft]:
    with session_scope(db_url) as s:
        return list(s.scalars(select(ReplyDraft).where(ReplyDraft.case_id == case_id).order_by(ReplyDraft.id)))


def test_one_dm_and_one_public_per_person_in_their_language(db_url: str) -> None:
    people = [
        Person("ana_l", "Ana López", ("@acme mi pedido #A12345 no llegó", "@acme sigo esperando"), lang="es"),
        Person("bob", "Bob {{ 7*7 }}", ("@acme order 55-1234 lost, {{ 7*7 }}",), lang="en", category="billing_payments"),
        Person("zed", "", ("@acme ???",), lang="fr", category="not-a-category"),
    ]
    case_id, comp = make_case(db_url, people)
    ids = draft_replies(db_url, case_id, brand_config(), TEMPLATES)
    drafts = _drafts(db_url, case_id)
    assert [d.id for d in drafts] == ids and len(ids) == 6
    by = {(d.complainant_id, d.channel): d for d in drafts}
    ana_dm, ana_pub = by[(comp[0], "dm")], by[(comp[0], "public")]
    assert ana_dm.lang == "es" and "Ana López" in ana_dm.text and "A12345" in ana_dm.text and f"CW-{case_id}-{comp[0]}" in ana_dm.text
    assert "— Equipo Acme" in ana_dm.text and "4 horas" in ana_dm.text  # the logistics SLA is the next step's promise
    assert ana_pub.text.startswith("@ana_l ") and "A12345" not in ana_pub.text  # order numbers never go public
    assert weighted_length(ana_pub.text) <= PUBLIC_LIMIT
    bob = by[(comp[1], "dm")]
    assert bob.lang == "en" and "Bob {{ 7*7 }}" in bob.text and "55-1234" in bob.text and "49" not in bob.text
    zed = by[(comp[2], "dm")]
    assert zed.lang == "es" and "@zed" in zed.text  # unknown language: the brand's first; no name: the handle
    assert all(d.status == "pending" and d.idempotency_key == f"case-{case_id}-complainant-{d.complainant_id}-{d.channel}" for d in drafts)
    # The reply goes under the person's latest complaint.
    assert ana_dm.mention_id == max(ana_dm.mention_id, ana_pub.mention_id)


def test_drafting_twice_creates_nothing_new_and_keeps_edits(db_url: str) -> None:
    case_id, _ = make_case(db_url, [Person("ana"), Person("bob")])
    first = draft_replies(db_url, case_id, brand_config(), TEMPLATES)
    with session_scope(db_url) as s:
        d = s.get(ReplyDraft, first[0])
        d.text = "edited by a person"
    second = draft_replies(db_url, case_id, brand_config(), TEMPLATES)
    assert first == second
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(ReplyDraft)) == 4
        assert s.get(ReplyDraft, first[0]).text == "edited by a person"
        assert s.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.kind == "replies_drafted")) == 1


def test_no_public_drafts_when_the_brand_does_not_allow_them(db_url: str) -> None:
    case_id, _ = make_case(db_url, [Person("ana"), Person("bob")])
    draft_replies(db_url, case_id, brand_config(allow_public_ack=False), TEMPLATES)
    assert {d.channel for d in _drafts(db_url, case_id)} == {"dm"}


def test_a_draft_that_cannot_meet_the_limit_is_flagged_whole(db_url: str) -> None:
    case_id, _ = make_case(db_url, [Person("ana", "Ana Lopez")])
    signature = ("firma " * 1700).strip()  # over 10,000 characters
    draft_replies(db_url, case_id, brand_config(signature=signature, forbidden_words=["López"]), TEMPLATES)
    dm, public = _drafts(db_url, case_id)
    assert dm.status == "flagged" and "10000" in dm.flag_reason and "forbidden word 'López'" in dm.flag_reason
    assert dm.text.endswith("firma")  # never cut
    assert public.status == "pending" and weighted_length(public.text) <= PUBLIC_LIMIT  # compact wording fits


def test_unknown_case_names_what_to_do(db_url: str) -> None:
    with pytest.raises(RejectedInput, match="no case 999"):
        draft_replies(db_url, 999, brand_config(), TEMPLATES)


def test_two_hundred_complainants_get_varied_words(db_url: str) -> None:
    people = [Person(f"user{i}", f"Person {i}", (f"@acme where is my parcel {i}",), lang="es" if i % 2 else "en") for i in range(200)]
    case_id, comp = make_case(db_url, people)
    draft_replies(db_url, case_id, brand_config(), TEMPLATES)
    drafts = _drafts(db_url, case_id)
    assert len(drafts) == 400
    for channel in ("dm", "public"):
        texts = [d for d in drafts if d.channel == channel]
        # Remove what is personal (name, handle, reference) and compare the wording itself.
        skeletons = [re.sub(r"Person \d+|@user\d+|CW-\d+-\d+|\b\d+\b", "X", d.text) for d in texts]
        distinct = len(set(skeletons))
        most_common = max(skeletons.count(s) for s in set(skeletons))
        assert distinct >= (180 if channel == "dm" else 80), (channel, distinct)
        assert most_common <= 6, (channel, most_common)
