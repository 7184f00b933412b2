"""Sending exactly once, on a real database; the X side is an in-process fake of the ReplySender port.

The lead adds the sandbox-backed test (tweepy against the X sandbox) after merging the connector.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crisiswatch.db.models import Author, CaseEvent, Complainant, Mention, ReplyDraft
from crisiswatch.db.session import session_scope
from crisiswatch.replies.approval import ApprovalDecision, apply_decision
from crisiswatch.replies.drafting import draft_replies
from crisiswatch.replies.sending import send_approved
from tests.replies_support import TEMPLATES, FakeSender, LookupSender, Person, SimulatedCrash, brand_config, make_case


def _case(db_url: str, n: int = 3, **replies: object) -> tuple[int, dict[int, dict[str, int]]]:
    case_id, comp = make_case(db_url, [Person(f"user{i}", f"User {i}", (f"@acme where is order 1000{i}", "@acme hello?")) for i in range(n)])
    draft_replies(db_url, case_id, brand_config(**replies), TEMPLATES)
    with session_scope(db_url) as s:
        drafts = s.scalars(select(ReplyDraft).where(ReplyDraft.case_id == case_id)).all()
        by = {}
        for d in drafts:
            by.setdefault(d.complainant_id, {})[d.channel] = d.id
    return case_id, {c: by[c] for c in comp}


def _status(db_url: str, case_id: int) -> dict[int, ReplyDraft]:
    with session_scope(db_url) as s:
        return {d.id: d for d in s.scalars(select(ReplyDraft).where(ReplyDraft.case_id == case_id))}


def _user_id(db_url: str, complainant_id: int) -> int:
    with session_scope(db_url) as s:
        return s.scalar(select(Author.x_id).join(Complainant, Complainant.author_id == Author.id).where(Complainant.id == complainant_id))


def _approve(db_url: str, case_id: int, ids: list[int] | None = None) -> None:
    apply_decision(db_url, case_id, ApprovalDecision(approve_all=ids is None, approve=ids or []), "maria")


def test_each_approved_dm_is_sent_once_even_when_called_twice(db_url: str) -> None:
    case_id, by = _case(db_url)
    dms = [p["dm"] for p in by.values()]
    _approve(db_url, case_id, dms[:2])
    sender = FakeSender()
    report = send_approved(db_url, case_id, sender, brand_config())
    assert report.sent == dms[:2] and len(sender.outbox) == 2
    again = send_approved(db_url, case_id, sender, brand_config())
    assert again.sent == [] and len(sender.outbox) == 2
    drafts = _status(db_url, case_id)
    for i in dms[:2]:
        d = drafts[i]
        assert d.status == "sent" and d.external_id.startswith("dm-") and d.sent_at is not None
    assert drafts[dms[2]].status == "pending"  # not approved: never sent
    # Delivered to the right person, with the approved text; the unneeded public drafts are closed.
    assert {(t, x) for _, t, x, _ in sender.outbox} == {(_user_id(db_url, c), drafts[p["dm"]].text) for c, p in list(by.items())[:2]}
    assert all(drafts[p["public"]].status == "not_needed" for p in list(by.values())[:2])


def test_a_crash_between_the_call_and_the_record_is_never_resent_blindly(db_url: str) -> None:
    case_id, by = _case(db_url, n=2)
    _approve(db_url, case_id, [p["dm"] for p in by.values()])
    crashing = FakeSender(crash_after_call=True)
    with pytest.raises(SimulatedCrash):
        send_approved(db_url, case_id, crashing, brand_config())
    first_dm = next(iter(by.values()))["dm"]
    assert _status(db_url, case_id)[first_dm].status == "sending"  # committed before the call
    healthy = FakeSender()
    report = send_approved(db_url, case_id, healthy, brand_config())
    assert report.uncertain == [first_dm]
    drafts = _status(db_url, case_id)
    assert drafts[first_dm].status == "uncertain" and "check on X" in drafts[first_dm].error
    assert [t for _, t, _, _ in healthy.outbox] == [_user_id(db_url, list(by)[1])]  # only the other one
    # A person checked X, it was not there: approving it again sends it, once.
    apply_decision(db_url, case_id, ApprovalDecision(approve=[first_dm]), "maria")
    send_approved(db_url, case_id, healthy, brand_config())
    send_approved(db_url, case_id, healthy, brand_config())
    assert len(healthy.outbox) == 2 and _status(db_url, case_id)[first_dm].status == "sent"


def test_after_a_crash_a_sender_that_can_look_up_records_what_x_has(db_url: str) -> None:
    case_id, by = _case(db_url, n=1)
    (dm,) = [p["dm"] for p in by.values()]
    _approve(db_url, case_id, [dm])
    sender = LookupSender(crash_after_call=True)
    with pytest.raises(SimulatedCrash):
        send_approved(db_url, case_id, sender, brand_config())
    sender.crash_after_call = False
    report = send_approved(db_url, case_id, sender, brand_config())
    assert report.recovered == [dm] and len(sender.outbox) == 1
    d = _status(db_url, case_id)[dm]
    assert d.status == "sent" and d.external_id == sender.outbox[0][3]


def test_closed_dms_get_the_public_acknowledgement_when_allowed(db_url: str) -> None:
    case_id, by = _case(db_url, n=2)
    (c0, p0), (c1, p1) = by.items()
    _approve(db_url, case_id)
    sender = FakeSender(closed_dms={_user_id(db_url, c0)})
    report = send_approved(db_url, case_id, sender, brand_config())
    assert report.dm_closed == [p0["dm"]] and report.public_acks == [p0["public"]]
    assert sorted(report.sent) == sorted([p1["dm"], p0["public"]])
    drafts = _status(db_url, case_id)
    assert drafts[p0["dm"]].status == "dm_closed" and drafts[p0["public"]].status == "sent"
    assert drafts[p1["public"]].status == "not_needed"
    with session_scope(db_url) as s:
        latest = s.scalar(select(Mention.x_id).where(Mention.id == drafts[p0["public"]].mention_id))
        texts = [m.text for m in s.scalars(select(Mention).where(Mention.author_x_id == _user_id(db_url, c0)).order_by(Mention.created_at))]
    assert ("reply", latest, drafts[p0["public"]].text) in [(k, t, x) for k, t, x, _ in sender.outbox]
    assert texts[-1] == "@acme hello?"  # the reply goes under the latest complaint
    assert send_approved(db_url, case_id, sender, brand_config()).sent == [] and len(sender.outbox) == 2


def test_closed_dms_without_public_acknowledgement(db_url: str) -> None:
    case_id, by = _case(db_url, n=1, allow_public_ack=False)
    ((c0, p0),) = by.items()
    assert "public" not in p0
    _approve(db_url, case_id)
    sender = FakeSender(closed_dms={_user_id(db_url, c0)})
    report = send_approved(db_url, case_id, sender, brand_config(allow_public_ack=False))
    assert report.dm_closed == [p0["dm"]] and sender.outbox == []
    assert _status(db_url, case_id)[p0["dm"]].status == "dm_closed"


def test_public_ack_waits_for_its_own_approval(db_url: str) -> None:
    case_id, by = _case(db_url, n=1)
    ((c0, p0),) = by.items()
    _approve(db_url, case_id, [p0["dm"]])
    sender = FakeSender(closed_dms={_user_id(db_url, c0)})
    report = send_approved(db_url, case_id, sender, brand_config())
    assert report.dm_closed == [p0["dm"]] and report.waiting == [p0["public"]] and sender.outbox == []
    _approve(db_url, case_id, [p0["public"]])
    report = send_approved(db_url, case_id, sender, brand_config())
    assert report.public_acks == [p0["public"]] and len(sender.outbox) == 1


def test_rate_limit_stops_the_batch_and_the_rest_stays_approved(db_url: str) -> None:
    case_id, by = _case(db_url, n=4)
    dms = [p["dm"] for p in by.values()]
    _approve(db_url, case_id, dms)
    sender = FakeSender(rate_limit_after=2)
    report = send_approved(db_url, case_id, sender, brand_config())
    assert report.sent == dms[:2] and report.rate_limited_until is not None and "rate limited" in report.stopped
    drafts = _status(db_url, case_id)
    assert [drafts[i].status for i in dms] == ["sent", "sent", "approved", "approved"]
    sender.rate_limit_after = None
    assert send_approved(db_url, case_id, sender, brand_config()).sent == dms[2:]
    assert len(sender.outbox) == 4 and len({t for _, t, _, _ in sender.outbox}) == 4
    with session_scope(db_url) as s:
        assert len(s.scalars(select(CaseEvent).where(CaseEvent.kind == "replies_sent")).all()) == 2


def test_two_runs_at_the_same_time_send_each_draft_once(db_url: str) -> None:
    import threading
    import time

    case_id, by = _case(db_url, n=6, allow_public_ack=False)
    _approve(db_url, case_id)
    lock = threading.Lock()

    class SlowSender(FakeSender):
        def send_dm(self, user_id: int, text: str) -> str:
            time.sleep(0.02)
            with lock:
                return super().send_dm(user_id, text)

    sender = SlowSender()
    reports = []
    threads = [threading.Thread(target=lambda: reports.append(send_approved(db_url, case_id, sender, brand_config()))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    targets = [t for _, t, _, _ in sender.outbox]
    assert len(targets) == 6 and len(set(targets)) == 6
    assert sorted(reports[0].sent + reports[1].sent) == sorted(p["dm"] for p in by.values())
    assert all(d.status == "sent" for d in _status(db_url, case_id).values())
