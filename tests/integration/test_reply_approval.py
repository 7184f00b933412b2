"""Approval on a real database: approve some, edit one (recorded and re-checked), reject one."""

from __future__ import annotations

from sqlalchemy import select

from crisiswatch.db.models import CaseEvent, ReplyDraft
from crisiswatch.db.session import session_scope
from crisiswatch.replies.approval import ApprovalDecision, apply_decision
from crisiswatch.replies.drafting import draft_replies
from tests.replies_support import TEMPLATES, Person, brand_config, make_case


def _setup(db_url: str, n: int = 3) -> tuple[int, list[int]]:
    case_id, _ = make_case(db_url, [Person(f"user{i}", f"User {i}") for i in range(n)])
    ids = draft_replies(db_url, case_id, brand_config(allow_public_ack=False), TEMPLATES)
    return case_id, ids


def _get(db_url: str, ids: list[int]) -> list[ReplyDraft]:
    with session_scope(db_url) as s:
        return [s.get(ReplyDraft, i) for i in ids]


def test_approve_some_edit_one_reject_one(db_url: str) -> None:
    case_id, (a, b, c) = _setup(db_url)
    before = _get(db_url, [b])[0].text
    decision = ApprovalDecision(approve=[a, b], reject=[c], edits={b: "Hi User 1, we are looking into it. — Acme"}, comment="ok")
    result = apply_decision(db_url, case_id, decision, "maria", brand=brand_config())
    assert result.approved == [a, b] and result.rejected == [c] and result.edited == [b] and not result.flagged
    da, db_, dc = _get(db_url, [a, b, c])
    assert da.status == db_.status == "approved" and da.approver == "maria" and da.approved_at is not None
    assert dc.status == "rejected"
    assert db_.text == "Hi User 1, we are looking into it. — Acme"
    assert len(db_.edits) == 1 and db_.edits[0]["old"] == before and db_.edits[0]["new"] == db_.text
    assert db_.edits[0]["by"] == "maria" and db_.edits[0]["at"] and db_.edits[0]["comment"] == "ok"
    with session_scope(db_url) as s:
        ev = s.scalars(select(CaseEvent).where(CaseEvent.kind == "replies_decision")).one()
        assert "maria" in ev.message and ev.data["approved"] == [a, b]


def test_an_edit_that_breaks_a_rule_is_flagged_not_approved(db_url: str) -> None:
    case_id, (a, b, c) = _setup(db_url)
    decision = ApprovalDecision(
        approve_all=True,
        edits={a: "Sorry, it was our fault.", b: "x" * 10_001, c: "We will send you a FREE voucher"},
    )
    result = apply_decision(db_url, case_id, decision, "maria", brand=brand_config(forbidden_words=["free"]))
    assert result.approved == [] and set(result.flagged) == {a, b, c}
    assert "admits liability" in result.flagged[a] and "10000" in result.flagged[b] and "forbidden word" in result.flagged[c]
    assert all(d.status == "flagged" for d in _get(db_url, [a, b, c]))
    # A second edit that fixes it lets the draft be approved; both edits are kept.
    fixed = apply_decision(db_url, case_id, ApprovalDecision(approve=[a], edits={a: "Sorry for the trouble, we are on it."}), "li")
    assert fixed.approved == [a]
    (da,) = _get(db_url, [a])
    assert da.status == "approved" and [e["by"] for e in da.edits] == ["maria", "li"]


def test_reject_wins_unknown_ids_are_reported_and_approve_all_skips_flagged(db_url: str) -> None:
    case_id, (a, b, c) = _setup(db_url)
    with session_scope(db_url) as s:
        s.get(ReplyDraft, c).status = "flagged"
    result = apply_decision(db_url, case_id, ApprovalDecision(approve_all=True, reject=[a], approve=[a, 999]), "maria")
    assert result.rejected == [a] and result.approved == [b]
    assert "no draft 999" in result.ignored[999]
    assert [d.status for d in _get(db_url, [a, b, c])] == ["rejected", "approved", "flagged"]


def test_sent_drafts_cannot_change(db_url: str) -> None:
    case_id, (a, b, _) = _setup(db_url)
    with session_scope(db_url) as s:
        s.get(ReplyDraft, a).status = "sent"
    result = apply_decision(db_url, case_id, ApprovalDecision(reject=[a], edits={a: "new"}), "maria")
    assert result.rejected == [] and result.edited == [] and "'sent'" in result.ignored[a]
    assert _get(db_url, [a])[0].status == "sent"


def test_editing_an_approved_draft_needs_approval_again(db_url: str) -> None:
    case_id, (a, _, _) = _setup(db_url)
    apply_decision(db_url, case_id, ApprovalDecision(approve=[a]), "maria")
    apply_decision(db_url, case_id, ApprovalDecision(edits={a: "A better text for you."}), "li")
    (da,) = _get(db_url, [a])
    assert da.status == "pending" and da.approver == "" and da.approved_at is None
