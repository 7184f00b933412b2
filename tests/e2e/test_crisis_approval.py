"""Step 4 under Prefect: the crisis subflow pauses for approval; the form is answered with approve
some, edit one, reject one; exactly the approved texts reach the X sandbox, once each, even when
the send task is retried after a rate limit. The response runs on a copy of the declared demo case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crisiswatch import clock
from crisiswatch.db.models import ReplyDraft
from crisiswatch.db.session import session_scope
from crisiswatch.settings import environment
from flows.demo import sandboxes
from tasks.replies import send_approved_replies
from tests.e2e.prove_support import FAKE, OTHER_SECRETS, DeclaredCase

EDITED = "Hola, lamentamos lo ocurrido. Ya revisamos tu caso y te escribimos en breve con la solución. — Equipo Cosecha Ya"
chosen: dict[str, Any] = {}


def approve_some_edit_one_reject_one(db_url: str) -> dict[str, Any]:
    with session_scope(db_url) as s:
        dms = s.scalars(select(ReplyDraft.id).where(ReplyDraft.channel == "dm", ReplyDraft.status == "pending").order_by(ReplyDraft.id)).all()
    approve, edit, reject = list(dms[:8]), dms[8], dms[9]
    chosen.update(approve=approve, edit=edit, reject=reject)
    return {"approve": approve + [edit], "reject": [reject], "edits": {str(edit): EDITED}, "approver": "maria.lopez"}


def test_only_approved_texts_reach_x_once(
    declared_case: DeclaredCase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(send_approved_replies, "retry_delay_seconds", [0.2, 0.2, 0.2])
    db_url = declared_case.copy_to(tmp_path)
    env = {"CRISISWATCH_DATABASE_URL": db_url, "CRISISWATCH_X_MAX_WAIT_SECONDS": "0"}  # a spent budget fails the task
    with sandboxes(tmp_path, FAKE) as sb, environment({**sb.env, **OTHER_SECRETS, **env}):
        sb.x.set_rate_limit("dm", 1000, window_seconds=2)
        sb.x.inject_fault("dm", status=429, count=1)  # the first DM meets a spent budget: retried after its reset
        sb.x.clock.set(declared_case.declared_at)
        clock.follow(declared_case.declared_at)
        try:
            declared_case.respond(db_url, approve_some_edit_one_reject_one)
        finally:
            clock.reset()
        sent_on_x = [m["text"] for m in sb.x.sent()["dms"]] + [p["text"] for p in sb.x.sent()["posts"]]
        dm_requests = sb.x.requests("dm")
    with session_scope(db_url) as s:
        drafts = {d.id: d for d in s.scalars(select(ReplyDraft).where(ReplyDraft.case_id == declared_case.case_id))}
    approved = chosen["approve"] + [chosen["edit"]]
    sent = [d for d in drafts.values() if d.status == "sent"]
    assert {d.id for d in sent} <= set(approved)  # nothing unapproved left
    assert sorted(sent_on_x) == sorted(d.text for d in sent)  # each approved text reached X exactly once
    assert len(sent_on_x) == len(set(sent_on_x))
    assert drafts[chosen["edit"]].text == EDITED and EDITED in sent_on_x
    assert drafts[chosen["edit"]].edits and drafts[chosen["edit"]].edits[-1]["by"] == "maria.lopez"
    assert drafts[chosen["reject"]].status == "rejected" and drafts[chosen["reject"]].text not in sent_on_x
    assert all(d.approver == "maria.lopez" for d in drafts.values() if d.id in approved)
    assert all(d.status == "pending" for d in drafts.values() if d.channel == "public" and d.status not in ("not_needed",))
    assert len(sent) >= 8  # the retried task sent the rest after the rate limit
    assert any("Retry 1/3" in r.getMessage() for r in caplog.records)  # the send task itself was retried
    attempted = [d for d in drafts.values() if d.channel == "dm" and d.status in ("sent", "dm_closed")]
    assert dm_requests == len(attempted) + 1  # one refused by the spent budget, then each DM once
